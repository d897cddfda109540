"""Pages of the projects app. Thin: fetch through the permission module, call a service, turn
a domain error into a message (`core.views.run_service`); creating forms save once
(`core.once.create_once`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import xlsx_response
from core.forms import errors_as_messages
from core.once import already_saved_message, create_once
from core.pagecache import app_pages_key, cache_public_page, user_page
from core.pagination import page_of
from core.views import run_service
from members.access import (
    ROLES_GENERATION,
    can,
    get_for_user_or_404,
    get_roles,
    staff_community_or_403,
)
from members.claimants import participants

from . import selectors, services
from .filters import (
    NeedFilter,
    ProjectFilter,
    PublicNeedFilter,
    PublicProjectFilter,
    ResourceFilter,
)
from .forms import (
    ClaimantChoiceForm,
    CommitForm,
    DecisionForm,
    DeliveryForm,
    EvaluationForm,
    MeetingForm,
    MergeForm,
    MinutesForm,
    NeedForm,
    ParticipationForm,
    ProgressForm,
    ProjectForm,
    ReasonForm,
    ResourceOfferForm,
)
from .models import (
    JointMeeting,
    MeetingDecision,
    Need,
    Participation,
    ProgressUpdate,
    Project,
    ProjectResource,
    Resource,
)
from .permissions import active_claim_of
from .services import ProjectError

PAGE_SIZE = 20
# The staff's and members' pages of projects are kept for a minute per user, and the public
# lists for anonymous visitors, until a row of the app changes (core.pagecache.user_page,
# cache_public_page, watch_app_pages); the public lists also until a member or a team is
# renamed (they name the claimant: the role facts' generation follows both).
PAGES = [app_pages_key("projects")]
PUBLIC_PAGES = [*PAGES, ROLES_GENERATION]


def _querystring(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _back(request, default: str):
    """Where a form posted from a list sends the user back: its `next`, if it is a path of this
    site (never another site, never a name to reverse), else `default`."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _saved(request, obj, created: bool, success: str) -> None:
    if created:
        messages.success(request, success)
    else:
        messages.info(request, already_saved_message(obj))


# ---------------------------------------------------------------------------------------------
# Public pages
# ---------------------------------------------------------------------------------------------
@cache_public_page(generations=PUBLIC_PAGES)
def needs(request):
    """The public needs list (需求清单): listed needs, anonymized."""
    filterset = PublicNeedFilter(request.GET or None, queryset=selectors.public_needs())
    page = page_of(request, filterset.qs, PAGE_SIZE)
    return render(
        request,
        "projects/needs.html",
        {"filter": filterset, "page": page, "querystring": _querystring(request)},
    )


def need_detail(request, pk):
    need = get_for_user_or_404(
        request.user, Need.objects.select_related("community", "category", "merged_into"), pk=pk
    )
    manage = can(request.user, "projects.need.manage", need)
    return render(
        request,
        "projects/need_detail.html",
        {
            "need": need,
            "can_manage": manage,
            "can_triage": manage and need.awaits_triage,
            "can_close": manage and need.is_open,
            "can_build": manage and need.state == Need.State.LISTED,
            "merge_form": MergeForm(need=need) if manage and need.is_open else None,
            "history": need.transitions.select_related("by") if manage else None,
            "projects": need.projects.filter(state__in=Project.PUBLIC_STATES),
        },
    )


@cache_public_page(generations=PUBLIC_PAGES)
def project_list(request):
    """Open projects: open to claim or under way."""
    filterset = PublicProjectFilter(request.GET or None, queryset=selectors.public_projects())
    page = page_of(request, filterset.qs, PAGE_SIZE)
    return render(
        request,
        "projects/project_list.html",
        {"filter": filterset, "page": page, "querystring": _querystring(request)},
    )


@cache_public_page(generations=PUBLIC_PAGES)
def stories(request):
    page = page_of(request, selectors.story_projects(), 12)
    return render(request, "projects/stories.html", {"page": page})


