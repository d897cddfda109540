from members.access import get_roles
from tests import factories as f


def test_a_new_organization_gets_its_parents_path(branch, party_committee, committee):
    assert branch.path == f"{committee.pk}/{party_committee.pk}/{branch.pk}/"


def test_moving_an_organization_moves_its_subtree(branch, party_committee, other_party_committee):
    party_committee.parent = other_party_committee
    party_committee.save()
    branch.refresh_from_db()
    assert branch.path.startswith(other_party_committee.path)
    assert branch.is_within(other_party_committee)


def test_an_admin_of_a_party_committee_administers_its_branches(org_admin, branch, other_branch):
    roles = get_roles(org_admin)
    assert roles.administers(branch)
    assert not roles.administers(other_branch)


def test_a_committee_admin_administers_the_whole_tree(committee_admin, branch, other_branch):
    roles = get_roles(committee_admin)
    assert roles.administers(branch) and roles.administers(other_branch)
    assert roles.is_committee_admin


def test_chinese_usernames_are_accepted(db):
    user = f.UserFactory(username="王小明", email="wxm@example.org")
    user.full_clean()
