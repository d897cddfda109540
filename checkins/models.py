"""Activities and check-in (活动与签到): activities and campaigns (义务奉献日) with their sessions
and venues, sign-ups with a waiting list, the members' check-in codes, the scan log, and one
attendance per member and session made of segments per venue.

Nothing on the scan path updates a per-venue counter (a hot row under a burst of 40 scans a
second): the dashboard counts attendances and segments through their indexes instead. The one
counter, `Venue.taken`, belongs to sign-ups, which are not the scan path.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TransitionRecord
from core.once import submission_field
from members.models import Community, Member, Organization

# The alphabet of members' codes: capitals and digits without 0/O, 1/I/L (typed by a person
# or a scanner in any keyboard case, read aloud without doubt).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 16


def code_hash(secret: str) -> str:
    """What is stored of a member's code (and sent to an offline roster): its SHA-256."""
    return hashlib.sha256(secret.strip().upper().encode()).hexdigest()


class Activity(models.Model):
    """An activity, or a campaign (one 义务奉献日) that groups activities (`campaign`)."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("Volunteer service")
        MEETING = "meeting", _("Meeting or study")
        OTHER = "other", _("Other")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Every member")
        ORGANIZATION = "organization", _("Members of the organizing unit")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ENDED = "ended", _("Ended")
        FINALIZED = "finalized", _("Finalized")
        CANCELLED = "cancelled", _("Cancelled")

    class Credit(models.TextChoices):
        ACTUAL = "actual", _("Time actually given")
        SCHEDULED = "scheduled", _("Scheduled time")
        CAPPED = "capped", _("Time given, at most the scheduled time")

    class Rounding(models.TextChoices):
        TENTH = "tenth", _("Down to 0.1 hour")
        HALF = "half", _("Down to half an hour")
        HOUR = "hour", _("Down to the hour")

    STATE_COLOURS = {
        State.DRAFT: "secondary",
        State.PUBLISHED: "success",
        State.ENDED: "warning",
        State.FINALIZED: "primary",
        State.CANCELLED: "dark",
    }

    title = models.CharField(pgettext_lazy("activity", "title"), max_length=100)
    description = models.TextField(pgettext_lazy("activity", "description"), blank=True)
    kind = models.CharField(
        pgettext_lazy("activity", "kind"), max_length=10, choices=Kind.choices, default=Kind.SERVICE
    )
    campaign = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("campaign"),
        help_text=_("The campaign (such as a 义务奉献日) this activity belongs to."),
    )
    organizer_community = models.ForeignKey(
        Community,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="organized_activities",
        verbose_name=_("organizing community"),
    )
    organizer_organization = models.ForeignKey(
        Organization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="organized_activities",
        verbose_name=_("organizing organization"),
    )
    audience = models.CharField(
        _("audience"), max_length=12, choices=Audience.choices, default=Audience.EVERYONE
    )
    signup_opens_at = models.DateTimeField(_("sign-up opens"), null=True, blank=True)
    signup_closes_at = models.DateTimeField(_("sign-up closes"), null=True, blank=True)
    credit_rule = models.CharField(
        _("hours credited"), max_length=10, choices=Credit.choices, default=Credit.ACTUAL
    )
    rounding = models.CharField(
        _("rounding"), max_length=6, choices=Rounding.choices, default=Rounding.HALF
    )
    min_minutes = models.PositiveSmallIntegerField(
        _("minimum minutes"),
        default=30,
        help_text=_("Less time than this earns no hours."),
    )
    grace_before = models.PositiveSmallIntegerField(
        _("check-in opens (minutes before)"), default=60
    )
    grace_after = models.PositiveSmallIntegerField(
        _("check-out closes (minutes after)"), default=120
    )
    finalize_by = models.DateField(_("finalize by"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finalized_at = models.DateTimeField(_("finalized at"), null=True, blank=True)
    submission = submission_field()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organizer_community__isnull=False)
                | Q(organizer_organization__isnull=False),
                name="checkins_activity_has_organizer",
            ),
            models.CheckConstraint(
                condition=Q(signup_opens_at__isnull=True)
                | Q(signup_closes_at__isnull=True)
                | Q(signup_closes_at__gte=F("signup_opens_at")),
                name="checkins_activity_signup_window",
            ),
        ]
        indexes = [
            # "Activities near me": published activities by state.
            models.Index(fields=["state", "-created_at"], name="checkins_activity_by_state"),
            # A campaign's activities.
            models.Index(fields=["campaign", "state"], name="checkins_activity_by_campaign"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("checkins:activity", args=[self.pk])

    @property
    def organizer_name(self) -> str:
        organizer = self.organizer_community or self.organizer_organization
        return organizer.name if organizer else ""

    @property
    def earns_hours(self) -> bool:
        """Only volunteer service is recorded (民政部令第67号, 第十九条)."""
        return self.kind == self.Kind.SERVICE

    def signup_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.state != self.State.PUBLISHED:
            return False
        if self.signup_opens_at and now < self.signup_opens_at:
            return False
        return not (self.signup_closes_at and now > self.signup_closes_at)

    def round_hours(self, minutes: float) -> Decimal:
        hours = Decimal(str(minutes)) / Decimal(60)
        step = {"tenth": Decimal("0.1"), "half": Decimal("0.5"), "hour": Decimal(1)}[self.rounding]
        return min((hours / step).quantize(Decimal(1), rounding=ROUND_DOWN) * step, Decimal(24))


class ActivityTransition(TransitionRecord):
    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="transitions", verbose_name=_("activity")
    )
    from_state = models.CharField(
        _("from"), max_length=10, choices=Activity.State.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=10, choices=Activity.State.choices)

    class Meta(TransitionRecord.Meta):
        verbose_name = _("activity transition")
        verbose_name_plural = _("activity transitions")


class Session(models.Model):
    """One sitting of an activity (a morning); a member attends it once, at any venues."""

    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="sessions", verbose_name=_("activity")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        verbose_name = pgettext_lazy("activity", "session")
        verbose_name_plural = pgettext_lazy("activity", "sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="checkins_session_ends_after_start"
            ),
        ]
        indexes = [
            # The session a scan belongs to: an activity's sessions by time.
            models.Index(fields=["activity", "starts_at"], name="checkins_session_by_activity"),
        ]

    def __str__(self):
        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        return f"{self.activity} · {start:%Y-%m-%d %H:%M}–{end:%H:%M}"

    @property
    def minutes(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 60


def _venue_secret() -> str:
    return secrets.token_hex(16)


class Venue(models.Model):
    """A place of an activity (a main venue or a sub-venue), with its host community, capacity
    and hosts."""

    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="venues", verbose_name=_("activity")
    )
    name = models.CharField(pgettext_lazy("of a place or group", "name"), max_length=100)
    is_main = models.BooleanField(_("main venue"), default=False)
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        related_name="venues",
        verbose_name=_("host community"),
        help_text=_("Service records are kept by this community."),
    )
    address = models.CharField(pgettext_lazy("of a place", "address"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    # Seats taken by registered sign-ups (a conditional UPDATE in the sign-up's transaction).
    taken = models.PositiveIntegerField(_("seats taken"), default=0, editable=False)
    hosts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="hosted_venues",
        verbose_name=_("hosts"),
        help_text=_("Venue staff who check members in and out here."),
    )
    allow_walk_in = models.BooleanField(_("walk-ins allowed"), default=True)
    allow_reentry = models.BooleanField(_("re-entry allowed"), default=True)
    auto_exit_at = models.TimeField(
        _("automatic check-out at"),
        null=True,
        blank=True,
        help_text=_("Everyone still inside is checked out at this time, with suggested hours."),
    )
    code_secret = models.CharField(
        _("venue code secret"), max_length=32, default=_venue_secret, editable=False
    )
    submission = submission_field()

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["-is_main", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(taken__lte=F("capacity")),
                name="checkins_venue_taken_within_capacity",
            ),
        ]
        indexes = [
            models.Index(fields=["activity", "name"], name="checkins_venue_by_activity"),
            # "Activities near me": venues of the member's community.
            models.Index(fields=["community"], name="checkins_venue_by_community"),
        ]

    def __str__(self):
        return f"{self.activity} · {self.name}"

    def rotating_code(self, at: datetime.datetime | None = None) -> str:
        """The six digits on the host's screen for the minute `at` falls in."""
        minute = int((at or timezone.now()).timestamp() // 60)
        digest = hmac.new(
            f"{settings.SECRET_KEY}:{self.code_secret}".encode(), str(minute).encode(), "sha256"
        ).hexdigest()
        return f"{int(digest[:12], 16) % 1_000_000:06d}"

    def rotating_code_valid(self, digits: str, at: datetime.datetime | None = None) -> bool:
        """This minute's code or the last one's (the member typed it as it changed)."""
        at = at or timezone.now()
        digits = (digits or "").strip()
        return any(
            hmac.compare_digest(digits, self.rotating_code(at - datetime.timedelta(minutes=back)))
            for back in (0, 1)
        )

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken, 0)


