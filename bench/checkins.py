"""`make bench` (check-ins): one 义务奉献日 morning, as in Jianghan: 6,665 members at 120 venues,
about 13,000 scans (every member in, most out) from 20 concurrent scanning devices.

Seeds the members and their codes once (a later run reuses them) and a fresh activity each run
(the last run's is removed first), then prints:
- the scan's server time, p50 and p95, through the scanner's JSON endpoint (the whole Django
  stack: session, permission, service) with 20 threads, each its own logged-in device, as
  ratios to a baseline endpoint with the same login that does one indexed read and answers
  JSON — so the figure says what the scan costs beyond any request, and no hot counter row
  makes it grow under concurrency;
- 500 scans queued offline, synced in batches as the scanner does: the time per batch and
  that each was recorded once;
- the dashboard fragment's queries and time at the end of the morning.
"""

from __future__ import annotations

import json
import os
import statistics
import threading
import time

from django.http import JsonResponse
from django.urls import include, path

MEMBERS = int(os.environ.get("BENCH_CHECKIN_MEMBERS", 6665))
VENUES = 120
THREADS = 20
OFFLINE = 500
EXIT_SHARE = 0.95  # 6,665 in + 6,335 out ≈ 13,000 scans
TAG = "签到基准"


def baseline(request):
    """One indexed read with the same login, answered as JSON."""
    from checkins.models import Venue

    venue = Venue.objects.filter(pk=int(request.GET["venue"])).values("pk", "name").first()
    return JsonResponse({"ok": True, "venue": venue})


urlpatterns = [path("bench/baseline/", baseline), path("", include("config.urls"))]


def _seed_members():
    """The district's members, each with a check-in code (reused when present)."""
    from django.db import transaction
    from django.utils import timezone

    from checkins.models import MemberCode, code_hash
    from members.models import Community, District, Member, Organization, Subdistrict, User

    district, _ = District.objects.get_or_create(name=f"{TAG}区")
    sub, _ = Subdistrict.objects.get_or_create(district=district, name=f"{TAG}街道")
    communities = list(Community.objects.filter(subdistrict=sub).order_by("pk"))
    if len(communities) < 12:
        Community.objects.bulk_create(
            Community(subdistrict=sub, name=f"{TAG}{i}社区") for i in range(len(communities), 12)
        )
        communities = list(Community.objects.filter(subdistrict=sub).order_by("pk"))
    host, _ = User.objects.get_or_create(username="bench_checkin_host")
    existing = Member.objects.filter(user__username__startswith="bench_ci_").count()
    if existing < MEMBERS:
        started = time.monotonic()
        with transaction.atomic():
            committee, _ = Organization.objects.get_or_create(
                name=f"{TAG}工委", kind=Organization.Kind.COMMITTEE
            )
            party, _ = Organization.objects.get_or_create(
                name=f"{TAG}机关党委", kind=Organization.Kind.PARTY_COMMITTEE, parent=committee
            )
            branches = []
            for i in range(185):  # 185 organizations, as on the day
                branch, _ = Organization.objects.get_or_create(
                    name=f"{TAG}单位{i}支部", kind=Organization.Kind.BRANCH, parent=party
                )
                branches.append(branch)
            users = User.objects.bulk_create(
                User(username=f"bench_ci_{i}") for i in range(existing, MEMBERS)
            )
            members = Member.objects.bulk_create(
                Member(
                    user=u,
                    real_name=f"党员{existing + i}",
                    phone=f"138{existing + i:08d}",
                    branch=branches[(existing + i) % len(branches)],
                )
                for i, u in enumerate(users)
            )
            codes = []
            for m in members:
                salt = os.urandom(16).hex()
                codes.append(
                    MemberCode(
                        member=m,
                        salt=salt,
                        secret_hash=code_hash(MemberCode.secret_for(salt)),
                        issued_at=timezone.now(),
                    )
                )
            MemberCode.objects.bulk_create(codes, batch_size=2000)
        print(
            f"seeded {MEMBERS - existing} members with codes in {time.monotonic() - started:.1f} s"
        )
    codes = list(
        MemberCode.objects.filter(
            member__user__username__startswith="bench_ci_", revoked_at__isnull=True
        ).values_list("salt", flat=True)[:MEMBERS]
    )
    return communities, host, codes


