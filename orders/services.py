"""Every change to a service order goes through a function here: one per state change.

Views, the admin, the jobs and the tests call them. Each runs in a transaction, moves the order
with one conditional UPDATE from the states it may leave (`core.transitions.state_move`: of two
simultaneous moves one wins), records the step, and raises `OrderError` with a code that a view
turns into a translated message.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.images import ProcessedImage
from core.tracking import new_tracking_code
from core.transitions import state_move
from members import claimants
from members.access import can, get_roles
from members.models import (
    Community,
    CommunityRegistration,
    CommunityStaff,
    Member,
    Organization,
    OrganizationAdmin,
    ServiceTeam,
    TeamMembership,
)
from notifications.services import Message, notify, notify_many, occasion
from records.models import ServiceRecord
from records.services import service_record_create

from . import deadlines
from .models import (
    Dispatch,
    MenuItem,
    OrderEscalation,
    OrderPhoto,
    OrderTransition,
    Participation,
    Requester,
    ServiceOrder,
    Urgency,
)

S = ServiceOrder.State
D = Dispatch.State
Kind = claimants.ClaimantKind

# A member who declined an order is not offered it again for this long (unless insisted).
DECLINE_COOLDOWN = datetime.timedelta(hours=24)
# The sweep reads this many overdue orders at a time.
BATCH_SIZE = 500


class OrderError(DomainError):
    messages = {
        "not_permitted": _("You may not do this."),
        "not_submitted": _("This order is not waiting to be accepted."),
        "not_accepted": _("This order is not waiting to be dispatched."),
        "not_offered": _("This offer is no longer open."),
        "not_grabbable": _("Someone else was first: this order has just been taken."),
        "not_taken": _("This order is not waiting to be started."),
        "not_in_service": _("This order is not in service."),
        "not_done": _("This order is not waiting for its hours to be confirmed."),
        "cannot_cancel": _("This order can no longer be cancelled."),
        "cannot_hold": _("This order cannot be put on hold now."),
        "not_on_hold": _("This order is not on hold."),
        "not_rateable": _("Only a finished order can be rated."),
        "already_rated": _("This order has already been rated."),
        "bad_rating": _("A rating is a score from 1 to 5."),
        "reason_required": _("Please give a reason."),
        "note_required": _("Please describe the service given."),
        "no_assignee": _("Choose a member, a team or an organization."),
        "not_registered_here": _("This member is not registered with the order's community."),
        "team_elsewhere": _("This team serves another community."),
        "not_paired_here": _("This organization is not paired with the order's community."),
        "not_in_team": _("Only the team's members may grab this order."),
        "declined_recently": _(
            "This member declined the order less than 24 hours ago. Tick 'insist' to offer it "
            "again."
        ),
        "too_many_open": _(
            "%(name)s already holds %(limit)s open orders. Finish one before taking more."
        ),
        "no_participants": _("Tick at least one member who took part."),
        "bad_participant": _("Only members who may be credited for this order can be ticked."),
        "bad_hours": _("Hours must be between 0.5 and 24."),
        "inactive_item": _("This service is not offered."),
        "wrong_community": _("This service is on another community's menu."),
    }


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
def _move(
    order: ServiceOrder, *, from_states: Iterable[str], to: str, by, error: str, note="", **f
):
    current = state_move(order, from_states=from_states, to=to, **f)
    if current is None:
        raise OrderError(error)
    return OrderTransition.objects.create(
        order=order, from_state=current, to_state=to, by=by, note=note
    )


def _require(by, action: str, obj) -> None:
    if not can(by, action, obj):
        raise OrderError("not_permitted")


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise OrderError("reason_required")
    return reason[:300]


def _staff_users(community_id: int) -> list:
    return [
        s.user
        for s in CommunityStaff.objects.filter(community_id=community_id).select_related("user")
    ]


def _users_acting_for(dispatch: Dispatch) -> list:
    """Who answers and serves for a dispatch: the member, the team's captain, or the admins
    of the organization."""
    if dispatch.claimant_kind == Kind.ORGANIZATION:
        return [
            a.user
            for a in OrganizationAdmin.objects.filter(
                organization_id=dispatch.organization_id
            ).select_related("user")
        ]
    if dispatch.claimant_kind == Kind.TEAM:
        return [dispatch.team.captain.user]
    return [dispatch.member.user]


def _notify_all(users, *, key: str, template: str, order: ServiceOrder, url: str, **context):
    for user in {u.pk: u for u in users}.values():
        notify(
            user=user,
            key=key,
            template=f"orders/email/{template}",
            context={"order": order, **context},
            url=url,
        )


def member_registered(member: Member, community_id: int) -> bool:
    return CommunityRegistration.objects.filter(
        member=member, community_id=community_id, state=CommunityRegistration.State.CONFIRMED
    ).exists()


def _open_orders_of(member: Member) -> int:
    return Dispatch.objects.filter(
        member=member,
        claimant_kind=Kind.MEMBER,
        state=D.ACCEPTED,
        order__state__in=[S.TAKEN, S.IN_SERVICE],
    ).count()


def _check_open_limit(member: Member) -> None:
    limit = settings.ORDERS_MAX_OPEN_PER_MEMBER
    if _open_orders_of(member) >= limit:
        raise OrderError("too_many_open", name=member.real_name, limit=limit)


def live_dispatch(order: ServiceOrder) -> Dispatch | None:
    return (
        order.dispatches.filter(state__in=Dispatch.LIVE_STATES)
        .select_related("member__user", "team__captain__user", "organization")
        .first()
    )


# ---------------------------------------------------------------------------------------------
# Ordering (点单)
# ---------------------------------------------------------------------------------------------
def _requester(*, community: Community, name: str, phone: str, address: str) -> Requester:
    """The same resident ordering again (same community, phone and name) is one row."""
    found = Requester.objects.filter(community=community, phone=phone, name=name).first()
    if found is not None:
        if address and address != found.address:
            found.address = address
            found.save(update_fields=["address"])
        return found
    return Requester.objects.create(community=community, name=name, phone=phone, address=address)


def order_submit(
    *,
    item: MenuItem,
    name: str,
    phone: str,
    title: str = "",
    address: str = "",
    description: str = "",
    preferred_time: str = "",
    urgency: str = Urgency.NORMAL,
    channel: str = ServiceOrder.Channel.ONLINE,
    community: Community | None = None,
    grid=None,
    by=None,
    submission=None,
    now: datetime.datetime | None = None,
) -> ServiceOrder:
    """A resident orders (by the public form: `by` is None) or staff enter an order taken by
    phone, on a visit or at a stall (`by` is the staff user). It waits to be accepted; the
    deadlines to accept and to complete start now, in working time."""
    community = community or item.category.community
    if item.category.community_id != community.pk:
        raise OrderError("wrong_community")
    if not (item.is_active and item.category.is_active):
        raise OrderError("inactive_item")
    if by is not None:
        _require(by, "orders.order.enter", community)
    now = now or timezone.now()
    accept_due, complete_due = deadlines.due_dates(item=item, urgency=urgency, start=now)
    with transaction.atomic():
        requester = _requester(community=community, name=name, phone=phone, address=address)
        for attempt in range(5):
            order = ServiceOrder(
                code=new_tracking_code(),
                submission=submission,
                community=community,
                grid=grid,
                requester=requester,
                channel=channel,
                item=item,
                title=(title or item.name)[:100],
                description=description,
                preferred_time=preferred_time,
                urgency=urgency,
                accept_due_at=accept_due,
                complete_due_at=complete_due,
                created_by=by,
                created_at=now,
            )
            try:
                with transaction.atomic():
                    order.save()
                break
            except IntegrityError:
                # A code already given (one in a trillion), or the same submission twice: the
                # caller's create_once tells the second from the first.
                if submission is not None or attempt == 4:
                    raise
        OrderTransition.objects.create(order=order, from_state="", to_state=S.SUBMITTED, by=by)
        url = reverse("orders:detail", args=[order.pk])
        _notify_all(
            _staff_users(community.pk),
            key=occasion("order", order.pk, "submitted"),
            template="order_submitted",
            order=order,
            url=url,
        )
    return order


@transaction.atomic
def order_accept(*, order: ServiceOrder, by) -> ServiceOrder:
    """受理: staff accept the order; it waits to be dispatched."""
    _require(by, "orders.order.manage", order)
    _move(
        order,
        from_states=[S.SUBMITTED],
        to=S.ACCEPTED,
        by=by,
        error="not_submitted",
        accepted_at=timezone.now(),
    )
    return order


@transaction.atomic
def order_reject(*, order: ServiceOrder, by, reason: str) -> ServiceOrder:
    """Staff reject the order with a reason the resident reads on the tracking page."""
    _require(by, "orders.order.manage", order)
    reason = _reason(reason)
    _move(
        order,
        from_states=[S.SUBMITTED],
        to=S.REJECTED,
        by=by,
        error="not_submitted",
        note=reason,
        reason=reason,
        closed_at=timezone.now(),
    )
    return order


# ---------------------------------------------------------------------------------------------
# Dispatching (派单) and grabbing (抢单)
# ---------------------------------------------------------------------------------------------
def _check_assignee(order, *, member, team, organization, insist: bool) -> None:
    if member is not None:
        if not member_registered(member, order.community_id):
            raise OrderError("not_registered_here")
        declined = order.dispatches.filter(
            member=member,
            claimant_kind=Kind.MEMBER,
            state=D.DECLINED,
            answered_at__gte=timezone.now() - DECLINE_COOLDOWN,
        ).exists()
        if declined and not insist:
            raise OrderError("declined_recently")
    elif team is not None:
        if team.community_id not in (None, order.community_id):
            raise OrderError("team_elsewhere")
    elif organization is not None:
        if not claimants.organization_serves(organization, order.community_id):
            raise OrderError("not_paired_here")
    else:
        raise OrderError("no_assignee")


def order_dispatch(
    *,
    order: ServiceOrder,
    by,
    member: Member | None = None,
    team: ServiceTeam | None = None,
    organization: Organization | None = None,
    insist: bool = False,
) -> Dispatch:
    """派单: offer the order to a member, a team or an organization; they answer by the
    deadline or it returns to the dispatcher. An order already offered is offered anew (the old
    offer is withdrawn: re-dispatch). An organization's admin offers an order given to the unit
    on to one of its members."""
    with transaction.atomic():
        ServiceOrder.objects.select_for_update().filter(pk=order.pk).first()
        order.refresh_from_db(fields=["state"])
        current = live_dispatch(order)
        unit_admin = (
            current is not None
            and current.is_offered
            and can(by, "orders.dispatch.pass_on", current)
            and member is not None
        )
        if not (unit_admin or can(by, "orders.order.dispatch", order)):
            raise OrderError("not_permitted")
        in_unit = unit_admin and Member.objects.filter(
            pk=member.pk, branch__path__startswith=current.organization.path
        )
        if unit_admin and not in_unit.exists():
            raise OrderError("bad_participant")
        _check_assignee(order, member=member, team=team, organization=organization, insist=insist)
        if order.state == S.DISPATCHED and current is not None:
            Dispatch.objects.filter(pk=current.pk, state=D.OFFERED).update(
                state=D.WITHDRAWN, answered_at=timezone.now()
            )
            _move(
                order,
                from_states=[S.DISPATCHED],
                to=S.DISPATCHED,
                by=by,
                error="not_accepted",
                note=str(_("offered anew")),
            )
        else:
            _move(order, from_states=[S.ACCEPTED], to=S.DISPATCHED, by=by, error="not_accepted")
        if team is not None:
            kind, member = Kind.TEAM, team.captain
        elif organization is not None and member is None:
            kind = Kind.ORGANIZATION
        else:
            kind, organization = Kind.MEMBER, None
        dispatch = Dispatch.objects.create(
            order=order,
            claimant_kind=kind,
            member=member,
            team=team,
            organization=organization,
            dispatched_by=by,
            respond_by=deadlines.offer_due(),
        )
        dispatch.order = order
        url = reverse("orders:detail", args=[order.pk])
        _notify_all(
            _users_acting_for(dispatch),
            key=occasion("order", order.pk, "offered", dispatch.pk),
            template="order_offered",
            order=order,
            url=url,
            dispatch=dispatch,
        )
    return dispatch


@transaction.atomic
def order_open_to_grab(*, order: ServiceOrder, by, team: ServiceTeam | None = None) -> ServiceOrder:
    """Open the order to grabbing (抢单) by the members of a team, or of the community."""
    _require(by, "orders.order.dispatch", order)
    if team is not None and team.community_id not in (None, order.community_id):
        raise OrderError("team_elsewhere")
    _move(
        order, from_states=[S.ACCEPTED], to=S.GRABBABLE, by=by, error="not_accepted", grab_team=team
    )
    return order


@transaction.atomic
def order_grab(*, order: ServiceOrder, by) -> Dispatch:
    """A member grabs an order open to grabbing: of any number at once, exactly one wins (the
    conditional UPDATE of the state; the one-live-dispatch constraint as a second guard)."""
    roles = get_roles(by)
    member = roles.member
    if member is None or not can(by, "orders.order.grab"):
        raise OrderError("not_permitted")
    if not member_registered(member, order.community_id):
        raise OrderError("not_registered_here")
    if order.grab_team_id is not None:
        team = order.grab_team
        in_team = (
            team.captain_id == member.pk
            or TeamMembership.objects.filter(team_id=team.pk, member=member).exists()
        )
        if not in_team:
            raise OrderError("not_in_team")
    _check_open_limit(member)
    now = timezone.now()
    _move(order, from_states=[S.GRABBABLE], to=S.TAKEN, by=by, error="not_grabbable", taken_at=now)
    return Dispatch.objects.create(
        order=order,
        claimant_kind=Kind.MEMBER,
        member=member,
        state=D.ACCEPTED,
        grabbed=True,
        answered_by=by,
        answered_at=now,
        created_at=now,
    )


# ---------------------------------------------------------------------------------------------
# Taking (接单)
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def dispatch_accept(*, dispatch: Dispatch, by) -> Dispatch:
    """The assignee takes the offered order; from now on they see the resident's contact."""
    _require(by, "orders.dispatch.answer", dispatch)
    if dispatch.claimant_kind == Kind.MEMBER:
        _check_open_limit(dispatch.member)
    now = timezone.now()
    if not Dispatch.objects.filter(pk=dispatch.pk, state=D.OFFERED).update(
        state=D.ACCEPTED, answered_by=by, answered_at=now
    ):
        raise OrderError("not_offered")
    dispatch.state, dispatch.answered_by, dispatch.answered_at = D.ACCEPTED, by, now
    _move(
        dispatch.order,
        from_states=[S.DISPATCHED],
        to=S.TAKEN,
        by=by,
        error="not_offered",
        taken_at=now,
    )
    return dispatch


