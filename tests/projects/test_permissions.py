"""The permission table of the projects app: action × object (inside and outside each role's
scope: another community, another organization's subtree) × role → allowed or denied; and the
rows each role's scope lets through."""

import pytest

from members.access import can, scope
from members.claimants import ClaimantKind
from projects.models import Need, Project, ProjectClaim, Resource
from tests.members.conftest import ROLES, as_user  # noqa: F401  (a fixture)
from tests.projects.factories import NeedFactory, ProjectFactory, ResourceFactory

Y, N = True, False


def _row(**allowed):
    allowed.setdefault("superuser", Y)
    return {role: allowed.get(role, N) for role in ROLES}


@pytest.fixture
def draft(community, greenery):
    return ProjectFactory(community=community, category=greenery, state=Project.State.DRAFT)


@pytest.fixture
def member_claim(member, project):
    Project.objects.filter(pk=project.pk).update(state=Project.State.CLAIMED)
    return ProjectClaim.objects.create(project=project, member=member, claimed_by=member.user)


@pytest.fixture
def org_claim(party_committee, org_admin, project):
    Project.objects.filter(pk=project.pk).update(state=Project.State.CLAIMED)
    return ProjectClaim.objects.create(
        project=project,
        claimant_kind=ClaimantKind.ORGANIZATION,
        organization=party_committee,
        claimed_by=org_admin,
    )


@pytest.fixture
def claimed_project(member_claim):
    project = member_claim.project
    project.refresh_from_db()
    return project


@pytest.fixture
def other_resource(other_community, greenery, other_party_committee):
    return ResourceFactory(
        community=other_community, category=greenery, organization=other_party_committee
    )


@pytest.fixture
def member_resource(member, community, greenery):
    return ResourceFactory(
        claimant_kind=ClaimantKind.MEMBER,
        member=member,
        organization=None,
        community=community,
        category=greenery,
    )


TABLE = [
    # Staff manage their own community's needs, projects, resources and meetings.
    ("projects.need.manage", "need", _row(staff=Y)),
    ("projects.need.manage", "other_need", _row(other_staff=Y)),
    ("projects.need.manage", None, _row(staff=Y, other_staff=Y)),
    ("projects.project.manage", "project", _row(staff=Y)),
    ("projects.project.manage", "other_project", _row(other_staff=Y)),
    ("projects.resource.manage", "resource", _row(staff=Y)),
    ("projects.resource.manage", "other_resource", _row(other_staff=Y)),
    # Offering: members and organization admins.
    (
        "projects.resource.offer",
        None,
        _row(member=Y, org_admin=Y, other_org_admin=Y, committee_admin=Y),
    ),
    # Acting for an offer: the offering organization's own admins, the offering member.
    ("projects.resource.act", "resource", _row(org_admin=Y)),
    ("projects.resource.act", "other_resource", _row(other_org_admin=Y)),
    ("projects.resource.act", "member_resource", _row(member=Y)),
    # Claiming: members and organization admins, on a project open to claim only.
    (
        "projects.project.claim",
        "project",
        _row(member=Y, org_admin=Y, other_org_admin=Y, committee_admin=Y),
    ),
    ("projects.project.claim", "draft", _row()),
    ("projects.project.claim", "claimed_project", _row()),
    # Acting for a claim: whoever claimed; an organization's own admins, not those above it.
    ("projects.claim.act", "member_claim", _row(member=Y)),
    ("projects.claim.act", "org_claim", _row(org_admin=Y)),
    # Details (who claimed by name, hours, history): staff, overseers, the claimant.
    (
        "projects.project.view_details",
        "claimed_project",
        _row(member=Y, staff=Y, committee_admin=Y),
    ),
    ("projects.project.view_details", "other_project", _row(other_staff=Y, committee_admin=Y)),
]

CASES = [
    pytest.param(action, obj, role, expected, id=f"{action}-{obj}-{role}")
    for action, obj, row in TABLE
    for role, expected in row.items()
]


def _cast(request):
    for name in (
        "member",
        "staff",
        "other_staff",
        "org_admin",
        "other_org_admin",
        "committee_admin",
    ):
        request.getfixturevalue(name)


@pytest.mark.parametrize(("action", "obj_name", "role", "expected"), CASES)
def test_permission_table(request, as_user, action, obj_name, role, expected):  # noqa: F811
    obj = request.getfixturevalue(obj_name) if obj_name else None
    _cast(request)
    assert can(as_user(role), action, obj) is expected


SCOPES = [
    # Which of (own community's, other community's) rows each role sees.
    (
        "submitted_needs",
        Need,
        {
            "staff": (Y, N),
            "other_staff": (N, Y),
            "committee_admin": (Y, Y),
            "anonymous": (N, N),
            "member": (N, N),
            "org_admin": (N, N),
        },
    ),
    (
        "drafts",
        Project,
        {
            "staff": (Y, N),
            "other_staff": (N, Y),
            "committee_admin": (Y, Y),
            "anonymous": (N, N),
            "member": (N, N),
            "outsider": (N, N),
        },
    ),
    (
        "resources",
        Resource,
        {
            "staff": (Y, N),
            "other_staff": (N, Y),
            "org_admin": (Y, N),
            "other_org_admin": (N, Y),
            "anonymous": (N, N),
            "member": (N, N),
        },
    ),
]


@pytest.fixture
def submitted_needs(community, other_community, greenery):
    return (
        NeedFactory(community=community, category=greenery, state=Need.State.SUBMITTED),
        NeedFactory(community=other_community, category=greenery, state=Need.State.SUBMITTED),
    )


@pytest.fixture
def drafts(community, other_community, greenery):
    return (
        ProjectFactory(community=community, category=greenery, state=Project.State.DRAFT),
        ProjectFactory(community=other_community, category=greenery, state=Project.State.DRAFT),
    )


@pytest.fixture
def resources(resource, other_resource):
    return (resource, other_resource)


@pytest.mark.parametrize(
    ("rows", "model", "role", "expected"),
    [
        pytest.param(rows, model, role, expected, id=f"{rows}-{role}")
        for rows, model, table in SCOPES
        for role, expected in table.items()
    ],
)
def test_scopes(request, as_user, rows, model, role, expected):  # noqa: F811
    own, other = request.getfixturevalue(rows)
    _cast(request)
    visible = set(scope(as_user(role), model.objects.all()).values_list("pk", flat=True))
    assert (own.pk in visible, other.pk in visible) == expected


def test_the_public_sees_listed_needs_and_open_projects(as_user, need, project):  # noqa: F811
    anonymous = as_user("anonymous")
    assert scope(anonymous, Need.objects.all()).filter(pk=need.pk).exists()
    assert scope(anonymous, Project.objects.all()).filter(pk=project.pk).exists()
    Need.objects.filter(pk=need.pk).update(is_public=False)
    assert not scope(anonymous, Need.objects.all()).filter(pk=need.pk).exists()
