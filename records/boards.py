"""Leaderboards: members by hours or points within a community, a branch, an organization or a
team; organizations by 报到 rate (members registered with a community / members) and hours per
member; teams by hours. Each board is for a period (this half-year, this year, all time) and
says which. Ties share a rank. Each board is one or three grouped queries, whatever its size.

Public boards show only the members who opted in (`Member.on_public_boards`), with masked names;
the staff of a community and the admins of an organization see their own members in full.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import (
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Rank
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.periods import Period
from members.models import (
    CommunityRegistration,
    Member,
    Organization,
    ServiceTeam,
    mask_name,
)

from .models import MemberStar, ServiceRecord

BOARD_SIZE = 50


class BoardPeriod(models.TextChoices):
    HALF = "half", _("This half-year")
    YEAR = "year", pgettext_lazy("board", "This year")
    ALL = "all", _("All time")


class BoardBy(models.TextChoices):
    HOURS = "hours", pgettext_lazy("board", "Hours")
    POINTS = "points", _("Points")


def period_range(period: str, today: datetime.date | None = None):
    """(first day or None, last day or None, label) of a board's period."""
    today = today or timezone.localdate()
    if period == BoardPeriod.HALF:
        half = Period.containing(today)
        return half.start, half.end, half.label
    if period == BoardPeriod.YEAR:
        return (
            datetime.date(today.year, 1, 1),
            datetime.date(today.year, 12, 31),
            _("%(year)s, the whole year") % {"year": today.year},
        )
    return None, None, BoardPeriod.ALL.label


def _served_q(start, end, prefix="service_records__") -> Q:
    q = Q()
    if start:
        q &= Q(**{f"{prefix}served_on__gte": start})
    if end:
        q &= Q(**{f"{prefix}served_on__lte": end})
    return q


@dataclass
class BoardRow:
    rank: int
    name: str
    hours: Decimal
    points: int
    star: str = ""
    member_id: int | None = None
    is_me: bool = False


@dataclass
class Board:
    title: str
    period_label: str
    by: str
    public: bool
    rows: list[BoardRow] = field(default_factory=list)


def _star_label():
    return Subquery(
        MemberStar.objects.filter(member_id=OuterRef("pk")).order_by("-level").values("label")[:1]
    )


def member_board(
    *,
    members,
    period: str = BoardPeriod.HALF,
    by: str = BoardBy.HOURS,
    community=None,
    public: bool = True,
    me: Member | None = None,
    title: str = "",
    limit: int = BOARD_SIZE,
) -> Board:
    """Members ranked by hours or points in the period (one query). `community`: count only the
    service given to it (a community's board)."""
    start, end, label = period_range(period)
    served = _served_q(start, end)
    if community is not None:
        served &= Q(service_records__community_id=community.pk)
    if public:
        members = members.filter(on_public_boards=True)
    order = "b_hours" if by == BoardBy.HOURS else "b_points"
    qs = (
        members.annotate(
            b_hours=Coalesce(
                Sum("service_records__hours", filter=served),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=10, decimal_places=1),
            ),
            b_points=Coalesce(
                Sum("service_records__points", filter=served),
                Value(0),
                output_field=IntegerField(),
            ),
        )
        .filter(**{f"{order}__gt": 0})
        .annotate(
            b_rank=Window(Rank(), order_by=F(order).desc()),
            b_star=_star_label(),
        )
        .order_by("b_rank", "real_name", "pk")
        .values("pk", "real_name", "b_hours", "b_points", "b_rank", "b_star")[:limit]
    )
    rows = [
        BoardRow(
            rank=r["b_rank"],
            name=mask_name(r["real_name"]) if public else r["real_name"],
            hours=r["b_hours"],
            points=r["b_points"],
            star=r["b_star"] or "",
            member_id=r["pk"],
            is_me=me is not None and r["pk"] == me.pk,
        )
        for r in qs
    ]
    return Board(title=title, period_label=label, by=by, public=public, rows=rows)


def community_members(community):
    return Member.objects.filter(
        registrations__community=community,
        registrations__state=CommunityRegistration.State.CONFIRMED,
    )


def branch_members(branch):
    return Member.objects.filter(branch=branch)


