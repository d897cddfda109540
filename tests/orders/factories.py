import factory

from orders.models import MenuCategory, MenuItem, Requester, ServiceOrder
from tests import factories as f


class MenuCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MenuCategory

    community = factory.SubFactory(f.CommunityFactory)
    name = factory.Sequence(lambda n: f"助老服务{n}")


class MenuItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MenuItem

    category = factory.SubFactory(MenuCategoryFactory)
    name = factory.Sequence(lambda n: f"上门理发{n}")


class RequesterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requester

    community = factory.SubFactory(f.CommunityFactory)
    name = "李秀英"
    phone = "13900001111"


class OrderFactory(factory.django.DjangoModelFactory):
    """An order as order_submit leaves it, without its services (for lists and queries)."""

    class Meta:
        model = ServiceOrder

    item = factory.SubFactory(MenuItemFactory)
    community = factory.LazyAttribute(lambda o: o.item.category.community)
    requester = factory.LazyAttribute(lambda o: RequesterFactory(community=o.community))
    title = factory.LazyAttribute(lambda o: o.item.name)
    code = factory.Sequence(lambda n: f"T{n:07d}"[:8])
