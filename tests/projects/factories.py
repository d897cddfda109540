"""Factories of the projects app."""

import datetime

import factory
from django.utils import timezone

from projects.models import Milestone, Need, Project, Resource
from tests import factories as f


def today():
    return timezone.localdate()


class NeedFactory(factory.django.DjangoModelFactory):
    """A listed need."""

    class Meta:
        model = Need

    community = factory.SubFactory(f.CommunityFactory)
    title = factory.Sequence(lambda n: f"老旧小区绿化{n}")
    description = "小区改造后缺少绿化。"
    category = factory.SubFactory(f.ServiceCategoryFactory)
    state = Need.State.LISTED
    beneficiaries = 120


class ResourceFactory(factory.django.DjangoModelFactory):
    """A confirmed resource of 415 seedlings offered by an organization."""

    class Meta:
        model = Resource

    claimant_kind = "organization"
    organization = factory.SubFactory(f.PartyCommitteeFactory)
    community = factory.SubFactory(f.CommunityFactory)
    title = factory.Sequence(lambda n: f"苗木{n}")
    kind = Resource.Kind.GOODS
    category = factory.SubFactory(f.ServiceCategoryFactory)
    quantity = 415
    unit = Resource.Unit.PLANTS
    available_from = factory.LazyFunction(lambda: today() - datetime.timedelta(days=30))
    available_until = factory.LazyFunction(lambda: today() + datetime.timedelta(days=180))
    state = Resource.State.CONFIRMED


class ProjectFactory(factory.django.DjangoModelFactory):
    """A project open to claim, with two milestones of 40 and 60."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    community = factory.SubFactory(f.CommunityFactory)
    title = factory.Sequence(lambda n: f"绿化老旧小区{n}")
    category = factory.SubFactory(f.ServiceCategoryFactory)
    planned_start = factory.LazyFunction(lambda: today() - datetime.timedelta(days=10))
    planned_end = factory.LazyFunction(lambda: today() + datetime.timedelta(days=60))
    state = Project.State.APPROVED

    @factory.post_generation
    def milestones(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            Milestone.objects.create(
                project=obj, title="采购苗木", due_on=obj.planned_start, weight=40, order=0
            )
            Milestone.objects.create(
                project=obj, title="种植", due_on=obj.planned_end, weight=60, order=1
            )
