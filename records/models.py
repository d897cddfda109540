"""The ledger every producer writes to: service records (hours and points from any source) and
the rules that turn hours into points."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.models import Community, Member, Organization


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
    # Who organized it records it (谁组织谁记录): an organization's own activity is recorded by
    # the organization, and certified by it; the community is still where it was served.
    organization = models.ForeignKey(
        Organization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="service_records",
        verbose_name=_("recording organization"),
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
            # A member's records by half-year; the report draft; "My service" a page at a time,
            # newest first (read backwards: served_on, then pk, descending).
            models.Index(fields=["member", "served_on", "id"], name="record_by_member_date"),
            # A community's rankings and statistics by period.
            models.Index(fields=["community", "served_on"], name="record_by_community_date"),
            # The staff's service entry: the community's latest records, newest first.
            models.Index(fields=["community", "created_at", "id"], name="record_by_community_new"),
            # An organization's certificates of what it recorded.
            models.Index(fields=["organization", "member"], name="record_by_org_member"),
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


# What is not volunteer service: a producer that records meetings or study (an activity of kind
# "meeting", say) gives its records one of these kinds, and they count towards neither star
# levels nor certificates (民政部令第67号 第十九条: only volunteer service is recorded).
NOT_VOLUNTEER_SERVICE_KINDS = frozenset({"meeting", "study"})


def volunteer_service_q(prefix: str = "") -> Q:
    """Records of volunteer service (at `prefix`, e.g. "service_records__")."""
    return ~Q(**{f"{prefix}kind__in": sorted(NOT_VOLUNTEER_SERVICE_KINDS)})


# ---------------------------------------------------------------------------------------------
# The platform's star levels (平台星级)
# ---------------------------------------------------------------------------------------------
class StarRule(models.Model):
    """One level of the platform's star levels: the volunteer-service hours it takes.

    The platform's own rule, not an association's rating: superusers edit it. Seeded with the
    community volunteer registration rules' 100 / 300 / 600 / 1,000 / 1,500 hours; cities differ.
    Changing a threshold never takes an award away (MemberStar keeps each award as history).
    """

    level = models.PositiveSmallIntegerField(_("star level"), unique=True)
    min_hours = models.DecimalField(_("hours needed"), max_digits=7, decimal_places=1)
    label = models.CharField(pgettext_lazy("star level", "label"), max_length=40)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("star level rule")
        verbose_name_plural = _("star level rules")
        ordering = ["level"]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1), name="star_rule_level_from_one"),
            models.CheckConstraint(condition=Q(min_hours__gt=0), name="star_rule_hours_positive"),
        ]

    def __str__(self):
        return self.label


class MemberStar(models.Model):
    """A star level awarded to a member: kept as history, once per level.

    Awarded when the member's volunteer-service hours first reach the level's threshold. A later
    rule change or correction never removes it silently: an award whose member is now below the
    level's threshold is shown in the review list (`records.selectors.stars_to_review`).
    """

    member = models.ForeignKey(
        Member, models.CASCADE, related_name="stars", verbose_name=_("member")
    )
    level = models.PositiveSmallIntegerField(_("star level"))
    label = models.CharField(pgettext_lazy("star level", "label"), max_length=40)
    min_hours = models.DecimalField(_("hours needed when awarded"), max_digits=7, decimal_places=1)
    hours_at_award = models.DecimalField(_("hours when awarded"), max_digits=8, decimal_places=1)
    awarded_at = models.DateTimeField(_("awarded at"), default=timezone.now)

    class Meta:
        verbose_name = _("star level award")
        verbose_name_plural = _("star level awards")
        ordering = ["member", "level"]
        constraints = [
            models.UniqueConstraint(fields=["member", "level"], name="member_star_once_per_level")
        ]
        indexes = [models.Index(fields=["level", "member"], name="member_star_by_level")]

    def __str__(self):
        return f"{self.member} · {self.label}"


# ---------------------------------------------------------------------------------------------
# 志愿服务记录证明: certificates a member downloads and anyone can verify
# ---------------------------------------------------------------------------------------------
def certificate_upload_to(instance, filename):
    return f"certificates/{instance.member_id}/{filename}"


class Certificate(models.Model):
    """A certificate of volunteer service recorded by one unit (谁记录谁证明) over a period.

    `lines` is a snapshot of each record certified (date, content, hours), so that the paper
    and the verify page agree with what was issued whatever happens to the records later.
    """

    class State(models.TextChoices):
        ISSUED = "issued", _("Valid")
        REVOKED = "revoked", _("Revoked")

    STATE_COLOURS = {State.ISSUED: "success", State.REVOKED: "danger"}

    number = models.CharField(_("certificate number"), max_length=30, unique=True)
    verify_code = models.CharField(_("verification code"), max_length=12, unique=True)
    member = models.ForeignKey(
        Member, models.PROTECT, related_name="certificates", verbose_name=_("member")
    )
    member_name = models.CharField(_("name"), max_length=40)
    # The recording unit: a community, or an organization that recorded its own activities.
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("recording community"),
    )
    organization = models.ForeignKey(
        Organization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("recording organization"),
    )
    issuer_name = models.CharField(_("recording unit"), max_length=120)
    period_from = models.DateField(_("service from"))
    period_to = models.DateField(_("service to"))
    total_hours = models.DecimalField(_("total hours"), max_digits=8, decimal_places=1)
    lines = models.JSONField(_("records certified"), default=list)
    pdf = models.FileField(_("PDF"), upload_to=certificate_upload_to, blank=True)
    sha256 = models.CharField(_("fingerprint (SHA-256)"), max_length=64, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ISSUED)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("service certificate")
        verbose_name_plural = _("service certificates")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_to__gte=models.F("period_from")),
                name="certificate_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(state="issued") | ~Q(revoke_reason=""),
                name="certificate_revoked_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(community__isnull=False, organization__isnull=True)
                | Q(community__isnull=True, organization__isnull=False),
                name="certificate_one_recording_unit",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "-issued_at"], name="certificate_by_member"),
            models.Index(fields=["community", "state"], name="certificate_by_unit"),
            models.Index(fields=["organization", "state"], name="certificate_by_org_unit"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.state == self.State.REVOKED

    @property
    def unit(self):
        """The recording unit: the community or the organization."""
        return self.community if self.community_id else self.organization
