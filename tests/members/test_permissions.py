"""The permission table of the members app: action × role → allowed or denied."""

import pytest

from members.access import can, get_roles, scope
from members.models import CommunityRegistration, CommunityStaff, OrganizationAdmin
from tests import factories as f
from tests.members.conftest import ROLES

Y, N = True, False
# The roles that may open the admin at all.
ADMIN = {"staff": Y, "other_staff": Y, "org_admin": Y, "other_org_admin": Y, "committee_admin": Y}


def _row(**allowed):
    """Expected answers per role; superusers may always."""
    allowed.setdefault("superuser", Y)
    return {role: allowed.get(role, N) for role in ROLES}


# (action, object fixture or None, expected per role)
TABLE = [
    ("members.member.view", "member", _row(member=Y, staff=Y, org_admin=Y, committee_admin=Y)),
    (
        "members.member.view_phone",
        "member",
        _row(member=Y, staff=Y, org_admin=Y, committee_admin=Y),
    ),
    (
        "members.member.view_phone",
        "other_member",
        _row(other_staff=Y, other_org_admin=Y, committee_admin=Y),
    ),
    ("members.member.change", "member", _row(member=Y, org_admin=Y, committee_admin=Y)),
    ("members.member.add", None, _row(org_admin=Y, other_org_admin=Y, committee_admin=Y)),
    ("members.member.delete", "member", _row()),
    ("members.registration.create", "community", _row(member=Y)),
    ("members.registration.create", "inactive_community", _row()),
    ("members.registration.withdraw", "pending_move", _row(member=Y)),
    ("members.registration.withdraw", "confirmed", _row()),
    ("members.registration.decide", "pending", _row(staff=Y)),
    ("members.registration.decide", "other_pending", _row(other_staff=Y)),
    (
        "members.communityregistration.view",
        "confirmed",
        _row(member=Y, staff=Y, org_admin=Y, committee_admin=Y),
    ),
    ("members.communityregistration.change", "confirmed", _row(staff=Y)),
    ("members.communityregistration.add", None, _row()),
    ("members.communityregistration.delete", "confirmed", _row()),
    ("members.community.manage", "community", _row(staff=Y)),
    ("members.community.manage", "other_community", _row(other_staff=Y)),
    ("members.community.view_private", "community", _row(staff=Y, committee_admin=Y)),
    (
        "members.community.view",
        "community",
        _row(staff=Y, other_staff=Y, org_admin=Y, other_org_admin=Y, committee_admin=Y),
    ),
    ("members.community.change", "community", _row(staff=Y)),
    ("members.community.add", None, _row()),
    (
        "members.organization.view",
        "branch",
        _row(staff=Y, other_staff=Y, org_admin=Y, committee_admin=Y),
    ),
    ("members.organization.change", "branch", _row(org_admin=Y, committee_admin=Y)),
    ("members.organization.change", "other_branch", _row(other_org_admin=Y, committee_admin=Y)),
    ("members.organization.delete", "branch", _row()),
    ("members.partnership.view", "partnership", _row(staff=Y, org_admin=Y, committee_admin=Y)),
    (
        "members.partnership.view",
        "other_partnership",
        _row(other_staff=Y, other_org_admin=Y, committee_admin=Y),
    ),
    ("members.partnership.change", "partnership", _row(staff=Y, org_admin=Y, committee_admin=Y)),
    ("members.partnership.delete", "partnership", _row(org_admin=Y, committee_admin=Y)),
    (
        "members.partnership.add",
        None,
        _row(staff=Y, other_staff=Y, org_admin=Y, other_org_admin=Y, committee_admin=Y),
    ),
    ("members.communitystaff.change", "staff_role", _row(committee_admin=Y)),
    ("members.communitystaff.delete", "staff_role", _row(committee_admin=Y)),
    ("members.organizationadmin.change", "org_admin_role", _row(org_admin=Y, committee_admin=Y)),
    ("members.user.change", None, _row()),
    (
        "admin.access",
        None,
        _row(staff=Y, other_staff=Y, org_admin=Y, other_org_admin=Y, committee_admin=Y),
    ),
    ("members.team.act_for", "team", _row(member=Y)),
    ("members.community.delete", "community", _row()),
    ("members.communitystaff.view", None, _row(staff=Y, other_staff=Y, committee_admin=Y)),
    ("members.communitystaff.add", None, _row(committee_admin=Y)),
    ("members.organization.add", None, _row(org_admin=Y, other_org_admin=Y, committee_admin=Y)),
    (
        "members.organizationadmin.view",
        None,
        _row(org_admin=Y, other_org_admin=Y, committee_admin=Y),
    ),
    (
        "members.organizationadmin.add",
        None,
        _row(org_admin=Y, other_org_admin=Y, committee_admin=Y),
    ),
    ("members.organizationadmin.delete", "org_admin_role", _row(org_admin=Y, committee_admin=Y)),
    ("members.grid.view", None, _row(staff=Y, other_staff=Y, committee_admin=Y)),
    ("members.grid.change", "grid", _row(staff=Y)),
    ("members.grid.add", None, _row(staff=Y, other_staff=Y)),
    ("members.grid.delete", "grid", _row()),
    *[
        (f"members.{model}.{verb}", None, _row(**(ADMIN if verb == "view" else {})))
        for model in ("district", "subdistrict", "servicecategory")
        for verb in ("view", "change", "add", "delete")
    ],
    ("members.serviceteam.view", None, _row(**ADMIN)),
    ("members.serviceteam.change", "team", _row(staff=Y)),
    ("members.serviceteam.add", None, _row(staff=Y, other_staff=Y)),
    ("members.serviceteam.delete", "team", _row()),
    ("members.teammembership.view", None, _row(**ADMIN)),
    ("members.teammembership.change", None, _row(staff=Y, other_staff=Y)),
    ("members.teammembership.add", None, _row(staff=Y, other_staff=Y)),
    ("members.teammembership.delete", None, _row()),
    ("members.user.view", None, _row(org_admin=Y, other_org_admin=Y, committee_admin=Y)),
    ("members.user.add", None, _row()),
    ("members.user.delete", None, _row()),
    ("notifications.notification.view", None, _row(**ADMIN)),
    ("notifications.notification.view", "notification", _row()),
    ("notifications.notification.view", "staff_notification", _row(staff=Y)),
    ("notifications.notification.change", "staff_notification", _row()),
    ("notifications.notification.add", None, _row()),
    ("notifications.notification.delete", "staff_notification", _row()),
]


