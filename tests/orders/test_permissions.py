"""Who may do what to an order, per role and per object: the rules (members.access.can) and the
pages that ask them."""

import pytest
from django.urls import reverse

from members.access import can
from orders import services
from orders.models import Dispatch

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "outsider",
    "member_user",
    "neighbour",
    "staff",
    "other_staff",
    "org_admin",
    "committee_admin",
    "superuser",
]


@pytest.fixture
def who(request):
    def _who(name):
        if name == "anonymous":
            from django.contrib.auth.models import AnonymousUser  # noqa: PLC0415 (test only)

            return AnonymousUser()
        value = request.getfixturevalue(name)
        return getattr(value, "user", value)

    return _who


# (action, the object's state as a fixture, roles allowed)
TABLE = [
    ("orders.order.view", "order", {"staff", "committee_admin", "superuser"}),
    (
        "orders.order.view",
        "offered_order",
        {"staff", "committee_admin", "superuser", "member_user"},
    ),
    ("orders.order.view", "taken", {"staff", "committee_admin", "superuser", "member_user"}),
    (
        "orders.order.view",
        "grabbable",
        {"staff", "committee_admin", "superuser", "member_user", "neighbour"},
    ),
    ("orders.order.manage", "order", {"staff", "superuser"}),
    ("orders.order.manage", "taken", {"staff", "superuser"}),
    ("orders.order.dispatch", "accepted", {"staff", "superuser"}),
    ("orders.order.view_contact", "offered_order", {"staff", "superuser"}),
    ("orders.order.view_contact", "taken", {"staff", "superuser", "member_user"}),
    ("orders.order.serve", "taken", {"member_user", "superuser"}),
    ("orders.order.serve", "offered_order", {"superuser"}),
    ("orders.order.grab", "grabbable", {"member_user", "neighbour", "superuser"}),
    ("orders.order.grab", "accepted", {"superuser"}),
    ("orders.dispatch.answer", "offered", {"member_user", "superuser"}),
    ("orders.dispatch.answer", "accepted_dispatch", {"superuser"}),
    ("orders.dispatch.pass_on", "offered", {"superuser"}),
    ("orders.dispatch.pass_on", "unit_offer", {"org_admin", "superuser"}),
    ("orders.committee.view", None, {"committee_admin", "superuser"}),
]


@pytest.fixture
def offered_order(offered):
    return offered.order


@pytest.fixture
def grabbable(accepted, staff):
    return services.order_open_to_grab(order=accepted, by=staff)


@pytest.fixture
def accepted_dispatch(taken):
    return taken.dispatches.get(state=Dispatch.State.ACCEPTED)


@pytest.fixture
def unit_offer(accepted, staff, party_committee, community):
    from tests import factories as f  # noqa: PLC0415 (test only)

    f.PartnershipFactory(organization=party_committee, community=community)
    return services.order_dispatch(order=accepted, by=staff, organization=party_committee)


@pytest.mark.parametrize(("action", "obj", "allowed"), TABLE)
@pytest.mark.parametrize("role", ROLES)
def test_the_permission_table(request, who, role, action, obj, allowed):
    target = request.getfixturevalue(obj) if obj else None
    if hasattr(target, "refresh_from_db"):
        target.refresh_from_db()
    assert can(who(role), action, target) is (role in allowed)


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------
STAFF_PAGES = [
    "orders:intake",
    "orders:board",
    "orders:overdue",
    "orders:enter",
    "orders:menu_edit",
]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_open_for_staff_and_are_refused_to_others(login, staff, member_user, name):
    assert login(staff).get(reverse(name)).status_code == 200
    assert login(member_user).get(reverse(name)).status_code == 403


def test_staff_lists_hold_only_their_own_community(login, staff, other_staff, order):
    body = login(other_staff).get(reverse("orders:intake")).content.decode()
    assert order.title not in body
    assert order.title in login(staff).get(reverse("orders:intake")).content.decode()


def test_another_communitys_order_is_a_404(login, other_staff, order):
    assert login(other_staff).get(order.get_absolute_url()).status_code == 404


def test_an_outsider_gets_a_404_and_anonymous_goes_to_login(client, login, outsider, order):
    assert client.get(order.get_absolute_url()).status_code == 302
    assert login(outsider).get(order.get_absolute_url()).status_code == 404


def test_the_assignee_sees_the_contact_only_after_accepting(login, offered, member_user):
    page = login(member_user).get(offered.order.get_absolute_url()).content.decode()
    assert "13900001111" not in page and "orders/offers/" in page
    services.dispatch_accept(dispatch=offered, by=member_user)
    page = login(member_user).get(offered.order.get_absolute_url()).content.decode()
    assert "13900001111" in page


def test_viewing_the_contact_is_logged(login, staff, order, caplog):
    with caplog.at_level("INFO", logger="personal_data"):
        login(staff).get(order.get_absolute_url())
    assert f"ids=[{order.requester_id}]" in caplog.text


def test_the_committee_page_is_for_committee_admins(login, committee_admin, staff):
    assert login(committee_admin).get(reverse("orders:committee")).status_code == 200
    assert login(staff).get(reverse("orders:committee")).status_code == 403


def test_the_unit_page_is_for_organization_admins(login, org_admin, member_user):
    assert login(org_admin).get(reverse("orders:unit")).status_code == 200
    assert login(member_user).get(reverse("orders:unit")).status_code == 403


def test_a_member_may_not_accept_an_order_by_posting(login, member_user, order):
    login(member_user).post(reverse("orders:accept", args=[order.pk]))
    order.refresh_from_db()
    assert order.awaits_acceptance


def test_staff_accept_reject_and_dispatch_through_the_pages(login, staff, order, member):
    client = login(staff)
    client.post(reverse("orders:accept", args=[order.pk]))
    client.post(reverse("orders:dispatch", args=[order.pk]), {"member": member.pk})
    order.refresh_from_db()
    assert order.is_offered


def test_members_page_and_grab(login, grabbable, neighbour):
    client = login(neighbour.user)
    assert grabbable.title in client.get(reverse("orders:mine")).content.decode()
    client.post(reverse("orders:grab", args=[grabbable.pk]))
    grabbable.refresh_from_db()
    assert grabbable.is_taken


def test_staff_confirm_hours_and_record_a_rating_on_their_pages(login, staff, done, member):
    client = login(staff)
    assert client.get(reverse("orders:confirm_hours", args=[done.pk])).status_code == 200
    client.post(reverse("orders:confirm_hours", args=[done.pk]), {f"hours_{member.pk}": "2.5"})
    client.post(reverse("orders:record_rating", args=[done.pk]), {"rating": 4})
    done.refresh_from_db()
    assert done.state == "closed" and done.rating == 4


def test_a_member_may_not_open_the_confirm_page(login, member_user, done):
    response = login(member_user).get(reverse("orders:confirm_hours", args=[done.pk]))
    assert response.status_code == 404


def test_the_intake_queue_accepts_and_rejects_in_place(login, staff, order, item):
    client = login(staff)
    page = client.get(reverse("orders:intake")).content.decode()
    assert reverse("orders:accept", args=[order.pk]) in page
    client.post(reverse("orders:reject", args=[order.pk]), {"reason": "重复下单"})
    order.refresh_from_db()
    assert order.is_rejected
