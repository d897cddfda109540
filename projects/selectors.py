"""Reads of the projects app: the querysets behind every list (each a fixed number of queries
whatever its length) and the joint meeting's agenda (at most 10 queries, whatever it suggests)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils import timezone

from members.access import get_for_user_or_404, get_roles, scope, work_scope
from members.claimants import claimant_q
from members.models import CommunityRegistration, Partnership, ServiceTeam

from .models import (
    JointMeeting,
    MeetingDecision,
    Milestone,
    Need,
    Participation,
    ProgressPhoto,
    ProgressUpdate,
    Project,
    ProjectClaim,
    ProjectResource,
    ProjectTransition,
    Resource,
)

_ACTIVE = ProjectClaim.State.ACTIVE


def _with_active_claim(qs: QuerySet) -> QuerySet:
    return qs.prefetch_related(
        Prefetch(
            "claims",
            queryset=ProjectClaim.objects.filter(state__in=[_ACTIVE, "completed"]).select_related(
                "member", "team", "organization"
            ),
            to_attr="current_claims",
        )
    )


# ---------------------------------------------------------------------------------------------
# Public
# ---------------------------------------------------------------------------------------------
def public_needs() -> QuerySet:
    """Listed needs the public may read (no resident is ever named on a need)."""
    return (
        Need.objects.filter(state__in=[Need.State.LISTED, Need.State.MATCHED], is_public=True)
        .select_related("community", "category")
        .order_by("-created_at", "-pk")
    )


def public_projects() -> QuerySet:
    """Projects open to claim or under way, with their claimant as the public sees it."""
    return _with_active_claim(
        Project.objects.filter(state__in=Project.RUNNING_STATES)
        .select_related("community", "category")
        .order_by("-created_at", "-pk")
    )


def story_projects() -> QuerySet:
    """Completed projects as stories: evaluated ones the community chose to show, and those
    completed awaiting evaluation."""
    return _with_active_claim(
        Project.objects.filter(
            Q(state=Project.State.EVALUATED, evaluation__is_story=True)
            | Q(state=Project.State.COMPLETED)
        )
        .select_related("community", "category", "evaluation")
        .annotate(total_hours=Sum("participations__hours"))
        .order_by("-completed_at", "-pk")
    )


def project_for_page(*, user, pk) -> Project:
    project = get_for_user_or_404(
        user,
        Project.objects.select_related("community__subdistrict", "category", "meeting"),
        pk=pk,
    )
    return project


def project_page_parts(*, project: Project) -> dict:
    """What a project's page shows, a query each."""
    return {
        "milestones": list(project.milestones.select_related("done_by")),
        "updates": list(
            ProgressUpdate.objects.filter(project=project)
            .select_related("by", "claim__member", "claim__team", "claim__organization")
            .prefetch_related("photos")
        ),
        "commitments": list(
            ProjectResource.objects.filter(project=project).select_related(
                "resource__organization", "resource__team", "resource__member"
            )
        ),
        "needs": list(project.needs.select_related("category")),
    }


def project_participations(*, project: Project) -> list[Participation]:
    return list(project.participations.select_related("member", "confirmed_by"))


def project_history(*, project: Project) -> QuerySet:
    return ProjectTransition.objects.filter(project=project).select_related("by")


def photo_for_user(*, user, pk) -> ProgressPhoto:
    """A progress photo: public with its project's page (the project must be one the user may
    see)."""
    photo = ProgressPhoto.objects.select_related("update").filter(pk=pk).first()
    if photo is None:
        raise Http404
    get_for_user_or_404(user, Project.objects.all(), pk=photo.update.project_id)
    return photo


# ---------------------------------------------------------------------------------------------
# Staff
# ---------------------------------------------------------------------------------------------
def staff_needs(*, user) -> QuerySet:
    return (
        work_scope(user, Need.objects.all())
        .select_related("community", "category", "grid")
        .order_by("-created_at", "-pk")
    )


def staff_resources(*, user) -> QuerySet:
    return (
        work_scope(user, Resource.objects.all())
        .select_related("community", "category", "member", "team", "organization")
        .order_by("-created_at", "-pk")
    )


