"""Claimants: a member; a team, by its captain; an organization, by its admins."""

import pytest
from django.db import IntegrityError, transaction

from members.access import get_roles
from members.claimants import (
    ClaimantKind,
    acts_for,
    claimant_choices,
    claimant_from_choice,
    claimant_q,
    participants,
)
from tests import factories as f
from tests.wishes.factories import ClaimFactory, ServiceTeamFactory, TeamMembershipFactory
from wishes.models import Claim


@pytest.fixture
def team(member, community):
    return ServiceTeamFactory(name="红色帮帮团", captain=member, community=community)


def test_a_member_claims_for_themselves_their_teams_and_nothing_else(member_user, team):
    assert claimant_choices(member_user) == [
        ("member", "我本人"),
        (f"team:{team.pk}", "服务队：红色帮帮团"),
    ]
    assert claimant_from_choice(f"team:{team.pk}") == (team, None)
    assert claimant_from_choice("member") == (None, None)


def test_an_org_admin_claims_for_the_organizations_they_administer(org_admin, party_committee):
    assert claimant_choices(org_admin) == [
        (f"org:{party_committee.pk}", f"单位：{party_committee.name}")
    ]


def test_the_captain_acts_for_a_team_claim_and_a_team_member_does_not(member, team, branch):
    other = f.MemberFactory(branch=branch)
    TeamMembershipFactory(team=team, member=other)
    claim = ClaimFactory(claimant_kind=ClaimantKind.TEAM, team=team, member=member)
    assert acts_for(get_roles(member.user), claim)
    assert not acts_for(get_roles(other.user), claim)
    assert set(participants(claim)) == {member, other}


def test_an_admin_of_the_organization_acts_for_its_claim_and_finds_it(
    org_admin, other_org_admin, party_committee, member
):
    claim = ClaimFactory(
        claimant_kind=ClaimantKind.ORGANIZATION,
        organization=party_committee,
        member=None,
        claimed_by=org_admin,
    )
    assert acts_for(get_roles(org_admin), claim)
    assert not acts_for(get_roles(other_org_admin), claim)
    assert list(Claim.objects.filter(claimant_q(get_roles(org_admin)))) == [claim]
    assert not Claim.objects.filter(claimant_q(get_roles(other_org_admin))).exists()


def test_the_database_refuses_a_team_claim_without_its_team(member):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(claimant_kind=ClaimantKind.TEAM, team=None, member=member)
