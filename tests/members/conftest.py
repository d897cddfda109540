import pytest
from django.contrib.auth.models import AnonymousUser

from tests import factories as f

ROLES = [
    "anonymous",
    "member",
    "staff",
    "other_staff",
    "org_admin",
    "other_org_admin",
    "committee_admin",
    "outsider",
    "superuser",
]


@pytest.fixture
def as_user(request, db):
    """`as_user("staff")`: the user of a cast role (an anonymous user for "anonymous")."""

    def _get(role):
        if role == "anonymous":
            return AnonymousUser()
        if role == "member":  # the `member` fixture is the profile; its user acts
            return request.getfixturevalue("member_user")
        return request.getfixturevalue(role)

    return _get


@pytest.fixture
def member_obj(member):
    return member


@pytest.fixture
def applicant(branch):
    """A member of `branch` with no registration yet."""
    return f.MemberFactory(user__username="applicant", real_name="王强", branch=branch)


@pytest.fixture
def pending(applicant, community):
    """A registration waiting for the staff of `community`."""
    return f.RegistrationFactory(member=applicant, community=community)


@pytest.fixture
def other_pending(other_branch, other_community):
    m = f.MemberFactory(user__username="other_applicant", real_name="赵敏", branch=other_branch)
    return f.RegistrationFactory(member=m, community=other_community)


@pytest.fixture
def partnership(party_committee, community):
    return f.PartnershipFactory(organization=party_committee, community=community)


@pytest.fixture
def other_partnership(other_party_committee, other_community):
    return f.PartnershipFactory(organization=other_party_committee, community=other_community)
