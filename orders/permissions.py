"""Rules and scopers of the orders app.

- Residents have no account: they reach their order by its tracking code and the last 4 digits
  of their phone (views, rate-limited), never through these rules.
- Staff accept, reject, dispatch, cancel, confirm hours and record ratings for their own
  community's orders, and edit its menu; committee admins see the orders of the communities
  they oversee (the escalated ones on their page).
- Whoever acts for a dispatch (the member, the team's captain, an admin of the organization)
  answers the offer; once accepted, serves the order and sees the resident's contact.
- An organization's admin passes an order offered to the unit on to one of its members.
- Members grab orders open to grabbing in the communities they are registered with.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from members.access import (
    Roles,
    admin_verbs,
    nobody,
    rule,
    scoper,
    superusers_only,
    unscoped,
    uses_admin,
    work_scoper,
)
from members.claimants import acts_for, claimant_q
from members.models import CommunityRegistration

from .models import (
    DeadlinePolicy,
    Dispatch,
    MenuCategory,
    MenuItem,
    OrderEscalation,
    OrderPhoto,
    OrderTransition,
    Participation,
    Requester,
    ServiceOrder,
    WorkdayOverride,
)


def accepted_dispatch_of(order: ServiceOrder) -> Dispatch | None:
    """The order's accepted dispatch (its assignee), cached on the order for the request."""
    if not hasattr(order, "_accepted_dispatch"):
        order._accepted_dispatch = (
            order.dispatches.filter(state=Dispatch.State.ACCEPTED)
            .select_related("member", "team", "organization")
            .first()
        )
    return order._accepted_dispatch


def offered_dispatch_of(order: ServiceOrder) -> Dispatch | None:
    if not hasattr(order, "_offered_dispatch"):
        order._offered_dispatch = (
            order.dispatches.filter(state=Dispatch.State.OFFERED)
            .select_related("member", "team", "organization")
            .first()
        )
    return order._offered_dispatch


def _staffs(roles: Roles, obj) -> bool:
    """Staff (of any community, for "any object"; else of the object's community)."""
    return roles.is_staff if obj is None else roles.staffs(obj.community_id)


def _staff_or_overseer(roles: Roles, order) -> bool:
    if order is None:
        return roles.is_staff or roles.is_committee_admin
    return roles.staffs(order.community_id) or roles.oversees_community(order.community)


def _serves(roles: Roles, order: ServiceOrder) -> bool:
    """Acts for the order's accepted dispatch."""
    return order is not None and acts_for(roles, accepted_dispatch_of(order))


# Accept, reject, cancel, confirm hours, record a rating from a call.
rule("orders.order.manage")(_staffs)
# Dispatch, re-dispatch, open to grab.
rule("orders.order.dispatch")(_staffs)


@rule("orders.order.enter")
def _enter(roles: Roles, community) -> bool:
    """Enter an order taken by phone or on a visit: staff, for their community."""
    return roles.is_staff if community is None else roles.staffs(community.pk)


@rule("orders.menu.edit")
def _edit_menu(roles: Roles, community) -> bool:
    return roles.is_staff if community is None else roles.staffs(community.pk)


@rule("orders.dispatch.answer")
def _answer(roles: Roles, dispatch: Dispatch) -> bool:
    """Accept or decline an offer: whoever acts for the dispatch, while it is offered."""
    return dispatch is not None and dispatch.is_offered and acts_for(roles, dispatch)


@rule("orders.dispatch.pass_on")
def _pass_on(roles: Roles, dispatch: Dispatch) -> bool:
    """An admin of the organization an order is offered to passes it on to one of its
    members (派单 within the unit)."""
    return (
        dispatch is not None
        and dispatch.is_offered
        and dispatch.claimant_kind == Dispatch.ClaimantKind.ORGANIZATION
        and dispatch.organization_id in roles.admin_org_ids
    )


@rule("orders.order.serve")
def _serve(roles: Roles, order: ServiceOrder) -> bool:
    """Start and complete the order: whoever acts for its accepted dispatch."""
    return _serves(roles, order)


@rule("orders.order.grab")
def _grab(roles: Roles, order: ServiceOrder | None) -> bool:
    """Members, on an order open to grabbing (the service checks the registration and team)."""
    return roles.is_member and (order is None or order.is_grabbable)