def _return_to_dispatcher(dispatch: Dispatch, *, to: str, by, reason: str, what: str) -> None:
    now = timezone.now()
    if not Dispatch.objects.filter(pk=dispatch.pk, state=D.OFFERED).update(
        state=to, answered_by=by, answered_at=now, decline_reason=reason
    ):
        raise OrderError("not_offered")
    dispatch.state, dispatch.answered_at, dispatch.decline_reason = to, now, reason
    order = dispatch.order
    _move(order, from_states=[S.DISPATCHED], to=S.ACCEPTED, by=by, error="not_offered", note=reason)
    url = reverse("orders:detail", args=[order.pk])
    _notify_all(
        _staff_users(order.community_id),
        key=occasion("order", order.pk, what, dispatch.pk),
        template="order_returned",
        order=order,
        url=url,
        dispatch=dispatch,
    )


@transaction.atomic
def dispatch_decline(*, dispatch: Dispatch, by, reason: str) -> Dispatch:
    """The assignee declines, with a reason; the order returns to the dispatcher."""
    _require(by, "orders.dispatch.answer", dispatch)
    _return_to_dispatcher(dispatch, to=D.DECLINED, by=by, reason=_reason(reason), what="declined")
    return dispatch


def offers_expire(*, now: datetime.datetime | None = None) -> int:
    """Offers not answered in time return their orders to the dispatcher (a periodic job)."""
    now = now or timezone.now()
    count = 0
    due = Dispatch.objects.filter(state=D.OFFERED, respond_by__lt=now).select_related("order")
    for dispatch in list(due[:BATCH_SIZE]):
        try:
            with transaction.atomic():
                _return_to_dispatcher(dispatch, to=D.EXPIRED, by=None, reason="", what="expired")
            count += 1
        except OrderError:
            pass  # answered meanwhile
    return count


