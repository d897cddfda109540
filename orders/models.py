"""Service orders (群众点单、中心派单、志愿者接单、群众评单): each community's menu of services, the
orders residents place from it, the dispatches to members, teams and organizations, deadlines in
working time, the escalation ladder, and the working-day calendar the deadlines are counted in.

Lifecycle of an order:

    submitted --accept--> accepted --dispatch--> dispatched --offer accepted--> taken
              --reject--> rejected   --open to grab--> grabbable --grab--> taken
    taken --start--> in_service --complete--> done --hours confirmed--> closed
    a declined or expired offer, or a withdrawn one, returns the order to accepted;
    cancelled (with a reason) from any state before done.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TransitionRecord
from core.once import submission_field
from core.tracking import display_code, tracking_code_field
from members.claimants import ClaimantFields
from members.models import Community, Grid, Member, ServiceCategory, ServiceTeam, phone_validator


# ---------------------------------------------------------------------------------------------
# The menu
# ---------------------------------------------------------------------------------------------
class MenuCategory(models.Model):
    """A heading of a community's service menu (助老服务, 法律咨询…), edited by its staff."""

    community = models.ForeignKey(
        Community, models.CASCADE, related_name="menu_categories", verbose_name=_("community")
    )
    name = models.CharField(pgettext_lazy("of a place or group", "name"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("menu category")
        verbose_name_plural = _("menu categories")
        ordering = ["community", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"], name="orders_menucategory_name_per_community"
            ),
        ]

    def __str__(self):
        return self.name


class MenuItem(models.Model):
    """A service residents may order (上门理发, 代购药品…). Its service category is what the
    dispatch suggestions match against members' service categories."""

    category = models.ForeignKey(
        MenuCategory, models.CASCADE, related_name="items", verbose_name=_("menu category")
    )
    name = models.CharField(pgettext_lazy("of a place or group", "name"), max_length=60)
    description = models.CharField(
        pgettext_lazy("of a place or group", "description"), max_length=300, blank=True
    )
    service_category = models.ForeignKey(
        ServiceCategory,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="menu_items",
        verbose_name=_("service category"),
        help_text=_("Members who offer this kind of service are suggested first."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("menu item")
        verbose_name_plural = _("menu items")
        ordering = ["category__order", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "name"], name="orders_menuitem_name_per_category"
            ),
        ]

    def __str__(self):
        return self.name


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class DeadlinePolicy(models.Model):
    """How long a community has to accept an order and to complete it, for a menu category (or
    every category, when empty) and an urgency. Without a policy the defaults of
    `orders.deadlines` apply."""

    class Unit(models.TextChoices):
        WORKING_HOURS = "working_hours", _("working hours")
        WORKING_DAYS = "working_days", _("working days")
        HOURS = "hours", _("hours (round the clock)")

    category = models.ForeignKey(
        MenuCategory,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="deadline_policies",
        verbose_name=_("menu category"),
        help_text=_("Empty: every category without its own policy."),
    )
    community = models.ForeignKey(
        Community,
        models.CASCADE,
        related_name="order_deadline_policies",
        verbose_name=_("community"),
    )
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    accept_within = models.PositiveSmallIntegerField(_("accept within"), default=1)
    complete_within = models.PositiveSmallIntegerField(_("complete within"), default=5)
    unit = models.CharField(
        _("counted in"), max_length=14, choices=Unit.choices, default=Unit.WORKING_DAYS
    )

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        ordering = ["community", "category", "urgency"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "category", "urgency"],
                condition=Q(category__isnull=False),
                name="orders_deadlinepolicy_one_per_category",
            ),
            models.UniqueConstraint(
                fields=["community", "urgency"],
                condition=Q(category__isnull=True),
                name="orders_deadlinepolicy_one_default",
            ),
            models.CheckConstraint(
                condition=Q(accept_within__gte=1) & Q(complete_within__gte=1),
                name="orders_deadlinepolicy_positive",
            ),
        ]

    def __str__(self):
        category = self.category or _("every category")
        return f"{category} · {self.get_urgency_display()}"