def _fresh_activity(communities, host):
    """This run's activity (the last run's removed first): one session now, 120 venues."""
    import datetime

    from django.utils import timezone

    from checkins.models import Activity, Attendance, Session, Venue

    for old in Activity.objects.filter(title__startswith=TAG):
        Attendance.objects.filter(activity=old).delete()
        old.delete()
    now = timezone.now()
    activity = Activity.objects.create(
        title=f"{TAG}义务奉献日",
        organizer_community=communities[0],
        state=Activity.State.PUBLISHED,
        min_minutes=0,
    )
    Session.objects.create(
        activity=activity,
        starts_at=now - datetime.timedelta(minutes=10),
        ends_at=now + datetime.timedelta(hours=4),
    )
    venues = Venue.objects.bulk_create(
        Venue(
            activity=activity,
            name=f"{'主' if i < 12 else '分'}会场{i}",
            is_main=i < 12,
            community=communities[i % len(communities)],
        )
        for i in range(VENUES)
    )
    for v in venues:
        v.hosts.add(host)
    return activity, venues


def _token(host, venue_pk) -> str:
    """A device bound to the venue, as the scanner page makes one."""
    from checkins import services
    from checkins.models import Venue

    return services.device_open(venue=Venue.objects.get(pk=venue_pk), by=host, name="bench")[1]


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)] * 1000


def _scan_round(host, venues, secrets) -> tuple[list, list, int]:
    """Every member in at a venue (half of them at the 12 main venues), most out again, from
    20 devices at once; and the baseline, interleaved on the same threads."""
    from django.db import connections
    from django.test import Client

    scans = []
    for i, secret in enumerate(secrets):
        venue = venues[i % 12] if i % 2 else venues[12 + i % (VENUES - 12)]
        scans.append((venue.pk, secret, "entry"))
    for i, secret in enumerate(secrets[: int(len(secrets) * EXIT_SHARE)]):
        venue = venues[i % 12] if i % 2 else venues[12 + i % (VENUES - 12)]
        scans.append((venue.pk, secret, "exit"))
    entries = len(secrets)
    timings, base_timings, errors = [], [], []
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def work(t):
        client = Client()
        client.force_login(host, backend="django.contrib.auth.backends.ModelBackend")
        tokens = {}
        mine_entries = scans[:entries][t::THREADS]
        mine_exits = scans[entries:][t::THREADS]
        local, base = [], []
        barrier.wait()
        for phase in (mine_entries, mine_exits):
            for n, (venue_pk, secret, kind) in enumerate(phase):
                if venue_pk not in tokens:
                    tokens[venue_pk] = _token(host, venue_pk)
                body = json.dumps(
                    {
                        "code": secret,
                        "kind": kind,
                        "nonce": f"{t}-{kind}-{n}",
                        "token": tokens[venue_pk],
                    }
                )
                started = time.perf_counter()
                try:
                    response = client.post(
                        f"/checkins/host/venues/{venue_pk}/scan/",
                        body,
                        content_type="application/json",
                    )
                    failed = response.status_code != 200 or not response.json().get("ok")
                    problem = response.content[:200]
                except Exception as error:  # noqa: BLE001 - counted and the first printed
                    failed, problem = True, repr(error)
                local.append(time.perf_counter() - started)
                if failed:
                    with lock:
                        errors.append(problem)
                if n % 10 == 0:
                    started = time.perf_counter()
                    client.get("/bench/baseline/", {"venue": venue_pk})
                    base.append(time.perf_counter() - started)
            barrier.wait(timeout=600)
        with lock:
            timings.extend(local)
            base_timings.extend(base)
        connections.close_all()

    threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        print("first problem:", errors[0])
    return timings, base_timings, len(errors), elapsed


