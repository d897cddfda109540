"""Reading service records, reports and evaluations: each page's data in a fixed number of
queries, whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from core.pagecache import cached_count, generation
from core.periods import Period
from members.access import scope
from members.models import Member
from records.models import ServiceRecord

from .models import Evaluation, MemberReport
from .services import evaluations_generation_key, registrations_overlapping


def member_reports_for(*, user, member: Member):
    return scope(user, MemberReport.objects.filter(member=member)).order_by("-year", "-half")


def report_records(*, report: MemberReport):
    """The service records a report is prepared from."""
    period = report.period
    return (
        ServiceRecord.objects.filter(
            member_id=report.member_id, served_on__range=(period.start, period.end)
        )
        .select_related("community")
        .order_by("served_on", "pk")
    )


def report_evaluations(*, report: MemberReport):
    return (
        Evaluation.objects.filter(member_id=report.member_id, year=report.year, half=report.half)
        .select_related("community", "rated_by")
        .order_by("community__name")
    )


@dataclass
class EvaluationRow:
    member: Member
    evaluation: Evaluation | None
    hours: Decimal
    records: int
    rating: str = ""
    comment: str = ""


def community_not_evaluated_count(*, community, period: Period) -> int:
    """How many members registered with the community during the period it has not rated yet
    (one count, for the staff home: not the rows of every member)."""
    member_ids = registrations_overlapping(period).filter(community=community).values("member_id")
    rated = Evaluation.objects.filter(
        community=community, year=period.year, half=period.half
    ).values("member_id")
    return Member.objects.filter(pk__in=member_ids).exclude(pk__in=rated).count()


def community_not_evaluated_count_cached(*, community, period: Period) -> int:
    """community_not_evaluated_count, counted once per rating saved in the community (or per
    change to the registrations: the public pages' generation), five minutes at most."""
    ratings = generation(evaluations_generation_key(community.pk))
    return cached_count(
        f"reports:not-evaluated:{community.pk}:{period.code}:{ratings}",
        lambda: community_not_evaluated_count(community=community, period=period),
    )


def community_evaluation_members(
    *,
    community,
    period: Period,
    member_id: int | None = None,
    member_ids_in=None,
    search: str = "",
    unrated: bool = False,
):
    """The members registered with the community during the period, by name (a queryset: the
    page cuts it before their figures are read). `search` keeps the members whose real name
    contains it, `unrated` those not rated yet for the period, `member_ids_in` those listed
    (several rated at once)."""
    member_ids = registrations_overlapping(period).filter(community=community).values("member_id")
    if member_id is not None:
        member_ids = member_ids.filter(member_id=member_id)
    if member_ids_in is not None:
        member_ids = member_ids.filter(member_id__in=list(member_ids_in))
    if search:
        member_ids = member_ids.filter(member__real_name__icontains=search)
    if unrated:
        member_ids = member_ids.exclude(
            member_id__in=Evaluation.objects.filter(
                community=community, year=period.year, half=period.half
            ).values("member_id")
        )
    return Member.objects.filter(pk__in=member_ids).order_by("real_name", "pk")


def evaluation_rows(*, community, period: Period, members) -> list[EvaluationRow]:
    """The rows of these members (one page of them): their rating and their service there in
    the period (two queries for the page, whatever the community's size)."""
    members = list(members)
    ids = [m.pk for m in members]
    figures = {
        r["member_id"]: r
        for r in ServiceRecord.objects.filter(
            member_id__in=ids,
            community=community,
            served_on__range=(period.start, period.end),
        )
        .order_by()
        .values("member_id")
        .annotate(period_hours=Sum("hours"), period_records=Count("pk"))
    }
    evaluations = {
        e.member_id: e
        for e in Evaluation.objects.filter(
            community=community, year=period.year, half=period.half, member_id__in=ids
        ).select_related("rated_by")
    }
    rows = []
    for m in members:
        row = figures.get(m.pk, {})
        evaluation = evaluations.get(m.pk)
        rows.append(
            EvaluationRow(
                member=m,
                evaluation=evaluation,
                hours=row.get("period_hours") or Decimal(0),
                records=row.get("period_records", 0),
                rating=evaluation.rating if evaluation else "",
                comment=evaluation.comment if evaluation else "",
            )
        )
    return rows


def community_evaluation_rows(*, community, period: Period, **filters) -> list[EvaluationRow]:
    """The rows of every member `community_evaluation_members` finds with `filters` (a member
    rated, those rated at once: a few)."""
    members = community_evaluation_members(community=community, period=period, **filters)
    return evaluation_rows(community=community, period=period, members=members)


def rating_counts(*, communities=None, start=None, end=None) -> list[dict]:
    """For the dashboards: evaluations by rating in the half-years from `start` to `end` (one
    grouped query)."""
    qs = Evaluation.objects.all()
    if communities is not None:
        qs = qs.filter(community_id__in=communities)
    if start is not None:
        qs = qs.filter(
            Q(year__gt=start.year) | Q(year=start.year, half__gte=1 if start.month <= 6 else 2)
        )
    if end is not None:
        qs = qs.filter(
            Q(year__lt=end.year) | Q(year=end.year, half__lte=1 if end.month <= 6 else 2)
        )
    return list(qs.values("rating").annotate(n=Count("pk")).order_by("rating"))