class Signup(models.Model):
    class State(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    STATE_COLOURS = {
        State.REGISTERED: "success",
        State.WAITLISTED: "warning",
        State.CANCELLED: "dark",
    }
    ACTIVE_STATES = (State.REGISTERED, State.WAITLISTED)

    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="signups", verbose_name=_("activity")
    )
    venue = models.ForeignKey(
        Venue, models.PROTECT, related_name="signups", verbose_name=_("venue")
    )
    member = models.ForeignKey(
        Member, models.PROTECT, related_name="activity_signups", verbose_name=_("member")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    walk_in = models.BooleanField(_("walk-in"), default=False)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    promoted_at = models.DateTimeField(
        _("promoted from the waiting list at"), null=True, blank=True
    )
    submission = submission_field()

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at", "pk"]
        constraints = [
            # One active sign-up per member and activity (any venue).
            models.UniqueConstraint(
                fields=["activity", "member"],
                condition=Q(state__in=["registered", "waitlisted"]),
                name="checkins_signup_one_active",
            ),
        ]
        indexes = [
            # The roster and the waiting list in order (promotion takes the first).
            models.Index(fields=["venue", "state", "created_at"], name="checkins_signup_roster"),
            # "My sign-ups".
            models.Index(fields=["member", "-created_at"], name="checkins_signup_by_member"),
        ]

    def __str__(self):
        return f"{self.member} · {self.venue}"


class MemberCode(models.Model):
    """A member's check-in code: an opaque secret, never personal data. The secret is derived
    from the server's key and a random salt, so the database alone (a leaked backup) does not
    give it; what is stored to find it is its hash. Renewing revokes the old one, which voids
    every screenshot of it."""

    member = models.ForeignKey(
        Member, models.CASCADE, related_name="checkin_codes", verbose_name=_("member")
    )
    salt = models.CharField(_("salt"), max_length=32, editable=False)
    secret_hash = models.CharField(_("code hash"), max_length=64, unique=True, editable=False)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("member check-in code")
        verbose_name_plural = _("member check-in codes")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(revoked_at__isnull=True),
                name="checkins_membercode_one_current",
            ),
        ]

    def __str__(self):
        return f"{self.member} · {timezone.localtime(self.issued_at):%Y-%m-%d}"

    @staticmethod
    def secret_for(salt: str) -> str:
        digest = hmac.new(
            settings.SECRET_KEY.encode(), f"checkins.member-code:{salt}".encode(), "sha256"
        ).digest()
        number = int.from_bytes(digest, "big")
        chars = []
        for _i in range(CODE_LENGTH):
            number, index = divmod(number, len(CODE_ALPHABET))
            chars.append(CODE_ALPHABET[index])
        return "".join(chars)

    @property
    def secret(self) -> str:
        return self.secret_for(self.salt)


