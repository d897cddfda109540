"""Every list of orders costs a fixed number of queries, with 10 orders or 500."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from orders import selectors
from orders.models import Dispatch, Requester, ServiceOrder
from tests import factories as f

pytestmark = pytest.mark.django_db
S = ServiceOrder.State


def seed(item, n, *, state, member=None, dispatch_state=None, **fields):
    community = item.category.community
    requester = Requester.objects.create(community=community, name="李秀英", phone="13900001111")
    now = timezone.now()
    orders = ServiceOrder.objects.bulk_create(
        ServiceOrder(
            code=f"Q{state[:2]}{i:05d}".upper()[:8],
            community=community,
            requester=requester,
            item=item,
            title=f"订单{i}",
            state=state,
            created_at=now - datetime.timedelta(minutes=i),
            accept_due_at=now - datetime.timedelta(hours=1),
            complete_due_at=now - datetime.timedelta(hours=1),
            **fields,
        )
        for i in range(n)
    )
    if member is not None:
        Dispatch.objects.bulk_create(
            Dispatch(order=o, member=member, state=dispatch_state, respond_by=now) for o in orders
        )
    return orders


# Session, user, the role facts, the notification badge, the page's count and rows, prefetches.
STAFF_PAGE = 10
MEMBER_PAGE = 13


@pytest.mark.parametrize("n", [10, 500])
@pytest.mark.parametrize(
    ("name", "state"),
    [("orders:intake", S.SUBMITTED), ("orders:board", S.DISPATCHED), ("orders:overdue", S.TAKEN)],
)
def test_staff_lists_cost_a_fixed_number_of_queries(
    login, staff, item, member, n, name, state, django_assert_max_num_queries
):
    seed(item, n, state=state, member=member, dispatch_state="accepted")
    client = login(staff)
    with django_assert_max_num_queries(STAFF_PAGE):
        response = client.get(reverse(name))
    assert response.status_code == 200 and response.content.decode().count("order-row") == min(
        n, 20
    )


@pytest.mark.parametrize("n", [10, 500])
def test_the_members_page_costs_a_fixed_number_of_queries(
    login, member, item, n, django_assert_max_num_queries
):
    seed(item, n, state=S.DISPATCHED, member=member, dispatch_state="offered")
    seed(item, n, state=S.TAKEN, member=member, dispatch_state="accepted")
    seed(item, n, state=S.GRABBABLE)
    client = login(member.user)
    with django_assert_max_num_queries(MEMBER_PAGE):
        response = client.get(reverse("orders:mine"))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [10, 500])
def test_the_committee_page_costs_a_fixed_number_of_queries(
    login, committee_admin, item, n, django_assert_max_num_queries
):
    seed(item, n, state=S.SUBMITTED, escalation_level=2)
    client = login(committee_admin)
    with django_assert_max_num_queries(STAFF_PAGE):
        response = client.get(reverse("orders:committee"))
    assert response.content.decode().count("order-row") == min(n, 20)


@pytest.mark.parametrize("n", [5, 200])
def test_dispatch_suggestions_are_one_query(branch, community, order, n, django_assert_num_queries):
    category = f.ServiceCategoryFactory()
    order.item.service_category = category
    order.item.save()
    for i in range(n):
        m = f.MemberFactory(user__username=f"m{i}", branch=branch, real_name=f"队员{i:03d}")
        f.ConfirmedRegistrationFactory(member=m, community=community)
        if i % 3 == 0:
            m.service_categories.add(category)
    with django_assert_num_queries(1):
        suggestions = selectors.dispatch_suggestions(order=order)
    assert suggestions[0].matches and suggestions[0].open_orders == 0


def test_suggestions_put_the_fewest_open_orders_first(branch, community, order, member, neighbour):
    seed(order.item, 2, state=S.TAKEN, member=member, dispatch_state="accepted")
    names = [s.member.real_name for s in selectors.dispatch_suggestions(order=order)]
    assert names.index("王强") < names.index("张伟")


def test_the_member_home_card_is_a_fixed_number_of_queries(
    member, item, django_assert_max_num_queries
):
    seed(item, 30, state=S.TAKEN, member=member, dispatch_state="accepted")
    # the role facts (4, then cached), offers, open orders with their prefetches, the count
    with django_assert_max_num_queries(8):
        card = selectors.member_home_card(user=member.user)
    assert len(card.open_orders) == 5 and card.more