def _offline_sync(host, venue, secrets) -> tuple[list, int]:
    """500 scans made offline on one device, then sent in batches of 100 (as scanner.js)."""
    from django.test import Client

    from checkins.models import Scan

    client = Client()
    client.force_login(host, backend="django.contrib.auth.backends.ModelBackend")
    token = _token(host, venue.pk)
    now_ms = int(time.time() * 1000)
    queued = [
        {"nonce": f"offline-{i}", "code": s, "kind": "exit", "time": now_ms - (OFFLINE - i) * 100}
        for i, s in enumerate(secrets[-OFFLINE:])
    ]
    batch_times = []
    for start in range(0, len(queued), 100):
        body = json.dumps({"token": token, "scans": queued[start : start + 100]})
        started = time.perf_counter()
        client.post(
            f"/checkins/host/venues/{venue.pk}/sync/", body, content_type="application/json"
        )
        batch_times.append(time.perf_counter() - started)
    # The same queue sent again (a retry after a lost answer): nothing new.
    client.post(
        f"/checkins/host/venues/{venue.pk}/sync/",
        json.dumps({"token": token, "scans": queued[:100]}),
        content_type="application/json",
    )
    recorded = Scan.objects.filter(venue=venue, nonce__startswith="offline-").count()
    return batch_times, recorded


def _dashboard(host, activity) -> tuple[int, float]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from members.models import CommunityStaff

    staff = CommunityStaff.objects.filter(community=activity.organizer_community).first()
    if staff is None:
        staff = CommunityStaff.objects.create(user=host, community=activity.organizer_community)
    client = Client()
    client.force_login(staff.user, backend="django.contrib.auth.backends.ModelBackend")
    url = f"/checkins/organize/{activity.pk}/dashboard/live/"
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        client.get(url)
        elapsed = time.perf_counter() - started
    return len(queries), elapsed * 1000


def main() -> None:
    from django.db import connection
    from django.test.utils import override_settings

    from bench.wishes import _ensure_database
    from checkins.models import Attendance, MemberCode, Scan

    _ensure_database()
    communities, host, salts = _seed_members()
    secrets = [MemberCode.secret_for(s) for s in salts]
    activity, venues = _fresh_activity(communities, host)
    print(
        f"check-in bench on {connection.vendor}: {len(secrets):,} members, {VENUES} venues, "
        f"{THREADS} devices"
    )
    with override_settings(
        ROOT_URLCONF="bench.checkins", DEBUG=False, ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False
    ):
        timings, base, errors, elapsed = _scan_round(host, venues, secrets)
        batch_times, recorded = _offline_sync(host, venues[0], secrets)
        queries, dash_ms = _dashboard(host, activity)
    attendances = Attendance.objects.filter(activity=activity).count()
    scans = Scan.objects.filter(venue__activity=activity).count()
    p50, p95 = _percentile(timings, 0.5), _percentile(timings, 0.95)
    b50, b95 = _percentile(base, 0.5), _percentile(base, 0.95)
    print(
        f"scans: {len(timings):,} in {elapsed:.0f} s ({len(timings) / elapsed:.0f} per second), "
        f"{errors} not ok; {attendances:,} attendances, {scans:,} scan rows"
    )
    print(f"baseline (one indexed read, same login): p50 {b50:.1f} ms, p95 {b95:.1f} ms")
    print(
        f"scan: p50 {p50:.1f} ms ({p50 / b50:.1f}× baseline), p95 {p95:.1f} ms "
        f"({p95 / b95:.1f}× baseline)"
    )
    print(
        f"offline: {OFFLINE} queued scans synced in {len(batch_times)} batches of 100, "
        f"median {statistics.median(batch_times) * 1000:.0f} ms a batch; "
        f"{recorded} recorded once (a resent batch added none)"
    )
    print(f"dashboard fragment: {queries} queries, {dash_ms:.0f} ms (uncached)")
