"""The check-in races, run against a real database by threads with their own connections.

Used in-process by test_races.py on PostgreSQL, and in a subprocess on a file SQLite database
(`python -m tests.checkins.races` with DATABASE_URL set): the in-memory SQLite of the test run
cannot be written from several threads. Prints one JSON line of outcomes when run as a script.
"""

from __future__ import annotations

import json
import os
import threading
import uuid


def _run_threads(count: int, work) -> list:
    from django.db import connections

    barrier = threading.Barrier(count)
    outcomes = []
    lock = threading.Lock()

    def run(i):
        try:
            barrier.wait(timeout=30)
            result = work(i)
        except Exception as error:  # noqa: BLE001 - reported in the outcomes
            result = repr(error)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def _world(tag: str):
    from tests import factories as f
    from tests.checkins.factories import ActivityFactory, SessionFactory, VenueFactory

    community = f.CommunityFactory(name=f"竞速社区{tag}")
    host = f.UserFactory(username=f"racehost{tag}")
    activity = ActivityFactory(organizer_community=community)
    SessionFactory(activity=activity)
    venue = VenueFactory(activity=activity, hosts=[host], capacity=1000)
    return community, host, activity, venue


def race_one_member_two_devices(scans: int = 50) -> dict:
    """One member's code scanned `scans` times at once on two devices: one attendance, one
    open segment, every scan logged once."""
    from checkins import services
    from checkins.models import Attendance, AttendanceSegment, Scan
    from tests import factories as f

    tag = uuid.uuid4().hex[:6]
    _community, host, _activity, venue = _world(tag)
    member = f.MemberFactory(user__username=f"racer{tag}")
    secret = services.member_code_current(member=member).secret
    devices = [services.device_open(venue=venue, by=host)[0] for _ in range(2)]

    def work(i):
        outcome = services.scan_redeem(
            code=secret,
            kind="entry",
            venue=venue,
            nonce=f"{tag}-{i}",
            by=host,
            device=devices[i % 2],
        )
        return outcome.result

    outcomes = _run_threads(scans, work)
    return {
        "outcomes": sorted(outcomes),
        "attendances": Attendance.objects.filter(member=member).count(),
        "open_segments": AttendanceSegment.objects.filter(
            attendance__member=member, out_at__isnull=True
        ).count(),
        "scans": Scan.objects.filter(member=member).count(),
    }


def race_last_seat(racers: int = 30) -> dict:
    """`racers` members sign up at once for a venue with one seat left: one gets it."""
    from checkins import services
    from checkins.models import Signup, Venue
    from tests import factories as f

    tag = uuid.uuid4().hex[:6]
    _community, _host, activity, venue = _world(tag)
    Venue.objects.filter(pk=venue.pk).update(capacity=1)
    members = [f.MemberFactory(user__username=f"seat{tag}{i}") for i in range(racers)]

    def work(i):
        return services.signup_create(activity=activity, venue=venue, member=members[i]).state

    outcomes = _run_threads(racers, work)
    venue.refresh_from_db()
    return {
        "outcomes": sorted(outcomes),
        "registered": Signup.objects.filter(venue=venue, state=Signup.State.REGISTERED).count(),
        "taken": venue.taken,
    }


def race_same_nonce(copies: int = 10) -> dict:
    """The same scan (one nonce) sent `copies` times at once: one check-in."""
    from checkins import services
    from checkins.models import AttendanceSegment, Scan
    from tests import factories as f

    tag = uuid.uuid4().hex[:6]
    _community, host, _activity, venue = _world(tag)
    member = f.MemberFactory(user__username=f"nonce{tag}")
    secret = services.member_code_current(member=member).secret
    device = services.device_open(venue=venue, by=host)[0]

    def work(i):
        outcome = services.scan_redeem(
            code=secret, kind="entry", venue=venue, nonce="same", by=host, device=device
        )
        return "repeated" if outcome.repeated else outcome.result

    outcomes = _run_threads(copies, work)
    return {
        "outcomes": sorted(outcomes),
        "scans": Scan.objects.filter(device=device).count(),
        "segments": AttendanceSegment.objects.filter(attendance__member=member).count(),
    }


RACES = {
    "one_member_two_devices": race_one_member_two_devices,
    "last_seat": race_last_seat,
    "same_nonce": race_same_nonce,
}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    print(json.dumps({name: race() for name, race in RACES.items()}))  # noqa: T201


if __name__ == "__main__":
    main()
