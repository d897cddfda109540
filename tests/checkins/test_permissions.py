"""The permission table: who may do what to an activity and its venues, role by role. Hosts are
limited to their own venue."""

import pytest

from checkins.models import Activity, Attendance, Scan, Signup, Venue
from members.access import can, scope, work_scope

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "member_user",
    "host",
    "staff",
    "other_staff",
    "org_admin",
    "committee_admin",
    "outsider",
    "superuser",
]

# action on the activity (organized by `community`, whose staff is `staff`) or on `venue`
# (hosted by `host`, of `community`) → the roles that may.
TABLE = {
    ("checkins.activity.manage", "activity"): {"staff", "superuser"},
    ("checkins.activity.dashboard", "activity"): {"staff", "committee_admin", "superuser"},
    ("checkins.activity.signup", "activity"): {"member_user", "superuser"},
    ("checkins.venue.host", "venue"): {"host", "staff", "superuser"},
    # The organizers work every venue of their activity; a named host only their own.
    ("checkins.venue.host", "other_venue"): {"staff", "other_staff", "superuser"},
    # A team's captain (none of these roles; see test_team.py): their team's members only.
    ("checkins.venue.captain", "venue"): {"superuser"},
    ("checkins.activity.change", "activity"): {"staff", "superuser"},
    ("checkins.activity.view", "activity"): {"staff", "committee_admin", "superuser"},
    ("checkins.membercode.view", None): {"superuser"},
}


def _user(request, role):
    if role == "anonymous":
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser()
    return request.getfixturevalue(role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("action", "target"), list(TABLE))
def test_permission_table(request, activity, venue, other_venue, role, action, target):
    user = _user(request, role)
    obj = {"activity": activity, "venue": venue, "other_venue": other_venue, None: None}[target]
    assert can(user, action, obj) == (role in TABLE[action, target])


@pytest.mark.parametrize("role", ROLES)
def test_everyone_sees_published_activities_and_only_their_own_rows(
    request, activity, venue, member, role
):
    from checkins import services

    Signup.objects.create(activity=activity, venue=venue, member=member, state="registered")
    services.scan_redeem(
        code=services.member_code_current(member=member).secret,
        kind="entry",
        venue=venue,
        nonce="p",
        by=request.getfixturevalue("host"),
    )
    user = _user(request, role)
    assert scope(user, Activity.objects.all()).count() == 1
    sees_rows = role in {"member_user", "host", "staff", "committee_admin", "superuser"}
    assert scope(user, Attendance.objects.all()).exists() == sees_rows
    assert scope(user, Signup.objects.all()).exists() == sees_rows
    scans_seen = role in {"host", "staff", "committee_admin", "superuser"}
    assert scope(user, Scan.objects.all()).exists() == scans_seen


def test_a_host_works_on_their_venue_only(host, venue, other_venue):
    assert list(work_scope(host, Venue.objects.all())) == [venue]