def project_detail(request, pk):
    project = selectors.project_for_page(user=request.user, pk=pk)
    user = request.user
    manage = can(user, "projects.project.manage", project)
    claim = active_claim_of(project)
    acts = bool(claim) and can(user, "projects.claim.act", claim)
    details = user.is_authenticated and can(user, "projects.project.view_details", project)
    may_claim = user.is_authenticated and can(user, "projects.project.claim", project)
    parts = selectors.project_page_parts(project=project)
    evaluation = project.evaluation_or_none
    context = {
        "project": project,
        **parts,
        "claim": claim,
        "can_manage": manage,
        "acts_for_claim": acts,
        "show_details": details,
        "may_claim": may_claim,
        "claim_form": ClaimantChoiceForm(user=user) if may_claim else None,
        "login_to_claim": not user.is_authenticated and project.is_open_to_claims,
        "can_post_progress": acts and project.state in ("claimed", "in_progress"),
        "can_approve": manage and project.state == Project.State.DRAFT,
        "can_commit": manage and project.state in ("draft", *Project.RUNNING_STATES),
        "can_suspend": manage and project.is_running,
        "can_resume": manage and project.state == Project.State.SUSPENDED,
        "can_cancel": manage and project.is_cancellable,
        "can_complete": manage and project.state == Project.State.IN_PROGRESS,
        "can_evaluate": manage and project.state == Project.State.COMPLETED,
        "can_release": acts and project.state == Project.State.CLAIMED,
        "is_overdue": project.is_overdue(),
        "participations": selectors.project_participations(project=project) if details else None,
        "history": selectors.project_history(project=project) if details else None,
        "evaluation": evaluation,
        "reason_form": ReasonForm(),
        "commit_form": CommitForm(resources=_committable(project)) if manage else None,
        "evaluation_form": EvaluationForm() if manage else None,
    }
    return render(request, "projects/project_detail.html", context)


def _committable(project: Project):
    return Resource.objects.filter(
        Q(community_id=project.community_id) | Q(also_serves=project.community_id),
        state=Resource.State.CONFIRMED,
    ).distinct()


def photo(request, pk, size):
    """A progress photo, to whoever may see its project (media is not public)."""
    row = selectors.photo_for_user(user=request.user, pk=pk)
    field = row.thumbnail if size == "thumb" else row.image
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# ---------------------------------------------------------------------------------------------
# Members, captains, organization admins
# ---------------------------------------------------------------------------------------------
@login_required
def open_to_claim(request):
    return user_page(
        request,
        "projects/open.html",
        lambda: {"page": page_of(request, selectors.open_to_claim(user=request.user), PAGE_SIZE)},
        generations=PAGES,
    )


@login_required
def mine(request):
    roles = get_roles(request.user)

    def context():
        member = roles.member
        return {
            "page": page_of(request, selectors.my_claims(user=request.user), PAGE_SIZE),
            "team_claims": list(selectors.my_team_projects(member=member)) if member else [],
            "participations": list(selectors.member_participations(member=member)[:50])
            if member
            else [],
        }

    return user_page(request, "projects/mine.html", context, generations=PAGES)


@login_required
@require_POST
def claim(request, pk):
    project = selectors.project_for_page(user=request.user, pk=pk)
    if not can(request.user, "projects.project.claim", project):
        raise PermissionDenied
    form = ClaimantChoiceForm(request.POST, user=request.user)
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect(project)
    team, organization = form.claimant()
    run_service(
        request,
        services.project_claim,
        success=_("You claimed this project. Post its progress as it goes."),
        project=project,
        by=request.user,
        team=team,
        organization=organization,
    )
    return redirect(project)


