"""Leaderboards: each says its period; public boards show only members who opted in, with masked
names; the unit's staff see every member in full; ties share a rank; a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.periods import Period
from members.models import TeamMembership
from records.boards import (
    BoardPeriod,
    community_members,
    member_board,
    organization_board,
    team_board,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(member, community, branch):
    """张伟 (opted in) 10 h this half-year; 王小明 (opted in) 10 h; 李四 (not opted in) 30 h;
    service of last year counts only for all time."""
    today = timezone.localdate()
    member.on_public_boards = True
    member.save()
    wang = f.MemberFactory(real_name="王小明", branch=branch, on_public_boards=True)
    li = f.MemberFactory(real_name="李四", branch=branch)
    for m in (wang, li):
        f.ConfirmedRegistrationFactory(member=m, community=community)
    f.ServiceRecordFactory(
        member=member, community=community, hours=Decimal(10), points=10, served_on=today
    )
    f.ServiceRecordFactory(
        member=wang, community=community, hours=Decimal(10), points=12, served_on=today
    )
    f.ServiceRecordFactory.create_batch(
        2, member=li, community=community, hours=Decimal(15), points=15, served_on=today
    )
    f.ServiceRecordFactory(
        member=wang,
        community=community,
        hours=Decimal(20),
        points=20,
        served_on=datetime.date(today.year - 1, 3, 1),
    )
    return member, wang, li


def test_public_board_shows_only_opted_in_members_masked(cast, community):
    board = member_board(members=community_members(community), community=community)
    assert [(r.rank, r.name, r.hours) for r in board.rows] == [(1, "张*", 10), (1, "王*明", 10)]
    assert board.period_label == Period.current().label


def test_the_units_staff_see_everyone_in_full(cast, community):
    board = member_board(members=community_members(community), community=community, public=False)
    assert [(r.rank, r.name) for r in board.rows] == [(1, "李四"), (2, "张伟"), (2, "王小明")]


def test_all_time_counts_older_service_and_points_rank_differently(cast, community):
    board = member_board(
        members=community_members(community), community=community, period=BoardPeriod.ALL
    )
    assert [(r.name, r.hours) for r in board.rows] == [("王*明", 30), ("张*", 10)]
    board = member_board(members=community_members(community), community=community, by="points")
    assert [r.name for r in board.rows] == ["王*明", "张*"]
    assert board.rows[0].rank == 1 and board.rows[1].rank == 2


def test_the_page_is_public_and_says_its_period(client, cast, community):
    html = client.get(
        reverse("boards"), {"kind": "community", "unit": community.pk, "period": "year"}
    ).content.decode()
    assert "王*明" in html and "李四" not in html and "张伟" not in html
    assert str(timezone.localdate().year) in html


def test_staff_see_their_community_in_full(login, staff, cast, community):
    html = (
        login(staff)
        .get(reverse("boards"), {"kind": "community", "unit": community.pk})
        .content.decode()
    )
    assert "李四" in html and "张伟" in html


def test_other_staff_see_the_public_board(login, other_staff, cast, community):
    html = (
        login(other_staff)
        .get(reverse("boards"), {"kind": "community", "unit": community.pk})
        .content.decode()
    )
    assert "李四" not in html and "王*明" in html


def test_organizations_by_registration_rate(
    cast, party_committee, other_party_committee, other_branch
):
    f.MemberFactory(branch=other_branch)  # not registered anywhere
    rows, label = organization_board()
    by_name = {r.name: r for r in rows}
    assert by_name[party_committee.name].rate == 100
    assert by_name[party_committee.name].hours == 50
    assert by_name[other_party_committee.name].rate == 0
    assert rows[0].name == party_committee.name


def test_teams_by_hours(cast, community):
    member, wang, li = cast
    team = f_team(member, [wang])
    rows, label = team_board()
    assert [(r.name, r.hours, r.members) for r in rows] == [(team.name, Decimal(20), 2)]


def f_team(captain, others):
    from members.models import ServiceCategory, ServiceTeam

    category, _ = ServiceCategory.objects.get_or_create(name="助老服务")
    team = ServiceTeam.objects.create(name="助老服务队", category=category, captain=captain)
    for m in [captain, *others]:
        TeamMembership.objects.create(team=team, member=m)
    return team


def test_the_team_page(login, member_user, cast, outsider):
    member, wang, li = cast
    team = f_team(member, [wang])
    response = login(member_user).get(reverse("portal:team_detail", args=[team.pk]))
    html = response.content.decode()
    assert response.status_code == 200, html[-3000:]
    assert "张伟" in html and "王小明" in html
    assert "20" in html.split("team-half-hours")[1][:20], html.split("team-half-hours")[1][:40]
    html = login(outsider).get(reverse("portal:team_detail", args=[team.pk])).content.decode()
    assert "王小明" not in html and "王*明" in html


@pytest.mark.parametrize("n", [3, 40])
def test_a_board_costs_a_fixed_number_of_queries(
    client, community, branch, n, django_assert_max_num_queries
):
    for i in range(n):
        m = f.MemberFactory(branch=branch, on_public_boards=True)
        f.ConfirmedRegistrationFactory(member=m, community=community)
        f.ServiceRecordFactory(member=m, community=community, hours=Decimal(i % 5 + 1))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("boards"), {"kind": "community", "unit": community.pk})
    assert response.status_code == 200


def test_bad_parameters_give_the_default_board(client, cast):
    response = client.get(reverse("boards"), {"kind": "x", "unit": "abc", "period": "9999"})
    assert response.status_code == 200


def test_the_member_home_shows_both_periods_and_the_star_level(
    login, member_user, cast, star_rules
):
    from records.stars import award_stars

    StarRule = star_rules[0].__class__
    StarRule.objects.filter(level=1).update(min_hours=5)
    award_stars()
    html = login(member_user).get(reverse("portal:dashboard")).content.decode()
    assert 'data-testid="home-recognition"' in html
    assert Period.current().label in html
    assert "一星" in html and "二星" in html
