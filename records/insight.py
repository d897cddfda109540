"""Grouped reads of the ledger for the dashboards: one query each, whatever the number of rows.
Every producer's records appear here by their kind (wishes, projects, activities, orders…)."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from .models import ServiceRecord


def _records(where: Q, start, end):
    qs = ServiceRecord.objects.filter(where)
    if start is not None:
        qs = qs.filter(served_on__gte=start)
    if end is not None:
        qs = qs.filter(served_on__lte=end)
    return qs.order_by()


def records_by_month_and_kind(*, where: Q, start=None, end=None) -> list[dict]:
    return list(
        _records(where, start, end)
        .annotate(month=TruncMonth("served_on"))
        .values("month", "kind")
        .annotate(n=Count("pk"), hours=Sum("hours"))
        .order_by("month", "kind")
    )


def hours_by_community(*, where: Q, start=None, end=None) -> list[dict]:
    return list(
        _records(where, start, end)
        .values("community_id", "community__name")
        .annotate(hours=Sum("hours"), members=Count("member_id", distinct=True))
        .order_by("-hours", "community__name")
    )


def hours_by_unit(*, where: Q, start=None, end=None) -> list[dict]:
    """Hours by the members' party committee (the organization above their branch)."""
    return list(
        _records(where, start, end)
        .values("member__branch__parent_id", "member__branch__parent__name")
        .annotate(hours=Sum("hours"), members=Count("member_id", distinct=True))
        .order_by("-hours", "member__branch__parent__name")
    )
