"""Who claims work: a member; a team, through its captain; an organization, through its admins.

Wish claims today, and project claims and order dispatches as they come, share the claimant
fields (`ClaimantFields`, with the check constraint that each kind names its claimant) and these
functions:

- `claimant_choices(user)` / `claimant_from_choice(value)`: whom the user may claim for, as form
  choices ("member", "team:<pk>", "org:<pk>"), and back;
- `acts_for(roles, obj)` and `claimant_q(roles)`: who acts for a claim (the member, the team's
  captain, an admin of the organization or of an organization above it);
- `participants(obj)`: the members who may be credited for the work;
- `organization_serves(organization, community_id)`: an organization claims only where it serves,
  a community with a current partnership (结对共建) of its own or of an organization above it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .access import Roles, get_roles
from .models import Member, Organization, Partnership, ServiceTeam


class ClaimantKind(models.TextChoices):
    MEMBER = "member", _("Member")
    TEAM = "team", _("Service team")
    ORGANIZATION = "organization", _("Organization")


class ClaimantFields(models.Model):
    """The claimant of a piece of work. `member` is the claiming member, or the captain who
    claimed for a team. Related names are `<app>_claims` (`member.wishes_claims`)."""

    ClaimantKind = ClaimantKind

    claimant_kind = models.CharField(
        _("claimed as"), max_length=12, choices=ClaimantKind.choices, default=ClaimantKind.MEMBER
    )
    member = models.ForeignKey(
        Member,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="%(app_label)s_claims",
        verbose_name=_("member"),
        help_text=_("The claiming member, or the captain who claimed for a team."),
    )
    team = models.ForeignKey(
        ServiceTeam,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="%(app_label)s_claims",
        verbose_name=_("service team"),
    )
    organization = models.ForeignKey(
        Organization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="%(app_label)s_claims",
        verbose_name=pgettext_lazy("claimant", "organization"),
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(claimant_kind="member", member__isnull=False)
                | Q(claimant_kind="team", team__isnull=False, member__isnull=False)
                | Q(claimant_kind="organization", organization__isnull=False),
                name="%(app_label)s_%(class)s_has_its_claimant",
            ),
        ]

    @property
    def public_claimant_name(self) -> str:
        """The claimant as the public sees it: a member's surname and 某 (张某), a team's or an
        organization's name."""
        if self.claimant_kind == ClaimantKind.MEMBER:
            name = self.member.real_name if self.member_id else ""
            return f"{name[:1]}某" if name else "某"
        return self.claimant_name

    @property
    def claimant_name(self) -> str:
        if self.claimant_kind == ClaimantKind.TEAM and self.team_id:
            return str(self.team)
        if self.claimant_kind == ClaimantKind.ORGANIZATION and self.organization_id:
            return str(self.organization)
        return str(self.member) if self.member_id else ""


def claimant_choices(user) -> list[tuple[str, str]]:
    """Whom the user may claim for: themselves, the teams they captain, the organizations they
    administer."""
    roles = get_roles(user)
    choices = []
    if roles.member:
        choices.append(("member", _("Myself")))
        for team in ServiceTeam.objects.filter(captain=roles.member).order_by("name"):
            choices.append((f"team:{team.pk}", _("Team: %(name)s") % {"name": team.name}))
    if roles.admin_org_ids:
        for org in Organization.objects.filter(pk__in=roles.admin_org_ids).order_by("path"):
            choices.append((f"org:{org.pk}", _("Organization: %(name)s") % {"name": org.name}))
    return choices


def claimant_from_choice(value: str) -> tuple[ServiceTeam | None, Organization | None]:
    """(team, organization) for a value of `claimant_choices` ((None, None): the member)."""
    if value.startswith("team:"):
        return ServiceTeam.objects.select_related("captain").get(pk=int(value[5:])), None
    if value.startswith("org:"):
        return None, Organization.objects.get(pk=int(value[4:]))
    return None, None


def acts_for(roles: Roles, claim: ClaimantFields | None) -> bool:
    """Who acts on a claim, and so sees what it needs (a resident's contact): the member who
    claimed, the team's captain, or an admin of the claiming organization itself (not every
    admin of an organization above it)."""
    if claim is None or not roles.is_authenticated:
        return False
    if claim.claimant_kind == ClaimantKind.ORGANIZATION:
        return claim.organization_id is not None and claim.organization_id in roles.admin_org_ids
    if claim.claimant_kind == ClaimantKind.TEAM:
        return (
            roles.member is not None
            and claim.team_id is not None
            and claim.team.captain_id == roles.member.pk
        )
    return roles.member is not None and claim.member_id == roles.member.pk


def claimant_q(roles: Roles, prefix: str = "") -> Q:
    """Claims (at `prefix`) made by the user as a member, a captain or an organization admin."""
    q = Q(pk__in=[])
    if roles.member is not None:
        q |= Q(**{f"{prefix}member_id": roles.member.pk, f"{prefix}claimant_kind": "member"})
    if roles.captain_team_ids:
        # The captain's teams by their ids, not a join: every term then reads the claims
        # table's own indexes (by member, team, organization), OR-ed as bitmaps.
        q |= Q(
            **{
                f"{prefix}team_id__in": roles.captain_team_ids,
                f"{prefix}claimant_kind": "team",
            }
        )
    if roles.admin_org_ids:
        q |= Q(
            **{
                f"{prefix}organization_id__in": roles.admin_org_ids,
                f"{prefix}claimant_kind": "organization",
            }
        )
    return q


def organization_serves(organization: Organization, community_id: int, on=None) -> bool:
    """A current partnership between the community and the organization or one above it (a
    branch serves where its Party committee pairs)."""
    on = on or timezone.localdate()
    lineage = [int(pk) for pk in organization.path.split("/") if pk]
    return Partnership.objects.filter(
        community_id=community_id,
        organization_id__in=lineage,
        term_start__lte=on,
        term_end__gte=on,
    ).exists()


def participants(claim: ClaimantFields) -> QuerySet[Member]:
    """The members who may be credited for a claim's work: a team's members and captain, the
    members of an organization's subtree, or the claiming member."""
    if claim.claimant_kind == ClaimantKind.TEAM:
        return Member.objects.filter(
            Q(team_memberships__team_id=claim.team_id) | Q(pk=claim.team.captain_id)
        ).distinct()
    if claim.claimant_kind == ClaimantKind.ORGANIZATION:
        return Member.objects.filter(branch__path__startswith=claim.organization.path)
    return Member.objects.filter(pk=claim.member_id)
