"""The home pages: the public home, a member's home (/me/) and the staff's home (/staff/).

Each composes the selectors of the apps below; the registration form lives on the member's home,
so its POST is answered here too (with the page again, as typed, when it is refused).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from checkins import selectors as checkins_selectors
from core.errors import DomainError
from core.once import already_saved_message, create_once
from core.pagecache import cache_public_page, cached_count, cached_figures, user_page
from core.pdf import PdfUnavailable
from members import selectors as members_selectors
from members import services as members_services
from members.access import can, get_roles, staff_community_or_403
from members.forms import DeclineForm, RegistrationForm
from members.models import CommunityRegistration, ServiceTeam
from members.services import MembersError
from orders.selectors import member_home_card
from projects import selectors as projects_selectors
from projects import services as projects_services
from projects.forms import WishToNeedForm
from projects.models import Need
from records import selectors as records_selectors
from records.boards import BoardPeriod
from reports.services import evaluations_generation_key
from wishes import selectors as wishes_selectors
from wishes import services as wishes_services

from . import insight, organizations, selectors, teams

# The home page's figures are counted at most once every this many seconds (the page says when).
FIGURES_SECONDS = 300


@cache_public_page
def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "figures": cached_figures(
                "portal:site-figures", members_selectors.site_figures, seconds=FIGURES_SECONDS
            ),
            "communities": members_selectors.with_member_counts(
                members_selectors.community_list()[:12]
            ),
        },
    )


@login_required
def dashboard(request):
    roles = get_roles(request.user)
    member = roles.member  # from the cached role facts: a kept page costs no query for it
    if member is None:
        if roles.is_staff:
            return redirect("portal:staff_home")
        if roles.is_org_admin:
            return redirect("portal:org_home")
        messages.info(request, _("Please complete your member profile first."))
        return redirect("members:profile_edit")
    return _render_dashboard(request, member)


def _render_dashboard(request, member, form=None):
    """The member home, kept for a minute per member (core.pagecache.user_page: each of their
    POSTs, each notification, each state move, each of their service records starts it
    afresh); made afresh when it shows the form with what they typed."""

    def context():
        nonlocal form, member
        member = members_selectors.member_profile(user=request.user)  # with its categories
        if form is None:
            # 报到 filled in with the community the member said they live in.
            form = RegistrationForm(initial={"community": member.residence_community_id})
        registrations = list(members_selectors.member_registrations(member=member))
        current = next((r for r in registrations if r.state == r.State.CONFIRMED), None)
        pending = next((r for r in registrations if r.state == r.State.PENDING), None)
        return {
            "member": member,
            "registrations": registrations,
            "current": current,
            "pending": pending,
            "can_register": pending is None and can(request.user, "members.registration.create"),
            "form": form,
            "home": selectors.member_home(user=request.user, member=member),
            "projects_card": projects_selectors.member_home_card(user=request.user, member=member),
            "orders_card": member_home_card(user=request.user),
            "checkins_card": checkins_selectors.member_home_card(member=member),
        }

    return user_page(
        request,
        "portal/dashboard.html",
        context,
        generations=[records_selectors.member_records_key(member.pk)],
    )


@login_required
@require_POST
def registration_create(request):
    roles = get_roles(request.user)
    if not roles.is_member:
        messages.info(request, _("Please complete your member profile first."))
        return redirect("members:profile_edit")
    form = RegistrationForm(request.POST)
    if form.is_valid():
        community = form.cleaned_data["community"]
        if not can(request.user, "members.registration.create", community):
            raise PermissionDenied
        token = form.cleaned_data["submission"]
        try:
            registration, created = create_once(
                CommunityRegistration,
                token,
                lambda: members_services.registration_request(
                    member=roles.member,
                    community=community,
                    note=form.cleaned_data["note"],
                    submission=token,
                ),
            )
        except MembersError as exc:
            messages.error(request, exc.message)
        else:
            if not created:
                messages.info(
                    request,
                    _(
                        "Your registration with %(community)s was already sent (see below). "
                        "It was not sent a second time."
                    )
                    % {"community": registration.community.name},
                )
                return redirect("portal:dashboard")
            messages.success(
                request,
                _("Your registration with %(community)s is waiting for the staff to confirm.")
                % {"community": community.name},
            )
        return redirect("portal:dashboard")
    # The page again with the form as typed and what is wrong with it.
    return _render_dashboard(request, roles.member, form)


# The staff home lists this many registrations waiting (the oldest first) and counts the rest.
STAFF_HOME_PENDING = 20


@login_required
def staff_home(request):
    community = staff_community_or_403(request.user)

    def context():
        waiting_registrations = members_selectors.pending_registrations(community_id=community.pk)
        pending = list(waiting_registrations[: STAFF_HOME_PENDING + 1])
        pending_count = len(pending)
        if pending_count > STAFF_HOME_PENDING:
            pending = pending[:STAFF_HOME_PENDING]
            pending_count = waiting_registrations.count()
        return {
            "community": community,
            "pending": pending,
            "waiting": selectors.staff_waiting(
                community=community, pending_registrations=pending_count
            ),
            "confirmed_count": cached_count(
                f"community-members:{community.pk}",
                lambda: members_selectors.community_member_count(community=community),
            ),
            "partnerships": list(members_selectors.community_partnerships(community=community)),
            "decline_form": DeclineForm(),
        }

    # Kept for a minute per staff member, until a state moves, a registration or a rating
    # changes (core.pagecache.user_page).
    return user_page(
        request,
        "portal/staff_home.html",
        context,
        generations=[evaluations_generation_key(community.pk)],
    )


@login_required
def wish_to_need(request, pk):
    """A wish too big to be a micro-wish becomes a listed need in one step. Here, because the
    portal may read both: the wish's text goes to `projects.services.need_from_wish` (never its
    resident), and the wish is cancelled with a note naming the need, in one transaction."""
    wish = wishes_selectors.wish_for_page(user=request.user, pk=pk)
    if not can(request.user, "wishes.wish.manage", wish) or not wish.is_cancellable:
        raise PermissionDenied
    if request.method == "POST":
        form = WishToNeedForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    need, created = create_once(
                        Need,
                        data["submission"],
                        lambda: projects_services.need_from_wish(
                            community=wish.community,
                            by=request.user,
                            wish_pk=wish.pk,
                            title=data["title"],
                            description=data["description"],
                            category=data["category"],
                            beneficiaries=data["beneficiaries"],
                            urgency=data["urgency"],
                            wanted_by=data["wanted_by"],
                            submission=data["submission"],
                        ),
                    )
                    if created:
                        wishes_services.wish_cancel(
                            wish=wish,
                            by=request.user,
                            reason=_("Turned into the need: %(title)s") % {"title": need.title},
                        )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                if created:
                    messages.success(request, _("The wish is now a listed need."))
                else:
                    messages.info(request, already_saved_message(need))
                return redirect(need)
    else:
        form = WishToNeedForm(initial={"title": wish.title, "description": wish.description})
    return render(request, "portal/wish_to_need.html", {"wish": wish, "form": form})


# ---------------------------------------------------------------------------------------------
# Service teams
# ---------------------------------------------------------------------------------------------
@login_required
def team_list(request):
    return render(request, "portal/team_list.html", {"teams": teams.team_list()})


@login_required
def team_detail(request, pk):
    team = get_object_or_404(
        ServiceTeam.objects.select_related("category", "community", "captain"), pk=pk
    )
    roles = get_roles(request.user)
    in_team = roles.member is not None and (
        roles.member.pk == team.captain_id or team.memberships.filter(member=roles.member).exists()
    )
    full_names = in_team or (
        team.community is not None and can(request.user, "records.board.full", team.community)
    )
    return render(
        request,
        "portal/team_detail.html",
        {"page": teams.team_page(team=team, full_names=full_names), "full_names": full_names},
    )


# ---------------------------------------------------------------------------------------------
# Dashboards
# ---------------------------------------------------------------------------------------------
def _insight(request):
    scope = insight.scope_for(request.user, request.GET.get("unit", ""))
    if scope is None:
        raise PermissionDenied
    period = request.GET.get("period", BoardPeriod.HALF)
    if period not in BoardPeriod.values:
        period = BoardPeriod.HALF
    data = insight.dashboard(scope, period)
    charts = [
        {
            "id": chart["id"],
            "title": chart["title"],
            "series": chart["series"],
            "data": chart,
            "json_id": f"data-{chart['id']}",
            "rows": insight.table_rows(chart),
        }
        for chart in data["charts"]
    ]
    return scope, period, {**data, "charts": charts}


@login_required
def insight_page(request):
    scope, period, data = _insight(request)
    return render(
        request,
        "portal/insight.html",
        {
            "data": data,
            "period": period,
            "periods": BoardPeriod.choices,
            "unit": request.GET.get("unit", "") if scope.key != "all" else "",
        },
    )


@login_required
def insight_pdf(request):
    scope, period, data = _insight(request)
    try:
        pdf = insight.summary_pdf(data)
    except PdfUnavailable:
        messages.error(request, _("The PDF cannot be made right now. Please try later."))
        return redirect("portal:insight")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="summary-{period}.pdf"'
    return response


@login_required
def org_home(request):
    """An organization admin's work: the members' reports waiting for review first."""
    if not get_roles(request.user).is_org_admin:
        raise PermissionDenied
    return render(
        request,
        "portal/org_home.html",
        {"work": organizations.organization_work(user=request.user)},
    )
