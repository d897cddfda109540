"""Every change to a need, a resource, a project or a joint meeting goes through a function here.

Views, the admin, the jobs, the meeting's decisions and the tests call them. Each runs in a
transaction, moves its object with one conditional UPDATE from the states it may leave
(`core.transitions.state_move`), records the step, and raises `ProjectError` with a code that
`core.views.run_service` turns into a message in the user's language.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.images import ProcessedImage
from core.transitions import state_move
from members import claimants
from members.access import can, get_roles
from members.models import (
    Community,
    CommunityRegistration,
    CommunityStaff,
    Member,
    Organization,
    ServiceTeam,
)
from notifications.services import notify, occasion
from records.models import ServiceRecord
from records.services import service_record_create

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

NS, RS, PS, MS = Need.State, Resource.State, Project.State, JointMeeting.State
HOURS_MIN, HOURS_MAX = Decimal("0.5"), Decimal("24")
# After the reminder, an overdue project is shown to the committee this many days later.
OVERDUE_ESCALATION_DAYS = 7


class ProjectError(DomainError):
    messages = {
        "not_permitted": _("You may not do this."),
        "reason_required": _("Please give a reason."),
        "not_submitted": _("This need is not waiting for triage."),
        "need_not_open": _("This need can no longer be changed."),
        "need_not_listed": _("Only a listed need can be put in a project."),
        "merge_into_itself": _("A need cannot be merged into itself."),
        "merge_elsewhere": _("A need can be merged only into a need of the same community."),
        "merge_target_closed": _("The need to merge into is no longer open."),
        "already_escalated": _("This wish has already been turned into a need."),
        "wrong_community": _("This belongs to another community."),
        "bad_beneficiaries": _("The number of beneficiaries must be at least 1."),
        "bad_quantity": _("The quantity must be more than 0."),
        "quantity_needs_unit": _(
            "Give the unit of the quantity (or leave both empty for a skill)."
        ),
        "window_reversed": _("The resource's availability must end after it starts."),
        "not_offered": _("This resource is not waiting for confirmation."),
        "resource_not_open": _("This resource is not available."),
        "not_enough_left": _(
            "Not enough is left of this resource: %(left)s left, %(asked)s asked for."
        ),
        "resource_elsewhere": _("This resource does not serve the project's community."),
        "outside_window": _("The project's dates fall outside the resource's availability."),
        "quantity_of_skill": _("A skill has no quantity: leave the quantity empty."),
        "bad_delivery": _("A delivery must be more than 0 and at most what was committed."),
        "dates_reversed": _("The planned end must not be before the planned start."),
        "bad_weights": _("The milestones' weights must sum to 100 (they sum to %(total)s)."),
        "milestone_outside": _("A milestone's date must fall within the project's dates."),
        "not_draft": _("Only a draft project can be changed or approved."),
        "no_milestones": _("Give the project its milestones (their weights summing to 100)."),
        "already_claimed": _("Someone else was first: this project has just been claimed."),
        "not_open_to_claims": _("This project is not open to claims."),
        "collective_only": _("This is a collective project: claim it for a team or a unit."),
        "no_member_profile": _("Only members can claim a project in their own name."),
        "not_registered_here": _(
            "You can claim projects only in the community you are registered with."
        ),
        "not_captain": _("Only the team's captain can claim for the team."),
        "team_elsewhere": _("This team serves another community."),
        "not_org_admin": _("You do not administer this organization."),
        "not_paired_here": _(
            "Your organization can claim projects only in the communities it is paired with."
        ),
        "not_claimed": _("This project has no active claim."),
        "not_claimant": _("Only whoever acts for the claim can do this."),
        "not_running": _("This project is not under way."),
        "percent_down": _("The progress went down: say why."),
        "bad_percent": _("Progress is a percent from 0 to 100."),
        "text_required": _("Describe the progress."),
        "bad_hours": _("Hours must be between 0.5 and 24."),
        "served_outside": _(
            "The date of service must fall within the project's dates and not in the future."
        ),
        "bad_participant": _(
            "Only members of the claiming member, team or organization can take part."
        ),
        "already_participated": _("This member's service on that day is already recorded."),
        "no_participants": _("Record the participants and their hours before completing."),
        "not_in_progress": _("Only a project under way can be completed."),
        "not_completed": _("Only a completed project can be evaluated."),
        "bad_rating": _("The rating is a score from 1 to 5."),
        "bad_survey": _("Residents satisfied cannot be more than residents surveyed."),
        "cannot_cancel": _("This project can no longer be cancelled."),
        "cannot_suspend": _("Only a running project can be suspended."),
        "not_suspended": _("This project is not suspended."),
        "minutes_approved": _(
            "The minutes are approved and cannot be edited: record a correction as a new "
            "decision at the next meeting."
        ),
        "not_scheduled": _("This meeting is not scheduled."),
        "not_held": _("Record the minutes of a held meeting before approving them."),
        "minutes_required": _("Write the minutes before approving them."),
        "decision_incomplete": _("This decision does not name what it decides on."),
        "decision_failed": _("Decision %(number)s could not be carried out: %(error)s"),
    }


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
def _record(model, obj, field: str, *, current: str, to: str, by, note: str = "", **extra):
    return model.objects.create(
        **{field: obj}, from_state=current, to_state=to, by=by, note=note, **extra
    )


def _move_need(need: Need, *, from_states, to, by, error, note="", **fields) -> NeedTransition:
    current = state_move(need, from_states=from_states, to=to, **fields)
    if current is None:
        raise ProjectError(error)
    return _record(NeedTransition, need, "need", current=current, to=to, by=by, note=note)


def _move_resource(resource: Resource, *, from_states, to, by, error, note="", **fields):
    current = state_move(resource, from_states=from_states, to=to, **fields)
    if current is None:
        raise ProjectError(error)
    return _record(
        ResourceTransition, resource, "resource", current=current, to=to, by=by, note=note
    )


def _move_project(project: Project, *, from_states, to, by, error, note="", claim=None, **fields):
    current = state_move(project, from_states=from_states, to=to, **fields)
    if current is None:
        raise ProjectError(error)
    return _record(
        ProjectTransition,
        project,
        "project",
        current=current,
        to=to,
        by=by,
        note=note,
        claim=claim,
    )


def _move_meeting(meeting: JointMeeting, *, from_states, to, by, error, note="", **fields):
    current = state_move(meeting, from_states=from_states, to=to, **fields)
    if current is None:
        raise ProjectError(error)
    return _record(MeetingTransition, meeting, "meeting", current=current, to=to, by=by, note=note)


def _require(by, action: str, obj) -> None:
    """`by` None is the platform itself (a job, a meeting's approved decision)."""
    if by is not None and not can(by, action, obj):
        raise ProjectError("not_permitted")


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ProjectError("reason_required")
    return reason[:300]


def _decimal(value, error: str) -> Decimal:
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ProjectError(error) from None
    if not value.is_finite():
        raise ProjectError(error)
    return value


def _staff_users(community_id: int):
    return [
        s.user
        for s in CommunityStaff.objects.filter(community_id=community_id).select_related("user")
    ]


def member_serves(member: Member, community_id: int) -> bool:
    """A member claims in the community they are registered (confirmed) with."""
    return CommunityRegistration.objects.filter(
        member=member, community_id=community_id, state=CommunityRegistration.State.CONFIRMED
    ).exists()


# ---------------------------------------------------------------------------------------------
# Needs
# ---------------------------------------------------------------------------------------------
NEED_FIELDS = (
    "title",
    "description",
    "category",
    "kind",
    "beneficiaries",
    "urgency",
    "wanted_by",
    "is_public",
    "grid",
)


@transaction.atomic
def need_submit(
    *,
    community: Community,
    by,
    title: str,
    category,
    source: str = Need.Source.STAFF,
    source_key: str = "",
    list_now: bool = False,
    submission=None,
    **fields,
) -> Need:
    """Record a need (from residents, staff knowledge, a visit, a meeting). It waits for triage,
    or is listed at once (`list_now`: staff who know it is real)."""
    _require(by, "projects.need.manage", Need(community=community))
    if int(fields.get("beneficiaries", 1) or 0) < 1:
        raise ProjectError("bad_beneficiaries")
    grid = fields.get("grid")
    if grid is not None and grid.community_id != community.pk:
        raise ProjectError("wrong_community")
    now = timezone.now()
    state = NS.LISTED if list_now else NS.SUBMITTED
    need = Need(
        community=community,
        title=title,
        category=category,
        source=source,
        source_key=source_key,
        state=state,
        created_by=by,
        created_at=now,
        listed_at=now if list_now else None,
        submission=submission,
        **{k: v for k, v in fields.items() if k in NEED_FIELDS},
    )
    try:
        with transaction.atomic():
            need.save()
    except IntegrityError:
        if source_key and Need.objects.filter(source_key=source_key).exists():
            raise ProjectError("already_escalated") from None
        raise
    NeedTransition.objects.create(need=need, from_state="", to_state=state, by=by, at=now)
    return need


def need_from_wish(
    *,
    community: Community,
    by,
    wish_pk: int,
    title: str,
    description: str,
    category,
    beneficiaries: int = 1,
    urgency: str = Need.Urgency.NORMAL,
    wanted_by: datetime.date | None = None,
    kind: str = Need.Kind.SERVICE,
    submission=None,
) -> Need:
    """A wish too big to be a micro-wish becomes a listed need in one step. The caller (the
    portal, which may read wishes) passes the wish's text, never its resident: personal data
    stays with the wish. A wish is escalated once (`source_key` "wish:<pk>")."""
    return need_submit(
        community=community,
        by=by,
        title=title,
        description=description,
        category=category,
        beneficiaries=beneficiaries,
        urgency=urgency,
        wanted_by=wanted_by,
        kind=kind,
        source=Need.Source.WISH,
        source_key=f"wish:{wish_pk}",
        list_now=True,
        submission=submission,
    )


@transaction.atomic
def need_update(*, need: Need, by, **fields) -> Need:
    _require(by, "projects.need.manage", need)
    state = Need.objects.select_for_update().filter(pk=need.pk).values_list("state", flat=True)[0]
    if state not in Need.OPEN_STATES:
        raise ProjectError("need_not_open")
    if int(fields.get("beneficiaries", need.beneficiaries) or 0) < 1:
        raise ProjectError("bad_beneficiaries")
    changed = [k for k in fields if k in NEED_FIELDS]
    for name in changed:
        setattr(need, name, fields[name])
    need.state = state
    need.save(update_fields=changed)
    return need


@transaction.atomic
def need_list(*, need: Need, by, note: str = "") -> Need:
    """Triage: the need is real and goes on the list."""
    _require(by, "projects.need.manage", need)
    _move_need(
        need,
        from_states=[NS.SUBMITTED],
        to=NS.LISTED,
        by=by,
        error="not_submitted",
        note=note[:300],
        listed_at=timezone.now(),
    )
    return need


@transaction.atomic
def need_reject(*, need: Need, by, reason: str) -> Need:
    _require(by, "projects.need.manage", need)
    reason = _reason(reason)
    _move_need(
        need,
        from_states=[NS.SUBMITTED],
        to=NS.REJECTED,
        by=by,
        error="not_submitted",
        note=reason,
        reason=reason,
    )
    return need


@transaction.atomic
def need_merge(*, need: Need, into: Need, by) -> Need:
    """A duplicate: merged into another open need of the same community (which gains its
    beneficiaries)."""
    _require(by, "projects.need.manage", need)
    if into.pk == need.pk:
        raise ProjectError("merge_into_itself")
    if into.community_id != need.community_id:
        raise ProjectError("merge_elsewhere")
    target = Need.objects.select_for_update().filter(pk=into.pk, state__in=Need.OPEN_STATES)
    if not target.exists():
        raise ProjectError("merge_target_closed")
    _move_need(
        need,
        from_states=Need.OPEN_STATES,
        to=NS.MERGED,
        by=by,
        error="need_not_open",
        note=str(into),
        merged_into=into,
    )
    target.update(beneficiaries=F("beneficiaries") + need.beneficiaries)
    return need


@transaction.atomic
def need_withdraw(*, need: Need, by, reason: str) -> Need:
    _require(by, "projects.need.manage", need)
    reason = _reason(reason)
    _move_need(
        need,
        from_states=Need.OPEN_STATES,
        to=NS.WITHDRAWN,
        by=by,
        error="need_not_open",
        note=reason,
        reason=reason,
    )
    return need


# ---------------------------------------------------------------------------------------------
# Resources
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Offerer:
    """Who offers (or claims): the claimant fields' values for a user acting as a member, for a
    team they captain or for an organization they administer."""

    kind: str
    member: Member | None
    team: ServiceTeam | None
    organization: Organization | None


def offerer_for(
    *, by, team: ServiceTeam | None = None, organization: Organization | None = None
) -> Offerer:
    """The claimant `by` acts as, checked: a team by its captain, an organization by its own
    admins, else the member themself."""
    roles = get_roles(by)
    K = claimants.ClaimantKind
    if organization is not None:
        if organization.pk not in roles.admin_org_ids and not roles.is_superuser:
            raise ProjectError("not_org_admin")
        return Offerer(K.ORGANIZATION, roles.member, None, organization)
    if team is not None:
        if not can(by, "members.team.act_for", team):
            raise ProjectError("not_captain")
        return Offerer(K.TEAM, team.captain, team, None)
    if roles.member is None:
        raise ProjectError("no_member_profile")
    return Offerer(K.MEMBER, roles.member, None, None)


@transaction.atomic
def resource_offer(
    *,
    by,
    community: Community,
    title: str,
    kind: str,
    category,
    available_from: datetime.date,
    available_until: datetime.date | None = None,
    quantity=None,
    unit: str = "",
    description: str = "",
    contact: str = "",
    also_serves: Iterable[Community] = (),
    partnership=None,
    team: ServiceTeam | None = None,
    organization: Organization | None = None,
    submission=None,
) -> Resource:
    """A member, a team (its captain) or an organization (its admins) offers a resource to a
    community; its staff confirm it."""
    _require(by, "projects.resource.offer", None)
    offerer = offerer_for(by=by, team=team, organization=organization)
    if quantity is not None:
        quantity = _decimal(quantity, "bad_quantity")
        if quantity <= 0:
            raise ProjectError("bad_quantity")
        if not unit:
            raise ProjectError("quantity_needs_unit")
    elif unit:
        raise ProjectError("quantity_needs_unit")
    if available_until is not None and available_until < available_from:
        raise ProjectError("window_reversed")
    if partnership is not None and (
        offerer.organization is None
        or partnership.community_id != community.pk
        or not offerer.organization.path.startswith(partnership.organization.path)
    ):
        raise ProjectError("wrong_community")
    now = timezone.now()
    resource = Resource.objects.create(
        claimant_kind=offerer.kind,
        member=offerer.member,
        team=offerer.team,
        organization=offerer.organization,
        community=community,
        title=title,
        description=description,
        kind=kind,
        category=category,
        quantity=quantity,
        unit=unit,
        available_from=available_from,
        available_until=available_until,
        contact=contact,
        partnership=partnership,
        offered_by=by,
        created_at=now,
        submission=submission,
    )
    extra = [c for c in also_serves if c.pk != community.pk]
    if extra:
        resource.also_serves.set(extra)
    ResourceTransition.objects.create(
        resource=resource, from_state="", to_state=RS.OFFERED, by=by, at=now
    )
    return resource


@transaction.atomic
def resource_confirm(*, resource: Resource, by) -> Resource:
    _require(by, "projects.resource.manage", resource)
    _move_resource(
        resource,
        from_states=[RS.OFFERED],
        to=RS.CONFIRMED,
        by=by,
        error="not_offered",
        confirmed_at=timezone.now(),
    )
    return resource


@transaction.atomic
def resource_withdraw(*, resource: Resource, by, reason: str) -> Resource:
    """The offerer (or the staff) withdraws what is not committed yet; commitments made stand."""
    if by is not None and not (
        can(by, "projects.resource.act", resource) or can(by, "projects.resource.manage", resource)
    ):
        raise ProjectError("not_permitted")
    _move_resource(
        resource,
        from_states=[RS.OFFERED, RS.CONFIRMED],
        to=RS.WITHDRAWN,
        by=by,
        error="resource_not_open",
        note=_reason(reason),
    )
    return resource


def resource_serves(resource: Resource, community_id: int) -> bool:
    return (
        resource.community_id == community_id
        or resource.also_serves.filter(pk=community_id).exists()
    )


def resource_commit(*, resource: Resource, project: Project, quantity, by) -> ProjectResource:
    """Commit part of a resource to a project.

    One conditional UPDATE adds to `committed` only where enough is left (`committed + q <=
    quantity`) and the resource is available, so of two simultaneous commitments that together
    exceed it one changes no row and is refused ("not enough left"), on PostgreSQL and SQLite
    alike; the check constraint is the database's guard behind it."""
    _require(by, "projects.project.manage", project)
    if project.state not in (PS.DRAFT, *Project.RUNNING_STATES):
        raise ProjectError("not_draft")
    if not resource_serves(resource, project.community_id):
        raise ProjectError("resource_elsewhere")
    if resource.available_from > project.planned_end or (
        resource.available_until is not None and resource.available_until < project.planned_start
    ):
        raise ProjectError("outside_window")
    if resource.quantity is None:
        if quantity not in (None, ""):
            raise ProjectError("quantity_of_skill")
        quantity = None
    else:
        quantity = _decimal(quantity, "bad_quantity")
        if quantity <= 0:
            raise ProjectError("bad_quantity")
    with transaction.atomic():
        available = Resource.objects.filter(pk=resource.pk, state=RS.CONFIRMED)
        if quantity is None:
            updated = available.filter(quantity__isnull=True).update(committed=F("committed"))
        else:
            updated = available.filter(committed__lte=F("quantity") - quantity).update(
                committed=F("committed") + quantity
            )
        if not updated:
            current = Resource.objects.filter(pk=resource.pk).values("state", "committed").first()
            if current["state"] != RS.CONFIRMED:
                raise ProjectError("resource_not_open")
            raise ProjectError(
                "not_enough_left", left=resource.quantity - current["committed"], asked=quantity
            )
        commitment, created = ProjectResource.objects.select_for_update().get_or_create(
            project=project,
            resource=resource,
            defaults={"quantity": quantity, "committed_by": by},
        )
        if not created and quantity is not None:
            ProjectResource.objects.filter(pk=commitment.pk).update(
                quantity=F("quantity") + quantity
            )
            commitment.refresh_from_db()
        # Nothing left: the resource is fully committed.
        exhausted = Resource.objects.filter(
            pk=resource.pk, state=RS.CONFIRMED, committed__gte=F("quantity")
        ).update(state=RS.EXHAUSTED)
        if exhausted:
            ResourceTransition.objects.create(
                resource=resource,
                from_state=RS.CONFIRMED,
                to_state=RS.EXHAUSTED,
                by=by,
                note=str(project),
            )
    resource.refresh_from_db(fields=["committed", "state"])
    return commitment


@transaction.atomic
def delivery_record(*, commitment: ProjectResource, quantity, by) -> ProjectResource:
    """What the offerer delivered against a commitment (415 seedlings of 415); never more than
    committed, also under concurrency (a conditional UPDATE)."""
    resource = commitment.resource
    if by is not None and not (
        can(by, "projects.resource.act", resource)
        or can(by, "projects.project.manage", commitment.project)
    ):
        raise ProjectError("not_permitted")
    quantity = _decimal(quantity, "bad_delivery")
    if quantity <= 0:
        raise ProjectError("bad_delivery")
    rows = ProjectResource.objects.filter(pk=commitment.pk)
    if commitment.quantity is not None:
        rows = rows.filter(delivered__lte=F("quantity") - quantity)
    if not rows.update(delivered=F("delivered") + quantity, delivered_at=timezone.now()):
        raise ProjectError("bad_delivery")
    commitment.refresh_from_db(fields=["delivered", "delivered_at"])
    return commitment


# ---------------------------------------------------------------------------------------------
# Projects
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MilestonePlan:
    title: str
    due_on: datetime.date
    weight: int


def _check_milestones(milestones: Sequence[MilestonePlan], start, end) -> None:
    total = sum(int(m.weight) for m in milestones)
    if total != 100:
        raise ProjectError("bad_weights", total=total)
    if any(not (start <= m.due_on <= end) for m in milestones):
        raise ProjectError("milestone_outside")


@transaction.atomic
def project_create(
    *,
    community: Community,
    by,
    title: str,
    category,
    planned_start: datetime.date,
    planned_end: datetime.date,
    milestones: Sequence[MilestonePlan],
    needs: Iterable[Need] = (),
    description: str = "",
    budget=None,
    is_collective: bool = False,
    submission=None,
) -> Project:
    """Staff build a draft project from listed needs, with its dates and milestones."""
    _require(by, "projects.project.manage", Project(community=community))
    if planned_end < planned_start:
        raise ProjectError("dates_reversed")
    _check_milestones(milestones, planned_start, planned_end)
    needs = list(needs)
    if any(n.community_id != community.pk for n in needs):
        raise ProjectError("wrong_community")
    if any(n.state != NS.LISTED for n in needs):
        raise ProjectError("need_not_listed")
    now = timezone.now()
    project = Project.objects.create(
        community=community,
        title=title,
        description=description,
        category=category,
        planned_start=planned_start,
        planned_end=planned_end,
        budget=budget,
        is_collective=is_collective,
        created_by=by,
        created_at=now,
        submission=submission,
    )
    if needs:
        project.needs.set(needs)
    Milestone.objects.bulk_create(
        Milestone(project=project, title=m.title, due_on=m.due_on, weight=m.weight, order=i)
        for i, m in enumerate(milestones)
    )
    ProjectTransition.objects.create(
        project=project, from_state="", to_state=PS.DRAFT, by=by, at=now
    )
    return project


@transaction.atomic
def project_approve(*, project: Project, by, meeting: JointMeeting | None = None) -> Project:
    """Approve a draft (by the staff, or by a joint meeting's decision): it is open to claim,
    and its needs are matched."""
    _require(by, "projects.project.manage", project)
    if not project.milestones.exists():
        raise ProjectError("no_milestones")
    _move_project(
        project,
        from_states=[PS.DRAFT],
        to=PS.APPROVED,
        by=by,
        error="not_draft",
        note=str(meeting or ""),
        approved_at=timezone.now(),
        meeting=meeting,
    )
    for need in project.needs.filter(state=NS.LISTED):
        _move_need(
            need,
            from_states=[NS.LISTED],
            to=NS.MATCHED,
            by=by,
            error="need_not_listed",
            note=str(project),
        )
    return project


def project_claim(
    *,
    project: Project,
    by,
    team: ServiceTeam | None = None,
    organization: Organization | None = None,
) -> ProjectClaim:
    """认领: claim a project open to claim, as a member, for a team (its captain) or for an
    organization (its admins).

    Race-free on every backend: the project moves approved -> claimed with one conditional
    UPDATE, and the partial unique constraint `projects_claim_one_open` allows one active claim.
    Of many simultaneous claims exactly one wins; the others raise `already_claimed`."""
    offerer = offerer_for(by=by, team=team, organization=organization)
    K = claimants.ClaimantKind
    if offerer.kind == K.ORGANIZATION:
        if not claimants.organization_serves(organization, project.community_id):
            raise ProjectError("not_paired_here")
    elif offerer.kind == K.TEAM:
        if team.community_id is not None and team.community_id != project.community_id:
            raise ProjectError("team_elsewhere")
    else:
        if project.is_collective:
            raise ProjectError("collective_only")
        if not member_serves(offerer.member, project.community_id):
            raise ProjectError("not_registered_here")
    return _claim(project=project, by=by, offerer=offerer)


def _claim(*, project: Project, by, offerer: Offerer, note: str = "") -> ProjectClaim:
    try:
        with transaction.atomic():
            updated = Project.objects.filter(pk=project.pk, state=PS.APPROVED).update(
                state=PS.CLAIMED
            )
            if not updated:
                state = Project.objects.filter(pk=project.pk).values_list("state", flat=True)[0]
                if state in (PS.CLAIMED, PS.IN_PROGRESS):
                    raise ProjectError("already_claimed")
                raise ProjectError("not_open_to_claims")
            claim = ProjectClaim.objects.create(
                project=project,
                claimant_kind=offerer.kind,
                member=offerer.member,
                team=offerer.team,
                organization=offerer.organization,
                claimed_by=by,
            )
            ProjectTransition.objects.create(
                project=project,
                claim=claim,
                from_state=PS.APPROVED,
                to_state=PS.CLAIMED,
                by=by,
                note=note,
            )
    except IntegrityError:
        raise ProjectError("already_claimed") from None
    project.state = PS.CLAIMED
    for user in _staff_users(project.community_id):
        notify(
            user=user,
            key=occasion("project", project.pk, "claim", claim.pk, "claimed"),
            template="projects/email/project_claimed",
            context={"project": project, "claim": claim},
            url=project.get_absolute_url(),
        )
    return claim


def project_assign(
    *,
    project: Project,
    by,
    team: ServiceTeam | None = None,
    organization: Organization | None = None,
    meeting: JointMeeting | None = None,
) -> ProjectClaim:
    """A joint meeting (or the staff) assigns the project to a team or an organization: a claim
    made on its behalf, held to the same one-open-claim rule."""
    _require(by, "projects.project.manage", project)
    if team is not None:
        if team.community_id is not None and team.community_id != project.community_id:
            raise ProjectError("team_elsewhere")
        offerer = Offerer(claimants.ClaimantKind.TEAM, team.captain, team, None)
        acting = by or team.captain.user
    elif organization is not None:
        offerer = Offerer(claimants.ClaimantKind.ORGANIZATION, None, None, organization)
        acting = by or (meeting.convened_by if meeting else None)
    else:
        raise ProjectError("decision_incomplete")
    if acting is None:
        raise ProjectError("decision_incomplete")
    return _claim(project=project, by=acting, offerer=offerer, note=str(meeting or ""))


def _active_claim(project: Project) -> ProjectClaim:
    claim = (
        ProjectClaim.objects.select_related("member", "team", "organization")
        .filter(project=project, state=ProjectClaim.State.ACTIVE)
        .first()
    )
    if claim is None:
        raise ProjectError("not_claimed")
    return claim


def _require_claimant(by, claim: ProjectClaim) -> None:
    if by is not None and not can(by, "projects.claim.act", claim):
        raise ProjectError("not_claimant")


@transaction.atomic
def claim_release(*, project: Project, by, reason: str) -> Project:
    """The claimant gives the project up: it is open to claim again."""
    claim = _active_claim(project)
    _require_claimant(by, claim)
    reason = _reason(reason)
    _move_project(
        project,
        from_states=[PS.CLAIMED],
        to=PS.APPROVED,
        by=by,
        error="not_claimed",
        note=reason,
        claim=claim,
    )
    ProjectClaim.objects.filter(pk=claim.pk).update(
        state=ProjectClaim.State.RELEASED, ended_at=timezone.now()
    )
    return project


@transaction.atomic
def progress_post(
    *,
    project: Project,
    by,
    text: str,
    percent: int,
    reason: str = "",
    photos: Iterable[ProcessedImage] = (),
    milestones_done: Iterable[Milestone] = (),
    submission=None,
) -> ProgressUpdate:
    """The claimant reports progress: text, a percent that only rises unless a reason is
    given, photos (already through `core.images`), milestones ticked. The first report starts
    the project (claimed -> in progress)."""
    Project.objects.select_for_update().filter(pk=project.pk).values_list("pk").first()
    project.refresh_from_db(fields=["state", "percent"])
    if project.state not in (PS.CLAIMED, PS.IN_PROGRESS):
        raise ProjectError("not_running")
    claim = _active_claim(project)
    _require_claimant(by, claim)
    if not (text or "").strip():
        raise ProjectError("text_required")
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        raise ProjectError("bad_percent")
    if percent < project.percent and not reason.strip():
        raise ProjectError("percent_down")
    now = timezone.now()
    update = ProgressUpdate.objects.create(
        project=project,
        claim=claim,
        by=by,
        at=now,
        text=text,
        percent=percent,
        reason=reason[:300],
        submission=submission,
    )
    for photo in photos:
        row = ProgressPhoto(update=update)
        row.image.save(photo.display.name, photo.display, save=False)
        row.thumbnail.save(photo.thumbnail.name, photo.thumbnail, save=False)
        row.save()
    ids = [m.pk for m in milestones_done]
    if ids:
        project.milestones.filter(pk__in=ids, done_at__isnull=True).update(done_at=now, done_by=by)
    Project.objects.filter(pk=project.pk).update(percent=percent)
    project.percent = percent
    if project.state == PS.CLAIMED:
        _move_project(
            project,
            from_states=[PS.CLAIMED],
            to=PS.IN_PROGRESS,
            by=by,
            error="not_running",
            claim=claim,
        )
    return update


def _hours(hours) -> Decimal:
    hours = _decimal(hours, "bad_hours")
    if not HOURS_MIN <= hours <= HOURS_MAX:
        raise ProjectError("bad_hours")
    return hours


def participation_add(
    *, project: Project, by, member: Member, served_on: datetime.date, hours, submission=None
) -> Participation:
    """The claimant records who took part, on which day, for how many hours (staff confirm
    them at completion)."""
    if project.state not in (PS.CLAIMED, PS.IN_PROGRESS):
        raise ProjectError("not_running")
    claim = _active_claim(project)
    if by is not None and not (
        can(by, "projects.claim.act", claim) or can(by, "projects.project.manage", project)
    ):
        raise ProjectError("not_claimant")
    hours = _hours(hours)
    if not (project.planned_start <= served_on <= timezone.localdate()):
        raise ProjectError("served_outside")
    if not claimants.participants(claim).filter(pk=member.pk).exists():
        raise ProjectError("bad_participant")
    try:
        with transaction.atomic():
            return Participation.objects.create(
                project=project,
                member=member,
                served_on=served_on,
                hours=hours,
                added_by=by,
                submission=submission,
            )
    except IntegrityError:
        raise ProjectError("already_participated") from None


@transaction.atomic
def participation_remove(*, participation: Participation, by) -> None:
    project = participation.project
    if by is not None and not (
        can(by, "projects.project.manage", project)
        or can(by, "projects.claim.act", _active_claim(project))
    ):
        raise ProjectError("not_claimant")
    Participation.objects.filter(pk=participation.pk, confirmed_at__isnull=True).delete()


@transaction.atomic
def project_complete(*, project: Project, by, hours: dict[int, Decimal] | None = None) -> Project:
    """Staff complete a project under way and confirm each participant's hours (`hours` may
    correct them: participation pk -> hours); each becomes a service record (kind project),
    written once whatever happens again (`source_key` "project:<participation pk>")."""
    _require(by, "projects.project.manage", project)
    Project.objects.select_for_update().filter(pk=project.pk).values_list("pk").first()
    parts = list(project.participations.select_related("member").filter(confirmed_at__isnull=True))
    if not parts:
        raise ProjectError("no_participants")
    hours = {int(k): _hours(v) for k, v in (hours or {}).items()}
    claim = _active_claim(project)
    now = timezone.now()
    _move_project(
        project,
        from_states=[PS.IN_PROGRESS],
        to=PS.COMPLETED,
        by=by,
        error="not_in_progress",
        claim=claim,
        completed_at=now,
        percent=100,
    )
    ProjectClaim.objects.filter(pk=claim.pk).update(
        state=ProjectClaim.State.COMPLETED, ended_at=now
    )
    title = str(_("Service project: %(title)s") % {"title": project.title})
    for part in parts:
        part_hours = hours.get(part.pk, part.hours)
        Participation.objects.filter(pk=part.pk).update(
            hours=part_hours, confirmed_by=by, confirmed_at=now
        )
        service_record_create(
            member=part.member,
            community=project.community,
            served_on=part.served_on,
            hours=part_hours,
            kind=ServiceRecord.Kind.PROJECT,
            source=ServiceRecord.Source.PROJECT,
            source_key=f"project:{part.pk}",
            title=title,
            created_by=by,
        )
    for need in project.needs.filter(state=NS.MATCHED):
        _move_need(
            need,
            from_states=[NS.MATCHED],
            to=NS.CLOSED,
            by=by,
            error="need_not_open",
            note=str(project),
        )
    return project


@transaction.atomic
def project_evaluate(
    *,
    project: Project,
    by,
    rating: int,
    residents_surveyed: int = 0,
    residents_satisfied: int = 0,
    comment: str = "",
    is_story: bool = True,
) -> ProjectEvaluation:
    """The community evaluates a completed project and records the residents' satisfaction."""
    _require(by, "projects.project.manage", project)
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ProjectError("bad_rating")
    if residents_satisfied < 0 or residents_surveyed < 0:
        raise ProjectError("bad_survey")
    if residents_satisfied > residents_surveyed:
        raise ProjectError("bad_survey")
    now = timezone.now()
    _move_project(
        project, from_states=[PS.COMPLETED], to=PS.EVALUATED, by=by, error="not_completed"
    )
    return ProjectEvaluation.objects.create(
        project=project,
        by=by,
        at=now,
        rating=rating,
        residents_surveyed=residents_surveyed,
        residents_satisfied=residents_satisfied,
        comment=comment,
        is_story=is_story,
    )


@transaction.atomic
def project_suspend(*, project: Project, by, reason: str) -> Project:
    _require(by, "projects.project.manage", project)
    reason = _reason(reason)
    step = _move_project(
        project,
        from_states=Project.RUNNING_STATES,
        to=PS.SUSPENDED,
        by=by,
        error="cannot_suspend",
        note=reason,
        reason=reason,
    )
    # The state it resumes to: the one it left, read under the lock.
    Project.objects.filter(pk=project.pk).update(suspended_from=step.from_state)
    project.suspended_from = step.from_state
    return project


@transaction.atomic
def project_resume(*, project: Project, by) -> Project:
    _require(by, "projects.project.manage", project)
    project.refresh_from_db(fields=["suspended_from", "state"])
    to = project.suspended_from or PS.APPROVED
    _move_project(
        project,
        from_states=[PS.SUSPENDED],
        to=to,
        by=by,
        error="not_suspended",
        suspended_from="",
    )
    return project


@transaction.atomic
def project_cancel(*, project: Project, by, reason: str) -> Project:
    """Staff cancel a project; its open claim ends, its resources are released, its matched
    needs go back on the list."""
    _require(by, "projects.project.manage", project)
    reason = _reason(reason)
    claim = project.claims.filter(state=ProjectClaim.State.ACTIVE).first()
    _move_project(
        project,
        from_states=Project.CANCELLABLE_STATES,
        to=PS.CANCELLED,
        by=by,
        error="cannot_cancel",
        note=reason,
        reason=reason,
        claim=claim,
    )
    if claim is not None:
        ProjectClaim.objects.filter(pk=claim.pk).update(
            state=ProjectClaim.State.CANCELLED, ended_at=timezone.now()
        )
    for commitment in project.commitments.select_related("resource"):
        if commitment.quantity is not None:
            left = commitment.quantity - commitment.delivered
            Resource.objects.filter(pk=commitment.resource_id).update(
                committed=F("committed") - left
            )
            if Resource.objects.filter(
                pk=commitment.resource_id, state=RS.EXHAUSTED, committed__lt=F("quantity")
            ).update(state=RS.CONFIRMED):
                ResourceTransition.objects.create(
                    resource=commitment.resource,
                    from_state=RS.EXHAUSTED,
                    to_state=RS.CONFIRMED,
                    by=by,
                    note=reason,
                )
    for need in project.needs.filter(state=NS.MATCHED):
        _move_need(
            need, from_states=[NS.MATCHED], to=NS.LISTED, by=by, error="need_not_open", note=reason
        )
    return project


# ---------------------------------------------------------------------------------------------
# Overdue projects (the job)
# ---------------------------------------------------------------------------------------------
def project_remind_overdue(*, project: Project, today: datetime.date) -> bool:
    """Once: the claimant (or, unclaimed, the staff) is reminded that the planned end passed."""
    with transaction.atomic():
        claimed = Project.objects.filter(
            pk=project.pk,
            state__in=Project.RUNNING_STATES,
            planned_end__lt=today,
            overdue_reminded_at__isnull=True,
        ).update(overdue_reminded_at=timezone.now())
        if not claimed:
            return False
        project = Project.objects.get(pk=project.pk)
        claim = (
            project.claims.filter(state=ProjectClaim.State.ACTIVE)
            .select_related("member__user", "claimed_by")
            .first()
        )
        users = (
            [claim.member.user if claim.member_id else claim.claimed_by]
            if claim
            else _staff_users(project.community_id)
        )
        for user in users:
            notify(
                user=user,
                key=occasion("project", project.pk, "overdue"),
                template="projects/email/project_overdue",
                context={"project": project},
                url=project.get_absolute_url(),
            )
    return True


def project_escalate_overdue(*, project: Project, today: datetime.date) -> bool:
    """A week after the reminder, an overdue project is shown to the community's staff and the
    committee (the committee's overdue list reads `overdue_escalated_at`)."""
    cutoff = timezone.make_aware(
        datetime.datetime.combine(
            today - datetime.timedelta(days=OVERDUE_ESCALATION_DAYS), datetime.time.max
        )
    )
    with transaction.atomic():
        done = Project.objects.filter(
            pk=project.pk,
            state__in=Project.RUNNING_STATES,
            planned_end__lt=today,
            overdue_reminded_at__lte=cutoff,
            overdue_escalated_at__isnull=True,
        ).update(overdue_escalated_at=timezone.now())
        if not done:
            return False
        project = Project.objects.get(pk=project.pk)
        for user in _staff_users(project.community_id):
            notify(
                user=user,
                key=occasion("project", project.pk, "overdue-escalated"),
                template="projects/email/project_overdue_escalated",
                context={"project": project},
                url=reverse("projects:staff_projects") + "?overdue=1",
            )
    return True


def overdue_projects_remind(*, today: datetime.date) -> int:
    pks = Project.objects.filter(
        state__in=Project.RUNNING_STATES, planned_end__lt=today, overdue_reminded_at__isnull=True
    ).values_list("pk", flat=True)
    reminded = sum(project_remind_overdue(project=Project(pk=pk), today=today) for pk in list(pks))
    pks = Project.objects.filter(
        state__in=Project.RUNNING_STATES,
        planned_end__lt=today,
        overdue_reminded_at__isnull=False,
        overdue_escalated_at__isnull=True,
    ).values_list("pk", flat=True)
    escalated = sum(
        project_escalate_overdue(project=Project(pk=pk), today=today) for pk in list(pks)
    )
    return reminded + escalated


def resources_expire(*, today: datetime.date) -> int:
    """Available resources whose window has closed expire."""
    pks = list(
        Resource.objects.filter(state=RS.CONFIRMED, available_until__lt=today).values_list(
            "pk", flat=True
        )
    )
    count = 0
    for pk in pks:
        with transaction.atomic():
            if Resource.objects.filter(pk=pk, state=RS.CONFIRMED, available_until__lt=today).update(
                state=RS.EXPIRED
            ):
                ResourceTransition.objects.create(
                    resource_id=pk, from_state=RS.CONFIRMED, to_state=RS.EXPIRED
                )
                count += 1
    return count


# ---------------------------------------------------------------------------------------------
# Joint meetings
# ---------------------------------------------------------------------------------------------
@transaction.atomic
def meeting_schedule(
    *,
    community: Community,
    by,
    title: str,
    held_on: datetime.date,
    place: str = "",
    level: str = JointMeeting.Level.COMMUNITY,
    organizations: Iterable[Organization] = (),
    agenda: str = "",
    submission=None,
) -> JointMeeting:
    _require(by, "projects.meeting.manage", JointMeeting(community=community))
    now = timezone.now()
    meeting = JointMeeting.objects.create(
        community=community,
        subdistrict_id=community.subdistrict_id,
        title=title,
        held_on=held_on,
        place=place,
        level=level,
        agenda=agenda,
        convened_by=by,
        created_at=now,
        submission=submission,
    )
    if organizations:
        meeting.organizations.set(organizations)
    MeetingTransition.objects.create(
        meeting=meeting, from_state="", to_state=MS.SCHEDULED, by=by, at=now
    )
    return meeting


def _lock_editable(meeting: JointMeeting) -> str:
    state = (
        JointMeeting.objects.select_for_update()
        .filter(pk=meeting.pk)
        .values_list("state", flat=True)[0]
    )
    if state not in (MS.SCHEDULED, MS.HELD):
        raise ProjectError("minutes_approved")
    return state


@transaction.atomic
def minutes_record(*, meeting: JointMeeting, by, minutes: str, minutes_file=None) -> JointMeeting:
    """Write (or rewrite) the minutes of a meeting; the first time, the meeting is held.
    Approved minutes are refused."""
    _require(by, "projects.meeting.manage", meeting)
    state = _lock_editable(meeting)
    meeting.minutes = minutes
    fields = ["minutes"]
    if minutes_file is not None:
        meeting.minutes_file.save(minutes_file.name, minutes_file, save=False)
        fields.append("minutes_file")
    JointMeeting.objects.filter(pk=meeting.pk).update(**{f: getattr(meeting, f) for f in fields})
    if state == MS.SCHEDULED:
        _move_meeting(meeting, from_states=[MS.SCHEDULED], to=MS.HELD, by=by, error="not_scheduled")
    return meeting


@transaction.atomic
def decision_add(
    *,
    meeting: JointMeeting,
    by,
    kind: str,
    need: Need | None = None,
    resource: Resource | None = None,
    project: Project | None = None,
    team: ServiceTeam | None = None,
    organization: Organization | None = None,
    quantity=None,
    due_on: datetime.date | None = None,
    note: str = "",
    submission=None,
) -> MeetingDecision:
    """Record a decision in the minutes; it runs when the minutes are approved."""
    _require(by, "projects.meeting.manage", meeting)
    _lock_editable(meeting)
    K = MeetingDecision.Kind
    needed = {
        K.LIST_NEED: need,
        K.REJECT_NEED: need,
        K.CONFIRM_RESOURCE: resource,
        K.APPROVE_PROJECT: project,
        K.ASSIGN_CLAIMANT: project and (team or organization),
        K.COMMIT_RESOURCE: project and resource,
    }.get(kind)
    if not needed:
        raise ProjectError("decision_incomplete")
    for obj in (need, resource, project):
        if (
            obj is not None
            and obj.community_id != meeting.community_id
            and not (isinstance(obj, Resource) and resource_serves(obj, meeting.community_id))
        ):
            raise ProjectError("wrong_community")
    if kind == K.REJECT_NEED:
        _reason(note)
    if quantity is not None:
        quantity = _decimal(quantity, "bad_quantity")
        if quantity <= 0:
            raise ProjectError("bad_quantity")
    return MeetingDecision.objects.create(
        meeting=meeting,
        kind=kind,
        need=need,
        resource=resource,
        project=project,
        team=team,
        organization=organization,
        quantity=quantity,
        due_on=due_on,
        note=note[:300],
        order=meeting.decisions.count(),
        created_by=by,
        submission=submission,
    )


@transaction.atomic
def decision_remove(*, decision: MeetingDecision, by) -> None:
    _require(by, "projects.meeting.manage", decision.meeting)
    _lock_editable(decision.meeting)
    MeetingDecision.objects.filter(pk=decision.pk, executed_at__isnull=True).delete()


def _execute(decision: MeetingDecision, by) -> None:
    K = MeetingDecision.Kind
    meeting = decision.meeting
    if decision.kind == K.LIST_NEED:
        need_list(need=decision.need, by=by, note=str(meeting))
    elif decision.kind == K.REJECT_NEED:
        need_reject(need=decision.need, by=by, reason=decision.note)
    elif decision.kind == K.CONFIRM_RESOURCE:
        resource_confirm(resource=decision.resource, by=by)
    elif decision.kind == K.APPROVE_PROJECT:
        project_approve(project=decision.project, by=by, meeting=meeting)
    elif decision.kind == K.ASSIGN_CLAIMANT:
        project_assign(
            project=decision.project,
            by=by,
            team=decision.team,
            organization=decision.organization,
            meeting=meeting,
        )
    elif decision.kind == K.COMMIT_RESOURCE:
        resource_commit(
            resource=decision.resource,
            project=decision.project,
            quantity=decision.quantity,
            by=by,
        )


@transaction.atomic
def minutes_approve(*, meeting: JointMeeting, by) -> JointMeeting:
    """Approve the minutes: each decision runs, in order, as the real state change, all in one
    transaction (one refused decision refuses the approval, and nothing has changed). From
    then on the minutes cannot be edited."""
    _require(by, "projects.meeting.manage", meeting)
    state = _lock_editable(meeting)
    if state != MS.HELD:
        raise ProjectError("not_held")
    meeting.refresh_from_db(fields=["minutes"])
    if not meeting.minutes.strip():
        raise ProjectError("minutes_required")
    now = timezone.now()
    decisions = meeting.decisions.select_related(
        "need", "resource", "project", "team__captain__user", "organization", "meeting"
    ).filter(executed_at__isnull=True)
    for number, decision in enumerate(decisions, start=1):
        try:
            with transaction.atomic():
                _execute(decision, by)
        except ProjectError as error:
            raise ProjectError("decision_failed", number=number, error=error.message) from None
        MeetingDecision.objects.filter(pk=decision.pk).update(executed_at=now)
    _move_meeting(
        meeting,
        from_states=[MS.HELD],
        to=MS.APPROVED,
        by=by,
        error="not_held",
        approved_by=by,
        approved_at=now,
    )
    return meeting
