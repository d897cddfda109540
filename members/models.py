"""Who reports where: places, organizations, members, their registrations and partnerships."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.once import submission_field

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9\- ]{5,19}$", _("Enter a valid phone number (digits, optionally with + and -).")
)


def mask_phone(phone: str) -> str:
    """138****5678: the first three and last four digits of a phone number."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return phone[:1] + "*" * (len(phone) - 1)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


class User(AbstractUser):
    """An account. Usernames may be any Unicode text, Chinese included."""

    # AbstractUser's UnicodeUsernameValidator already accepts CJK letters; the display name is
    # free text with no validator at all.
    display_name = models.CharField(_("display name"), max_length=60, blank=True)

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        """The name a person reads: the display name (a member's real name, kept by
        member_profile_save), the full name, a member's real name if loaded, else the login."""
        member = self._state.fields_cache.get("member")
        return (
            self.display_name
            or self.get_full_name()
            or (member.real_name if member is not None else "")
            or self.username
        )


def mask_name(name: str) -> str:
    """张*华: a name with all but its first and last characters hidden (张* for two)."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def user_display(user) -> str:
    """How allauth shows a user: the member's real name where known."""
    member = getattr(user, "member", None) if user.pk else None
    return (member.real_name if member else "") or str(user)


# ---------------------------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------------------------
class District(models.Model):
    name = models.CharField(
        pgettext_lazy("of a place or group", "name"), max_length=60, unique=True
    )

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Subdistrict(models.Model):
    district = models.ForeignKey(
        District, models.PROTECT, related_name="subdistricts", verbose_name=_("district")
    )
    name = models.CharField(pgettext_lazy("of a place or group", "name"), max_length=60)

    class Meta:
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")
        ordering = ["district__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"], name="subdistrict_unique_name_in_district"
            )
        ]

    def __str__(self):
        return f"{self.district.name}{self.name}"


class Community(models.Model):
    subdistrict = models.ForeignKey(
        Subdistrict, models.PROTECT, related_name="communities", verbose_name=_("subdistrict")
    )
    name = models.CharField(pgettext_lazy("of a place or group", "name"), max_length=60)
    address = models.CharField(pgettext_lazy("of a place", "address"), max_length=200, blank=True)
    phone = models.CharField(_("office phone"), max_length=30, blank=True)
    description = models.TextField(pgettext_lazy("of a place or group", "description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["subdistrict", "name"], name="community_unique_name_in_subdistrict"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:community_detail", args=[self.pk])


class Grid(models.Model):
    """网格: an optional subdivision of a community."""

    community = models.ForeignKey(
        Community, models.CASCADE, related_name="grids", verbose_name=_("community")
    )
    name = models.CharField(pgettext_lazy("of a place or group", "name"), max_length=60)

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["community__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="grid_unique_name")
        ]

    def __str__(self):
        return f"{self.community.name} {self.name}"


# ---------------------------------------------------------------------------------------------
# Organizations
# ---------------------------------------------------------------------------------------------
class Organization(models.Model):
    """A Party organization: committee 工委 > party committee 机关党委/党总支 > branch 党支部.

    `path` is a materialized path ("12/40/311/") so that a whole subtree is one indexed
    `path__startswith` query.
    """

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("Working committee")
        PARTY_COMMITTEE = "party_committee", _("Party committee")
        GENERAL_BRANCH = "general_branch", _("General Party branch")
        BRANCH = "branch", pgettext_lazy("organization kind", "Party branch")

    name = models.CharField(pgettext_lazy("of a place or group", "name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent organization"),
    )
    district = models.ForeignKey(
        District,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("district"),
        help_text=_("For a working committee: the district whose communities it oversees."),
    )
    work_unit = models.CharField(_("work unit"), max_length=100, blank=True)
    path = models.CharField(_("tree path"), max_length=255, editable=False, db_index=True)

    class Meta:
        verbose_name = pgettext_lazy("Party", "organization")
        verbose_name_plural = _("organizations")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=False) | Q(kind="committee"),
                name="organization_only_committee_is_root",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        creating = self._state.adding
        old_path = self.path
        if creating:
            super().save(*args, **kwargs)  # the path needs the primary key
            kwargs.pop("force_insert", None)
        self.path = (self.parent.path if self.parent_id else "") + f"{self.pk}/"
        if creating:
            Organization.objects.filter(pk=self.pk).update(path=self.path)
            return
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Moved: rewrite every descendant's path in one statement.
            Organization.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(Value(self.path), Substr("path", len(old_path) + 1))
            )

    def clean(self):
        super().clean()
        if self.parent_id and self.pk and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError({"parent": _("An organization cannot be placed under itself.")})
        if self.parent_id is None and self.kind != self.Kind.COMMITTEE:
            raise ValidationError({"parent": _("Only a working committee may have no parent.")})

    def subtree(self):
        return Organization.objects.filter(path__startswith=self.path)

    def is_within(self, other: "Organization") -> bool:
        return self.path.startswith(other.path)

    @property
    def committee(self):
        """The working committee at the root of this organization's tree."""
        root_pk = int(self.path.split("/", 1)[0])
        return self if root_pk == self.pk else Organization.objects.get(pk=root_pk)