def organization_members(organization):
    return Member.objects.filter(branch__path__startswith=organization.path)


def team_members(team):
    return Member.objects.filter(team_memberships__team=team)


# Organizations and teams ----------------------------------------------------------------------
@dataclass
class UnitRow:
    rank: int
    name: str
    members: int
    registered: int
    hours: Decimal
    pk: int | None = None

    @property
    def rate(self) -> Decimal:
        """报到率: members registered with a community, per hundred members."""
        if not self.members:
            return Decimal(0)
        return (Decimal(self.registered) * 100 / self.members).quantize(Decimal("0.1"))

    @property
    def hours_per_member(self) -> Decimal:
        if not self.members:
            return Decimal(0)
        return (self.hours / self.members).quantize(Decimal("0.1"))


def _rank_rows(rows, key):
    """Ranks that ties share (1, 2, 2, 4)."""
    rows.sort(key=lambda r: (-key(r), r.name))
    rank, previous = 0, None
    for index, row in enumerate(rows, start=1):
        if key(row) != previous:
            rank, previous = index, key(row)
        row.rank = rank
    return rows


def organization_board(
    *, under: Organization | None = None, period: str = BoardPeriod.HALF, by: str = "rate"
) -> tuple[list[UnitRow], str]:
    """The organizations one level below `under` (the committees' party committees when None),
    each with its whole subtree: members, members registered, 报到 rate, hours and hours per
    member (three grouped queries)."""
    start, end, label = period_range(period)
    if under is None:
        units = list(Organization.objects.filter(parent__parent__isnull=True, parent__isnull=False))
    else:
        units = list(Organization.objects.filter(parent=under))
    by_path = {u.path: u for u in units}

    def unit_of(path: str):
        parts = path.split("/")
        for depth in range(1, len(parts)):
            unit = by_path.get("/".join(parts[:depth]) + "/")
            if unit is not None:
                return unit
        return None

    counts = (
        Member.objects.filter(branch__path__startswith=under.path if under else "")
        .values("branch__path")
        .annotate(
            n=Count("pk", distinct=True),
            registered=Count(
                "pk",
                distinct=True,
                filter=Q(registrations__state=CommunityRegistration.State.CONFIRMED),
            ),
        )
        .order_by()
    )
    hours = (
        ServiceRecord.objects.filter(_served_q(start, end, prefix=""))
        .values("member__branch__path")
        .annotate(h=Sum("hours"))
        .order_by()
    )
    rows = {u.pk: UnitRow(0, u.name, 0, 0, Decimal(0), pk=u.pk) for u in units}
    for c in counts:
        unit = unit_of(c["branch__path"])
        if unit is not None:
            rows[unit.pk].members += c["n"]
            rows[unit.pk].registered += c["registered"]
    for h in hours:
        unit = unit_of(h["member__branch__path"])
        if unit is not None:
            rows[unit.pk].hours += h["h"] or 0
    key = (lambda r: r.rate) if by == "rate" else (lambda r: r.hours_per_member)
    return _rank_rows(list(rows.values()), key), label


def team_board(*, teams=None, period: str = BoardPeriod.HALF) -> tuple[list[UnitRow], str]:
    """Teams by their members' hours in the period (one query)."""
    start, end, label = period_range(period)
    teams = ServiceTeam.objects.all() if teams is None else teams
    size = Subquery(
        ServiceTeam.members.through.objects.filter(team_id=OuterRef("pk"))
        .order_by()
        .values("team_id")
        .annotate(n=Count("pk"))
        .values("n")[:1],
        output_field=IntegerField(),
    )
    qs = teams.annotate(
        t_hours=Coalesce(
            Sum(
                "memberships__member__service_records__hours",
                filter=_served_q(start, end, prefix="memberships__member__service_records__"),
            ),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=12, decimal_places=1),
        ),
        t_size=Coalesce(size, Value(0)),
    ).values("pk", "name", "t_hours", "t_size")
    rows = [UnitRow(0, t["name"], t["t_size"], 0, t["t_hours"], pk=t["pk"]) for t in qs]
    return _rank_rows(rows, lambda r: r.hours), label