@login_required
@require_POST
def release(request, pk):
    project = selectors.project_for_page(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect(project)
    run_service(
        request,
        services.claim_release,
        success=_("You gave the project up; it is open to claim again."),
        project=project,
        by=request.user,
        reason=form.cleaned_data["reason"],
    )
    return redirect(project)


def _claimant_project(request, pk) -> Project:
    project = selectors.project_for_page(user=request.user, pk=pk)
    claim = active_claim_of(project)
    if claim is None or not (
        can(request.user, "projects.claim.act", claim)
        or can(request.user, "projects.project.manage", project)
    ):
        raise PermissionDenied
    return project


@login_required
def progress(request, pk):
    """The claimant posts progress: text, percent, photos, milestones ticked."""
    project = _claimant_project(request, pk)
    if request.method == "POST":
        form = ProgressForm(request.POST, request.FILES, project=project)
        if form.is_valid():
            data = form.cleaned_data
            try:
                _update, created = create_once(
                    ProgressUpdate,
                    data["submission"],
                    lambda: services.progress_post(
                        project=project,
                        by=request.user,
                        text=data["text"],
                        percent=data["percent"],
                        reason=data["reason"],
                        photos=data["photos"],
                        milestones_done=data["milestones"],
                        submission=data["submission"],
                    ),
                )
            except ProjectError as error:
                form.add_error(None, error.message)
            else:
                _saved(request, _update, created, _("Progress posted."))
                return redirect("projects:participants", pk=project.pk)
    else:
        form = ProgressForm(project=project)
    return render(request, "projects/progress.html", {"project": project, "form": form})


@login_required
def participants_page(request, pk):
    """Who took part and their hours, recorded by the claimant (staff confirm them)."""
    project = _claimant_project(request, pk)
    claim = active_claim_of(project)
    members = participants(claim).order_by("real_name")
    if request.method == "POST":
        form = ParticipationForm(request.POST, members=members)
        if form.is_valid():
            data = form.cleaned_data
            try:
                part, created = create_once(
                    Participation,
                    data["submission"],
                    lambda: services.participation_add(
                        project=project,
                        by=request.user,
                        member=data["member"],
                        served_on=data["served_on"],
                        hours=data["hours"],
                        submission=data["submission"],
                    ),
                )
            except ProjectError as error:
                form.add_error(None, error.message)
            else:
                _saved(request, part, created, _("Participation recorded."))
                return redirect("projects:participants", pk=project.pk)
    else:
        form = ParticipationForm(members=members, initial={"served_on": timezone.localdate()})
    return render(
        request,
        "projects/participants.html",
        {
            "project": project,
            "form": form,
            "participations": selectors.project_participations(project=project),
        },
    )


@login_required
def resource_offer(request):
    if not can(request.user, "projects.resource.offer"):
        raise PermissionDenied
    if request.method == "POST":
        form = ResourceOfferForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            team, organization = form.offerer()
            try:
                resource, created = create_once(
                    Resource,
                    data["submission"],
                    lambda: services.resource_offer(
                        by=request.user,
                        community=data["community"],
                        title=data["title"],
                        kind=data["kind"],
                        category=data["category"],
                        quantity=data["quantity"],
                        unit=data["unit"],
                        available_from=data["available_from"],
                        available_until=data["available_until"],
                        description=data["description"],
                        contact=data["contact"],
                        team=team,
                        organization=organization,
                        submission=data["submission"],
                    ),
                )
            except ProjectError as error:
                form.add_error(None, error.message)
            else:
                _saved(
                    request,
                    resource,
                    created,
                    _("Thank you: the community's staff will confirm your offer."),
                )
                return redirect("projects:my_resources")
    else:
        form = ResourceOfferForm(user=request.user)
    return render(request, "projects/resource_offer.html", {"form": form})


@login_required
def my_resources(request):
    """The offers the user acts for: committed against delivered, per partnership."""
    return user_page(
        request,
        "projects/my_resources.html",
        lambda: {
            "resources": list(selectors.my_resources(user=request.user)),
            "delivery_form": DeliveryForm(),
        },
        generations=PAGES,
    )


def resource_detail(request, pk):
    resource = get_for_user_or_404(
        request.user,
        Resource.objects.select_related("community", "category", "organization", "team"),
        pk=pk,
    )
    manage = can(request.user, "projects.resource.manage", resource)
    acts = can(request.user, "projects.resource.act", resource)
    return render(
        request,
        "projects/resource_detail.html",
        {
            "resource": resource,
            "can_confirm": manage and resource.awaits_confirmation,
            "can_withdraw": (manage or acts) and resource.state in ("offered", "confirmed"),
            "commitments": resource.commitments.select_related("project"),
            "history": resource.transitions.select_related("by"),
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def resource_withdraw(request, pk):
    resource = get_for_user_or_404(request.user, Resource.objects.all(), pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            services.resource_withdraw,
            success=_("The offer is withdrawn."),
            resource=resource,
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
    else:
        errors_as_messages(request, form)
    return redirect(resource)


@login_required
@require_POST
def delivery(request, pk):
    commitment = get_for_user_or_404(
        request.user,
        ProjectResource.objects.select_related("resource", "project"),
        pk=pk,
    )
    form = DeliveryForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            services.delivery_record,
            success=_("Delivery recorded."),
            commitment=commitment,
            by=request.user,
            quantity=form.cleaned_data["quantity"],
        )
    else:
        errors_as_messages(request, form)
    return _back(request, reverse("projects:my_resources"))


# ---------------------------------------------------------------------------------------------
# Staff: the three lists, triage, building projects
# ---------------------------------------------------------------------------------------------
def _staff_list(request, *, filter_class, queryset, template, export_name, headers, row):
    roles = get_roles(request.user)
    if not (roles.is_staff or roles.is_committee_admin or roles.is_superuser):
        raise PermissionDenied
    filterset = filter_class(request.GET or None, queryset=queryset)
    if request.GET.get("export"):
        return xlsx_response(
            filename=f"{export_name}-{timezone.localdate():%Y%m%d}.xlsx",
            title=export_name,
            headers=headers,
            rows=(row(obj) for obj in filterset.qs.iterator(chunk_size=2000)),
        )
    return user_page(
        request,
        template,
        lambda: {
            "filter": filterset,
            "page": page_of(request, filterset.qs, PAGE_SIZE),
            "querystring": _querystring(request),
        },
        generations=PAGES,
    )


@login_required
def staff_needs(request):
    return _staff_list(
        request,
        filter_class=NeedFilter,
        queryset=selectors.staff_needs(user=request.user),
        template="projects/staff_needs.html",
        export_name="needs",
        headers=[
            _("Title"),
            _("Community"),
            _("Service category"),
            _("Kind of need"),
            _("Urgency"),
            _("Beneficiaries"),
            _("Wanted by"),
            _("Source"),
            _("State"),
            _("Created at"),
        ],
        row=lambda n: [
            n.title,
            n.community.name,
            n.category.name,
            n.get_kind_display(),
            n.get_urgency_display(),
            n.beneficiaries,
            n.wanted_by,
            n.get_source_display(),
            n.get_state_display(),
            n.created_at,
        ],
    )


@login_required
def staff_resources(request):
    return _staff_list(
        request,
        filter_class=ResourceFilter,
        queryset=selectors.staff_resources(user=request.user),
        template="projects/staff_resources.html",
        export_name="resources",
        headers=[
            _("Title"),
            _("Offered by"),
            _("Community"),
            _("Kind of resource"),
            _("Service category"),
            _("Quantity"),
            _("Committed"),
            _("Unit"),
            _("Available from"),
            _("Available until"),
            _("State"),
        ],
        row=lambda r: [
            r.title,
            r.claimant_name,
            r.community.name,
            r.get_kind_display(),
            r.category.name,
            r.quantity,
            r.committed,
            r.unit_label,
            r.available_from,
            r.available_until,
            r.get_state_display(),
        ],
    )


@login_required
def staff_projects(request):
    return _staff_list(
        request,
        filter_class=ProjectFilter,
        queryset=selectors.staff_projects(user=request.user),
        template="projects/staff_projects.html",
        export_name="projects",
        headers=[
            _("Title"),
            _("Community"),
            _("Service category"),
            _("Claimed by"),
            _("Planned start"),
            _("Planned end"),
            _("Progress (%)"),
            _("State"),
        ],
        row=lambda p: [
            p.title,
            p.community.name,
            p.category.name,
            "、".join(c.claimant_name for c in p.current_claims),
            p.planned_start,
            p.planned_end,
            p.percent,
            p.get_state_display(),
        ],
    )


@login_required
def triage(request):
    staff_community_or_403(request.user)
    return user_page(
        request,
        "projects/triage.html",
        lambda: selectors.triage(user=request.user),
        generations=PAGES,
    )


@login_required
def need_new(request):
    community = staff_community_or_403(request.user)
    if request.method == "POST":
        form = NeedForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            token = data.pop("submission")
            try:
                need, created = create_once(
                    Need,
                    token,
                    lambda: services.need_submit(
                        community=community, by=request.user, submission=token, **data
                    ),
                )
            except ProjectError as error:
                form.add_error(None, error.message)
            else:
                _saved(request, need, created, _("The need is recorded."))
                return redirect(need)
    else:
        form = NeedForm()
    return render(request, "projects/need_form.html", {"form": form, "community": community})


@login_required
@require_POST
def need_action(request, pk, action):
    need = get_for_user_or_404(request.user, Need.objects.all(), pk=pk)
    if not can(request.user, "projects.need.manage", need):
        raise PermissionDenied
    if action == "list":
        run_service(request, services.need_list, success=_("Listed."), need=need, by=request.user)
    elif action in ("reject", "withdraw"):
        form = ReasonForm(request.POST)
        if not form.is_valid():
            errors_as_messages(request, form)
            return redirect(need)
        service = services.need_reject if action == "reject" else services.need_withdraw
        run_service(
            request,
            service,
            success=_("Done."),
            need=need,
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
    elif action == "merge":
        form = MergeForm(request.POST, need=need)
        if not form.is_valid():
            errors_as_messages(request, form)
            return redirect(need)
        run_service(
            request,
            services.need_merge,
            success=_("Merged."),
            need=need,
            into=form.cleaned_data["into"],
            by=request.user,
        )
    else:
        raise Http404
    return _back(request, need.get_absolute_url())


@login_required
@require_POST
def resource_confirm(request, pk):
    resource = get_for_user_or_404(request.user, Resource.objects.all(), pk=pk)
    run_service(
        request,
        services.resource_confirm,
        success=_("The resource is confirmed and available to projects."),
        resource=resource,
        by=request.user,
    )
    return _back(request, resource.get_absolute_url())


@login_required
def project_new(request):
    community = staff_community_or_403(request.user)
    if request.method == "POST":
        form = ProjectForm(request.POST, community=community)
        if form.is_valid():
            data = form.cleaned_data
            try:
                project, created = create_once(
                    Project,
                    data["submission"],
                    lambda: services.project_create(
                        community=community,
                        by=request.user,
                        title=data["title"],
                        description=data["description"],
                        category=data["category"],
                        planned_start=data["planned_start"],
                        planned_end=data["planned_end"],
                        budget=data["budget"],
                        is_collective=data["is_collective"],
                        milestones=data["milestones"],
                        needs=data["needs"],
                        submission=data["submission"],
                    ),
                )
            except ProjectError as error:
                form.add_error(None, error.message)
            else:
                _saved(request, project, created, _("The project is saved as a draft."))
                return redirect(project)
    else:
        form = ProjectForm(community=community, initial={"needs": request.GET.getlist("need")})
    return render(request, "projects/project_form.html", {"form": form})


@login_required
@require_POST
def project_action(request, pk, action):
    project = selectors.project_for_page(user=request.user, pk=pk)
    if not can(request.user, "projects.project.manage", project):
        raise PermissionDenied
    by = request.user
    if action == "approve":
        run_service(
            request,
            services.project_approve,
            success=_("Approved: open to claim."),
            project=project,
            by=by,
        )
    elif action in ("suspend", "cancel"):
        form = ReasonForm(request.POST)
        if not form.is_valid():
            errors_as_messages(request, form)
            return redirect(project)
        service = services.project_suspend if action == "suspend" else services.project_cancel
        run_service(
            request,
            service,
            success=_("Done."),
            project=project,
            by=by,
            reason=form.cleaned_data["reason"],
        )
    elif action == "resume":
        run_service(request, services.project_resume, success=_("Resumed."), project=project, by=by)
    elif action == "commit":
        form = CommitForm(request.POST, resources=_committable(project))
        if not form.is_valid():
            errors_as_messages(request, form)
            return redirect(project)
        run_service(
            request,
            services.resource_commit,
            success=_("The resource is committed."),
            resource=form.cleaned_data["resource"],
            project=project,
            by=by,
            quantity=form.cleaned_data["quantity"],
        )
    elif action == "complete":
        hours = {}
        for key, value in request.POST.items():
            if key.startswith("hours-") and key[6:].isdigit():
                hours[int(key[6:])] = value
        run_service(
            request,
            services.project_complete,
            success=_("Completed: the participants' hours are now service records."),
            project=project,
            by=by,
            hours=hours,
        )
    elif action == "evaluate":
        form = EvaluationForm(request.POST)
        if not form.is_valid():
            errors_as_messages(request, form)
            return redirect(project)
        run_service(
            request,
            services.project_evaluate,
            success=_("Evaluation recorded."),
            project=project,
            by=by,
            **form.cleaned_data,
        )
    else:
        raise Http404
    return redirect(project)


# ---------------------------------------------------------------------------------------------
# Joint meetings
# ---------------------------------------------------------------------------------------------
@login_required
def meetings(request):
    roles = get_roles(request.user)
    if not (roles.is_staff or roles.is_committee_admin or roles.is_superuser):
        raise PermissionDenied

    def context():
        year = timezone.localdate().year
        return {
            "page": page_of(request, selectors.meetings(user=request.user), PAGE_SIZE),
            "per_community": list(selectors.meetings_per_community(user=request.user, year=year))
            if roles.is_committee_admin
            else None,
        }

    return user_page(request, "projects/meetings.html", context, generations=PAGES)


@login_required
def meeting_new(request):
    community = staff_community_or_403(request.user)
    if request.method == "POST":
        form = MeetingForm(request.POST, community=community)
        if form.is_valid():
            data = dict(form.cleaned_data)
            token = data.pop("submission")
            meeting, created = create_once(
                JointMeeting,
                token,
                lambda: services.meeting_schedule(
                    community=community, by=request.user, submission=token, **data
                ),
            )
            _saved(request, meeting, created, _("The meeting is scheduled."))
            return redirect(meeting)
    else:
        form = MeetingForm(community=community)
    return render(request, "projects/meeting_form.html", {"form": form})


@login_required
def meeting_detail(request, pk):
    meeting = selectors.meeting_for_page(user=request.user, pk=pk)
    manage = can(request.user, "projects.meeting.manage", meeting)
    agenda = selectors.agenda_for(meeting=meeting) if meeting.minutes_editable else None
    teams = selectors.teams_for(community_id=meeting.community_id)
    decision_form = None
    if manage and agenda is not None:
        decision_form = DecisionForm(meeting=meeting, agenda=agenda, teams=teams)
    return render(
        request,
        "projects/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": agenda,
            "decisions": selectors.meeting_decisions(meeting=meeting),
            "can_edit": manage and meeting.minutes_editable,
            "can_approve": manage and meeting.state == JointMeeting.State.HELD,
            "minutes_form": MinutesForm(initial={"minutes": meeting.minutes})
            if manage and meeting.minutes_editable
            else None,
            "decision_form": decision_form,
        },
    )


@login_required
@require_POST
def meeting_minutes(request, pk):
    meeting = selectors.meeting_for_page(user=request.user, pk=pk)
    form = MinutesForm(request.POST, request.FILES)
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect(meeting)
    run_service(
        request,
        services.minutes_record,
        success=_("Minutes saved."),
        meeting=meeting,
        by=request.user,
        minutes=form.cleaned_data["minutes"],
        minutes_file=form.cleaned_data["minutes_file"],
    )
    return redirect(meeting)


@login_required
@require_POST
def meeting_decision(request, pk):
    meeting = selectors.meeting_for_page(user=request.user, pk=pk)
    agenda = selectors.agenda_for(meeting=meeting)
    teams = selectors.teams_for(community_id=meeting.community_id)
    form = DecisionForm(request.POST, meeting=meeting, agenda=agenda, teams=teams)
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect(meeting)
    data = dict(form.cleaned_data)
    token = data.pop("submission")
    try:
        decision, created = create_once(
            MeetingDecision,
            token,
            lambda: services.decision_add(
                meeting=meeting, by=request.user, submission=token, **data
            ),
        )
    except ProjectError as error:
        messages.error(request, error.message)
    else:
        _saved(request, decision, created, _("Decision recorded."))
    return redirect(meeting)


@login_required
@require_POST
def meeting_approve(request, pk):
    meeting = selectors.meeting_for_page(user=request.user, pk=pk)
    run_service(
        request,
        services.minutes_approve,
        success=_("Minutes approved: every decision has been carried out."),
        meeting=meeting,
        by=request.user,
    )
    return redirect(meeting)


@login_required
def meeting_file(request, pk):
    """The minutes file, kept private like partnership agreements: the meeting's staff only."""
    meeting = selectors.meeting_for_page(user=request.user, pk=pk)
    if not meeting.minutes_file:
        raise Http404
    try:
        handle = meeting.minutes_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True)
