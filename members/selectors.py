"""Reads for the members pages: each list is one fixed set of queries, whatever its length."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import (
    Community,
    CommunityRegistration,
    Member,
    Organization,
    Partnership,
)

ACTIVE_STATES = [CommunityRegistration.State.PENDING, CommunityRegistration.State.CONFIRMED]


def _current_partnership_q(prefix: str = "", on=None) -> Q:
    on = on or timezone.localdate()
    return Q(**{f"{prefix}term_start__lte": on, f"{prefix}term_end__gte": on})


def current_partnerships(on=None) -> QuerySet[Partnership]:
    return Partnership.objects.filter(_current_partnership_q(on=on))


def site_figures() -> dict[str, int]:
    """The home page's live figures: confirmed members, active communities, paired
    organizations with a current partnership (three COUNT queries)."""
    return {
        "members": CommunityRegistration.objects.filter(
            state=CommunityRegistration.State.CONFIRMED
        ).count(),
        "communities": Community.objects.filter(is_active=True).count(),
        "organizations": Organization.objects.filter(
            Exists(current_partnerships().filter(organization_id=OuterRef("pk")))
        ).count(),
    }


def community_list(*, search: str = "") -> QuerySet[Community]:
    """Active communities with their place, member count and current paired organizations."""
    qs = (
        Community.objects.filter(is_active=True)
        .select_related("subdistrict__district")
        .annotate(
            member_count=Count(
                "registrations",
                filter=Q(registrations__state=CommunityRegistration.State.CONFIRMED),
                distinct=True,
            )
        )
        .prefetch_related(
            Prefetch(
                "partnerships",
                queryset=current_partnerships()
                .select_related("organization")
                .order_by("organization__name"),
                to_attr="current_partnerships",
            )
        )
        .order_by("subdistrict__district__name", "subdistrict__name", "name")
    )
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(subdistrict__name__icontains=search)
            | Q(address__icontains=search)
        )
    return qs


def community_partnerships(*, community: Community) -> QuerySet[Partnership]:
    return community.partnerships.select_related("organization", "organization__parent").order_by(
        "-term_end", "organization__name"
    )


def pending_registrations(*, community_id: int) -> QuerySet[CommunityRegistration]:
    """The staff page: requests waiting for this community's decision, oldest first."""
    return (
        CommunityRegistration.objects.filter(
            community_id=community_id, state=CommunityRegistration.State.PENDING
        )
        .select_related("member__user", "member__branch", "member__residence_community")
        .prefetch_related("member__service_categories")
        .order_by("created_at", "pk")
    )


def registered_members(*, community_id: int, search: str = "") -> QuerySet[Member]:
    """The members confirmed with a community, with their branch and categories."""
    qs = (
        Member.objects.filter(
            registrations__community_id=community_id,
            registrations__state=CommunityRegistration.State.CONFIRMED,
        )
        .select_related("user", "branch", "residence_community")
        .prefetch_related(
            "service_categories",
            Prefetch(
                "registrations",
                queryset=CommunityRegistration.objects.filter(state__in=ACTIVE_STATES),
                to_attr="active_registrations",
            ),
        )
        .order_by("real_name", "pk")
    )
    if search:
        qs = qs.filter(Q(real_name__icontains=search) | Q(branch__name__icontains=search))
    return qs


def member_registrations(*, member: Member) -> QuerySet[CommunityRegistration]:
    """A member's registration history, newest first."""
    return member.registrations.select_related(
        "community__subdistrict__district", "decided_by"
    ).order_by("-created_at", "-pk")


def member_profile(*, user) -> Member | None:
    return (
        Member.objects.select_related("branch", "residence_community", "user")
        .prefetch_related("service_categories")
        .filter(user=user)
        .first()
    )


# ---------------------------------------------------------------------------------------------
# The home pages: what is waiting for the member or the staff, read from the feature apps.
# Imported inside the functions: members is the foundation the other apps build on.
# ---------------------------------------------------------------------------------------------
HOME_CLAIMS = 5


@dataclass
class MemberHome:
    period: object  # core.periods.Period, the half-year we are in
    hours: Decimal
    points: int
    ranks: object  # reports.selectors.Ranks (by points over all time, as on "My service")
    open_claims: list = field(default_factory=list)
    more_claims: bool = False
    report: object = None  # the member's latest half-year report, if any


def member_home(*, user, member: Member) -> MemberHome:
    """This half-year's service, rank, open claims and latest report of a member
    (a fixed set of queries: records, ranks, open claims, latest report)."""
    from core.periods import Period
    from reports import selectors as reports_selectors
    from wishes import selectors as wishes_selectors
    from wishes.models import Claim

    period = Period.current()
    halves = reports_selectors.member_service_by_half_year(member=member)
    this_half = next((h for h in halves if h.period == period), None)
    ranks = reports_selectors.member_ranks(member=member, my_points=sum(h.points for h in halves))
    claims = list(
        wishes_selectors.my_claims(user=user).filter(state__in=Claim.OPEN_STATES)[: HOME_CLAIMS + 1]
    )
    return MemberHome(
        period=period,
        hours=this_half.hours if this_half else Decimal(0),
        points=this_half.points if this_half else 0,
        ranks=ranks,
        open_claims=claims[:HOME_CLAIMS],
        more_claims=len(claims) > HOME_CLAIMS,
        report=reports_selectors.member_reports_for(user=user, member=member).first(),
    )


@dataclass
class StaffWaiting:
    pending_registrations: int
    submitted_wishes: int
    fulfilled_wishes: int
    overdue_claims: int
    evaluation_period: object  # core.periods.Period, the last half-year that ended
    not_evaluated: int

    @property
    def total(self) -> int:
        return (
            self.pending_registrations
            + self.submitted_wishes
            + self.fulfilled_wishes
            + self.not_evaluated
        )


def staff_waiting(*, community: Community, pending_registrations: int) -> StaffWaiting:
    """What waits for the staff of one community (a fixed set of queries: the wish counts,
    the overdue claims, the members and ratings of the last half-year)."""
    from core.periods import last_ended
    from reports import selectors as reports_selectors
    from wishes import selectors as wishes_selectors

    wishes = wishes_selectors.wishes_waiting_for_staff(community=community)
    period = last_ended(timezone.localdate())
    rows = reports_selectors.community_evaluation_rows(community=community, period=period)
    return StaffWaiting(
        pending_registrations=pending_registrations,
        submitted_wishes=wishes["submitted"],
        fulfilled_wishes=wishes["fulfilled"],
        overdue_claims=wishes["overdue"],
        evaluation_period=period,
        not_evaluated=sum(1 for r in rows if r.evaluation is None),
    )
