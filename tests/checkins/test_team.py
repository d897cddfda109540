"""A service team's captain checks in and out the members of their team at a venue, through the
hosts' check-in path; another team's member is refused, a member who captains nothing sees no
such control."""

import pytest
from django.urls import reverse

from checkins import services
from checkins.models import Attendance, Scan
from checkins.services import CheckinError
from members.models import ServiceTeam, TeamMembership
from tests import factories as f
from tests.checkins.factories import SignupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(member):
    """张伟 captains 助老服务队."""
    return ServiceTeam.objects.create(
        name="助老服务队", category=f.ServiceCategoryFactory(), captain=member
    )


@pytest.fixture
def teammate(team, branch, venue):
    m = f.MemberFactory(user__username="teammate", real_name="刘洋", branch=branch)
    TeamMembership.objects.create(team=team, member=m)
    SignupFactory(venue=venue, member=m)
    return m


@pytest.fixture
def stranger(other_member, venue):
    """李娜, signed up at the venue, of another team."""
    other_team = ServiceTeam.objects.create(
        name="环保服务队", category=f.ServiceCategoryFactory(), captain=other_member
    )
    someone = f.MemberFactory(user__username="other_teammate", real_name="周敏")
    TeamMembership.objects.create(team=other_team, member=someone)
    SignupFactory(venue=venue, member=someone)
    return someone


def test_captain_checks_a_team_member_in_and_out(member_user, teammate, venue):
    entry = services.team_check(
        member=teammate, kind="entry", venue=venue, nonce="t1", by=member_user
    )
    assert entry.ok and entry.scan.method == Scan.Method.TEAM
    again = services.team_check(
        member=teammate, kind="entry", venue=venue, nonce="t1", by=member_user
    )
    assert again.repeated
    services.team_check(member=teammate, kind="exit", venue=venue, nonce="t2", by=member_user)
    attendance = Attendance.objects.get(member=teammate)
    assert attendance.state == Attendance.State.OUT
    assert Scan.objects.filter(member=teammate).count() == 2


def test_captain_may_not_check_in_another_teams_member(member_user, teammate, stranger, venue):
    with pytest.raises(CheckinError) as error:
        services.team_check(member=stranger, kind="entry", venue=venue, nonce="x", by=member_user)
    assert error.value.code == "not_in_team"
    assert not Attendance.objects.filter(member=stranger).exists()


def test_a_member_who_captains_nothing_may_not(teammate, stranger, venue):
    with pytest.raises(CheckinError):
        services.team_check(member=teammate, kind="entry", venue=venue, nonce="y", by=stranger.user)


def test_captain_sees_the_control_on_the_activity_page_and_uses_it(
    login, member_user, teammate, activity, venue
):
    client = login(member_user)
    page = client.get(reverse("checkins:activity", args=[activity.pk])).content.decode()
    url = reverse("checkins:team", args=[venue.pk])
    assert url in page
    roster = client.get(url)
    assert "刘洋" in roster.content.decode()
    data = {"batch": roster.context["batch"], "action": "entry", "members": [teammate.pk]}
    assert client.post(url, data).status_code == 302
    # The same form sent twice counts once.
    client.post(url, data)
    assert Scan.objects.filter(member=teammate, method=Scan.Method.TEAM).count() == 1
    assert Attendance.objects.get(member=teammate).state == Attendance.State.IN


def test_captains_form_refuses_another_teams_member(login, member_user, teammate, stranger, venue):
    client = login(member_user)
    url = reverse("checkins:team", args=[venue.pk])
    assert "周敏" not in client.get(url).content.decode()
    client.post(url, {"batch": "b", "action": "entry", "members": [stranger.pk]})
    assert not Scan.objects.filter(member=stranger).exists()


def test_a_non_captain_sees_no_team_control(login, teammate, activity, venue):
    client = login(teammate.user)
    page = client.get(reverse("checkins:activity", args=[activity.pk])).content.decode()
    assert reverse("checkins:team", args=[venue.pk]) not in page
    assert client.get(reverse("checkins:team", args=[venue.pk])).status_code == 404


def test_captains_page_costs_a_fixed_number_of_queries(login, member_user, team, venue, branch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(member_user)
    url = reverse("checkins:team", args=[venue.pk])

    def more(n, tag):
        for i in range(n):
            m = f.MemberFactory(user__username=f"tm{tag}{i}", branch=branch)
            TeamMembership.objects.create(team=team, member=m)
            SignupFactory(venue=venue, member=m)

    more(2, "a")
    client.get(url)  # role facts cached
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    more(10, "b")
    client.get(url)  # role facts cached again (new members and teams clear them)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small) == len(large)
