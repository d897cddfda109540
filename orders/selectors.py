"""Reads of the orders app: the querysets behind every list, each a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.tracking import normalize_code, phone_last4_matches
from members.access import get_for_user_or_404, get_roles, work_scope
from members.claimants import claimant_q
from members.models import Community, CommunityRegistration, Member, Organization, ServiceTeam

from .models import Dispatch, MenuCategory, MenuItem, OrderTransition, ServiceOrder

S = ServiceOrder.State
HOME_ORDERS = 5
SUGGESTIONS = 8


def _with_assignee(qs: QuerySet) -> QuerySet:
    """Each order with its live dispatch (offered or accepted) as `live_dispatches`."""
    return qs.prefetch_related(
        Prefetch(
            "dispatches",
            queryset=Dispatch.objects.filter(state__in=Dispatch.LIVE_STATES).select_related(
                "member", "team", "organization"
            ),
            to_attr="live_dispatches",
        )
    )


def _listed(qs: QuerySet) -> QuerySet:
    return _with_assignee(qs.select_related("item", "community"))


# ---------------------------------------------------------------------------------------------
# Residents
# ---------------------------------------------------------------------------------------------
def community_menu(*, community: Community) -> list[MenuCategory]:
    """The offered categories of a community's menu with their offered items (two queries)."""
    return list(
        MenuCategory.objects.filter(community=community, is_active=True)
        .prefetch_related(
            Prefetch("items", queryset=MenuItem.objects.filter(is_active=True), to_attr="offered")
        )
        .order_by("order", "name")
    )


def offered_items(*, community: Community) -> QuerySet:
    return MenuItem.objects.filter(
        category__community=community, is_active=True, category__is_active=True
    ).select_related("category")


def order_by_tracking(*, code: str, last4: str) -> ServiceOrder | None:
    """The order with this code whose resident's phone ends in `last4`; None for a wrong code
    and for wrong digits alike (the page says the same for both)."""
    code = normalize_code(code)
    order = (
        ServiceOrder.objects.filter(code=code)
        .select_related("requester", "item", "community")
        .first()
        if code
        else None
    )
    if order is None:
        # Compare anyway, so a wrong code takes as long as wrong digits.
        phone_last4_matches("00000000", last4)
        return None
    if not phone_last4_matches(order.requester.phone, last4):
        return None
    return order


def tracking_assignee(order: ServiceOrder) -> str:
    """Who serves, as the resident sees it: a team's or a unit's name, a member as 张某."""
    dispatch = order.dispatches.filter(state=Dispatch.State.ACCEPTED).select_related(
        "member", "team", "organization"
    )
    dispatch = dispatch.first()
    return dispatch.public_claimant_name if dispatch else ""


def public_history(order: ServiceOrder) -> list[OrderTransition]:
    """The steps as the resident reads them: states and times, no names."""
    return list(order.transitions.order_by("at", "pk"))


# ---------------------------------------------------------------------------------------------
# Staff
# ---------------------------------------------------------------------------------------------
def staff_orders(*, user, states=None) -> QuerySet:
    qs = work_scope(user, ServiceOrder.objects.all())
    if states is not None:
        qs = qs.filter(state__in=states)
    return _listed(qs).order_by("created_at", "pk")


def intake_queue(*, user) -> QuerySet:
    return staff_orders(user=user, states=[S.SUBMITTED])


def dispatch_board(*, user) -> QuerySet:
    """Orders to dispatch and those on their way (offered, open to grab, taken, in service, on
    hold), and those whose hours wait for confirmation."""
    return staff_orders(
        user=user,
        states=[S.ACCEPTED, S.DISPATCHED, S.GRABBABLE, S.TAKEN, S.IN_SERVICE, S.ON_HOLD, S.DONE],
    )


def overdue_orders(*, user, now=None) -> QuerySet:
    now = now or timezone.now()
    return (
        staff_orders(user=user)
        .filter(
            Q(state=S.SUBMITTED, accept_due_at__lt=now)
            | Q(state__in=ServiceOrder.OPEN_STATES, complete_due_at__lt=now)
        )
        .order_by("-escalation_level", "complete_due_at", "pk")
    )