def staff_projects(*, user) -> QuerySet:
    return _with_active_claim(
        work_scope(user, Project.objects.all())
        .select_related("community", "category")
        .annotate(
            needs_count=Count("needs", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def overdue(qs: QuerySet, today: datetime.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return qs.filter(state__in=Project.RUNNING_STATES, planned_end__lt=today)


def triage(*, user) -> dict:
    """What waits for the staff: needs to triage, offers to confirm, projects to complete."""
    roles = get_roles(user)
    community_id = roles.staff_community_id
    return {
        "needs": list(
            Need.objects.filter(community_id=community_id, state=Need.State.SUBMITTED)
            .select_related("category")
            .order_by("created_at")[:50]
        ),
        "resources": list(
            Resource.objects.filter(community_id=community_id, state=Resource.State.OFFERED)
            .select_related("category", "member", "team", "organization")
            .order_by("created_at")[:50]
        ),
        "projects": list(
            Project.objects.filter(community_id=community_id, state=Project.State.IN_PROGRESS)
            .filter(percent__gte=100)
            .order_by("planned_end")[:50]
        ),
        "overdue": list(
            overdue(Project.objects.filter(community_id=community_id)).order_by("planned_end")[:50]
        ),
    }


def meetings(*, user) -> QuerySet:
    return (
        scope(user, JointMeeting.objects.all())
        .select_related("community")
        .annotate(decisions_count=Count("decisions"))
        .order_by("-held_on", "-pk")
    )


def meetings_per_community(*, user, year: int) -> QuerySet:
    """The committee's view: meetings held (minutes approved) per community in a year."""
    return (
        scope(user, JointMeeting.objects.all())
        .filter(held_on__year=year)
        .values("community__name")
        .annotate(
            held=Count("pk", filter=Q(state=JointMeeting.State.APPROVED)),
            scheduled=Count("pk"),
        )
        .order_by("community__name")
    )


# ---------------------------------------------------------------------------------------------
# Members, captains, organization admins
# ---------------------------------------------------------------------------------------------
def my_claims(*, user) -> QuerySet:
    """The claims the user acts for: their own, their teams' (as captain), their units'."""
    roles = get_roles(user)
    return (
        ProjectClaim.objects.filter(claimant_q(roles))
        .select_related("project__community", "member", "team", "organization")
        .order_by("state", "-created_at", "-pk")
    )


def my_team_projects(*, member) -> QuerySet:
    """Projects claimed by the teams the member belongs to (not as captain: those are theirs)."""
    return (
        ProjectClaim.objects.filter(team__memberships__member=member, state=_ACTIVE)
        .select_related("project__community", "team")
        .order_by("-created_at", "-pk")
    )


def open_to_claim(*, user) -> QuerySet:
    """Projects open to claim where the user could claim: the communities they are registered
    with, their teams serve, or their organizations are paired with."""
    roles = get_roles(user)
    q = Q(pk__in=[])
    today = timezone.localdate()
    if roles.member is not None:
        q |= Q(
            community__registrations__member=roles.member,
            community__registrations__state=CommunityRegistration.State.CONFIRMED,
        )
        q |= Q(community__teams__captain=roles.member)
    if roles.admin_paths:
        paired = Partnership.objects.filter(term_start__lte=today, term_end__gte=today).filter(
            roles.org_q("organization__")
        )
        q |= Q(community_id__in=paired.values("community_id"))
    return (
        Project.objects.filter(q, state=Project.State.APPROVED)
        .distinct()
        .select_related("community", "category")
        .order_by("planned_start", "pk")
    )


def my_resources(*, user) -> QuerySet:
    """The offers the user acts for, each with its commitments and what was delivered."""
    roles = get_roles(user)
    return (
        Resource.objects.filter(claimant_q(roles))
        .select_related("community", "category", "organization", "team", "partnership__community")
        .prefetch_related(
            Prefetch(
                "commitments",
                queryset=ProjectResource.objects.select_related("project"),
                to_attr="commitment_list",
            )
        )
        .annotate(delivered_total=Sum("commitments__delivered"))
        .order_by("partnership_id", "-created_at", "-pk")
    )


@dataclass
class HomeCard:
    """The member home's projects card: open claims they act for, and the next step of each."""

    claims: list
    team_claims: list
    open_count: int
    hours: Decimal


def member_home_card(*, user, member) -> HomeCard:
    """A fixed 4 queries: my active claims, my teams' active claims, what is open to me, my
    confirmed project hours (the last two cached for a minute)."""
    claims = list(my_claims(user=user).filter(state=_ACTIVE)[:5])
    for claim in claims:
        project = claim.project
        claim.next_step = (
            "progress"
            if project.state in (Project.State.CLAIMED, Project.State.IN_PROGRESS)
            else ""
        )
    figures = cache.get(_home_figures_key(user))
    if figures is None:
        figures = {
            "open_count": open_to_claim(user=user).count(),
            "hours": Participation.objects.filter(
                member=member, confirmed_at__isnull=False
            ).aggregate(h=Sum("hours"))["h"]
            or Decimal(0),
        }
        cache.set(_home_figures_key(user), figures, HOME_FIGURES_SECONDS)
    return HomeCard(
        claims=claims,
        team_claims=list(my_team_projects(member=member).exclude(team__captain=member)[:5]),
        **figures,
    )


# The home card's two figures (projects open to the member, their confirmed hours) change
# rarely: they are counted at most once this many seconds per user.
HOME_FIGURES_SECONDS = 60


def _home_figures_key(user) -> str:
    return f"projects:home-figures:{user.pk}"


def member_participations(*, member) -> QuerySet:
    return (
        Participation.objects.filter(member=member)
        .select_related("project__community")
        .order_by("-served_on", "-pk")
    )


# ---------------------------------------------------------------------------------------------
# Joint meetings: the agenda
# ---------------------------------------------------------------------------------------------
@dataclass
class Suggestion:
    need: Need
    resource: Resource
    partner: bool


@dataclass
class Agenda:
    needs: list = field(default_factory=list)
    resources: list = field(default_factory=list)
    suggestions: list = field(default_factory=list)
    drafts: list = field(default_factory=list)
    more_needs: int = 0  # listed needs beyond the agenda's
    more_resources: int = 0


SUGGESTIONS_PER_NEED = 3
# A meeting discusses what it can: the most urgent needs, the resources with most left. The rest
# are counted (and wait on the lists for the next meeting).
AGENDA_NEEDS = 30
AGENDA_RESOURCES = 50
URGENCY_ORDER = Case(
    *(When(urgency=u, then=Value(i)) for i, u in enumerate(reversed(Need.Urgency.values))),
    default=Value(9),
)


def meeting_for_page(*, user, pk) -> JointMeeting:
    return get_for_user_or_404(
        user, JointMeeting.objects.select_related("community__subdistrict", "convened_by"), pk=pk
    )


def meeting_decisions(*, meeting: JointMeeting) -> list[MeetingDecision]:
    return list(
        meeting.decisions.select_related("need", "resource", "project", "team", "organization")
    )


def agenda_for(*, meeting: JointMeeting) -> Agenda:
    """The listed needs not yet matched, the open resources serving the community, and
    suggested matches (same category, serving the community, available on the meeting's day
    and until the need is wanted, something left; units with a current partnership with the
    community first). It suggests; the meeting decides.

    At most 7 queries, however many suggestions: needs and their count, resources and their
    count, partnerships, draft projects."""
    community_id = meeting.community_id
    day = meeting.held_on
    listed = Need.objects.filter(community_id=community_id, state=Need.State.LISTED)
    needs = list(
        listed.select_related("category").order_by(URGENCY_ORDER, "wanted_by", "pk")[:AGENDA_NEEDS]
    )
    more_needs = listed.count() - len(needs)
    open_resources = (
        Resource.objects.filter(
            Q(community_id=community_id)
            | Q(
                pk__in=Resource.also_serves.through.objects.filter(
                    community_id=community_id
                ).values("resource_id")
            ),
            state=Resource.State.CONFIRMED,
        )
        .filter(available_from__lte=day)
        .filter(Q(available_until__isnull=True) | Q(available_until__gte=day))
    )
    resources = list(
        open_resources.select_related("category", "organization", "team", "member").order_by(
            "-quantity", "pk"
        )[:AGENDA_RESOURCES]
    )
    more_resources = open_resources.count() - len(resources)
    partner_paths = list(
        Partnership.objects.filter(
            community_id=community_id, term_start__lte=day, term_end__gte=day
        ).values_list("organization__path", flat=True)
    )
    by_category: dict[int, list[Resource]] = {}
    for resource in resources:
        resource.is_partner = resource.organization_id is not None and any(
            resource.organization.path.startswith(p) for p in partner_paths
        )
        if resource.left is None or resource.left > 0:
            by_category.setdefault(resource.category_id, []).append(resource)
    for candidates in by_category.values():
        candidates.sort(key=lambda r: (not r.is_partner, r.pk))
    suggestions = []
    for need in needs:
        fits = [
            r
            for r in by_category.get(need.category_id, [])
            # Available before the need is wanted by (the window's end was checked above).
            if need.wanted_by is None or r.available_from <= need.wanted_by
        ]
        suggestions += [Suggestion(need, r, r.is_partner) for r in fits[:SUGGESTIONS_PER_NEED]]
    drafts = list(
        Project.objects.filter(community_id=community_id, state=Project.State.DRAFT)
        .select_related("category")
        .order_by("planned_start")
    )
    return Agenda(
        needs=needs,
        resources=resources,
        suggestions=suggestions,
        drafts=drafts,
        more_needs=more_needs,
        more_resources=more_resources,
    )


def teams_for(*, community_id: int) -> QuerySet:
    return ServiceTeam.objects.filter(
        Q(community_id=community_id) | Q(community__isnull=True)
    ).select_related("captain")


def milestones_open(*, project: Project) -> QuerySet:
    return Milestone.objects.filter(project=project, done_at__isnull=True)


def has_running_claim(project: Project) -> Exists:
    return Exists(ProjectClaim.objects.filter(project=OuterRef("pk"), state=_ACTIVE))
