"""The platform's star levels (平台星级): awarded from volunteer-service hours by the editable
rule (`StarRule`), kept as history (`MemberStar`), never silently taken away.

`stars_award` runs whenever a service record is created (records.services.service_record_create);
the job `records.award_stars` catches up after a rule was lowered or records were imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone

from core.pagecache import app_pages_changed
from members.models import Member

from .models import MemberStar, ServiceRecord, StarRule, volunteer_service_q


def volunteer_hours(member: Member) -> Decimal:
    """All-time volunteer-service hours of a member (meetings and study do not count)."""
    total = (
        ServiceRecord.objects.filter(volunteer_service_q(), member=member)
        .order_by()
        .aggregate(s=Sum("hours"))["s"]
    )
    return total or Decimal(0)


def _award(pairs: list[tuple[int, Decimal]], rules: list[StarRule]) -> int:
    """Award each (member id, hours) every level its hours reach; those held already are kept
    as they are (one insert that ignores them)."""
    now = timezone.now()
    new = [
        MemberStar(
            member_id=member_id,
            level=rule.level,
            label=rule.label,
            min_hours=rule.min_hours,
            hours_at_award=hours,
            awarded_at=now,
        )
        for member_id, hours in pairs
        for rule in rules
        if hours >= rule.min_hours
    ]
    if not new:
        return 0
    before = MemberStar.objects.count()
    MemberStar.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    app_pages_changed("records")  # no signal from bulk_create: the pages showing stars follow
    return MemberStar.objects.count() - before


def stars_award(*, member: Member) -> int:
    """Award the member the levels their hours now reach (after a record was created): the
    number of new awards. Two queries when nothing is due."""
    rules = list(StarRule.objects.all())
    if not rules:
        return 0
    hours = volunteer_hours(member)
    held = set(MemberStar.objects.filter(member=member).values_list("level", flat=True))
    due = [r for r in rules if hours >= r.min_hours and r.level not in held]
    if not due:
        return 0
    return _award([(member.pk, hours)], due)


def award_stars(*, today=None) -> int:
    """The catch-up job: every member's levels by the rule in force (one grouped query, one
    insert). Nothing is ever removed."""
    rules = list(StarRule.objects.all())
    if not rules:
        return 0
    lowest = min(r.min_hours for r in rules)
    rows = (
        ServiceRecord.objects.filter(volunteer_service_q())
        .order_by()
        .values("member_id")
        .annotate(hours=Sum("hours"))
        .filter(hours__gte=lowest)
        .values_list("member_id", "hours")
    )
    return _award(list(rows), rules)


@dataclass
class StarStanding:
    """Where a member stands: the highest level held, the next one and the hours it needs."""

    hours: Decimal
    current: MemberStar | None
    next_rule: StarRule | None

    @property
    def hours_to_next(self) -> Decimal | None:
        if self.next_rule is None:
            return None
        return max(self.next_rule.min_hours - self.hours, Decimal(0))

    @property
    def level(self) -> int:
        return self.current.level if self.current else 0


def star_standing(*, member: Member, hours: Decimal | None = None) -> StarStanding:
    """The member's star level and the next one: one query (two if `hours` is not given), the
    rule's levels each with the date the member was awarded it, if they were."""
    if hours is None:
        hours = volunteer_hours(member)
    awarded = MemberStar.objects.filter(member=member, level=OuterRef("level"))
    rules = list(
        StarRule.objects.annotate(
            held_at=Subquery(awarded.values("awarded_at")[:1]),
            held_label=Subquery(awarded.values("label")[:1]),
        ).order_by("level")
    )
    held = [r for r in rules if r.held_at is not None]
    current = None
    if held:
        top = held[-1]
        current = MemberStar(
            member=member, level=top.level, label=top.held_label, awarded_at=top.held_at
        )
    next_rule = next((r for r in rules if r.level > (current.level if current else 0)), None)
    return StarStanding(hours=hours, current=current, next_rule=next_rule)
