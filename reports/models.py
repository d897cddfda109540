"""Reports built on the service records: members' half-year reports, organizations' yearly
reports and the communities' evaluations (双评价)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TransitionRecord
from core.periods import Period
from members.models import Community, Member, Organization


class Half(models.IntegerChoices):
    FIRST = 1, _("First half (January to June)")
    SECOND = 2, _("Second half (July to December)")


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    QUALIFIED = "qualified", _("Qualified")
    BASICALLY_QUALIFIED = "basic", _("Basically qualified")
    UNQUALIFIED = "unqualified", _("Unqualified")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


class ReviewedReport(models.Model):
    """What a member's half-year report and an organization's yearly report share: a due date,
    the state of the review and who decided it when. The steps are recorded by a `Transition`."""

    State = ReportState
    # The badge colour of each state (core.badges).
    STATE_COLOURS = {
        ReportState.SUBMITTED: "primary",
        ReportState.RETURNED: "warning",
        ReportState.APPROVED: "success",
    }
    # Open: its authors write and submit it (the services and the edit rules read this).
    OPEN_STATES = (ReportState.DRAFT, ReportState.RETURNED)

    state = models.CharField(
        _("state"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT
    )
    due_on = models.DateField(_("due on"))
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    created_at = models.DateTimeField(_("prepared at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def is_returned(self) -> bool:
        """Returned by the reviewers: open again, with their comment."""
        return self.state == ReportState.RETURNED

    @property
    def awaits_review(self) -> bool:
        """Submitted: the reviewers approve it or return it (`_report_decide`)."""
        return self.state == ReportState.SUBMITTED

    @property
    def is_approved(self) -> bool:
        return self.state == ReportState.APPROVED

    @property
    def is_decided(self) -> bool:
        """Approved or returned: the review (who, when, the comment) stands."""
        return self.is_approved or self.is_returned

    @property
    def is_overdue(self) -> bool:
        return self.is_editable and self.due_on < timezone.localdate()


class Transition(TransitionRecord):
    """One step of a report: who moved it from which state to which, when and why. Concrete
    subclasses add the `report` foreign key."""

    from_state = models.CharField(_("from"), max_length=10, choices=ReportState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=10, choices=ReportState.choices)
    comment = models.TextField(_("comment"), blank=True)
    note = None

    class Meta(TransitionRecord.Meta):
        abstract = True

    def __str__(self):
        return f"{self.report_id}: {self.from_state or '-'} → {self.to_state}"


class MemberReport(ReviewedReport):
    """A member's half-year report to their Party branch.

    The figures are prepared from the member's service records, registrations and evaluations
    (and refreshed when the member submits); the account is the member's own words.
    """

    member = models.ForeignKey(
        Member, models.PROTECT, related_name="reports", verbose_name=_("member")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(_("half-year"), choices=Half.choices)
    # Prepared figures
    communities_served = models.CharField(_("communities served"), max_length=300, blank=True)
    wishes_fulfilled = models.PositiveIntegerField(_("wishes fulfilled"), default=0)
    projects_served = models.PositiveIntegerField(_("service projects taken part in"), default=0)
    project_hours = models.DecimalField(
        _("hours on service projects"), max_digits=7, decimal_places=1, default=0
    )
    records_count = models.PositiveIntegerField(_("service records"), default=0)
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=1, default=0)
    points = models.PositiveIntegerField(_("points"), default=0)
    evaluation = models.CharField(_("community evaluation"), max_length=300, blank=True)
    # The member's own account
    did = models.TextField(_("what I did"), blank=True)
    learned = models.TextField(_("what I learned"), blank=True)
    plans = models.TextField(_("what I plan"), blank=True)

    class Meta:
        verbose_name = _("member report")
        verbose_name_plural = _("member reports")
        ordering = ["-year", "-half", "member__real_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year", "half"], name="member_report_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(half__in=[1, 2]), name="member_report_half_is_1_or_2"
            ),
        ]
        indexes = [
            # The review list: a period's reports by state; reminders: open reports by due date.
            models.Index(fields=["year", "half", "state"], name="member_report_by_period"),
            models.Index(fields=["state", "due_on"], name="member_report_by_due"),
        ]

    def __str__(self):
        return f"{self.member} · {self.period.label}"

    def get_absolute_url(self):
        return reverse("reports:report_detail", args=[self.pk])

    @property
    def period(self) -> Period:
        return Period(self.year, self.half)


class ReportTransition(Transition):
    """One step of a member report."""

    report = models.ForeignKey(
        MemberReport, models.CASCADE, related_name="transitions", verbose_name=_("report")
    )

    class Meta(Transition.Meta):
        verbose_name = _("report step")
        verbose_name_plural = _("report steps")


class Evaluation(models.Model):
    """双评价: a community's rating of a member who served it in a half-year."""

    Rating = Rating

    member = models.ForeignKey(
        Member, models.PROTECT, related_name="evaluations", verbose_name=_("member")
    )
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="evaluations", verbose_name=_("community")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(_("half-year"), choices=Half.choices)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rated by"),
    )
    rated_at = models.DateTimeField(_("rated at"), default=timezone.now)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-year", "-half", "member__real_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "community", "year", "half"],
                name="evaluation_one_per_member_community_period",
            ),
        ]
        indexes = [
            # The staff evaluation page: a community's ratings for a period.
            models.Index(fields=["community", "year", "half"], name="evaluation_by_community"),
        ]

    def __str__(self):
        return f"{self.member} · {self.community} · {self.get_rating_display()}"

    @property
    def period(self) -> Period:
        return Period(self.year, self.half)


class OrganizationReport(ReviewedReport):
    """An organization's yearly report to the committee above it."""

    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="reports", verbose_name=_("organization")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # Prepared figures
    communities_paired = models.CharField(_("communities paired"), max_length=500, blank=True)
    members_total = models.PositiveIntegerField(
        pgettext_lazy("organization report", "members"), default=0
    )
    members_reported = models.PositiveIntegerField(_("members who reported"), default=0)
    hours = models.DecimalField(_("hours"), max_digits=10, decimal_places=1, default=0)
    wishes_fulfilled = models.PositiveIntegerField(_("wishes fulfilled"), default=0)
    projects_served = models.PositiveIntegerField(_("service projects taken part in"), default=0)
    project_hours = models.DecimalField(
        _("hours on service projects"), max_digits=10, decimal_places=1, default=0
    )
    rated_excellent = models.PositiveIntegerField(_("rated excellent"), default=0)
    rated_qualified = models.PositiveIntegerField(_("rated qualified"), default=0)
    rated_basic = models.PositiveIntegerField(_("rated basically qualified"), default=0)
    rated_unqualified = models.PositiveIntegerField(_("rated unqualified"), default=0)
    # The admin's own account
    summary = models.TextField(_("what we did"), blank=True)
    plans = models.TextField(_("what we plan"), blank=True)

    class Meta:
        verbose_name = _("organization report")
        verbose_name_plural = _("organization reports")
        ordering = ["-year", "organization__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"], name="organization_report_one_per_year"
            ),
        ]
        indexes = [
            models.Index(fields=["year", "state"], name="org_report_by_year"),
        ]

    def __str__(self):
        return f"{self.organization} · {self.year}"


class OrganizationReportTransition(Transition):
    """One step of an organization report."""

    report = models.ForeignKey(
        OrganizationReport,
        models.CASCADE,
        related_name="transitions",
        verbose_name=_("report"),
    )

    class Meta(Transition.Meta):
        verbose_name = _("organization report step")
        verbose_name_plural = _("organization report steps")
