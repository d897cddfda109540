"""The home pages: the public home, a member's home (/me/) and the staff's home (/staff/).

Each composes the selectors of the apps below; the registration form lives on the member's home,
so its POST is answered here too (with the page again, as typed, when it is refused).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.pagecache import cache_public_page, cached_count, cached_figures
from members import selectors as members_selectors
from members import services as members_services
from members.access import can, get_roles, staff_community_or_403
from members.forms import DeclineForm, RegistrationForm
from members.services import MembersError

from . import selectors

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
    member = members_selectors.member_profile(user=request.user)
    roles = get_roles(request.user)
    if member is None:
        if roles.is_staff:
            return redirect("portal:staff_home")
        if roles.is_org_admin:
            return redirect("members:partnership_list")
        messages.info(request, _("Please complete your member profile first."))
        return redirect("members:profile_edit")
    return _render_dashboard(request, member, RegistrationForm())


def _render_dashboard(request, member, form):
    registrations = list(members_selectors.member_registrations(member=member))
    current = next((r for r in registrations if r.state == r.State.CONFIRMED), None)
    pending = next((r for r in registrations if r.state == r.State.PENDING), None)
    return render(
        request,
        "portal/dashboard.html",
        {
            "member": member,
            "registrations": registrations,
            "current": current,
            "pending": pending,
            "can_register": pending is None and can(request.user, "members.registration.create"),
            "form": form,
            "home": selectors.member_home(user=request.user, member=member),
        },
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
        try:
            members_services.registration_request(
                member=roles.member, community=community, note=form.cleaned_data["note"]
            )
        except MembersError as exc:
            messages.error(request, exc.message)
        else:
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
    waiting_registrations = members_selectors.pending_registrations(community_id=community.pk)
    pending = list(waiting_registrations[: STAFF_HOME_PENDING + 1])
    pending_count = len(pending)
    if pending_count > STAFF_HOME_PENDING:
        pending = pending[:STAFF_HOME_PENDING]
        pending_count = waiting_registrations.count()
    return render(
        request,
        "portal/staff_home.html",
        {
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
        },
    )
