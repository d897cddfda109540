"""Reading the ledger: a member's service by half-year, ranks by points, a community's records;
each in a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear

from core.pagecache import generation, generations_changed
from core.periods import Period
from members.models import CommunityRegistration, Member

from .models import NOT_VOLUNTEER_SERVICE_KINDS, Certificate, ServiceRecord, volunteer_service_q


@dataclass
class HalfYear:
    period: Period
    records: list = field(default_factory=list)
    hours: Decimal = Decimal(0)
    points: int = 0
    count: int = 0  # the records of the half-year (`records`: those of the page shown, if paged)
    volunteer_hours: Decimal = Decimal(0)  # the hours that count for star levels


def member_half_year_totals(*, member: Member) -> list[HalfYear]:
    """The member's hours, points and number of records per half-year, newest first, summed in
    the database (one grouped query on record_by_member_date, however many records)."""
    rows = (
        ServiceRecord.objects.filter(member=member)
        .order_by()
        .annotate(
            year=ExtractYear("served_on"),
            half=Case(When(served_on__month__lte=6, then=Value(1)), default=Value(2)),
        )
        .values("year", "half")
        .annotate(
            sum_hours=Sum("hours"),
            sum_points=Sum("points"),
            n=Count("pk"),
            volunteer=Sum("hours", filter=volunteer_service_q()),
        )
    )
    halves = [
        HalfYear(
            period=Period(r["year"], r["half"]),
            hours=r["sum_hours"] or Decimal(0),
            points=r["sum_points"] or 0,
            count=r["n"],
            volunteer_hours=r["volunteer"] or Decimal(0),
        )
        for r in rows
    ]
    return sorted(halves, key=lambda h: h.period, reverse=True)


HALVES_SECONDS = 300


# The generation of all service records: the staff's lists and the evaluation page (kept for a
# minute per user, core.pagecache.user_page) are read afresh once any record changes.
RECORDS_KEY = "records:all"


def member_records_changed(member_id: int) -> None:
    """A record of the member was added, corrected or removed: their totals are summed afresh,
    and the pages listing records made afresh (now, and once the transaction commits)."""
    generations_changed(_halves_generation_key(member_id), RECORDS_KEY)


def _halves_generation_key(member_id: int) -> str:
    return f"records:member:{member_id}"


def member_records_key(member_id: int) -> str:
    """The generation key of a member's records: a page showing what they add up to is kept
    under it (core.pagecache.user_page) and read afresh once one changes."""
    return _halves_generation_key(member_id)


def member_half_year_totals_cached(*, member: Member) -> list[HalfYear]:
    """member_half_year_totals, kept until a record of the member changes (records.apps and
    records.services say so), five minutes at most: the member's home and "My service" read
    them on every visit, and a member of long service has thousands of records."""
    key = f"records:halves:{member.pk}:{generation(_halves_generation_key(member.pk))}"
    halves = cache.get(key)
    if halves is None:
        halves = member_half_year_totals(member=member)
        cache.set(key, halves, HALVES_SECONDS)
    return halves


def member_records(*, member: Member):
    """The member's records, newest first (read a page at a time, on record_by_member_date)."""
    return (
        ServiceRecord.objects.filter(member=member)
        .select_related("community")
        .order_by("-served_on", "-pk")
    )


def records_by_half_year(records, halves: list[HalfYear]) -> list[HalfYear]:
    """The records of one page under their half-years (each with the half-year's totals from
    `halves`), in the page's order."""
    totals = {h.period: h for h in halves}
    groups: OrderedDict[Period, HalfYear] = OrderedDict()
    for record in records:
        period = Period.containing(record.served_on)
        if period not in groups:
            total = totals.get(period) or HalfYear(period=period)
            groups[period] = HalfYear(
                period=period, hours=total.hours, points=total.points, count=total.count
            )
        groups[period].records.append(record)
    return list(groups.values())


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
        group.count += 1
        if record.kind not in NOT_VOLUNTEER_SERVICE_KINDS:
            group.volunteer_hours += record.hours
    return list(groups.values())


def member_service_totals(*, member: Member, period: Period) -> tuple[Decimal, int, int]:
    """(hours, points) of the member in `period` and their points over all time, summed in the
    database (one query): the member's home, however many records they have."""
    in_period = Q(served_on__range=(period.start, period.end))
    row = ServiceRecord.objects.filter(member=member).aggregate(
        period_hours=Coalesce(Sum("hours", filter=in_period), Value(Decimal(0))),
        period_points=Coalesce(
            Sum("points", filter=in_period), Value(0), output_field=IntegerField()
        ),
        all_points=Coalesce(Sum("points"), Value(0), output_field=IntegerField()),
    )
    return row["period_hours"], row["period_points"], row["all_points"]