def order_for_page(*, user, pk: int) -> ServiceOrder:
    return get_for_user_or_404(
        user,
        ServiceOrder.objects.select_related(
            "community__subdistrict", "item__category", "requester", "grab_team"
        ),
        pk=pk,
    )


def order_history(*, order: ServiceOrder) -> QuerySet:
    return order.transitions.select_related("by").order_by("at", "pk")


def order_dispatches(*, order: ServiceOrder) -> QuerySet:
    return order.dispatches.select_related("member", "team", "organization", "dispatched_by")


@dataclass
class Suggestion:
    member: Member
    matches: bool
    open_orders: int


def dispatch_suggestions(*, order: ServiceOrder, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Members to offer the order to: registered (confirmed) with its community, those who
    offer the item's service category first, then those holding the fewest open orders. One
    query, whatever the number of members."""
    category_id = order.item.service_category_id
    open_orders = (
        Dispatch.objects.filter(
            member=OuterRef("pk"),
            claimant_kind=Dispatch.ClaimantKind.MEMBER,
            state=Dispatch.State.ACCEPTED,
            order__state__in=[S.TAKEN, S.IN_SERVICE],
        )
        .order_by()
        .values("member")
        .annotate(n=Count("pk"))
        .values("n")
    )
    matches = (
        Exists(
            Member.service_categories.through.objects.filter(
                member_id=OuterRef("pk"), servicecategory_id=category_id
            )
        )
        if category_id
        else Value(False)
    )
    members = (
        Member.objects.filter(
            Exists(
                CommunityRegistration.objects.filter(
                    member=OuterRef("pk"),
                    community_id=order.community_id,
                    state=CommunityRegistration.State.CONFIRMED,
                )
            )
        )
        .annotate(matches=matches, open_orders=Coalesce(Subquery(open_orders), 0))
        .only("pk", "real_name", "skills")
        .order_by("-matches", "open_orders", "real_name", "pk")[:limit]
    )
    return [Suggestion(member=m, matches=m.matches, open_orders=m.open_orders) for m in members]


def dispatch_targets(*, order: ServiceOrder) -> dict:
    """What the dispatch form offers: the community's registered members, its teams, and the
    organizations paired with it."""
    today = timezone.localdate()
    return {
        "members": Member.objects.filter(
            registrations__community_id=order.community_id,
            registrations__state=CommunityRegistration.State.CONFIRMED,
        )
        .only("pk", "real_name")
        .order_by("real_name", "pk"),
        "teams": ServiceTeam.objects.filter(
            Q(community_id=order.community_id) | Q(community__isnull=True)
        )
        .select_related("captain")
        .order_by("name"),
        "organizations": Organization.objects.filter(
            partnerships__community_id=order.community_id,
            partnerships__term_start__lte=today,
            partnerships__term_end__gte=today,
        )
        .distinct()
        .order_by("path"),
    }


# ---------------------------------------------------------------------------------------------
# Members and organization admins
# ---------------------------------------------------------------------------------------------
def offers_to_me(*, user) -> QuerySet:
    roles = get_roles(user)
    if not roles.is_authenticated:
        return Dispatch.objects.none()
    return (
        Dispatch.objects.filter(claimant_q(roles), state=Dispatch.State.OFFERED)
        .select_related("order__item", "order__community", "member", "team", "organization")
        .order_by("respond_by", "pk")
    )


def my_orders(*, user, open_only: bool = False) -> QuerySet:
    """Orders whose accepted dispatch the user acts for (as member, captain or unit admin)."""
    roles = get_roles(user)
    if not roles.is_authenticated:
        return ServiceOrder.objects.none()
    accepted = Dispatch.objects.filter(claimant_q(roles), state=Dispatch.State.ACCEPTED)
    qs = ServiceOrder.objects.filter(pk__in=accepted.values("order_id"))
    if open_only:
        qs = qs.filter(state__in=[S.TAKEN, S.IN_SERVICE])
    return _listed(qs).order_by("-taken_at", "-pk")


def grabbable_orders(*, user) -> QuerySet:
    """Orders open to grabbing in the communities the member is registered with (those held
    for a team: its members only)."""
    member = get_roles(user).member
    if member is None:
        return ServiceOrder.objects.none()
    registered = CommunityRegistration.objects.filter(
        member=member, state=CommunityRegistration.State.CONFIRMED
    ).values("community_id")
    teams = ServiceTeam.objects.filter(Q(members=member) | Q(captain=member)).values("pk")
    return (
        ServiceOrder.objects.filter(state=S.GRABBABLE, community_id__in=registered)
        .filter(Q(grab_team__isnull=True) | Q(grab_team_id__in=teams))
        .select_related("item", "community")
        .order_by("created_at", "pk")
    )


def unit_orders(*, user) -> QuerySet:
    """Orders given to the organizations the user administers (offered or taken by them)."""
    roles = get_roles(user)
    if not roles.admin_org_ids:
        return ServiceOrder.objects.none()
    given = Dispatch.objects.filter(
        claimant_kind=Dispatch.ClaimantKind.ORGANIZATION,
        organization_id__in=roles.admin_org_ids,
    )
    return _listed(ServiceOrder.objects.filter(pk__in=given.values("order_id"))).order_by(
        "-created_at", "-pk"
    )


def unit_members(*, dispatch: Dispatch) -> QuerySet:
    """The members an organization admin may pass an order offered to the unit on to."""
    return Member.objects.filter(
        branch__path__startswith=dispatch.organization.path,
        registrations__community_id=dispatch.order.community_id,
        registrations__state=CommunityRegistration.State.CONFIRMED,
    ).order_by("real_name", "pk")


@dataclass
class HomeCard:
    offers: list = field(default_factory=list)
    open_orders: list = field(default_factory=list)
    grabbable: int = 0
    more: bool = False


def member_home_card(*, user) -> HomeCard:
    """What the member's home shows of orders: offers waiting for an answer, the orders being
    served, and how many are open to grab (three queries and their prefetches; the count
    cached for a minute)."""
    offers = list(offers_to_me(user=user)[: HOME_ORDERS + 1])
    orders = list(my_orders(user=user, open_only=True)[: HOME_ORDERS + 1])
    key = f"orders:home-grabbable:{user.pk}"
    grabbable = cache.get(key)
    if grabbable is None:
        grabbable = grabbable_orders(user=user).count()
        cache.set(key, grabbable, HOME_GRABBABLE_SECONDS)
    return HomeCard(
        offers=offers[:HOME_ORDERS],
        open_orders=orders[:HOME_ORDERS],
        grabbable=grabbable,
        more=len(offers) > HOME_ORDERS or len(orders) > HOME_ORDERS,
    )


# How many orders are open to grab changes with others' orders, not the member's: the home
# counts it at most once this many seconds per user (the list of them is always fresh).
HOME_GRABBABLE_SECONDS = 60


# ---------------------------------------------------------------------------------------------
# Committee
# ---------------------------------------------------------------------------------------------
def escalated_orders(*, user) -> QuerySet:
    return (
        staff_orders(user=user)
        .filter(escalation_level__gt=0)
        .exclude(state__in=[S.CLOSED, S.REJECTED, S.CANCELLED])
        .order_by("-escalation_level", "created_at", "pk")
    )


@dataclass
class CommunityTimes:
    community: str
    orders: int
    to_accept: float | None  # hours
    to_complete: float | None
    rating: float | None


def _hours(span: datetime.timedelta | None) -> float | None:
    return None if span is None else span.total_seconds() / 3600


def times_per_community(*, user, since: datetime.datetime | None = None) -> list[CommunityTimes]:
    """Per overseen community: orders, mean time from ordering to acceptance and to completion,
    mean rating (one grouped query)."""
    qs = work_scope(user, ServiceOrder.objects.all())
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    rows = (
        qs.values("community__name")
        .annotate(
            orders=Count("pk"),
            to_accept=Avg(
                ExpressionWrapper(F("accepted_at") - F("created_at"), output_field=DurationField())
            ),
            to_complete=Avg(
                ExpressionWrapper(F("done_at") - F("created_at"), output_field=DurationField())
            ),
            rating=Avg("rating"),
        )
        .order_by("community__name")
    )
    return [
        CommunityTimes(
            community=r["community__name"],
            orders=r["orders"],
            to_accept=_hours(r["to_accept"]),
            to_complete=_hours(r["to_complete"]),
            rating=r["rating"],
        )
        for r in rows
    ]