@rule("orders.order.view")
def _view(roles: Roles, order: ServiceOrder) -> bool:
    if _staff_or_overseer(roles, order):
        return True
    if order is None:
        return roles.is_member or roles.is_org_admin
    if order.is_grabbable and roles.is_member:
        return True
    return _serves(roles, order) or acts_for(roles, offered_dispatch_of(order))


@rule("orders.order.view_contact")
def _view_contact(roles: Roles, order: ServiceOrder) -> bool:
    """The resident's name, phone and address: the community's staff; the assignee only after
    accepting (and while the order is not closed). Every view is logged."""
    if roles.staffs(order.community_id):
        return True
    return not order.is_ended and _serves(roles, order)


@rule("orders.committee.view")
def _committee(roles: Roles, obj) -> bool:
    return roles.is_committee_admin


admin_verbs(
    "orders.serviceorder",
    view=_staff_or_overseer,
    change=nobody,
    add=nobody,
)
admin_verbs("orders.menucategory", view=_staffs, change=_staffs)
admin_verbs(
    "orders.menuitem",
    view=lambda r, o: _staffs(r, o and o.category),
    change=lambda r, o: _staffs(r, o and o.category),
)
admin_verbs("orders.deadlinepolicy", view=_staffs, change=_staffs)
admin_verbs("orders.requester", view=_staffs, change=_staffs, add=nobody)
admin_verbs(
    "orders.dispatch",
    view=lambda r, o: _staff_or_overseer(r, o and o.order),
    change=nobody,
    add=nobody,
)
for _model in ("ordertransition", "orderescalation", "orderphoto", "participation"):
    admin_verbs(
        f"orders.{_model}",
        view=lambda r, o: _staff_or_overseer(r, o and o.order),
        change=nobody,
        add=nobody,
    )
# The calendar binds every district: the platform's own setting.
admin_verbs("orders.workdayoverride", view=uses_admin, change=superusers_only)


# ---------------------------------------------------------------------------------------------
# Scopers
# ---------------------------------------------------------------------------------------------
def _community_q(roles: Roles, prefix: str = "") -> Q:
    q = Q(pk__in=[])
    if roles.staff_community_id:
        q |= Q(**{f"{prefix}community_id": roles.staff_community_id})
    if roles.is_committee_admin:
        q |= roles.overseen_community_q(f"{prefix}community__")
    return q


@work_scoper(ServiceOrder)
def managed_orders(roles: Roles, qs: QuerySet) -> QuerySet:
    """The orders of the communities the user staffs or oversees."""
    return qs.filter(_community_q(roles))


@scoper(ServiceOrder)
def _scope_orders(roles: Roles, qs: QuerySet) -> QuerySet:
    q = _community_q(roles)
    if roles.is_member or roles.is_org_admin:
        live = Dispatch.objects.filter(
            claimant_q(roles), state__in=[Dispatch.State.OFFERED, Dispatch.State.ACCEPTED]
        )
        q |= Q(pk__in=live.values("order_id"))
    if roles.is_member:
        registered = CommunityRegistration.objects.filter(
            member=roles.member, state=CommunityRegistration.State.CONFIRMED
        ).values("community_id")
        q |= Q(state=ServiceOrder.State.GRABBABLE, community_id__in=registered)
    return qs.filter(q)


@scoper(Dispatch)
def _scope_dispatches(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(_community_q(roles, "order__") | claimant_q(roles))


def _by_order(model):
    @scoper(model)
    def narrow(roles: Roles, qs: QuerySet) -> QuerySet:
        return qs.filter(_community_q(roles, "order__"))

    return narrow


for _model in (OrderTransition, OrderEscalation, OrderPhoto, Participation):
    _by_order(_model)


@scoper(Requester)
def _scope_requesters(roles: Roles, qs: QuerySet) -> QuerySet:
    if roles.staff_community_id:
        return qs.filter(community_id=roles.staff_community_id)
    return qs.none()


# The menus are public; each community's staff work on their own.
scoper(MenuCategory)(unscoped)
scoper(MenuItem)(unscoped)
scoper(WorkdayOverride)(unscoped)


@work_scoper(MenuCategory)
def _own_categories(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(community_id=roles.staff_community_id or 0)


@work_scoper(MenuItem)
def _own_items(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(category__community_id=roles.staff_community_id or 0)


@scoper(DeadlinePolicy)
def _scope_policies(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(community_id=roles.staff_community_id or 0)