@transaction.atomic
def order_cancel(*, order: ServiceOrder, by, reason: str) -> ServiceOrder:
    """Staff cancel an order not yet done (the resident called it off), with a reason."""
    _require(by, "orders.order.manage", order)
    reason = _reason(reason)
    _move(
        order,
        from_states=ServiceOrder.CANCELLABLE_STATES,
        to=S.CANCELLED,
        by=by,
        error="cannot_cancel",
        note=reason,
        reason=reason,
        closed_at=timezone.now(),
    )
    order.dispatches.filter(state__in=Dispatch.LIVE_STATES).update(
        state=D.WITHDRAWN, answered_at=timezone.now()
    )
    return order


@transaction.atomic
def order_hold(*, order: ServiceOrder, by, reason: str) -> ServiceOrder:
    """On hold, waiting for the resident (away, to call back): the deadlines pause."""
    _require(by, "orders.order.manage", order)
    reason = _reason(reason)
    state = (
        ServiceOrder.objects.select_for_update()
        .filter(pk=order.pk)
        .values_list("state", flat=True)
        .first()
    )
    if state not in ServiceOrder.HOLDABLE_STATES:
        raise OrderError("cannot_hold")
    _move(
        order,
        from_states=[state],
        to=S.ON_HOLD,
        by=by,
        error="cannot_hold",
        note=reason,
        held_from=state,
        held_at=timezone.now(),
    )
    return order


