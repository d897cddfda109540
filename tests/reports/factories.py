"""Factories of the reports app."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from records.models import PointRule
from reports.models import Evaluation, MemberReport, OrganizationReport, Rating
from tests import factories as f


def aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def registered_since(member, community, since: datetime.date, ended: datetime.date | None = None):
    """A registration confirmed on `since` (and ended on `ended`, if given)."""
    from members.models import CommunityRegistration

    return f.RegistrationFactory(
        member=member,
        community=community,
        state=CommunityRegistration.State.ENDED if ended else CommunityRegistration.State.CONFIRMED,
        created_at=aware(since, 9),
        decided_at=aware(since),
        ended_at=aware(ended) if ended else None,
    )


class PointRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointRule

    kind = ""
    points_per_record = 0
    points_per_hour = Decimal("1")
    effective_from = datetime.date(2020, 1, 1)


class MemberReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberReport

    member = factory.SubFactory(f.MemberFactory)
    year = 2026
    half = 1
    due_on = datetime.date(2026, 7, 15)
    hours = Decimal("6.0")
    points = 6


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    member = factory.SubFactory(f.MemberFactory)
    community = factory.SubFactory(f.CommunityFactory)
    year = 2026
    half = 1
    rating = Rating.EXCELLENT
    comment = "积极参与"


class OrganizationReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationReport

    organization = factory.SubFactory(f.BranchFactory)
    year = 2026
    due_on = datetime.date(2027, 1, 15)
