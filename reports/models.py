"""Service records (hours and points from any source) and the reports built on them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
    title = models.CharField(_("title"), max_length=200)
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
