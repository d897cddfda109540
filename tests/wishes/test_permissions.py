"""The permission table of the wishes app's access to residents and claims: action × object
(inside and outside each role's scope) × role → allowed or denied."""

import pytest

from members.access import can
from members.claimants import ClaimantKind
from tests.members.conftest import ROLES, as_user  # noqa: F401  (a fixture)
from tests.wishes.factories import ClaimFactory, WishFactory

Y, N = True, False


def _row(**allowed):
    allowed.setdefault("superuser", Y)
    return {role: allowed.get(role, N) for role in ROLES}


@pytest.fixture
def member_claim(member, wish):
    return ClaimFactory(wish=wish, member=member)


@pytest.fixture
def org_claim(party_committee, org_admin, wish):
    """A claim by the party committee (whose admin is `org_admin`; the committee above it is
    `committee_admin`'s)."""
    return ClaimFactory(
        wish=wish,
        claimant_kind=ClaimantKind.ORGANIZATION,
        organization=party_committee,
        member=None,
        claimed_by=org_admin,
    )


@pytest.fixture
def claimed_wish(member_claim):
    return member_claim.wish


@pytest.fixture
def org_claimed_wish(org_claim):
    return org_claim.wish


@pytest.fixture
def other_community_wish(other_community):
    from tests.wishes.factories import ResidentFactory

    return WishFactory(resident=ResidentFactory(community=other_community))


TABLE = [
    # The resident's phone and address: the community's staff, and whoever acts for the open
    # claim: the member, or the claiming organization's own admins, not the admins above it.
    ("wishes.wish.view_contact", "claimed_wish", _row(member=Y, staff=Y)),
    ("wishes.wish.view_contact", "org_claimed_wish", _row(org_admin=Y, staff=Y)),
    ("wishes.wish.view_contact", "other_community_wish", _row(other_staff=Y)),
    # Residents' names: the same people (an overseeing committee admin works without them).
    ("wishes.wish.view_resident_name", "claimed_wish", _row(member=Y, staff=Y)),
    ("wishes.wish.view_resident_name", "org_claimed_wish", _row(org_admin=Y, staff=Y)),
    ("wishes.wish.view_resident_name", None, _row(staff=Y, other_staff=Y)),
    # Who claimed by name, the promise and the notes: staff, overseers, whoever acts for it.
    ("wishes.claim.view_details", "member_claim", _row(member=Y, staff=Y, committee_admin=Y)),
    (
        "wishes.claim.view_details",
        "org_claim",
        _row(org_admin=Y, staff=Y, committee_admin=Y),
    ),
    ("wishes.claim.act", "org_claim", _row(org_admin=Y)),
    # An organization's own admins claim for it.
    ("wishes.claim.claim_for_organization", "party_committee", _row(org_admin=Y)),
    ("wishes.claim.claim_for_organization", "committee", _row(committee_admin=Y)),
]

CASES = [
    pytest.param(action, obj, role, expected, id=f"{action}-{obj}-{role}")
    for action, obj, row in TABLE
    for role, expected in row.items()
]


@pytest.mark.parametrize(("action", "obj_name", "role", "expected"), CASES)
def test_permission_table(request, as_user, action, obj_name, role, expected):  # noqa: F811
    obj = request.getfixturevalue(obj_name) if obj_name else None
    for name in ("member", "staff", "other_staff", "org_admin", "other_org_admin"):
        request.getfixturevalue(name)
    request.getfixturevalue("committee_admin")
    assert can(as_user(role), action, obj) is expected
