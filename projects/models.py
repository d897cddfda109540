"""The project library (项目库): the needs list, the resources list, the projects list, and the
joint meetings (联席会议) that build them.

A need is what a community lacks; a resource is what a member, a team or a unit offers; a
project puts needs and committed resources together with dates and milestones, is claimed by a
member, a team (its captain) or an organization (its admins), and ends with hours confirmed into
service records and an evaluation with the residents' satisfaction. Every step is a recorded
transition (`core.models.TransitionRecord`)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TransitionRecord
from core.once import submission_field
from members.claimants import ClaimantFields
from members.models import (
    Community,
    Grid,
    Member,
    Organization,
    Partnership,
    ServiceCategory,
    ServiceTeam,
    Subdistrict,
)


def _user_fk(verbose_name, **kwargs):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
        **kwargs,
    )


# ---------------------------------------------------------------------------------------------
# Needs (需求清单)
# ---------------------------------------------------------------------------------------------
class Need(models.Model):
    """A need of a community's residents, listed for units, teams and members to answer."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting triage")
        LISTED = "listed", _("Listed")
        MATCHED = "matched", _("Matched to a project")
        CLOSED = "closed", _("Closed")
        REJECTED = "rejected", _("Rejected")
        MERGED = "merged", _("Merged into another need")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    STATE_COLOURS = {
        State.SUBMITTED: "warning",
        State.LISTED: "success",
        State.MATCHED: "primary",
        State.CLOSED: "secondary",
        State.REJECTED: "dark",
        State.MERGED: "dark",
        State.WITHDRAWN: "dark",
    }
    PUBLIC_STATES = (State.LISTED, State.MATCHED, State.CLOSED)
    # The states a need may still be edited, rejected, merged or withdrawn from.
    OPEN_STATES = (State.SUBMITTED, State.LISTED)

    class Kind(models.TextChoices):
        GOODS = "goods", _("Goods")
        SERVICE = "service", _("Service")
        FACILITY = "facility", _("Facility")
        FUNDS = "funds", _("Funds")
        POLICY = "policy", _("Policy advice")

    class Source(models.TextChoices):
        RESIDENT = "resident", _("Raised by residents")
        STAFF = "staff", _("Staff knowledge")
        VISIT = "visit", _("Door-to-door visit")
        MEETING = "meeting", _("Joint meeting")
        WISH = "wish", _("Escalated micro-wish")

    class Urgency(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    community = models.ForeignKey(
        Community, models.PROTECT, related_name="project_needs", verbose_name=_("community")
    )
    grid = models.ForeignKey(
        Grid, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("grid")
    )
    title = models.CharField(pgettext_lazy("projects", "title"), max_length=100)
    description = models.TextField(pgettext_lazy("projects", "description"), blank=True)
    category = models.ForeignKey(
        ServiceCategory,
        models.PROTECT,
        related_name="project_needs",
        verbose_name=_("service category"),
    )
    kind = models.CharField(
        _("kind of need"), max_length=10, choices=Kind.choices, default=Kind.SERVICE
    )
    beneficiaries = models.PositiveIntegerField(
        _("beneficiaries"), default=1, help_text=_("How many residents it would help.")
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.STAFF
    )
    # What it came from ("wish:42"): a micro-wish is escalated once. The resident's personal data
    # stays with the wish; the need carries only its text.
    source_key = models.CharField(_("source key"), max_length=40, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    wanted_by = models.DateField(_("wanted by"), null=True, blank=True)
    is_public = models.BooleanField(
        _("shown to the public"),
        default=True,
        help_text=_("The public sees a listed need without any resident's name."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.SUBMITTED
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    merged_into = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_needs",
        verbose_name=_("merged into"),
    )
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    listed_at = models.DateTimeField(_("listed at"), null=True, blank=True)
    submission = submission_field()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_key"],
                condition=~Q(source_key=""),
                name="projects_need_one_per_source",
            ),
            models.CheckConstraint(
                condition=Q(beneficiaries__gte=1), name="projects_need_beneficiaries_positive"
            ),
            models.CheckConstraint(
                condition=~Q(state="merged") | Q(merged_into__isnull=False),
                name="projects_need_merged_names_target",
            ),
        ]
        indexes = [
            # The staff's needs list and triage queue: a community's needs by state, newest first.
            models.Index(
                fields=["community", "state", "-created_at"], name="projects_need_by_community"
            ),
            # The public needs list, newest first.
            models.Index(fields=["state", "-created_at"], name="projects_need_public"),
            # The agenda's suggestions: listed needs by category.
            models.Index(fields=["category", "state"], name="projects_need_by_category"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:need_detail", args=[self.pk])

    @property
    def awaits_triage(self) -> bool:
        return self.state == self.State.SUBMITTED

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


# ---------------------------------------------------------------------------------------------
# Resources (资源清单)
# ---------------------------------------------------------------------------------------------
class Resource(ClaimantFields):
    """What a member, a team (its captain) or an organization (its admins) offers: a venue,
    funds, goods, a skilled service, people or policy advice, with a quantity where it has one.

    `committed` is what projects have been promised; the database keeps it within `quantity`,
    and `services.resource_commit` adds to it with one conditional UPDATE, so two simultaneous
    commitments that together exceed what is left leave one refused."""

    class State(models.TextChoices):
        OFFERED = "offered", _("Offered, awaiting confirmation")
        CONFIRMED = "confirmed", _("Available")
        EXHAUSTED = "exhausted", _("Fully committed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    STATE_COLOURS = {
        State.OFFERED: "warning",
        State.CONFIRMED: "success",
        State.EXHAUSTED: "secondary",
        State.WITHDRAWN: "dark",
        State.EXPIRED: "dark",
    }
    OPEN_STATES = (State.CONFIRMED,)

    class Kind(models.TextChoices):
        VENUE = "venue", _("Venue")
        FUNDS = "funds", _("Funds")
        GOODS = "goods", _("Goods")
        SKILL = "skill", _("Skilled service")
        PEOPLE = "people", _("People")
        POLICY = "policy", _("Policy advice")

    class Unit(models.TextChoices):
        NONE = "", _("No quantity (a skill)")
        PLANTS = "plants", pgettext_lazy("unit", "plants (株)")
        YUAN = "yuan", pgettext_lazy("unit", "yuan (元)")
        PERSON_TIMES = "person_times", pgettext_lazy("unit", "person-times (人次)")
        HOURS = "hours", pgettext_lazy("unit", "hours (小时)")
        PIECES = "pieces", pgettext_lazy("unit", "pieces (件)")

    # The offering member, team or organization: the claimant fields, with related names of
    # their own (ProjectClaim has the shared ones).
    member = models.ForeignKey(
        Member,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="project_resources",
        verbose_name=_("member"),
    )
    team = models.ForeignKey(
        ServiceTeam,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="project_resources",
        verbose_name=_("service team"),
    )
    organization = models.ForeignKey(
        Organization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="project_resources",
        verbose_name=pgettext_lazy("claimant", "organization"),
    )
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        related_name="project_resources",
        verbose_name=_("offered to community"),
        help_text=_("Its staff confirm the offer."),
    )
    also_serves = models.ManyToManyField(
        Community,
        blank=True,
        related_name="+",
        verbose_name=_("also serves"),
        help_text=_("Other communities the resource may serve."),
    )
    title = models.CharField(pgettext_lazy("projects", "title"), max_length=100)
    description = models.TextField(pgettext_lazy("projects", "description"), blank=True)
    kind = models.CharField(_("kind of resource"), max_length=8, choices=Kind.choices)
    category = models.ForeignKey(
        ServiceCategory,
        models.PROTECT,
        related_name="project_resources",
        verbose_name=_("service category"),
    )
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Empty for a skill without a quantity."),
    )
    unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices, blank=True)
    committed = models.DecimalField(
        _("committed"), max_digits=12, decimal_places=1, default=0, editable=False
    )
    available_from = models.DateField(_("available from"))
    available_until = models.DateField(_("available until"), null=True, blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    partnership = models.ForeignKey(
        Partnership,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="project_resources",
        verbose_name=_("partnership agreement it fulfils"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.OFFERED
    )
    offered_by = _user_fk(_("offered by"))
    created_at = models.DateTimeField(_("offered at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    submission = submission_field()

    class Meta(ClaimantFields.Meta):
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-created_at", "-pk"]
        constraints = [
            *ClaimantFields.Meta.constraints,
            # What is committed never exceeds what was offered (resource_commit adds with a
            # conditional UPDATE; this is the database's own guard behind it).
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(committed__lte=F("quantity")),
                name="projects_resource_committed_within_quantity",
            ),
            models.CheckConstraint(
                condition=Q(committed__gte=0), name="projects_resource_committed_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gt=0),
                name="projects_resource_quantity_positive",
            ),
            models.CheckConstraint(
                condition=Q(available_until__isnull=True)
                | Q(available_until__gte=F("available_from")),
                name="projects_resource_window_ordered",
            ),
        ]
        indexes = [
            # The staff's resources list: a community's offers by state, newest first.
            models.Index(
                fields=["community", "state", "-created_at"],
                name="projects_resource_by_community",
            ),
            # The agenda's suggestions: available resources of a category.
            models.Index(fields=["category", "state"], name="projects_resource_by_category"),
            # The organization admin's "our offers" page.
            models.Index(fields=["organization", "state"], name="projects_resource_by_org"),
            # expire_resources: available resources past their window.
            models.Index(
                fields=["available_until"],
                condition=Q(state="confirmed"),
                name="projects_resource_open_until",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:resource_detail", args=[self.pk])

    @property
    def left(self):
        """What is left to commit (None: no quantity)."""
        return None if self.quantity is None else self.quantity - self.committed

    @property
    def unit_label(self) -> str:
        return self.Unit(self.unit).label if self.unit else ""

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def awaits_confirmation(self) -> bool:
        return self.state == self.State.OFFERED

    def is_available_on(self, day) -> bool:
        return self.available_from <= day and (
            self.available_until is None or day <= self.available_until
        )


# ---------------------------------------------------------------------------------------------
# Joint meetings (联席会议)
# ---------------------------------------------------------------------------------------------
def minutes_upload_to(instance, filename):
    return f"projects/minutes/{instance.community_id}/{filename}"


class JointMeeting(models.Model):
    """A joint meeting of a community (or its subdistrict) with the organizations that serve it:
    it reads the agenda, records minutes and decisions; approving the minutes runs the
    decisions as the real state changes."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held, minutes in draft")
        APPROVED = "approved", _("Minutes approved")
        CANCELLED = "cancelled", _("Cancelled")

    STATE_COLOURS = {
        State.SCHEDULED: "info",
        State.HELD: "warning",
        State.APPROVED: "success",
        State.CANCELLED: "dark",
    }

    class Level(models.TextChoices):
        COMMUNITY = "community", _("Community")
        SUBDISTRICT = "subdistrict", _("Subdistrict")

    level = models.CharField(
        _("level"), max_length=12, choices=Level.choices, default=Level.COMMUNITY
    )
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        related_name="joint_meetings",
        verbose_name=_("convening community"),
    )
    subdistrict = models.ForeignKey(
        Subdistrict,
        models.PROTECT,
        related_name="joint_meetings",
        verbose_name=_("subdistrict"),
    )
    title = models.CharField(pgettext_lazy("projects", "title"), max_length=100)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    organizations = models.ManyToManyField(
        Organization, blank=True, related_name="joint_meetings", verbose_name=_("attending units")
    )
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_file = models.FileField(
        _("minutes file"), upload_to=minutes_upload_to, blank=True, max_length=200
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.SCHEDULED
    )
    convened_by = _user_fk(_("convened by"))
    approved_by = _user_fk(_("minutes approved by"))
    approved_at = models.DateTimeField(_("minutes approved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submission = submission_field()

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        ordering = ["-held_on", "-pk"]
        indexes = [
            # A community's meetings, newest first; the committee's "meetings per community".
            models.Index(fields=["community", "-held_on"], name="projects_meeting_by_community"),
        ]

    def __str__(self):
        return f"{self.title} ({self.held_on:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("projects:meeting_detail", args=[self.pk])

    @property
    def minutes_editable(self) -> bool:
        """Approved minutes are never edited: a correction is a new decision of a new meeting."""
        return self.state in (self.State.SCHEDULED, self.State.HELD)


# ---------------------------------------------------------------------------------------------
# Projects (项目清单)
# ---------------------------------------------------------------------------------------------
class Project(models.Model):
    """A service project: needs answered with committed resources, dates and milestones."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Open to claim")
        CLAIMED = "claimed", _("Claimed")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed, awaiting evaluation")
        EVALUATED = "evaluated", _("Evaluated")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")

    STATE_COLOURS = {
        State.DRAFT: "light",
        State.APPROVED: "success",
        State.CLAIMED: "primary",
        State.IN_PROGRESS: "info",
        State.COMPLETED: "warning",
        State.EVALUATED: "secondary",
        State.SUSPENDED: "dark",
        State.CANCELLED: "dark",
    }
    PUBLIC_STATES = (
        State.APPROVED,
        State.CLAIMED,
        State.IN_PROGRESS,
        State.COMPLETED,
        State.EVALUATED,
    )
    # Running: its planned end can pass (overdue is computed from these, not a state).
    RUNNING_STATES = (State.APPROVED, State.CLAIMED, State.IN_PROGRESS)
    CANCELLABLE_STATES = (State.DRAFT, *RUNNING_STATES, State.SUSPENDED)

    community = models.ForeignKey(
        Community, models.PROTECT, related_name="projects", verbose_name=_("community")
    )
    title = models.CharField(pgettext_lazy("projects", "title"), max_length=100)
    description = models.TextField(pgettext_lazy("projects", "description"), blank=True)
    category = models.ForeignKey(
        ServiceCategory, models.PROTECT, related_name="projects", verbose_name=_("service category")
    )
    needs = models.ManyToManyField(
        Need, blank=True, related_name="projects", verbose_name=_("needs answered")
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    budget = models.DecimalField(
        _("budget (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    is_collective = models.BooleanField(
        _("collective project"),
        default=False,
        help_text=_("For a team or a unit: a member cannot claim it alone."),
    )
    meeting = models.ForeignKey(
        JointMeeting,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_projects",
        verbose_name=_("approved at meeting"),
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    # The state a suspended project resumes to.
    suspended_from = models.CharField(
        _("suspended from"), max_length=12, choices=State.choices, blank=True
    )
    percent = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = _user_fk(_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    overdue_reminded_at = models.DateTimeField(_("overdue reminder sent at"), null=True, blank=True)
    overdue_escalated_at = models.DateTimeField(
        _("overdue shown to the committee at"), null=True, blank=True
    )
    submission = submission_field()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("planned_start")),
                name="projects_project_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(percent__lte=100), name="projects_project_percent_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="projects_project_budget_not_negative",
            ),
        ]
        indexes = [
            # The staff's projects list: a community's projects by state, newest first.
            models.Index(
                fields=["community", "state", "-created_at"], name="projects_project_by_community"
            ),
            # The public list of open projects and the stories, newest first.
            models.Index(fields=["state", "-created_at"], name="projects_project_public"),
            # remind_overdue_projects: running projects past their planned end.
            models.Index(
                fields=["planned_end"],
                condition=Q(state__in=["approved", "claimed", "in_progress"]),
                name="projects_project_running_end",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.pk])

    @property
    def is_open_to_claims(self) -> bool:
        return self.state == self.State.APPROVED

    @property
    def is_running(self) -> bool:
        return self.state in self.RUNNING_STATES

    @property
    def is_cancellable(self) -> bool:
        return self.state in self.CANCELLABLE_STATES

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.state in self.RUNNING_STATES and self.planned_end < today

    @property
    def evaluation_or_none(self):
        """The evaluation, once the project was evaluated (None before)."""
        try:
            return self.evaluation
        except ObjectDoesNotExist:
            return None


class ProjectResource(models.Model):
    """A resource committed to a project: how much, and how much was delivered."""

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="commitments", verbose_name=_("project")
    )
    resource = models.ForeignKey(
        Resource, models.PROTECT, related_name="commitments", verbose_name=_("resource")
    )
    quantity = models.DecimalField(
        _("quantity committed"), max_digits=12, decimal_places=1, null=True, blank=True
    )
    delivered = models.DecimalField(_("delivered"), max_digits=12, decimal_places=1, default=0)
    committed_by = _user_fk(_("committed by"))
    committed_at = models.DateTimeField(_("committed at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("last delivery at"), null=True, blank=True)

    class Meta:
        verbose_name = _("resource commitment")
        verbose_name_plural = _("resource commitments")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "resource"], name="projects_commitment_once_per_resource"
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gt=0),
                name="projects_commitment_quantity_positive",
            ),
            models.CheckConstraint(
                condition=Q(delivered__gte=0)
                & (Q(quantity__isnull=True) | Q(delivered__lte=F("quantity"))),
                name="projects_commitment_delivered_within_quantity",
            ),
        ]

    def __str__(self):
        return f"{self.resource} → {self.project}"


class ProjectClaim(ClaimantFields):
    """A claim (认领) on a project by a member, a team (its captain) or an organization (its
    admins). Exactly one claim per project is open, which the database enforces."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        RELEASED = "released", _("Released")
        CANCELLED = "cancelled", _("Cancelled")

    STATE_COLOURS = {State.ACTIVE: "primary", State.COMPLETED: "success"}

    project = models.ForeignKey(
        Project, models.PROTECT, related_name="claims", verbose_name=_("project")
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="project_claims",
        verbose_name=_("claimed by"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    created_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta(ClaimantFields.Meta):
        verbose_name = _("project claim")
        verbose_name_plural = _("project claims")
        ordering = ["-created_at", "-pk"]
        constraints = [
            *ClaimantFields.Meta.constraints,
            # The database refuses a second open claim: with the conditional UPDATE of the
            # project's state, simultaneous claims leave exactly one on any backend.
            models.UniqueConstraint(
                fields=["project"], condition=Q(state="active"), name="projects_claim_one_open"
            ),
        ]
        indexes = [
            # "My projects" and "my team's".
            models.Index(fields=["member", "state"], name="projects_claim_by_member"),
            models.Index(fields=["team", "state"], name="projects_claim_by_team"),
            models.Index(fields=["organization", "state"], name="projects_claim_by_org"),
        ]

    def __str__(self):
        return f"{self.claimant_name} · {self.project}"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE


class Milestone(models.Model):
    """A step of a project with its weight in the progress (the weights sum to 100)."""

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="milestones", verbose_name=_("project")
    )
    title = models.CharField(pgettext_lazy("projects", "title"), max_length=100)
    due_on = models.DateField(_("due on"))
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = _user_fk(_("ticked by"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["order", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=100),
                name="projects_milestone_weight_1_to_100",
            )
        ]

    def __str__(self):
        return self.title


def progress_photo_upload_to(instance, filename):
    return f"projects/progress/{instance.update.project_id}/{filename}"


class ProgressUpdate(models.Model):
    """What the claimant reports: text, a percent (rising, unless a reason is given), photos."""

    project = models.ForeignKey(
        Project, models.CASCADE, related_name="updates", verbose_name=_("project")
    )
    claim = models.ForeignKey(
        ProjectClaim, models.PROTECT, related_name="updates", verbose_name=_("claim")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    text = models.TextField(_("progress"))
    percent = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    reason = models.CharField(_("reason the percent went down"), max_length=300, blank=True)
    submission = submission_field()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__lte=100), name="projects_update_percent_at_most_100"
            )
        ]
        indexes = [models.Index(fields=["project", "-at"], name="projects_update_by_project")]

    def __str__(self):
        return f"{self.project} · {self.percent}%"


class ProgressPhoto(models.Model):
    update = models.ForeignKey(
        ProgressUpdate, models.CASCADE, related_name="photos", verbose_name=_("progress update")
    )
    image = models.ImageField(_("image"), upload_to=progress_photo_upload_to, max_length=200)
    thumbnail = models.ImageField(
        _("thumbnail"), upload_to=progress_photo_upload_to, max_length=200
    )

    class Meta:
        verbose_name = _("progress photo")
        verbose_name_plural = _("progress photos")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.update} #{self.pk}"


class Participation(models.Model):
    """A member's service on a project on one day; staff confirm it into a service record."""

    project = models.ForeignKey(
        Project, models.PROTECT, related_name="participations", verbose_name=_("project")
    )
    member = models.ForeignKey(
        Member, models.PROTECT, related_name="project_participations", verbose_name=_("member")
    )
    served_on = models.DateField(_("date of service"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    added_by = _user_fk(_("added by"))
    confirmed_by = _user_fk(_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    submission = submission_field()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["served_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "member", "served_on"], name="projects_participation_once_a_day"
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0.5) & Q(hours__lte=24),
                name="projects_participation_hours_in_day",
            ),
        ]
        indexes = [
            # A member's hours on projects (their home, the reports).
            models.Index(fields=["member", "served_on"], name="projects_part_by_member"),
        ]

    def __str__(self):
        return f"{self.member} · {self.project} · {self.hours}h"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class ProjectEvaluation(models.Model):
    """The community's evaluation of a completed project, with the residents' satisfaction."""

    project = models.OneToOneField(
        Project, models.CASCADE, related_name="evaluation", verbose_name=_("project")
    )
    by = _user_fk(_("evaluated by"))
    at = models.DateTimeField(_("evaluated at"), default=timezone.now)
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    residents_surveyed = models.PositiveIntegerField(_("residents surveyed"), default=0)
    residents_satisfied = models.PositiveIntegerField(_("residents satisfied"), default=0)
    comment = models.TextField(_("comment"), blank=True)
    is_story = models.BooleanField(
        _("shown as a story"),
        default=True,
        help_text=_("Completed projects are shown to the public as stories."),
    )

    class Meta:
        verbose_name = _("project evaluation")
        verbose_name_plural = _("project evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="projects_evaluation_rating"
            ),
            models.CheckConstraint(
                condition=Q(residents_satisfied__lte=F("residents_surveyed")),
                name="projects_evaluation_satisfied_within_surveyed",
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.rating}"

    @property
    def satisfaction_rate(self):
        if not self.residents_surveyed:
            return None
        return round(100 * self.residents_satisfied / self.residents_surveyed)


class MeetingDecision(models.Model):
    """One decision of a joint meeting. It runs as the real state change when the minutes are
    approved (`services.minutes_approve`), never before, and never twice."""

    class Kind(models.TextChoices):
        LIST_NEED = "list_need", _("List a need")
        REJECT_NEED = "reject_need", _("Reject a need")
        CONFIRM_RESOURCE = "confirm_resource", _("Confirm a resource")
        APPROVE_PROJECT = "approve_project", _("Approve a project")
        ASSIGN_CLAIMANT = "assign_claimant", _("Assign a claimant")
        COMMIT_RESOURCE = "commit_resource", _("Commit a resource")

    meeting = models.ForeignKey(
        JointMeeting, models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    kind = models.CharField(_("decision"), max_length=20, choices=Kind.choices)
    need = models.ForeignKey(
        Need, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("need")
    )
    resource = models.ForeignKey(
        Resource,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resource"),
    )
    project = models.ForeignKey(
        Project,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("project"),
    )
    team = models.ForeignKey(
        ServiceTeam,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned team"),
    )
    organization = models.ForeignKey(
        Organization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned organization"),
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=1, null=True, blank=True
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_by = _user_fk(_("recorded by"))
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True)
    submission = submission_field()

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["order", "pk"]
        constraints = [
            # Each kind names what it decides on.
            models.CheckConstraint(
                condition=Q(kind__in=["list_need", "reject_need"], need__isnull=False)
                | Q(kind="confirm_resource", resource__isnull=False)
                | Q(kind="approve_project", project__isnull=False)
                | Q(kind="assign_claimant", project__isnull=False)
                & (Q(team__isnull=False) | Q(organization__isnull=False))
                | Q(kind="commit_resource", project__isnull=False, resource__isnull=False),
                name="projects_decision_names_its_object",
            ),
        ]

    def __str__(self):
        target = self.need or self.resource or self.project or ""
        return f"{self.get_kind_display()}: {target}"


# ---------------------------------------------------------------------------------------------
# Histories
# ---------------------------------------------------------------------------------------------
class NeedTransition(TransitionRecord):
    need = models.ForeignKey(
        Need, models.CASCADE, related_name="transitions", verbose_name=_("need")
    )
    from_state = models.CharField(_("from"), max_length=10, choices=Need.State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=10, choices=Need.State.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("need transition")
        verbose_name_plural = _("need transitions")
        indexes = [models.Index(fields=["need", "at"], name="projects_needstep_by_need")]


class ResourceTransition(TransitionRecord):
    resource = models.ForeignKey(
        Resource, models.CASCADE, related_name="transitions", verbose_name=_("resource")
    )
    from_state = models.CharField(
        _("from"), max_length=10, choices=Resource.State.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=10, choices=Resource.State.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("resource transition")
        verbose_name_plural = _("resource transitions")
        indexes = [models.Index(fields=["resource", "at"], name="projects_resstep_by_resource")]


class ProjectTransition(TransitionRecord):
    project = models.ForeignKey(
        Project, models.CASCADE, related_name="transitions", verbose_name=_("project")
    )
    claim = models.ForeignKey(
        ProjectClaim,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="transitions",
        verbose_name=_("claim"),
    )
    from_state = models.CharField(
        _("from"), max_length=12, choices=Project.State.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=12, choices=Project.State.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("project transition")
        verbose_name_plural = _("project transitions")
        indexes = [models.Index(fields=["project", "at"], name="projects_projstep_by_project")]


class MeetingTransition(TransitionRecord):
    meeting = models.ForeignKey(
        JointMeeting, models.CASCADE, related_name="transitions", verbose_name=_("meeting")
    )
    from_state = models.CharField(
        _("from"), max_length=10, choices=JointMeeting.State.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=10, choices=JointMeeting.State.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("meeting transition")
        verbose_name_plural = _("meeting transitions")
        indexes = [models.Index(fields=["meeting", "at"], name="projects_meetstep_by_meeting")]
