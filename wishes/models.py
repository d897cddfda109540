"""Micro-wishes (微心愿): residents, their wishes, claims, proof photos and the audit trail."""

import datetime

from django.conf import settings
from django.core.validators import MinValueValidator
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
from members.models import Community, phone_validator


class HardshipCategory(models.Model):
    """A kind of hardship (一老一少一特, 低保, 残疾…); staff may add more in admin."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("hardship category")
        verbose_name_plural = _("hardship categories")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Resident(models.Model):
    """A beneficiary: a resident of a community in hardship. Reused across their wishes."""

    community = models.ForeignKey(
        Community, models.PROTECT, related_name="residents", verbose_name=_("community")
    )
    name = models.CharField(pgettext_lazy("wishes", "name"), max_length=40)
    phone = models.CharField(
        pgettext_lazy("wishes", "phone"), max_length=20, blank=True, validators=[phone_validator]
    )
    address = models.CharField(pgettext_lazy("wishes", "address"), max_length=200, blank=True)
    hardship_categories = models.ManyToManyField(
        HardshipCategory,
        blank=True,
        related_name="residents",
        verbose_name=_("hardship categories"),
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["name"]
        indexes = [
            # The resident picker on the staff's "post a wish" page.
            models.Index(fields=["community", "name"], name="resident_by_community"),
        ]

    def __str__(self):
        return self.name

    @property
    def anonymized_name(self) -> str:
        """What the public sees: the surname and 某 (张某)."""
        return f"{self.name[:1]}某" if self.name else "某"


def wish_photo_upload_to(instance, filename):
    return f"wishes/{instance.community_id}/{filename}"


def proof_photo_upload_to(instance, filename):
    return f"wishes/proof/{instance.claim_id}/{filename}"


class Wish(models.Model):
    """微心愿: a small concrete wish of a resident, posted by staff or submitted by the public."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting review")
        PUBLISHED = "published", _("Open to claim")
        CLAIMED = "claimed", _("Claimed")
        FULFILLED = "fulfilled", _("Fulfilled, awaiting confirmation")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")
        REJECTED = "rejected", _("Rejected")

    # The badge colour of each state (core.badges).
    STATE_COLOURS = {
        State.SUBMITTED: "warning",
        State.PUBLISHED: "success",
        State.CLAIMED: "primary",
        State.FULFILLED: "info",
        State.COMPLETED: "secondary",
        State.CANCELLED: "dark",
        State.EXPIRED: "dark",
        State.REJECTED: "dark",
    }

    class Category(models.TextChoices):
        DAILY = "daily", _("Daily necessities")
        STUDY = "study", _("Study supplies")
        HEALTH = "health", _("Health and medical")
        HOME_SERVICE = "home_service", _("Home service")
        COMPANY = "company", _("Company and care")
        OTHER = "other", _("Other")

    class Source(models.TextChoices):
        STAFF = "staff", _("Posted by staff")
        PUBLIC = "public", _("Submitted by a resident")

    # States the public may see.
    PUBLIC_STATES = (State.PUBLISHED, State.CLAIMED, State.FULFILLED, State.COMPLETED)
    # The states staff may edit a wish in (wish_update) and cancel it from (wish_cancel).
    EDITABLE_STATES = (State.SUBMITTED, State.PUBLISHED)
    CANCELLABLE_STATES = (State.SUBMITTED, State.PUBLISHED, State.CLAIMED)

    community = models.ForeignKey(
        Community, models.PROTECT, related_name="wishes", verbose_name=_("community")
    )
    resident = models.ForeignKey(
        Resident, models.PROTECT, related_name="wishes", verbose_name=_("resident")
    )
    title = models.CharField(pgettext_lazy("wishes", "title"), max_length=100)
    description = models.TextField(pgettext_lazy("wishes", "description"), blank=True)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.DAILY
    )
    estimated_value = models.DecimalField(
        _("estimated value (yuan)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    photo = models.ImageField(
        _("photo"), upload_to=wish_photo_upload_to, blank=True, max_length=200
    )
    photo_thumb = models.ImageField(
        _("photo thumbnail"), upload_to=wish_photo_upload_to, blank=True, max_length=200
    )
    photo_is_public = models.BooleanField(
        _("photo may be shown publicly"),
        default=False,
        help_text=_("Tick only if the photo shows no person, or the person agreed."),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.SUBMITTED
    )
    source = models.CharField(
        _("source"), max_length=8, choices=Source.choices, default=Source.STAFF
    )
    service_hours = models.DecimalField(
        _("service hours"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    satisfaction_comment = models.CharField(_("resident's comment"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # The token of the form that created the wish (core.once): a resend makes no second wish.
    submission = submission_field()
    # What a resident who sent the wish without an account reads back over the phone or types
    # into the tracking page with the last four digits of their phone (core.tracking).
    tracking_code = tracking_code_field()

    class Meta:
        verbose_name = _("wish")
        verbose_name_plural = _("wishes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1) & Q(satisfaction__lte=5),
                name="wish_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(estimated_value__isnull=True) | Q(estimated_value__gte=0),
                name="wish_value_not_negative",
            ),
        ]
        indexes = [
            # The public wall, newest first: read in index order, stopping after one page. Not
            # partial: SQLite cannot match a partial index's condition to bound parameters.
            models.Index(fields=["-created_at", "-id"], name="wish_wall"),
            # The staff list: a community's wishes, newest first, and by state.
            models.Index(fields=["community", "-created_at", "-id"], name="wish_staff_list"),
            models.Index(fields=["community", "state", "-created_at"], name="wish_by_community"),
            # The stories page: completed wishes, the latest completed first (and its count).
            models.Index(fields=["state", "-completed_at", "-id"], name="wish_stories"),
            # expire_unclaimed_wishes: published wishes past their deadline.
            models.Index(
                fields=["deadline"], condition=Q(state="published"), name="wish_open_deadline"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("wishes:detail", args=[self.pk])

    @property
    def shown_tracking_code(self) -> str:
        return display_code(self.tracking_code or "")

    @property
    def is_public(self) -> bool:
        """On the wish wall (its page open to everyone)."""
        return self.state in self.PUBLIC_STATES

    @property
    def tracking_state(self) -> str:
        """The state in the words of the tracking page (a resident reads it)."""
        return str(TRACKING_WORDS[self.state][0])

    @property
    def tracking_explanation(self) -> str:
        return str(TRACKING_WORDS[self.state][1])

    # Lists show these for every row: an enum lookup, not get_FOO_display's hashing of choices.
    @property
    def category_label(self):
        return self.Category(self.category).label

    # What the pages offer, by the rules the services apply (templates read these, never the
    # state itself).
    @property
    def is_open_to_claims(self) -> bool:
        """wish_claim moves a published wish only."""
        return self.state == self.State.PUBLISHED

    @property
    def awaits_review(self) -> bool:
        """Submitted by a resident: staff publish it or reject it (wish_publish, wish_reject)."""
        return self.state == self.State.SUBMITTED

    @property
    def awaits_confirmation(self) -> bool:
        """Reported fulfilled: staff confirm it or send it back (wish_confirm, wish_send_back)."""
        return self.state == self.State.FULFILLED

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES

    @property
    def is_cancellable(self) -> bool:
        return self.state in self.CANCELLABLE_STATES


# What the tracking page tells a resident of each state: a name and a sentence.
TRACKING_WORDS = {
    Wish.State.SUBMITTED: (
        _("Waiting for review"),
        _("The community's staff will read your wish soon and may call you."),
    ),
    Wish.State.PUBLISHED: (
        _("Published"),
        _("Your wish is on the wish wall, waiting for a Party member to take it on."),
    ),
    Wish.State.CLAIMED: (
        _("Claimed"),
        _("A Party member has taken your wish on and is fulfilling it."),
    ),
    Wish.State.FULFILLED: (
        _("Fulfilled, being confirmed"),
        _(
            "The Party member reported your wish fulfilled; the community's staff are "
            "confirming it."
        ),
    ),
    Wish.State.COMPLETED: (
        _("Fulfilled"),
        _("Your wish was fulfilled and the community confirmed it."),
    ),
    Wish.State.REJECTED: (
        _("Not accepted"),
        _("The community's staff could not accept this wish."),
    ),
    Wish.State.CANCELLED: (
        _("Cancelled"),
        _("The community's staff cancelled this wish."),
    ),
    Wish.State.EXPIRED: (
        _("Expired"),
        _(
            "Nobody took your wish on before its deadline. Call the community's office to send "
            "it again."
        ),
    ),
}


class Claim(ClaimantFields):
    """A claim (认领) on a wish by a member, a team (through its captain) or an organization
    (through its admin): the claimant fields come from `members.claimants`. At most one claim
    per wish is open (active or fulfilled)."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        FULFILLED = "fulfilled", _("Fulfilled, awaiting confirmation")
        COMPLETED = "completed", _("Completed")
        RELEASED = "released", _("Released")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATES = (State.ACTIVE, State.FULFILLED)
    STATE_COLOURS = {State.ACTIVE: "primary", State.FULFILLED: "info", State.COMPLETED: "success"}

    wish = models.ForeignKey(Wish, models.PROTECT, related_name="claims", verbose_name=_("wish"))
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="wish_claims",
        verbose_name=_("claimed by"),
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.ACTIVE)
    promised_date = models.DateField(_("promised date"))
    fulfilment_note = models.TextField(_("fulfilment note"), blank=True)
    # The note is the claimant's words: the public reads it once staff approved it at the
    # confirmation (it may name people or places).
    note_is_public = models.BooleanField(_("note shown to the public"), default=False)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    sent_back_reason = models.CharField(_("reason for sending back"), max_length=300, blank=True)
    reminded_at = models.DateTimeField(_("overdue reminder sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta(ClaimantFields.Meta):
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at", "-pk"]
        constraints = [
            *ClaimantFields.Meta.constraints,
            # The database itself refuses a second open claim on a wish: with the conditional
            # UPDATE in wish_claim this makes simultaneous claims race-free on any backend.
            models.UniqueConstraint(
                fields=["wish"],
                condition=Q(state__in=["active", "fulfilled"]),
                name="claim_one_open_per_wish",
            ),
        ]
        indexes = [
            # "My claims" and the open-claims limit.
            models.Index(fields=["member", "state"], name="claim_by_member"),
            # remind/release_overdue_claims: active claims past their promised date.
            models.Index(
                fields=["promised_date"], condition=Q(state="active"), name="claim_active_due"
            ),
        ]

    def __str__(self):
        return f"{self.claimant_name} · {self.wish}"

    @property
    def claimant_name(self) -> str:
        return super().claimant_name or str(self.claimed_by)

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def is_active(self) -> bool:
        """Not reported yet: the claimant may report it fulfilled or give it up (claim_fulfil,
        claim_release)."""
        return self.state == self.State.ACTIVE

    @property
    def awaits_confirmation(self) -> bool:
        return self.state == self.State.FULFILLED

    @property
    def is_completed(self) -> bool:
        return self.state == self.State.COMPLETED

    @property
    def released_on(self):
        """The day an overdue claim is released automatically if nothing happens (once the
        claimant has been reminded), else None."""
        if self.state != self.State.ACTIVE or self.reminded_at is None:
            return None
        grace = datetime.timedelta(days=settings.WISH_OVERDUE_GRACE_DAYS)
        return timezone.localdate(self.reminded_at) + grace

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.state == self.State.ACTIVE and self.promised_date < today


class ProofPhoto(models.Model):
    """A photo the claimant took as proof; shown publicly once staff approve it."""

    claim = models.ForeignKey(Claim, models.CASCADE, related_name="photos", verbose_name=_("claim"))
    image = models.ImageField(_("image"), upload_to=proof_photo_upload_to, max_length=200)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=proof_photo_upload_to, max_length=200)
    is_approved = models.BooleanField(_("approved for the public"), default=False)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("proof photo")
        verbose_name_plural = _("proof photos")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.claim} #{self.pk}"


class WishTransition(TransitionRecord):
    """One step of a wish's life: who moved it from which state to which, when and why."""

    wish = models.ForeignKey(
        Wish, models.CASCADE, related_name="transitions", verbose_name=_("wish")
    )
    claim = models.ForeignKey(
        Claim,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="transitions",
        verbose_name=_("claim"),
    )
    from_state = models.CharField(_("from"), max_length=12, choices=Wish.State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=Wish.State.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    note = None

    class Meta(TransitionRecord.Meta):
        verbose_name = _("wish transition")
        verbose_name_plural = _("wish transitions")
        indexes = [models.Index(fields=["wish", "at"], name="transition_by_wish")]


class ContactAccessLog(models.Model):
    """Who saw a resident's phone and address, when, and on which wish's page."""

    class Purpose(models.TextChoices):
        WISH_PAGE = "wish page", _("Wish page")
        ADMIN = "admin", _("Resident in admin")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("viewed by"),
    )
    # The log outlives the resident (records of personal-data processing are kept at least
    # three years): the row keeps the resident's number when the resident is deleted.
    resident = models.ForeignKey(
        Resident,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_logs",
        verbose_name=_("resident"),
    )
    resident_number = models.PositiveBigIntegerField(_("resident number"), null=True, blank=True)
    wish = models.ForeignKey(
        Wish,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_logs",
        verbose_name=_("wish"),
    )
    community = models.ForeignKey(
        Community, models.CASCADE, related_name="+", verbose_name=_("community")
    )
    at = models.DateTimeField(_("viewed at"), default=timezone.now)
    purpose = models.CharField(_("where"), max_length=40, choices=Purpose.choices, blank=True)
    client_ip = models.GenericIPAddressField(_("from address"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact access log")
        verbose_name_plural = _("contact access logs")
        ordering = ["-at", "-pk"]
        indexes = [
            # The community staff's log in admin, newest first.
            models.Index(fields=["community", "-at"], name="contact_log_by_community"),
        ]

    def __str__(self):
        resident = self.resident or f"#{self.resident_number}"
        return f"{self.user} · {resident} · {self.at:%Y-%m-%d %H:%M}"