def _rank(members_qs, my_points: int) -> tuple[int, int]:
    """(rank, size): 1 + the number of peers with more points, and the number of peers. One
    query: the peers' records summed per member in one pass (a peer without records has no more
    points than anyone), not a sum per peer."""
    ahead = (
        ServiceRecord.objects.filter(member__in=members_qs.values("pk"))
        .order_by()
        .values("member_id")
        .annotate(s=Sum("points"))
        .filter(s__gt=my_points)
        .values("member_id")
    )
    row = members_qs.order_by().aggregate(
        ahead=Count("pk", filter=Q(pk__in=ahead)), size=Count("pk")
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


RANKS_SECONDS = 300


def member_ranks_cached(*, member: Member, my_points: int) -> Ranks:
    """member_ranks, kept for five minutes per member and points: ranking sums the points of
    every peer, so the home page reads it from the cache; the member's own new points rank
    them afresh at once."""
    key = f"records:ranks:{member.pk}:{member.branch_id}:{my_points}"
    ranks = cache.get(key)
    if ranks is None:
        ranks = member_ranks(member=member, my_points=my_points)
        cache.set(key, ranks, RANKS_SECONDS)
    return ranks


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
    """The community's latest records (one page, on record_by_community_created)."""
    return (
        ServiceRecord.objects.filter(community=community)
        .select_related("member", "created_by")
        .order_by("-created_at", "-pk")[:limit]
    )


def community_records(*, community):
    """Every service record served in a community, newest first (the staff's export)."""
    return (
        ServiceRecord.objects.filter(community=community)
        .select_related("member", "organization", "created_by")
        .order_by("-served_on", "-pk")
    )


def community_registered_members(*, community):
    return Member.objects.filter(
        registrations__community=community,
        registrations__state=CommunityRegistration.State.CONFIRMED,
    ).order_by("real_name", "pk")


def member_certificates(*, member: Member):
    return Certificate.objects.filter(member=member).select_related("community", "organization")


def unit_certificates(*, community=None, roles=None):
    """The certificates a unit issued: a community's, or (with `roles`) those of the staff's
    community and of the organizations the user administers."""
    if roles is not None:
        q = Q(pk__in=[])
        if roles.staff_community_id:
            q |= Q(community_id=roles.staff_community_id)
        if roles.is_org_admin:
            q |= roles.org_q("organization__")
    else:
        q = Q(community=community)
    return (
        Certificate.objects.filter(q)
        .select_related("member", "organization")
        .order_by("-issued_at", "-pk")
    )


def certificate_by_code(code: str) -> Certificate | None:
    if not code:
        return None
    return Certificate.objects.filter(verify_code=code).first()


def stars_to_review(queryset=None):
    """Awards whose member's volunteer-service hours are now below the level's current
    threshold: kept (an award is history), listed for the staff to look at."""
    from .models import (
        MemberStar,
        StarRule,
        volunteer_service_q,
    )  # at call time: the stars module imports these selectors

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
    """From the half-years already read (`member_half_year_totals`, or
    `member_service_by_half_year`), plus the star level (two queries)."""
    from .stars import star_standing  # at call time: the stars module imports these selectors

    period = Period.current()
    if halves is not None:
        this_half = next((h for h in halves if h.period == period), None)
        volunteer = sum((h.volunteer_hours for h in halves), start=Decimal(0))
        return Recognition(
            period=period,
            half_hours=this_half.hours if this_half else Decimal(0),
            half_points=this_half.points if this_half else 0,
            all_hours=sum((h.hours for h in halves), start=Decimal(0)),
            all_points=sum(h.points for h in halves),
            standing=star_standing(member=member, hours=volunteer),
        )
    # No half-years read yet (the member's home): the figures summed in the database, one
    # query however many records the member has.
    in_period = Q(served_on__range=(period.start, period.end))
    zero_hours = Value(Decimal(0))
    row = ServiceRecord.objects.filter(member=member).aggregate(
        half_hours=Coalesce(Sum("hours", filter=in_period), zero_hours),
        half_points=Coalesce(
            Sum("points", filter=in_period), Value(0), output_field=IntegerField()
        ),
        all_hours=Coalesce(Sum("hours"), zero_hours),
        all_points=Coalesce(Sum("points"), Value(0), output_field=IntegerField()),
        volunteer=Coalesce(Sum("hours", filter=volunteer_service_q()), zero_hours),
    )
    return Recognition(
        period=period,
        half_hours=row["half_hours"],
        half_points=row["half_points"],
        all_hours=row["all_hours"],
        all_points=row["all_points"],
        standing=star_standing(member=member, hours=row["volunteer"]),
    )