@transaction.atomic
def order_resume(*, order: ServiceOrder, by) -> ServiceOrder:
    """Back to where it was; the deadlines move on by the time on hold."""
    _require(by, "orders.order.manage", order)
    held = (
        ServiceOrder.objects.select_for_update()
        .filter(pk=order.pk, state=S.ON_HOLD)
        .values("held_from", "held_at", "accept_due_at", "complete_due_at")
        .first()
    )
    if held is None:
        raise OrderError("not_on_hold")
    pause = timezone.now() - held["held_at"]
    due = {name: held[name] + pause for name in ("accept_due_at", "complete_due_at") if held[name]}
    _move(
        order,
        from_states=[S.ON_HOLD],
        to=held["held_from"],
        by=by,
        error="not_on_hold",
        held_from="",
        held_at=None,
        **due,
    )
    return order


# ---------------------------------------------------------------------------------------------
# Serving
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def order_start(*, order: ServiceOrder, by) -> ServiceOrder:
    _require(by, "orders.order.serve", order)
    _move(order, from_states=[S.TAKEN], to=S.IN_SERVICE, by=by, error="not_taken")
    return order


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise OrderError("bad_hours") from None
    if not (Decimal("0.5") <= hours <= Decimal(24)):
        raise OrderError("bad_hours")
    return hours


