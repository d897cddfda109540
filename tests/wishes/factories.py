"""Factories of the wishes app."""

import datetime

import factory
from django.utils import timezone

from members.models import ServiceTeam, TeamMembership
from tests import factories as f
from wishes.models import Claim, HardshipCategory, Resident, Wish, WishTransition


class HardshipCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HardshipCategory
        django_get_or_create = ["name"]

    name = "低保"


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    community = factory.SubFactory(f.CommunityFactory)
    name = factory.Sequence(lambda n: f"王{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    address = factory.Sequence(lambda n: f"幸福里{n}号楼")


class WishFactory(factory.django.DjangoModelFactory):
    """A published wish of the resident's community."""

    class Meta:
        model = Wish
        skip_postgeneration_save = True

    resident = factory.SubFactory(ResidentFactory)
    community = factory.LazyAttribute(lambda w: w.resident.community)
    title = factory.Sequence(lambda n: f"一台电风扇{n}")
    description = "夏天太热，想要一台电风扇。"
    category = Wish.Category.DAILY
    state = Wish.State.PUBLISHED
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def first_transition(obj, create, extracted, **kwargs):
        if create:
            WishTransition.objects.create(wish=obj, from_state="", to_state=obj.state)


class ClaimFactory(factory.django.DjangoModelFactory):
    """An active claim by a member (the wish is moved to claimed)."""

    class Meta:
        model = Claim

    wish = factory.SubFactory(WishFactory, state=Wish.State.CLAIMED)
    member = factory.SubFactory(f.MemberFactory)
    claimed_by = factory.LazyAttribute(lambda c: c.member.user)
    promised_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))


class ServiceTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceTeam

    name = factory.Sequence(lambda n: f"助老服务队{n}")
    category = factory.SubFactory(f.ServiceCategoryFactory)
    captain = factory.SubFactory(f.MemberFactory)


class TeamMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMembership

    team = factory.SubFactory(ServiceTeamFactory)
    member = factory.SubFactory(f.MemberFactory)
