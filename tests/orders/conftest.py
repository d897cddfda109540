import pytest

from orders import services
from tests import factories as f
from tests.orders.factories import MenuCategoryFactory, MenuItemFactory


@pytest.fixture
def item(community):
    category = MenuCategoryFactory(community=community, name="助老服务")
    return MenuItemFactory(category=category, name="上门理发")


@pytest.fixture
def other_item(other_community):
    category = MenuCategoryFactory(community=other_community, name="法律咨询")
    return MenuItemFactory(category=category, name="法律咨询")


@pytest.fixture
def order(item):
    """Ordered by a resident on the public form."""
    return services.order_submit(item=item, name="李秀英", phone="13900001111", address="和平里3号")


@pytest.fixture
def accepted(order, staff):
    return services.order_accept(order=order, by=staff)


@pytest.fixture
def offered(accepted, staff, member):
    return services.order_dispatch(order=accepted, by=staff, member=member)


@pytest.fixture
def taken(offered, member_user):
    services.dispatch_accept(dispatch=offered, by=member_user)
    return offered.order


@pytest.fixture
def done(taken, member_user, member):
    services.order_complete(order=taken, by=member_user, note="理好了", hours={member: 2})
    return taken


@pytest.fixture
def other_order(other_item):
    return services.order_submit(item=other_item, name="王五", phone="13700002222")


@pytest.fixture
def neighbour(branch, community):
    m = f.MemberFactory(user__username="wangqiang", real_name="王强", branch=branch)
    f.ConfirmedRegistrationFactory(member=m, community=community)
    return m
