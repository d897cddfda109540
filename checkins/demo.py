"""Demo data of the check-in app (called by `manage.py seed_demo`): a past 党员义务奉献日 with
its venues, sign-ups and finalized attendances (service records made through records), a
door-knocking activity that ended with one attendance waiting for review, and an upcoming
义务奉献日 with sign-ups and a waiting list. Idempotent: a second run changes nothing."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from members.models import Community, CommunityRegistration, CommunityStaff, Member

from . import services
from .models import (
    Activity,
    Attendance,
    AttendanceSegment,
    Session,
    Signup,
    Venue,
)

MARKER = "党员义务奉献日（演示）"
ATTENDEES = {"default": 60, "small": 12}


def seed(*, size: str = "default", stdout=None) -> bool:
    say = stdout.write if stdout else (lambda s: None)
    if Activity.objects.filter(title__startswith=MARKER).exists():
        say("Check-ins: demo data already present; nothing to do.")
        return False
    community = Community.objects.order_by("pk").first()
    if community is None:
        say("Check-ins: no community; nothing to do.")
        return False
    with transaction.atomic():
        made = _Seeder(community, ATTENDEES.get(size, ATTENDEES["default"])).run()
    say(f"Check-ins: 3 activities, {made} attendances.")
    return True


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class _Seeder:
    def __init__(self, community: Community, attendees: int):
        self.community = community
        self.attendees = attendees
        self.rng = random.Random(20240701)  # noqa: S311 - demo data
        self.today = timezone.localdate()
        self.others = list(Community.objects.exclude(pk=community.pk).order_by("pk")[:2])
        self.staff = (
            CommunityStaff.objects.filter(community=community).select_related("user").first()
        )
        self.members = list(
            Member.objects.filter(
                registrations__state=CommunityRegistration.State.CONFIRMED,
                registrations__community__in=[community, *self.others],
            )
            .distinct()
            .order_by("pk")[: attendees + 10]
        )
        # The demo member's login shows a sign-up, a code and finalized hours.
        demo = Member.objects.filter(user__username="demo_member").first()
        if demo is not None:
            self.members = [demo, *[m for m in self.members if m.pk != demo.pk]]

    def _activity(self, title, *, state, campaign=None, day, start=8, end=11, kind="service"):
        activity = Activity.objects.create(
            title=title,
            kind=kind,
            campaign=campaign,
            organizer_community=self.community,
            state=state,
            description="围绕“我为群众办实事”，在职党员到社区报到服务：环境整治、政策宣传、便民服务摊位、走访慰问。",
            signup_closes_at=_at(day, 0) if state == Activity.State.PUBLISHED else None,
            finalize_by=day + datetime.timedelta(days=14),
            created_by=self.staff.user if self.staff else None,
        )
        session = Session.objects.create(
            activity=activity, starts_at=_at(day, start), ends_at=_at(day, end, 30)
        )
        return activity, session

    def _venues(self, activity, capacity):
        venues = [
            Venue.objects.create(
                activity=activity,
                name=f"{self.community.name}主会场",
                is_main=True,
                community=self.community,
                address=self.community.address or "社区党群服务中心广场",
                capacity=capacity,
                auto_exit_at=datetime.time(12, 0),
            )
        ]
        for other in self.others:
            venues.append(
                Venue.objects.create(
                    activity=activity,
                    name=f"{other.name}分会场",
                    community=other,
                    address=other.address or "社区活动室",
                    capacity=max(capacity // 2, 2),
                )
            )
        if self.staff:
            for venue in venues:
                venue.hosts.add(self.staff.user)
        return venues

    def _signups(self, activity, venues, members):
        for i, member in enumerate(members):
            services.signup_create(
                activity=activity, venue=venues[i % len(venues)], member=member, walk_in=True
            )

    def run(self) -> int:
        made = 0
        # A past 义务奉献日, finalized: hours are in the members' records.
        day = self.today - datetime.timedelta(days=20)
        past, session = self._activity(MARKER, state=Activity.State.ENDED, day=day)
        venues = self._venues(past, capacity=self.attendees)
        attended = self.members[: self.attendees]
        self._signups(past, venues, attended)
        signups = {
            s.member_id: s.venue for s in Signup.objects.filter(activity=past).select_related()
        }
        for i, member in enumerate(attended):
            if i % 10 == 9:  # a no-show now and then
                Attendance.objects.create(
                    session=session,
                    activity=past,
                    member=member,
                    home_organization_id=member.branch_id,
                    state=Attendance.State.NO_SHOW,
                )
                continue
            in_at = session.starts_at + datetime.timedelta(minutes=self.rng.randint(-20, 25))
            out_at = session.ends_at - datetime.timedelta(minutes=self.rng.randint(0, 40))
            attendance = Attendance.objects.create(
                session=session,
                activity=past,
                member=member,
                home_organization_id=member.branch_id,
                state=Attendance.State.OUT,
                first_in_at=in_at,
                last_out_at=out_at,
            )
            AttendanceSegment.objects.create(
                attendance=attendance, venue=signups[member.pk], in_at=in_at, out_at=out_at
            )
            attendance.credited_hours = services.hours_for(attendance, session, past)
            attendance.save(update_fields=["credited_hours"])
            made += 1
        services.activity_finalize(activity=past, by=self.staff.user if self.staff else None)

        # A door-knocking activity last week, ended, one attendance waiting for review.
        day = self.today - datetime.timedelta(days=5)
        knock, session = self._activity(
            "敲门行动·走访独居老人",
            state=Activity.State.ENDED,
            day=day,
            start=14,
            end=16,
        )
        knock_venues = self._venues(knock, capacity=20)
        for i, member in enumerate(self.members[:3]):
            in_at = session.starts_at + datetime.timedelta(minutes=5 * i)
            attendance = Attendance.objects.create(
                session=session,
                activity=knock,
                member=member,
                home_organization_id=member.branch_id,
                state=Attendance.State.REVIEW if i == 0 else Attendance.State.OUT,
                review=Attendance.Review.AUTO_EXIT if i == 0 else "",
                first_in_at=in_at,
                last_out_at=session.ends_at,
                suggested_hours=Decimal("2.0"),
                credited_hours=None if i == 0 else Decimal("2.0"),
            )
            AttendanceSegment.objects.create(
                attendance=attendance,
                venue=knock_venues[0],
                in_at=in_at,
                out_at=session.ends_at,
                auto_closed=i == 0,
            )
            made += 1

        # An upcoming 义务奉献日 with sign-ups and a waiting list at the main venue.
        day = self.today + datetime.timedelta(days=10)
        upcoming, _session = self._activity(
            f"{MARKER}·下一期", state=Activity.State.PUBLISHED, day=day
        )
        upcoming.signup_closes_at = _at(day - datetime.timedelta(days=1), 18)
        upcoming.save(update_fields=["signup_closes_at"])
        venues = self._venues(upcoming, capacity=max(self.attendees // 6, 2))
        for i, member in enumerate(self.members[: self.attendees // 2]):
            venue = venues[0] if i % 2 else venues[i % len(venues)]
            services.signup_create(activity=upcoming, venue=venue, member=member)
        # A smaller activity of the same campaign, open for sign-up.
        stall, _session = self._activity(
            "便民服务摊位：义诊、理发、家电维修",
            state=Activity.State.PUBLISHED,
            campaign=upcoming,
            day=day,
            start=9,
            end=11,
        )
        self._venues(stall, capacity=30)
        return made
