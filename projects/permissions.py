"""Rules and scopers of the projects app.

- The public sees listed needs (anonymized: no resident's name is ever stored on a need), open
  and running projects with their progress, and completed projects as stories.
- A community's staff manage its needs, the resources offered to it, its projects and its joint
  meetings; committee admins see those of the communities they oversee (overdue projects,
  meetings held).
- A member, a team's captain or an organization's admins offer resources and claim projects;
  whoever acts for the claim (`members.claimants.acts_for`) posts progress and participants.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

from django.db.models import Q, QuerySet

from members.access import Roles, Rule, admin_verbs, nobody, rule, scoper, work_scoper
from members.claimants import acts_for, claimant_q

from .models import (
    JointMeeting,
    MeetingDecision,
    MeetingTransition,
    Milestone,
    Need,
    NeedTransition,
    Participation,
    ProgressPhoto,
    ProgressUpdate,
    Project,
    ProjectClaim,
    ProjectEvaluation,
    ProjectResource,
    ProjectTransition,
    Resource,
    ResourceTransition,
)


def active_claim_of(project: Project) -> ProjectClaim | None:
    """The project's open claim, cached on the project for the rest of the request."""
    if not hasattr(project, "_active_claim"):
        project._active_claim = (
            project.claims.filter(state=ProjectClaim.State.ACTIVE)
            .select_related("member", "team", "organization")
            .first()
        )
    return project._active_claim


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------
def _staff_or_overseer(roles: Roles, community) -> bool:
    return roles.staffs(community.pk) or roles.oversees_community(community)


def _staff_of(community_id_of: Callable[[object], int]) -> Rule:
    """The staff (of any community, for "any object"; else of the object's community)."""

    def check(roles: Roles, obj) -> bool:
        return roles.is_staff if obj is None else roles.staffs(community_id_of(obj))

    return check


def _staff_or_overseer_of(community_of: Callable[[object], object]) -> Rule:
    def check(roles: Roles, obj) -> bool:
        if obj is None:
            return roles.is_staff or roles.is_committee_admin
        return _staff_or_overseer(roles, community_of(obj))

    return check


_staff_of_community = _staff_of(attrgetter("community_id"))
_staff_or_overseer_of_community = _staff_or_overseer_of(attrgetter("community"))

# List, triage, reject, merge, withdraw needs; build, approve, cancel, complete, evaluate
# projects; confirm resources offered to the community; hold its joint meetings; export.
rule("projects.need.manage")(_staff_of_community)
rule("projects.project.manage")(_staff_of_community)
rule("projects.resource.manage")(_staff_of_community)
rule("projects.meeting.manage")(_staff_of_community)


@rule("projects.resource.offer")
def _offer_resource(roles: Roles, obj) -> bool:
    """Members (for themselves or the teams they captain) and organization admins offer."""
    return roles.is_member or roles.is_org_admin


@rule("projects.resource.act")
def _act_on_resource(roles: Roles, resource: Resource) -> bool:
    """Withdraw an offer, read its commitments and deliveries: whoever acts for the offerer."""
    return acts_for(roles, resource)


@rule("projects.project.claim")
def _claim_project(roles: Roles, project: Project | None) -> bool:
    """Offer the claim form: members and organization admins, on a project open to claim."""
    if not (roles.is_member or roles.is_org_admin):
        return False
    return project is None or project.is_open_to_claims


@rule("projects.claim.act")
def _act_on_claim(roles: Roles, claim: ProjectClaim | None) -> bool:
    """Post progress, tick milestones, add participants and their hours: whoever acts for the
    claim (the member, the team's captain, the claiming organization's own admins)."""
    return claim is not None and claim.is_active and acts_for(roles, claim)


@rule("projects.project.view_details")
def _view_project_details(roles: Roles, project: Project) -> bool:
    """Who claimed by name, the participants and their hours, the history with who did what:
    staff and overseers of the community, and whoever acts for one of its claims."""
    if _staff_or_overseer(roles, project.community):
        return True
    if not roles.is_authenticated:
        return False
    return project.claims.filter(claimant_q(roles)).exists()


