"""The ledger every producer writes to: service records (hours and points from any source) and
the rules that turn hours into points."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.models import Community, Member


class ServiceRecord(models.Model):
    """Hours and points a member earned serving a community, whatever the source.

    `source_key` names what produced the record ("wish:42", "manual:7", later "checkin:9"); it is
    unique per member so that re-running whatever produced it never counts service twice.
    """

    class Kind(models.TextChoices):
        WISH = "wish", _("Micro-wish")
        PROJECT = "project", _("Service project")
        ACTIVITY = "activity", _("Activity")
        ORDER = "order", _("Service order")
        OTHER = "other", _("Other service")

    class Source(models.TextChoices):
        WISH = "wish", _("Completed wish")
        STAFF = "staff", _("Entered by staff")
        CHECKIN = "checkin", _("Activity check-in")
        PROJECT = "project", _("Completed project")
        ORDER = "order", _("Completed service order")

    member = models.ForeignKey(
        Member, models.PROTECT, related_name="service_records", verbose_name=_("member")
    )
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="service_records", verbose_name=_("community")
    )
    served_on = models.DateField(_("date of service"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    points = models.PositiveIntegerField(_("points"), default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    source_key = models.CharField(_("source key"), max_length=60)
    title = models.CharField(pgettext_lazy("service record", "title"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        # The table of the reports app, where the ledger began.
        db_table = "reports_servicerecord"
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-served_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "source_key"], name="service_record_once_per_source"
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=24), name="service_record_hours_in_day"
            ),
        ]
        indexes = [
            # A member's records by half-year; the report draft.
            models.Index(fields=["member", "served_on"], name="record_by_member_date"),
            # A community's rankings and statistics by period.
            models.Index(fields=["community", "served_on"], name="record_by_community_date"),
        ]

    def __str__(self):
        return f"{self.member} · {self.title} · {self.hours}h"


class PointRule(models.Model):
    """How many points service earns, from a date on.

    The rule in force when a service record is created sets its points, which are stored on the
    record: a later rule applies to new records only and never rewrites history. A rule with an
    empty kind applies to every kind that has no rule of its own.
    """

    kind = models.CharField(
        _("kind of service"),
        max_length=12,
        choices=ServiceRecord.Kind.choices,
        blank=True,
        help_text=_("Leave empty for the default rule of every kind."),
    )
    points_per_record = models.PositiveIntegerField(
        _("points per record"),
        default=0,
        help_text=_("For example, points for each completed micro-wish."),
    )
    points_per_hour = models.DecimalField(
        _("points per hour"), max_digits=6, decimal_places=2, default=1
    )
    effective_from = models.DateField(
        _("effective from"), help_text=_("Records created from this date on use this rule.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "reports_pointrule"
        verbose_name = _("point rule")
        verbose_name_plural = _("point rules")
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "effective_from"], name="point_rule_one_per_kind_and_date"
            ),
            models.CheckConstraint(
                condition=Q(points_per_hour__gte=0), name="point_rule_per_hour_not_negative"
            ),
        ]
        indexes = [
            # points_for: the newest rule of a kind in force on a date.
            models.Index(fields=["kind", "-effective_from"], name="point_rule_in_force"),
        ]

    def __str__(self):
        kind = self.get_kind_display() if self.kind else _("every kind")
        return f"{kind} · {self.effective_from}"

    def points(self, hours) -> int:
        per_hour = (Decimal(self.points_per_hour) * Decimal(hours)).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
        return self.points_per_record + int(per_hour)
