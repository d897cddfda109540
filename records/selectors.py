"""Reading the ledger: a member's service by half-year, ranks by points, a community's records;
each in a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from core.periods import Period
from members.models import CommunityRegistration, Member

from .models import NOT_VOLUNTEER_SERVICE_KINDS, Certificate, ServiceRecord


@dataclass
class HalfYear:
    period: Period
    records: list = field(default_factory=list)
    hours: Decimal = Decimal(0)
    points: int = 0


def member_service_by_half_year(*, member: Member) -> list[HalfYear]:
    """The member's records grouped by half-year, newest first (one query)."""
    groups: OrderedDict[Period, HalfYear] = OrderedDict()
    records = (
        ServiceRecord.objects.filter(member=member)
        .select_related("community")
        .order_by("-served_on", "-pk")
    )
    for record in records:
        period = Period.containing(record.served_on)
        group = groups.setdefault(period, HalfYear(period=period))
        group.records.append(record)
        group.hours += record.hours
        group.points += record.points
    return list(groups.values())


def _points_total():
    """Each member's points over all their records, as a subquery (no join fan-out)."""
    return Coalesce(
        Subquery(
            ServiceRecord.objects.filter(member_id=OuterRef("pk"))
            .order_by()
            .values("member_id")
            .annotate(s=Sum("points"))
            .values("s")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _rank(members_qs, my_points: int) -> tuple[int, int]:
    """(rank, size): 1 + the number of peers with more points, and the number of peers."""
    row = (
        members_qs.annotate(total=_points_total())
        .order_by()
        .aggregate(ahead=Count("pk", filter=Q(total__gt=my_points)), size=Count("pk"))
    )
    return row["ahead"] + 1, row["size"]


@dataclass
class Ranks:
    points: int
    community_rank: int | None
    community_size: int
    branch_rank: int
    branch_size: int
    community_name: str = ""


def member_ranks(*, member: Member, my_points: int) -> Ranks:
    """The member's rank by points among the members of their community and of their branch
    (two annotated queries, plus one for the member's current community)."""
    registration = (
        CommunityRegistration.objects.filter(
            member=member, state=CommunityRegistration.State.CONFIRMED
        )
        .select_related("community")
        .first()
    )
    community_rank, community_size, community_name = None, 0, ""
    if registration is not None:
        peers = Member.objects.filter(
            registrations__community_id=registration.community_id,
            registrations__state=CommunityRegistration.State.CONFIRMED,
        )
        community_rank, community_size = _rank(peers, my_points)
        community_name = registration.community.name
    branch_rank, branch_size = _rank(Member.objects.filter(branch_id=member.branch_id), my_points)
    return Ranks(
        points=my_points,
        community_rank=community_rank,
        community_size=community_size,
        branch_rank=branch_rank,
        branch_size=branch_size,
        community_name=community_name,
    )


def community_recent_records(*, community, limit: int = 30):
    return (
        ServiceRecord.objects.filter(community=community)
        .select_related("member", "created_by")
        .order_by("-created_at", "-pk")[:limit]
    )


def community_registered_members(*, community):
    return Member.objects.filter(
        registrations__community=community,
        registrations__state=CommunityRegistration.State.CONFIRMED,
    ).order_by("real_name", "pk")


def member_certificates(*, member: Member):
    return Certificate.objects.filter(member=member).select_related("community")


def unit_certificates(*, community):
    return (
        Certificate.objects.filter(community=community)
        .select_related("member")
        .order_by("-issued_at", "-pk")
    )


def certificate_by_code(code: str) -> Certificate | None:
    if not code:
        return None
    return Certificate.objects.filter(verify_code=code).first()


def stars_to_review(queryset=None):
    """Awards whose member's volunteer-service hours are now below the level's current
    threshold: kept (an award is history), listed for the staff to look at."""
    from .models import MemberStar, StarRule, volunteer_service_q

    queryset = MemberStar.objects.all() if queryset is None else queryset
    hours = Coalesce(
        Subquery(
            ServiceRecord.objects.filter(volunteer_service_q(), member_id=OuterRef("member_id"))
            .order_by()
            .values("member_id")
            .annotate(s=Sum("hours"))
            .values("s")[:1]
        ),
        Value(Decimal(0)),
    )
    threshold = Subquery(StarRule.objects.filter(level=OuterRef("level")).values("min_hours")[:1])
    return queryset.annotate(now_hours=hours, now_threshold=threshold).filter(
        now_hours__lt=F("now_threshold")
    )


@dataclass
class Recognition:
    """A member's figures for the home page: this half-year and all time, each with its period,
    and the platform's star level with the next one."""

    period: Period
    half_hours: Decimal
    half_points: int
    all_hours: Decimal
    all_points: int
    standing: object  # records.stars.StarStanding


def member_recognition(*, member: Member, halves: list[HalfYear] | None = None) -> Recognition:
    """From the half-years already read (`member_service_by_half_year`), plus the star level
    (two queries)."""
    from .stars import star_standing

    if halves is None:
        halves = member_service_by_half_year(member=member)
    period = Period.current()
    this_half = next((h for h in halves if h.period == period), None)
    volunteer = sum(
        (r.hours for h in halves for r in h.records if r.kind not in NOT_VOLUNTEER_SERVICE_KINDS),
        start=Decimal(0),
    )
    return Recognition(
        period=period,
        half_hours=this_half.hours if this_half else Decimal(0),
        half_points=this_half.points if this_half else 0,
        all_hours=sum((h.hours for h in halves), start=Decimal(0)),
        all_points=sum(h.points for h in halves),
        standing=star_standing(member=member, hours=volunteer),
    )