admin_verbs("projects.need", view=_staff_or_overseer_of_community, change=_staff_of_community)
admin_verbs(
    "projects.resource",
    view=_staff_or_overseer_of_community,
    change=_staff_of_community,
    # Offers are made on the site (resource_offer records the first transition).
    add=nobody,
)
admin_verbs(
    "projects.project",
    view=_staff_or_overseer_of_community,
    change=lambda r, o: _staff_of_community(r, o) and (o is None or o.state == "draft"),
    add=nobody,
)
admin_verbs(
    "projects.jointmeeting",
    view=_staff_or_overseer_of_community,
    change=lambda r, o: _staff_of_community(r, o) and (o is None or o.minutes_editable),
    add=nobody,
)
for _model, _community in (
    ("projectresource", "project.community"),
    ("projectclaim", "project.community"),
    ("milestone", "project.community"),
    ("progressupdate", "project.community"),
    ("progressphoto", "update.project.community"),
    ("participation", "project.community"),
    ("projectevaluation", "project.community"),
    ("meetingdecision", "meeting.community"),
    ("needtransition", "need.community"),
    ("resourcetransition", "resource.community"),
    ("projecttransition", "project.community"),
    ("meetingtransition", "meeting.community"),
):
    # Made by the services only: read in the admin, changed through the site.
    admin_verbs(
        f"projects.{_model}",
        view=_staff_or_overseer_of(attrgetter(_community)),
        change=nobody,
        add=nobody,
    )


# ---------------------------------------------------------------------------------------------
# Scopers
# ---------------------------------------------------------------------------------------------
def community_q(roles: Roles, prefix: str = "") -> Q:
    """Rows (at `prefix`) of the communities the user staffs or oversees."""
    q = Q(pk__in=[])
    if roles.staff_community_id:
        q |= Q(**{f"{prefix}community_id": roles.staff_community_id})
    if roles.is_committee_admin:
        q |= roles.overseen_community_q(f"{prefix}community__")
    return q


@work_scoper(Need)
def managed_needs(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(community_q(roles))


@scoper(Need)
def _scope_needs(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(Q(state__in=Need.PUBLIC_STATES, is_public=True) | community_q(roles))


@work_scoper(Resource)
def managed_resources(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(community_q(roles))


@scoper(Resource)
def _scope_resources(roles: Roles, qs: QuerySet) -> QuerySet:
    """Offers are between units and communities: their staff, and the offerer."""
    return qs.filter(community_q(roles) | claimant_q(roles))


@work_scoper(Project)
def managed_projects(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(community_q(roles))


@scoper(Project)
def _scope_projects(roles: Roles, qs: QuerySet) -> QuerySet:
    q = Q(state__in=Project.PUBLIC_STATES) | community_q(roles)
    if roles.is_member or roles.is_org_admin:
        q |= Q(pk__in=ProjectClaim.objects.filter(claimant_q(roles)).values("project_id"))
    return qs.filter(q)


@scoper(JointMeeting)
def _scope_meetings(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(community_q(roles))


@scoper(ProjectClaim)
def _scope_claims(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(community_q(roles, "project__") | claimant_q(roles))


def _by_project(model):
    @scoper(model)
    def narrow(roles: Roles, qs: QuerySet) -> QuerySet:
        return qs.filter(community_q(roles, "project__"))

    return narrow


for _model in (
    ProjectResource,
    Milestone,
    ProgressUpdate,
    Participation,
    ProjectEvaluation,
    ProjectTransition,
):
    _by_project(_model)


@scoper(ProgressPhoto)
def _scope_photos(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(community_q(roles, "update__project__"))


@scoper(MeetingDecision)
def _scope_decisions(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(community_q(roles, "meeting__"))


@scoper(MeetingTransition)
def _scope_meeting_steps(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(community_q(roles, "meeting__"))


@scoper(NeedTransition)
def _scope_need_steps(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(community_q(roles, "need__"))


@scoper(ResourceTransition)
def _scope_resource_steps(roles: Roles, qs: QuerySet) -> QuerySet:
    return qs.filter(community_q(roles, "resource__"))