class WorkdayOverride(models.Model):
    """An exception to "Monday to Friday are working days": a public holiday on a weekday, or a
    调休 Saturday or Sunday that is worked. Seeded from the `chinese-calendar` package (manage.py
    seed_workdays); the State Council publishes each next year's days in November or December,
    so the table needs that year added (a newer package, or by hand here)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("working-day exception")
        verbose_name_plural = _("working-day calendar")
        ordering = ["date"]

    def __str__(self):
        kind = _("working day") if self.is_workday else _("holiday")
        return f"{self.date:%Y-%m-%d} · {kind}"


# ---------------------------------------------------------------------------------------------
# Orders
# ---------------------------------------------------------------------------------------------
class Requester(models.Model):
    """The resident who ordered: personal data stays here, not on the order (the public
    tracking page reads the order only, and an assignee sees this after accepting)."""

    community = models.ForeignKey(
        Community, models.PROTECT, related_name="order_requesters", verbose_name=_("community")
    )
    name = models.CharField(pgettext_lazy("wishes", "name"), max_length=40)
    phone = models.CharField(
        pgettext_lazy("wishes", "phone"), max_length=20, validators=[phone_validator]
    )
    address = models.CharField(pgettext_lazy("wishes", "address"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("resident who ordered")
        verbose_name_plural = _("residents who ordered")
        ordering = ["name"]
        indexes = [models.Index(fields=["community", "phone"], name="orders_requester_by_phone")]

    def __str__(self):
        return self.name


class ServiceOrder(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting to be accepted")
        ACCEPTED = "accepted", _("Accepted, to dispatch")
        DISPATCHED = "dispatched", _("Offered to a volunteer")
        GRABBABLE = "grabbable", _("Open to grab")
        TAKEN = "taken", _("Taken by a volunteer")
        IN_SERVICE = "in_service", _("In service")
        ON_HOLD = "on_hold", _("On hold, waiting for the resident")
        DONE = "done", _("Done, hours to confirm")
        CLOSED = "closed", _("Closed")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    STATE_COLOURS = {
        State.SUBMITTED: "warning",
        State.ACCEPTED: "info",
        State.DISPATCHED: "primary",
        State.GRABBABLE: "primary",
        State.TAKEN: "primary",
        State.IN_SERVICE: "primary",
        State.ON_HOLD: "warning",
        State.DONE: "success",
        State.CLOSED: "secondary",
        State.REJECTED: "dark",
        State.CANCELLED: "dark",
    }

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online form")
        QR = "qr", _("QR poster")
        PHONE = "phone", _("Phone call")
        VISIT = "visit", _("Door-to-door visit")
        STALL = "stall", _("Service stall")

    # Orders whose service is still to be given (deadlines to complete run).
    OPEN_STATES = (
        State.ACCEPTED,
        State.DISPATCHED,
        State.GRABBABLE,
        State.TAKEN,
        State.IN_SERVICE,
    )
    CANCELLABLE_STATES = (State.SUBMITTED, *OPEN_STATES, State.ON_HOLD)
    # Put on hold while waiting for the resident (no offer out: answered or withdrawn first).
    HOLDABLE_STATES = (State.SUBMITTED, State.ACCEPTED, State.TAKEN, State.IN_SERVICE)
    # With an assignee who serves (the accepted dispatch).
    ASSIGNED_STATES = (State.TAKEN, State.IN_SERVICE, State.DONE, State.CLOSED)
    RATEABLE_STATES = (State.DONE, State.CLOSED)

    code = tracking_code_field()
    submission = submission_field()
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="service_orders", verbose_name=_("community")
    )
    grid = models.ForeignKey(
        Grid,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_orders",
        verbose_name=_("grid"),
    )
    requester = models.ForeignKey(
        Requester, models.PROTECT, related_name="orders", verbose_name=_("resident")
    )
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.ONLINE
    )
    item = models.ForeignKey(
        MenuItem, models.PROTECT, related_name="orders", verbose_name=_("service")
    )
    title = models.CharField(pgettext_lazy("wishes", "title"), max_length=100)
    description = models.TextField(pgettext_lazy("wishes", "description"), blank=True)
    preferred_time = models.CharField(_("preferred time"), max_length=100, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.SUBMITTED
    )
    accept_due_at = models.DateTimeField(_("to accept by"), null=True, blank=True)
    complete_due_at = models.DateTimeField(_("to complete by"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    # Grabbing (抢单): members of this team, or of the community when empty.
    grab_team = models.ForeignKey(
        ServiceTeam,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="grabbable_orders",
        verbose_name=_("open to grab by the team"),
    )
    reason = models.CharField(_("reason (rejected or cancelled)"), max_length=300, blank=True)
    # On hold (waiting for the resident): the deadlines pause, and move on by the pause.
    held_from = models.CharField(
        _("on hold from"), max_length=12, choices=State.choices, blank=True
    )
    held_at = models.DateTimeField(_("on hold since"), null=True, blank=True)
    completion_note = models.TextField(_("completion note"), blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.CharField(_("resident's comment"), max_length=300, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    rated_by_staff = models.BooleanField(_("rating recorded by staff"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("ordered at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("service order")
        verbose_name_plural = _("service orders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1) & Q(rating__lte=5),
                name="orders_serviceorder_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(escalation_level__lte=4), name="orders_serviceorder_ladder_of_four"
            ),
        ]
        indexes = [
            # The escalation sweep: orders waiting to be accepted past their deadline...
            models.Index(fields=["state", "accept_due_at"], name="orders_accept_due"),
            # ...and open orders past their deadline to complete (also the overdue list).
            models.Index(fields=["state", "complete_due_at"], name="orders_complete_due"),
            # The staff's queue and board: a community's orders by state, oldest first.
            models.Index(fields=["community", "state", "created_at"], name="orders_by_community"),
            # The committee's escalated orders.
            models.Index(
                fields=["escalation_level", "community"],
                condition=Q(escalation_level__gt=0),
                name="orders_escalated",
            ),
        ]

    def __str__(self):
        return f"{self.display_code} · {self.title}"

    def get_absolute_url(self):
        return reverse("orders:detail", args=[self.pk])

    @property
    def display_code(self) -> str:
        return display_code(self.code or "")

    @property
    def state_label(self):
        return self.State(self.state).label

    # Flags for pages (templates read these, never the state).
    @property
    def awaits_acceptance(self) -> bool:
        return self.state == self.State.SUBMITTED

    @property
    def awaits_dispatch(self) -> bool:
        return self.state == self.State.ACCEPTED

    @property
    def is_offered(self) -> bool:
        return self.state == self.State.DISPATCHED

    @property
    def is_grabbable(self) -> bool:
        return self.state == self.State.GRABBABLE

    @property
    def is_taken(self) -> bool:
        return self.state == self.State.TAKEN

    @property
    def is_in_service(self) -> bool:
        return self.state == self.State.IN_SERVICE

    @property
    def awaits_hours(self) -> bool:
        return self.state == self.State.DONE

    @property
    def is_cancellable(self) -> bool:
        return self.state in self.CANCELLABLE_STATES

    @property
    def is_holdable(self) -> bool:
        return self.state in self.HOLDABLE_STATES

    @property
    def is_on_hold(self) -> bool:
        return self.state == self.State.ON_HOLD

    @property
    def is_rateable(self) -> bool:
        return self.state in self.RATEABLE_STATES

    @property
    def is_ended(self) -> bool:
        return self.state in (self.State.CLOSED, self.State.REJECTED, self.State.CANCELLED)

    @property
    def is_rejected(self) -> bool:
        return self.state == self.State.REJECTED

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        if self.state == self.State.SUBMITTED:
            return bool(self.accept_due_at and self.accept_due_at < now)
        if self.state in self.OPEN_STATES:
            return bool(self.complete_due_at and self.complete_due_at < now)
        return False


class Dispatch(ClaimantFields):
    """An offer of an order to a member, a team (its captain answers) or an organization (its
    admins answer), or the grab that a member won. At most one dispatch per order is offered or
    accepted: the database refuses a second."""

    class State(models.TextChoices):
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Not answered in time")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    STATE_COLOURS = {State.OFFERED: "warning", State.ACCEPTED: "success", State.DECLINED: "dark"}
    LIVE_STATES = (State.OFFERED, State.ACCEPTED)

    order = models.ForeignKey(
        ServiceOrder, models.CASCADE, related_name="dispatches", verbose_name=_("service order")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.OFFERED
    )
    grabbed = models.BooleanField(_("grabbed"), default=False)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dispatched by"),
    )
    respond_by = models.DateTimeField(_("answer by"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    created_at = models.DateTimeField(_("offered at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta(ClaimantFields.Meta):
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["-created_at", "-pk"]
        constraints = [
            *ClaimantFields.Meta.constraints,
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(state__in=["offered", "accepted"]),
                name="orders_dispatch_one_live_per_order",
            ),
        ]
        indexes = [
            # "Offers to me" and "my orders"; the open-orders count of the suggestions.
            models.Index(fields=["member", "state"], name="orders_dispatch_by_member"),
            # The sweep of offers not answered in time.
            models.Index(
                fields=["respond_by"], condition=Q(state="offered"), name="orders_offer_due"
            ),
        ]

    def __str__(self):
        return f"{self.order} → {self.claimant_name}"

    @property
    def is_offered(self) -> bool:
        return self.state == self.State.OFFERED

    @property
    def is_accepted(self) -> bool:
        return self.state == self.State.ACCEPTED


class OrderTransition(TransitionRecord):
    order = models.ForeignKey(
        ServiceOrder, models.CASCADE, related_name="transitions", verbose_name=_("service order")
    )
    from_state = models.CharField(
        _("from"), max_length=12, choices=ServiceOrder.State.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=12, choices=ServiceOrder.State.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("order transition")
        verbose_name_plural = _("order transitions")
        indexes = [models.Index(fields=["order", "at"], name="orders_transition_by_order")]


def order_photo_upload_to(instance, filename):
    return f"orders/{instance.order_id}/{filename}"


class OrderPhoto(models.Model):
    """A photo the assignee took at completion; staff and the assignee see it."""

    order = models.ForeignKey(
        ServiceOrder, models.CASCADE, related_name="photos", verbose_name=_("service order")
    )
    image = models.ImageField(_("image"), upload_to=order_photo_upload_to, max_length=200)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=order_photo_upload_to, max_length=200)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("order photo")
        verbose_name_plural = _("order photos")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.order} #{self.pk}"


class Participation(models.Model):
    """Hours a member served on an order, as the assignee reported them; staff confirm them
    into service records (records.services.service_record_create, kind order)."""

    order = models.ForeignKey(
        ServiceOrder, models.CASCADE, related_name="participations", verbose_name=_("service order")
    )
    member = models.ForeignKey(
        Member, models.PROTECT, related_name="order_participations", verbose_name=_("member")
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(24)],
    )
    confirmed = models.BooleanField(_("confirmed"), default=False)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "member"], name="orders_participation_once_per_member"
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0.5) & Q(hours__lte=24), name="orders_participation_hours"
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.hours}h"


class OrderEscalation(models.Model):
    """An order climbed one step of the ladder. Unique per (order, level): however often the
    sweep runs, also twice at the same time, each level is recorded, and notified, once."""

    class Level(models.IntegerChoices):
        DISPATCHER = 1, _("Dispatcher (community staff)")
        SECRETARY = 2, _("Community secretary")
        SUBDISTRICT = 3, _("Subdistrict")
        COMMITTEE = 4, _("Working committee")

    order = models.ForeignKey(
        ServiceOrder, models.CASCADE, related_name="escalations", verbose_name=_("service order")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    deadline = models.CharField(_("deadline missed"), max_length=10)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("order escalation")
        verbose_name_plural = _("order escalations")
        ordering = ["order", "level"]
        constraints = [
            models.UniqueConstraint(fields=["order", "level"], name="orders_escalation_once"),
        ]

    def __str__(self):
        return f"{self.order} · {self.get_level_display()}"
