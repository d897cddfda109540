import io

import pytest

from members import demo as members_demo
from orders import demo
from orders.models import MenuCategory, ServiceOrder

pytestmark = pytest.mark.django_db


def test_demo_orders_cover_every_state_with_a_menu_per_community_and_run_once():
    members_demo.seed(size="small", stdout=io.StringIO())
    assert demo.seed(size="small", stdout=io.StringIO())
    assert set(ServiceOrder.objects.values_list("state", flat=True)) == set(
        ServiceOrder.State.values
    )
    communities = set(ServiceOrder.objects.values_list("community", flat=True))
    assert communities == set(MenuCategory.objects.values_list("community", flat=True))
    count = ServiceOrder.objects.count()
    assert not demo.seed(size="small", stdout=io.StringIO())
    assert ServiceOrder.objects.count() == count