def creditable_members(order: ServiceOrder):
    """The members who may be credited for the order: those of its accepted dispatch."""
    dispatch = order.dispatches.filter(state=D.ACCEPTED).select_related("team", "organization")
    dispatch = dispatch.first()
    if dispatch is None:
        return Member.objects.none()
    return claimants.participants(dispatch)


@transaction.atomic
def order_complete(
    *,
    order: ServiceOrder,
    by,
    note: str,
    hours: dict[Member, object],
    photos: Iterable[ProcessedImage] = (),
) -> ServiceOrder:
    """The assignee reports the service given: a note, photos and each participant's hours,
    which staff then confirm into service records."""
    _require(by, "orders.order.serve", order)
    note = (note or "").strip()
    if not note:
        raise OrderError("note_required")
    if not hours:
        raise OrderError("no_participants")
    hours = {member: _hours(value) for member, value in hours.items()}
    allowed = set(
        creditable_members(order).filter(pk__in=[m.pk for m in hours]).values_list("pk", flat=True)
    )
    if any(m.pk not in allowed for m in hours):
        raise OrderError("bad_participant")
    _move(
        order,
        from_states=[S.TAKEN, S.IN_SERVICE],
        to=S.DONE,
        by=by,
        error="not_in_service",
        completion_note=note,
        done_at=timezone.now(),
    )
    Participation.objects.bulk_create(
        [Participation(order=order, member=m, hours=h) for m, h in hours.items()]
    )
    for photo in photos:
        row = OrderPhoto(order=order)
        row.image.save(photo.display.name, photo.display, save=False)
        row.thumbnail.save(photo.thumbnail.name, photo.thumbnail, save=False)
        row.save()
    url = reverse("orders:detail", args=[order.pk])
    _notify_all(
        _staff_users(order.community_id),
        key=occasion("order", order.pk, "done"),
        template="order_done",
        order=order,
        url=url,
    )
    return order