class Device(models.Model):
    """A host's phone or computer bound to one venue for a day: scans carry its token, undo
    within two minutes is allowed to the device that scanned."""

    venue = models.ForeignKey(
        Venue, models.CASCADE, related_name="devices", verbose_name=_("venue")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="checkin_devices",
        verbose_name=_("host"),
    )
    name = models.CharField(pgettext_lazy("device", "name"), max_length=60, blank=True)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("scanning device")
        verbose_name_plural = _("scanning devices")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.venue.name} · {self.name or self.user}"


class Attendance(models.Model):
    """One member at one session, however many venues (the segments)."""

    class State(models.TextChoices):
        IN = "in", _("Inside")
        OUT = "out", _("Checked out")
        REVIEW = "review", _("To review")
        NO_SHOW = "no_show", _("No-show")
        FINALIZED = "finalized", _("Finalized")
        ANNULLED = "annulled", _("Annulled")

    class Review(models.TextChoices):
        NONE = "", _("Nothing to review")
        AUTO_EXIT = "auto_exit", _("Checked out automatically")
        EXIT_WITHOUT_ENTRY = "exit_only", _("Check-out without check-in")
        OFFLINE_CONFLICT = "conflict", _("Offline scan in conflict")
        NOT_SIGNED_UP = "not_signed_up", _("Not on the list")

    STATE_COLOURS = {
        State.IN: "success",
        State.OUT: "info",
        State.REVIEW: "warning",
        State.NO_SHOW: "secondary",
        State.FINALIZED: "primary",
        State.ANNULLED: "dark",
    }

    session = models.ForeignKey(
        Session,
        models.PROTECT,
        related_name="attendances",
        verbose_name=pgettext_lazy("activity", "session"),
    )
    # Kept with the attendance (it never changes) so the dashboard groups without joins.
    activity = models.ForeignKey(
        Activity, models.PROTECT, related_name="attendances", verbose_name=_("activity")
    )
    member = models.ForeignKey(
        Member, models.PROTECT, related_name="attendances", verbose_name=_("member")
    )
    home_organization = models.ForeignKey(
        Organization,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home organization"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    review = models.CharField(
        _("to review because"), max_length=14, choices=Review.choices, blank=True
    )
    walk_in = models.BooleanField(_("walk-in"), default=False)
    first_in_at = models.DateTimeField(_("first check-in"), null=True, blank=True)
    last_out_at = models.DateTimeField(_("last check-out"), null=True, blank=True)
    suggested_hours = models.DecimalField(
        _("suggested hours"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    credited_hours = models.DecimalField(
        _("credited hours"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    service_record = models.ForeignKey(
        "records.ServiceRecord",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service record"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finalized_at = models.DateTimeField(_("finalized at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"], name="checkins_attendance_one_per_session"
            ),
            models.CheckConstraint(
                condition=Q(credited_hours__isnull=True)
                | Q(credited_hours__gte=0) & Q(credited_hours__lte=24),
                name="checkins_attendance_hours_in_day",
            ),
        ]
        indexes = [
            # The dashboard and the roster: an activity's attendances by state.
            models.Index(fields=["activity", "state"], name="checkins_attendance_by_state"),
            # Turnout by home organization.
            models.Index(
                fields=["activity", "home_organization"], name="checkins_attendance_by_unit"
            ),
            # "My attendances".
            models.Index(fields=["member", "-created_at"], name="checkins_attendance_by_member"),
        ]

    def __str__(self):
        return f"{self.member} · {self.session}"


class AttendanceSegment(models.Model):
    """Time spent at one venue: from a check-in to a check-out (or a move to another venue)."""

    attendance = models.ForeignKey(
        Attendance, models.CASCADE, related_name="segments", verbose_name=_("attendance")
    )
    venue = models.ForeignKey(
        Venue, models.PROTECT, related_name="segments", verbose_name=_("venue")
    )
    in_at = models.DateTimeField(_("checked in at"))
    out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    auto_closed = models.BooleanField(_("closed automatically"), default=False)
    annulled_at = models.DateTimeField(_("annulled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance segment")
        verbose_name_plural = _("attendance segments")
        ordering = ["in_at", "pk"]
        constraints = [
            # At most one open segment per attendance: of two simultaneous check-ins of one
            # member (two devices), one inserts and the other is told "already".
            models.UniqueConstraint(
                fields=["attendance"],
                condition=Q(out_at__isnull=True, annulled_at__isnull=True),
                name="checkins_segment_one_open",
            ),
            models.CheckConstraint(
                condition=Q(out_at__isnull=True) | Q(out_at__gte=F("in_at")),
                name="checkins_segment_out_after_in",
            ),
        ]
        indexes = [
            # The dashboard: who is inside each venue now.
            models.Index(fields=["venue", "out_at"], name="checkins_segment_by_venue"),
        ]

    def __str__(self):
        return f"{self.venue.name} {timezone.localtime(self.in_at):%H:%M}"

    def minutes(self, until=None) -> float:
        end = self.out_at or until
        if end is None or self.annulled_at:
            return 0
        return max((end - self.in_at).total_seconds() / 60, 0)


class Scan(models.Model):
    """Every scan, the failed ones too (append-only; an undo annuls, never deletes)."""

    class Kind(models.TextChoices):
        ENTRY = "entry", _("Check-in")
        EXIT = "exit", _("Check-out")

    class Method(models.TextChoices):
        MEMBER_CODE = "member_code", _("Member's code")
        VENUE_CODE = "venue_code", _("Venue code")
        SEARCH = "search", _("Found by name or phone")
        BULK = "bulk", _("From the roster")
        SHEET = "sheet", _("Paper sheet")
        TEAM = "team", _("By the team's captain")

    class Result(models.TextChoices):
        OK = "ok", _("Done")
        ALREADY = "already", _("Already done")
        UNKNOWN = "unknown", _("Not recognized")
        REVOKED = "revoked", _("Code revoked")
        WRONG_VENUE = "wrong_venue", _("Not signed up here")
        CLOSED = "closed", _("Check-in closed")
        CONFLICT = "conflict", _("Sent to review")

    origin = models.CharField(
        _("origin"), max_length=40, help_text=_("The device or user that sent the scan.")
    )
    nonce = models.CharField(_("nonce"), max_length=64)
    device = models.ForeignKey(
        Device,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="scans",
        verbose_name=_("device"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    venue = models.ForeignKey(Venue, models.CASCADE, related_name="scans", verbose_name=_("venue"))
    member = models.ForeignKey(
        Member,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member"),
    )
    attendance = models.ForeignKey(
        Attendance,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="scans",
        verbose_name=_("attendance"),
    )
    segment = models.ForeignKey(
        AttendanceSegment,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("segment"),
    )
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    result = models.CharField(_("result"), max_length=12, choices=Result.choices)
    client_time = models.DateTimeField(_("time on the device"), null=True, blank=True)
    happened_at = models.DateTimeField(_("happened at"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    offline = models.BooleanField(_("scanned offline"), default=False)
    annulled_at = models.DateTimeField(_("annulled at"), null=True, blank=True)
    annulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("annulled by"),
    )
    annul_reason = models.CharField(_("reason for annulling"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        ordering = ["-received_at", "-pk"]
        constraints = [
            # A retried scan (same device, same nonce) counts once.
            models.UniqueConstraint(fields=["origin", "nonce"], name="checkins_scan_once"),
        ]
        indexes = [
            # The scanner's last 10 scans, and the venue's log.
            models.Index(fields=["venue", "-received_at"], name="checkins_scan_by_venue"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_result_display()}"


class AttendanceTransition(TransitionRecord):
    """One step of an attendance: confirmed, corrected (with the hours before and after),
    finalized, marked no-show, annulled."""

    attendance = models.ForeignKey(
        Attendance, models.CASCADE, related_name="transitions", verbose_name=_("attendance")
    )
    from_state = models.CharField(
        _("from"), max_length=10, choices=Attendance.State.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=10, choices=Attendance.State.choices)
    hours_before = models.DecimalField(
        _("hours before"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    hours_after = models.DecimalField(
        _("hours after"), max_digits=4, decimal_places=1, null=True, blank=True
    )

    class Meta(TransitionRecord.Meta):
        verbose_name = _("attendance transition")
        verbose_name_plural = _("attendance transitions")
