"""Every list page of the check-in app, and the dashboard fragment, costs a fixed number of
queries whether the activity has 5 attendances or 60."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from checkins.models import Attendance, AttendanceSegment, Signup
from checkins.services import member_code_current
from members.models import Member, User

pytestmark = pytest.mark.django_db


def seed(activity, venue, session, branch, n, tag):
    users = User.objects.bulk_create(User(username=f"q{tag}{i}") for i in range(n))
    members = Member.objects.bulk_create(
        Member(user=u, real_name=f"成员{i}", phone=f"1390000{i:04d}", branch=branch)
        for i, u in enumerate(users)
    )
    Signup.objects.bulk_create(
        Signup(activity=activity, venue=venue, member=m, state=Signup.State.REGISTERED)
        for m in members
    )
    now = timezone.now()
    attendances = Attendance.objects.bulk_create(
        Attendance(
            session=session,
            activity=activity,
            member=m,
            home_organization=branch,
            state=Attendance.State.IN if i % 2 else Attendance.State.REVIEW,
            first_in_at=now,
        )
        for i, m in enumerate(members)
    )
    AttendanceSegment.objects.bulk_create(
        AttendanceSegment(attendance=a, venue=venue, in_at=now) for a in attendances
    )
    for m in members[:3]:
        member_code_current(member=m)
    return members


def _count(client, url, **params) -> int:
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


PAGES = [
    ("staff", "checkins:dashboard_live", "activity"),
    ("staff", "checkins:review", "activity"),
    ("staff", "checkins:attendances", "activity"),
    ("staff", "checkins:export", "activity"),
    ("host", "checkins:roster", "venue"),
    ("host", "checkins:roster_json", "venue"),
    ("host", "checkins:recent", "venue"),
    ("host", "checkins:search", "venue"),
    ("host", "checkins:sheet", "venue"),
    ("host", "checkins:sheet_pdf", "venue"),
    ("host", "checkins:sheet_enter", "venue"),
]


@pytest.mark.parametrize(("role", "name", "arg"), PAGES)
def test_list_pages_cost_a_fixed_number_of_queries(
    request, login, activity, venue, session, branch, role, name, arg
):
    client = login(request.getfixturevalue(role))
    url = reverse(name, args=[(activity if arg == "activity" else venue).pk])
    seed(activity, venue, session, branch, 5, "a")
    small = _count(client, url, q="成员")
    seed(activity, venue, session, branch, 60, "b")
    large = _count(client, url, q="成员")
    assert small == large, (small, large)


@pytest.mark.parametrize("name", ["checkins:mine", "checkins:activities", "portal:dashboard"])
def test_member_pages_cost_a_fixed_number_of_queries(
    login, member_user, activity, venue, session, branch, name
):
    from tests.checkins.factories import ActivityFactory, SessionFactory, VenueFactory

    client = login(member_user)

    def more(n):
        for _ in range(n):
            other = ActivityFactory(organizer_community=activity.organizer_community)
            other_session = SessionFactory(activity=other)
            other_venue = VenueFactory(activity=other)
            Signup.objects.create(
                activity=other, venue=other_venue, member=member_user.member, state="registered"
            )
            Attendance.objects.create(
                session=other_session,
                activity=other,
                member=member_user.member,
                state=Attendance.State.OUT,
            )

    more(2)
    small = _count(client, reverse(name))
    more(8)
    large = _count(client, reverse(name))
    assert small == large, (small, large)


def test_the_dashboard_fragment_is_a_handful_of_queries(
    login, staff, activity, venue, session, branch
):
    seed(activity, venue, session, branch, 60, "c")
    client = login(staff)
    queries = _count(client, reverse("checkins:dashboard_live", args=[activity.pk]))
    assert queries <= 14
    # Cached for a few seconds: a second screen polling costs no dashboard query.
    with CaptureQueriesContext(connection) as again:
        client.get(reverse("checkins:dashboard_live", args=[activity.pk]))
    assert len(again) < queries