@transaction.atomic
def order_confirm_hours(
    *, order: ServiceOrder, by, hours: dict[int, object] | None = None
) -> list[ServiceRecord]:
    """Staff confirm the reported hours (corrected where `hours` says, by member id) into
    service records, kind order, once per member and order; the order is closed."""
    _require(by, "orders.order.manage", order)
    today = timezone.localdate()
    _move(
        order, from_states=[S.DONE], to=S.CLOSED, by=by, error="not_done", closed_at=timezone.now()
    )
    records = []
    for p in order.participations.select_related("member"):
        if hours and p.member_id in hours:
            p.hours = _hours(hours[p.member_id])
        p.confirmed = True
        p.save(update_fields=["hours", "confirmed"])
        record = service_record_create(
            member=p.member,
            community=order.community,
            served_on=timezone.localdate(order.done_at) if order.done_at else today,
            hours=p.hours,
            kind=ServiceRecord.Kind.ORDER,
            source=ServiceRecord.Source.ORDER,
            source_key=f"order:{order.pk}",
            title=order.title,
            created_by=by,
        )
        if record is not None:
            records.append(record)
    return records


# ---------------------------------------------------------------------------------------------
# Rating (评单)
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def order_rate(*, order: ServiceOrder, rating, comment: str = "", by=None) -> ServiceOrder:
    """The resident rates the finished order, once: on the tracking page (`by` None, after the
    code and the phone's last 4 digits), or staff record what the resident said on a call."""
    if by is not None:
        _require(by, "orders.order.manage", order)
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        raise OrderError("bad_rating") from None
    if not 1 <= rating <= 5:
        raise OrderError("bad_rating")
    if not order.is_rateable:
        raise OrderError("not_rateable")
    now = timezone.now()
    fields = {
        "rating": rating,
        "rating_comment": (comment or "").strip()[:300],
        "rated_at": now,
        "rated_by_staff": by is not None,
    }
    updated = ServiceOrder.objects.filter(
        pk=order.pk, rating__isnull=True, state__in=ServiceOrder.RATEABLE_STATES
    ).update(**fields)
    if not updated:
        raise OrderError("already_rated")
    for name, value in fields.items():
        setattr(order, name, value)
    return order


# ---------------------------------------------------------------------------------------------
# Escalation (the ladder)
# ---------------------------------------------------------------------------------------------
class _Ladder:
    """Who is told at each level, read once per batch for the batch's communities: level 1 the
    community's staff (the dispatchers); 2 its secretary (staff whose title names them so, else
    every staff); 3 and 4 the admins of the working committee over the community's district
    (members has no subdistrict office role yet, so level 3 goes there too)."""

    def __init__(self, orders: list[ServiceOrder]):
        community_ids = {o.community_id for o in orders}
        self.staff: dict[int, list] = {}
        for s in CommunityStaff.objects.filter(community_id__in=community_ids).select_related(
            "user"
        ):
            self.staff.setdefault(s.community_id, []).append(s)
        self.committee: dict[int | None, list] = {}
        for a in OrganizationAdmin.objects.filter(
            organization__kind=Organization.Kind.COMMITTEE
        ).select_related("user", "organization"):
            self.committee.setdefault(a.organization.district_id, []).append(a.user)

    def recipients(self, order: ServiceOrder, level: int) -> list:
        staff = self.staff.get(order.community_id, [])
        if level == 1:
            return [s.user for s in staff]
        if level == 2:
            named = [s.user for s in staff if "书记" in s.title or "secretary" in s.title.lower()]
            return named or [s.user for s in staff]
        district_id = order.community.subdistrict.district_id
        return self.committee.get(district_id, []) + self.committee.get(None, [])