@pytest.fixture
def inactive_community(db):
    return f.CommunityFactory(is_active=False)


@pytest.fixture
def pending_move(member, other_community):
    return f.RegistrationFactory(member=member, community=other_community)


@pytest.fixture
def confirmed(member, community):
    return CommunityRegistration.objects.get(member=member, community=community)


@pytest.fixture
def staff_role(staff):
    return CommunityStaff.objects.get(user=staff)


@pytest.fixture
def org_admin_role(org_admin):
    return OrganizationAdmin.objects.get(user=org_admin)


@pytest.fixture
def team(member, community):
    from members.models import ServiceTeam

    return ServiceTeam.objects.create(
        name="平安巡逻队",
        category=f.ServiceCategoryFactory(name="治安巡逻"),
        community=community,
        captain=member,
    )


@pytest.fixture
def grid(community):
    from members.models import Grid

    return Grid.objects.create(community=community, name="第一网格")


@pytest.fixture
def staff_notification(staff):
    from notifications.models import Notification

    return Notification.objects.create(user=staff, key="k", subject="s", body="b")


@pytest.fixture
def notification(member):
    from notifications.models import Notification

    return Notification.objects.create(user=member.user, key="k", subject="s", body="b")


CASES = [
    pytest.param(action, obj, role, expected, id=f"{action}-{obj}-{role}")
    for action, obj, row in TABLE
    for role, expected in row.items()
]