class ServiceCategory(models.Model):
    """A kind of service a member offers or a need asks for (medical, legal, elderly care…)."""

    name = models.CharField(
        pgettext_lazy("of a place or group", "name"), max_length=40, unique=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


# ---------------------------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------------------------
class CommunityStaff(models.Model):
    """社区工作者: a user who works for one community."""

    user = models.OneToOneField(
        User, models.CASCADE, related_name="community_staff", verbose_name=_("user")
    )
    community = models.ForeignKey(
        Community, models.CASCADE, related_name="staff", verbose_name=_("community")
    )
    title = models.CharField(pgettext_lazy("job", "title"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("community staff")
        verbose_name_plural = _("community staff")

    def __str__(self):
        return f"{self.user} · {self.community}"


class OrganizationAdmin(models.Model):
    """An admin of an organization and everything under it (a committee admin if at the root)."""

    user = models.ForeignKey(
        User, models.CASCADE, related_name="organization_admin_roles", verbose_name=_("user")
    )
    organization = models.ForeignKey(
        Organization,
        models.CASCADE,
        related_name="admins",
        verbose_name=pgettext_lazy("Party", "organization"),
    )

    class Meta:
        verbose_name = _("organization admin")
        verbose_name_plural = _("organization admins")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="org_admin_unique")
        ]

    def __str__(self):
        return f"{self.user} · {self.organization}"


# ---------------------------------------------------------------------------------------------
# Members
# ---------------------------------------------------------------------------------------------
class Member(models.Model):
    """在职党员: a Party member's profile."""

    user = models.OneToOneField(User, models.CASCADE, related_name="member", verbose_name=_("user"))
    real_name = models.CharField(_("real name"), max_length=40)
    phone = models.CharField(_("phone"), max_length=20, validators=[phone_validator])
    branch = models.ForeignKey(
        Organization,
        models.PROTECT,
        related_name="members",
        verbose_name=pgettext_lazy("of a member", "Party branch"),
        limit_choices_to={"kind": Organization.Kind.BRANCH},
    )
    residence_community = models.ForeignKey(
        Community,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="residents_members",
        verbose_name=_("community of residence"),
    )
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    service_categories = models.ManyToManyField(
        ServiceCategory, blank=True, related_name="members", verbose_name=_("service categories")
    )
    on_public_boards = models.BooleanField(
        _("show me on public leaderboards"),
        default=False,
        help_text=_("Public leaderboards show only members who agreed, with a masked name."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = pgettext_lazy("Party", "members")
        ordering = ["real_name"]
        indexes = [
            models.Index(fields=["branch", "real_name"], name="member_by_branch"),
            # The staff's list of a community's members and the evaluations, by name (a page
            # read in this order, each member's registration looked up on its own index).
            models.Index(fields=["real_name", "id"], name="member_by_name"),
        ]

    def __str__(self):
        return self.real_name

    @property
    def masked_phone(self):
        return mask_phone(self.phone)

    @property
    def top_star(self):
        """The highest of the platform's star levels awarded to the member (the records app's
        awards, `stars`), or None. Lists prefetch `stars` so a page costs one query more."""
        return max(self.stars.all(), key=lambda award: award.level, default=None)

    def active_registration(self):
        return self.registrations.filter(state=CommunityRegistration.State.CONFIRMED).first()


class CommunityRegistration(models.Model):
    """个人报到: a member reports to a community; its staff confirm or decline.

    A member has at most one confirmed registration (their community) and at most one pending
    one (a request to move). Confirming a move ends the previous registration; history is kept.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ENDED = "ended", _("Ended")

    # The badge colour of each state (core.badges).
    STATE_COLOURS = {State.PENDING: "warning", State.CONFIRMED: "success", State.DECLINED: "danger"}

    member = models.ForeignKey(
        Member, models.CASCADE, related_name="registrations", verbose_name=_("member")
    )
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="registrations", verbose_name=_("community")
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING
    )
    note = models.CharField(_("note from the member"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decline_reason = models.CharField(_("reason for declining"), max_length=200, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # The token of the member's registration form (core.once): a resend makes no second request.
    submission = submission_field()

    class Meta:
        verbose_name = _("community registration")
        verbose_name_plural = _("community registrations")
        ordering = ["-created_at"]
        constraints = [
            # A member serves one community at a time…
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(state="confirmed"),
                name="registration_one_confirmed_per_member",
            ),
            # …and has at most one request waiting.
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(state="pending"),
                name="registration_one_pending_per_member",
            ),
        ]
        indexes = [
            # The staff page: a community's registrations by state.
            models.Index(fields=["community", "state"], name="registration_by_community"),
        ]

    def __str__(self):
        return f"{self.member} → {self.community} ({self.get_state_display()})"

    @property
    def is_active(self):
        return self.state in (self.State.PENDING, self.State.CONFIRMED)

    @property
    def is_pending(self) -> bool:
        """Waiting for the staff: they may confirm or decline it, the member withdraw it."""
        return self.state == self.State.PENDING


def agreement_upload_to(instance, filename):
    return f"agreements/{instance.organization_id}/{filename}"


class Partnership(models.Model):
    """单位报到 / 结对共建: an organization pairs with a community under an agreement."""

    organization = models.ForeignKey(
        Organization,
        models.PROTECT,
        related_name="partnerships",
        verbose_name=pgettext_lazy("Party", "organization"),
    )
    community = models.ForeignKey(
        Community, models.PROTECT, related_name="partnerships", verbose_name=_("community")
    )
    signed_on = models.DateField(_("signed on"))
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"))
    commitments = models.TextField(_("commitments"), blank=True)
    agreement_file = models.FileField(
        _("agreement file"), upload_to=agreement_upload_to, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["-term_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__gt=models.F("term_start")),
                name="partnership_term_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["organization", "community", "term_start"],
                name="partnership_unique_term",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "term_end"], name="partnership_by_community"),
        ]

    def __str__(self):
        return f"{self.organization} ⇄ {self.community}"

    def is_current(self, on=None):
        on = on or timezone.localdate()
        return self.term_start <= on <= self.term_end


class ServiceTeam(models.Model):
    """志愿服务队: a team of members by skill, led by a captain (队长负责制)."""

    name = models.CharField(pgettext_lazy("of a place or group", "name"), max_length=60)
    category = models.ForeignKey(
        ServiceCategory,
        models.PROTECT,
        related_name="teams",
        verbose_name=_("service category"),
    )
    community = models.ForeignKey(
        Community,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="teams",
        verbose_name=_("community served"),
    )
    captain = models.ForeignKey(
        Member, models.PROTECT, related_name="captained_teams", verbose_name=_("captain")
    )
    members = models.ManyToManyField(
        Member,
        through="TeamMembership",
        related_name="teams",
        verbose_name=_("team members"),
    )
    description = models.TextField(pgettext_lazy("of a place or group", "description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service team")
        verbose_name_plural = _("service teams")
        ordering = ["name"]

    def __str__(self):
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(
        ServiceTeam, models.CASCADE, related_name="memberships", verbose_name=_("team")
    )
    member = models.ForeignKey(
        Member, models.CASCADE, related_name="team_memberships", verbose_name=_("member")
    )
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(fields=["team", "member"], name="team_membership_unique")
        ]

    def __str__(self):
        return f"{self.member} · {self.team}"
