"""Service teams on the site (志愿服务队): captain, roster with each member's hours and star
level, the team's claims and hours. Composes members', records' and the producers' selectors."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from core.periods import Period
from members.models import Member, ServiceTeam, TeamMembership, mask_name
from records.boards import BoardPeriod, period_range
from wishes import selectors as wishes_selectors


@dataclass
class RosterRow:
    member_id: int
    name: str
    is_captain: bool
    half_hours: Decimal
    all_hours: Decimal
    star: str


@dataclass
class TeamPage:
    team: ServiceTeam
    period: Period
    roster: list[RosterRow] = field(default_factory=list)
    claims: list = field(default_factory=list)

    @property
    def half_hours(self) -> Decimal:
        return sum((r.half_hours for r in self.roster), start=Decimal(0))

    @property
    def all_hours(self) -> Decimal:
        return sum((r.all_hours for r in self.roster), start=Decimal(0))


def team_list():
    return (
        ServiceTeam.objects.select_related("category", "community", "captain")
        .annotate(size=Count("memberships"))
        .order_by("name")
    )


def team_page(*, team: ServiceTeam, full_names: bool) -> TeamPage:
    """The team's roster with hours (this half-year, all time) and star levels, and its claims
    (three queries, whatever the team's size)."""
    from records.boards import (
        _star_label,
    )  # the boards' label of a star level, shared with the team page

    start, end, _label = period_range(BoardPeriod.HALF)
    decimal = DecimalField(max_digits=10, decimal_places=1)
    members = (
        Member.objects.filter(
            Q(pk__in=TeamMembership.objects.filter(team=team).values("member_id"))
            | Q(pk=team.captain_id)
        )
        .annotate(
            half=Coalesce(
                Sum(
                    "service_records__hours",
                    filter=Q(
                        service_records__served_on__gte=start,
                        service_records__served_on__lte=end,
                    ),
                ),
                Value(Decimal(0)),
                output_field=decimal,
            ),
            total=Coalesce(Sum("service_records__hours"), Value(Decimal(0)), output_field=decimal),
            star=_star_label(),
        )
        .order_by("real_name", "pk")
    )
    roster = [
        RosterRow(
            member_id=m.pk,
            name=m.real_name if full_names else mask_name(m.real_name),
            is_captain=m.pk == team.captain_id,
            half_hours=m.half,
            all_hours=m.total,
            star=m.star or "",
        )
        for m in members
    ]
    roster.sort(key=lambda r: (not r.is_captain, r.name))
    return TeamPage(
        team=team,
        period=Period.current(),
        roster=roster,
        claims=wishes_selectors.team_claims(team=team),
    )