@pytest.mark.parametrize(("action", "obj_name", "role", "expected"), CASES)
def test_permission_table(request, as_user, action, obj_name, role, expected):
    obj = request.getfixturevalue(obj_name) if obj_name else None
    # Every role exists in the same world, so cross-community access is really tested.
    for name in ("member", "other_member", "staff", "other_staff", "org_admin", "committee_admin"):
        request.getfixturevalue(name)
    request.getfixturevalue("other_org_admin")
    assert can(as_user(role), action, obj) is expected


def test_every_rule_of_these_apps_is_in_the_table():
    from members.access import _rules

    tabled = {action for action, _obj, _row in TABLE}
    ours = {a for a in _rules if a.split(".")[0] in ("members", "admin", "notifications")}
    assert ours - tabled == set()


def test_unknown_action_raises(member_user):
    with pytest.raises(KeyError):
        can(member_user, "members.member.fly")


def test_roles_are_computed_once_per_request(member_user, django_assert_num_queries):
    get_roles(member_user)
    with django_assert_num_queries(0):
        get_roles(member_user)


# ------------------------------------------------------------------------------------------
# Scopes: which rows each role sees
# ------------------------------------------------------------------------------------------
@pytest.fixture
def world(member, other_member, pending, other_pending, partnership, other_partnership):
    return {
        "member": member,
        "other_member": other_member,
        "applicant": pending.member,
        "other_applicant": other_pending.member,
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("member", {"member"}),
        ("staff", {"member", "applicant"}),
        ("other_staff", {"other_member", "other_applicant"}),
        ("org_admin", {"member", "applicant"}),
        ("other_org_admin", {"other_member", "other_applicant"}),
        ("committee_admin", {"member", "applicant", "other_member", "other_applicant"}),
        ("outsider", set()),
        ("superuser", {"member", "applicant", "other_member", "other_applicant"}),
    ],
)
def test_member_scope(world, as_user, role, expected):
    from members.models import Member

    names = {
        k
        for k, m in world.items()
        if scope(as_user(role), Member.objects.all()).filter(pk=m.pk).exists()
    }
    assert names == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("member", set()),
        ("staff", {"partnership"}),
        ("other_staff", {"other_partnership"}),
        ("org_admin", {"partnership"}),
        ("other_org_admin", {"other_partnership"}),
        ("committee_admin", {"partnership", "other_partnership"}),
        ("outsider", set()),
    ],
)
def test_partnership_scope(request, world, as_user, role, expected):
    from members.models import Partnership

    found = set()
    for name in ("partnership", "other_partnership"):
        p = request.getfixturevalue(name)
        if scope(as_user(role), Partnership.objects.all()).filter(pk=p.pk).exists():
            found.add(name)
    assert found == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("member", {"confirmed"}),
        ("staff", {"confirmed", "pending"}),
        ("other_staff", {"other_pending"}),
        ("org_admin", {"confirmed", "pending"}),
        ("other_org_admin", {"other_pending"}),
        ("outsider", set()),
    ],
)
def test_registration_scope(world, pending, other_pending, member, as_user, role, expected):
    objects = {
        "confirmed": CommunityRegistration.objects.get(member=member),
        "pending": pending,
        "other_pending": other_pending,
    }
    visible = scope(as_user(role), CommunityRegistration.objects.all())
    assert {k for k, r in objects.items() if visible.filter(pk=r.pk).exists()} == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("org_admin", {"party_committee", "branch"}),
        ("other_org_admin", {"other_party_committee", "other_branch"}),
        (
            "committee_admin",
            {"committee", "party_committee", "branch", "other_party_committee", "other_branch"},
        ),
        ("staff", set()),
        ("member", set()),
    ],
)
def test_organization_scope(request, as_user, role, expected, branch, other_branch):
    from members.models import Organization

    names = ["committee", "party_committee", "branch", "other_party_committee", "other_branch"]
    objs = {n: request.getfixturevalue(n) for n in names}
    request.getfixturevalue(role)
    visible = scope(as_user(role), Organization.objects.all())
    assert {n for n, o in objs.items() if visible.filter(pk=o.pk).exists()} == expected