def _escalate_batch(orders: list[ServiceOrder], *, levels: dict[int, tuple[int, str]], now) -> int:
    """Climb each order to its level (`levels`: order pk -> (level, which deadline)), in a few
    queries for the whole batch whatever its size.

    The rows of the levels reached are inserted with the unique (order, level) skipping those
    that exist; the rows stamped with this run's own time are the ones this run made, so of two
    runs at once each level is recorded by one and notified by that one only (and
    notifications are unique per user and occasion besides)."""
    rows = [
        OrderEscalation(order_id=o.pk, level=step, deadline=levels[o.pk][1], at=now)
        for o in orders
        for step in range(o.escalation_level + 1, levels[o.pk][0] + 1)
    ]
    if not rows:
        return 0
    with transaction.atomic():
        OrderEscalation.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        made = list(
            OrderEscalation.objects.filter(order_id__in=[o.pk for o in orders], at=now)
            .order_by("order_id", "level")
            .values_list("order_id", "level")
        )
        by_level: dict[int, list[int]] = {}
        for order in orders:
            by_level.setdefault(levels[order.pk][0], []).append(order.pk)
        for level, pks in by_level.items():
            ServiceOrder.objects.filter(pk__in=pks, escalation_level__lt=level).update(
                escalation_level=level
            )
        by_pk = {o.pk: o for o in orders}
        ladder = _Ladder([by_pk[pk] for pk, _ in made])
        messages, keys = [], []
        for pk, level in made:
            order = by_pk[pk]
            key = occasion("order", pk, "escalated", level)
            keys.append(key)
            for user in {u.pk: u for u in ladder.recipients(order, level)}.values():
                messages.append(
                    Message(
                        user=user,
                        key=key,
                        context={
                            "order": order,
                            "level": OrderEscalation.Level(level).label,
                            "deadline": levels[pk][1],
                        },
                        url=reverse("orders:detail", args=[pk]),
                    )
                )
        if messages:
            notify_many(
                messages=messages, template="orders/email/order_escalated", existing=Q(key__in=keys)
            )
    return len({pk for pk, _ in made})


def orders_escalate(*, now: datetime.datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """The deadline sweep: orders past their deadline to accept or to complete, read in batches
    (keyset by pk) through the indexes on (state, accept_due_at) and (state, complete_due_at),
    climb the ladder. A batch costs a fixed number of queries, whatever it escalates. Returns
    how many orders climbed."""
    now = now or timezone.now()
    # This run's stamp on the rows it makes (`_escalate_batch`): the clock, not `now`, which a
    # run by hand for another day shares with any other such run.
    stamp = timezone.now()
    calendar = deadlines.work_calendar()
    overdue = (
        Q(state=S.SUBMITTED, accept_due_at__lt=now)
        | Q(state__in=ServiceOrder.OPEN_STATES, complete_due_at__lt=now)
    ) & Q(escalation_level__lt=4)
    climbed, last_pk = 0, 0
    while True:
        batch = list(
            ServiceOrder.objects.filter(overdue, pk__gt=last_pk)
            .select_related("community__subdistrict")
            .only(
                "pk",
                "state",
                "title",
                "code",
                "community_id",
                "accept_due_at",
                "complete_due_at",
                "escalation_level",
                "community__name",
                "community__subdistrict__district_id",
            )
            .order_by("pk")[:batch_size]
        )
        if not batch:
            return climbed
        last_pk = batch[-1].pk
        levels = {}
        for order in batch:
            if order.state == S.SUBMITTED:
                due, which = order.accept_due_at, "accept"
            else:
                due, which = order.complete_due_at, "complete"
            level = deadlines.level_due(calendar, due, now)
            if level > order.escalation_level:
                levels[order.pk] = (level, which)
        rising = [o for o in batch if o.pk in levels]
        climbed += _escalate_batch(rising, levels=levels, now=stamp)
