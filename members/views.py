"""Pages of the members app: public home and communities, a member's own pages, staff pages.

Views are thin: they fetch through `members.access`, validate with a form, call a service
and turn a `MembersError` into a translated message.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from core.audit import personal_data_viewed
from core.exports import xlsx_stream_response
from core.pagecache import app_pages_key, cache_public_page, cached_count, user_page
from core.pagination import KnownCountPaginator, page_of
from core.views import run_service

from . import selectors, services
from .access import can, get_for_user_or_404, get_roles, scope, staff_community_or_403
from .forms import DeclineForm, MemberProfileForm
from .models import Community, CommunityRegistration, Member, Partnership

PAGE_SIZE = 30


# ---------------------------------------------------------------------------------------------
# Public pages
# ---------------------------------------------------------------------------------------------
@cache_public_page
def community_list(request):
    search = request.GET.get("q", "").strip()[:60]
    page = page_of(request, selectors.community_list(search=search), PAGE_SIZE)
    page.object_list = selectors.with_member_counts(page.object_list)
    return render(
        request,
        "members/community_list.html",
        {"page": page, "search": search, "querystring": f"q={search}" if search else ""},
    )


@cache_public_page
def community_detail(request, pk):
    community = get_for_user_or_404(
        request.user,
        Community.objects.filter(is_active=True).select_related("subdistrict__district"),
        pk=pk,
    )
    partnerships = list(selectors.community_partnerships(community=community))
    can_view_private = can(request.user, "members.community.view_private", community)
    context = {
        "community": community,
        "current_partnerships": [p for p in partnerships if p.is_current()],
        "past_partnerships": [p for p in partnerships if not p.is_current()],
        "can_view_private": can_view_private,
        "can_manage": can(request.user, "members.community.manage", community),
        "member_count": cached_count(
            f"community-members:{community.pk}",
            lambda: selectors.community_member_count(community=community),
        ),
    }
    if can_view_private:
        members = list(selectors.registered_members(community_id=community.pk)[:50])
        context["members"] = _with_phone_flags(request.user, members)
    return render(request, "members/community_detail.html", context)


# ---------------------------------------------------------------------------------------------
# A member's own pages
# ---------------------------------------------------------------------------------------------
@login_required
def profile_edit(request):
    # Who may change it, from the cached role facts; the profile itself (with its categories)
    # read only for a form: a kept page needs neither.
    member = get_roles(request.user).member
    if member is not None and not can(request.user, "members.member.change", member):
        raise PermissionDenied
    form = (
        MemberProfileForm(request.POST, instance=selectors.member_profile(user=request.user))
        if request.method == "POST"
        else None
    )
    if form is not None and form.is_valid():
        try:
            services.member_profile_save(
                user=request.user,
                real_name=form.cleaned_data["real_name"],
                phone=form.cleaned_data["phone"],
                branch=form.cleaned_data["branch"],
                residence_community=form.cleaned_data["residence_community"],
                skills=form.cleaned_data["skills"],
                service_categories=form.cleaned_data["service_categories"],
                on_public_boards=form.cleaned_data["on_public_boards"],
            )
        except services.MembersError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("portal:dashboard")
    # Kept for a minute (core.pagecache.user_page); the form made only when it is rendered.
    return user_page(
        request,
        "members/profile_form.html",
        lambda: _profile_context(request, form),
        generations=[app_pages_key("records")],  # the star level shown
    )


def _profile_context(request, form) -> dict:
    member = selectors.member_profile(user=request.user)
    return {
        "form": form or MemberProfileForm(instance=member),
        "is_new": member is None,
        "star": member.top_star if member else None,
    }


@login_required
@require_POST
def registration_withdraw(request, pk):
    registration = get_for_user_or_404(
        request.user, CommunityRegistration.objects.select_related("member"), pk=pk
    )
    if not can(request.user, "members.registration.withdraw", registration):
        if registration.member.user_id != request.user.pk:
            raise PermissionDenied
        messages.error(request, services.MembersError("not_pending").message)
        return redirect("portal:dashboard")
    run_service(
        request,
        services.registration_withdraw,
        registration=registration,
        by=request.user,
        success=_("Your registration request has been withdrawn."),
    )
    return redirect("portal:dashboard")


# ---------------------------------------------------------------------------------------------
# Staff pages
# ---------------------------------------------------------------------------------------------
def _with_phone_flags(user, members):
    """Set `shown_phone` on each member: in full where the user may see it, else masked.
    Full numbers shown to someone other than the member are logged."""
    shown = []
    for m in members:
        full = can(user, "members.member.view_phone", m)
        m.shown_phone = m.phone if full else m.masked_phone
        if full and m.user_id != user.pk:
            shown.append(m.pk)
    if shown:
        personal_data_viewed(user=user, what="member phones", ids=shown)
    return members


def _members_page(request, community, search: str):
    """One page of the community's members, by name (on member_by_name); their number counted
    once per change to the registrations (cached_count), not on every page."""
    members = selectors.registered_members(community_id=community.pk, search=search)
    if search:
        key = f"community-members:{community.pk}:{hashlib.sha256(search.encode()).hexdigest()[:24]}"
        count = cached_count(key, members.count)
    else:
        count = cached_count(
            f"community-members:{community.pk}",
            lambda: selectors.community_member_count(community=community),
        )
    # Each member's star level (Member.top_star): one query for the page.
    return KnownCountPaginator(members.prefetch_related("stars"), PAGE_SIZE, count=count).get_page(
        request.GET.get("page")
    )


EXPORT_CHUNK = 2000


@login_required
def staff_members(request):
    community = staff_community_or_403(request.user)
    search = request.GET.get("q", "").strip()[:40]

    def context():
        page = _members_page(request, community, search)
        _with_phone_flags(request.user, page.object_list)
        return {
            "community": community,
            "page": page,
            "search": search,
            "querystring": f"q={search}" if search else "",
        }

    # Kept for a minute per staff member and page (core.pagecache.user_page: any registration
    # or member saved renews it); the phones it shows logged on every visit all the same.
    # Each member's star level is the records app's (records.stars).
    return user_page(
        request, "members/staff_members.html", context, generations=[app_pages_key("records")]
    )


@login_required
def staff_members_export(request):
    """The community's registered members (as searched) as an Excel workbook, streamed; phone
    numbers masked (a number in full is looked up one member at a time)."""
    community = staff_community_or_403(request.user)
    search = request.GET.get("q", "").strip()[:40]
    members = selectors.registered_members(community_id=community.pk, search=search)
    field = Member._meta.get_field

    def registered_on(member):
        return next(
            (
                r.decided_at
                for r in member.active_registrations
                if r.community_id == community.pk and r.state == r.State.CONFIRMED
            ),
            None,
        )

    def rows():
        for m in members.prefetch_related("stars").iterator(chunk_size=EXPORT_CHUNK):
            yield [
                m.real_name,
                m.branch.name if m.branch_id else "",
                m.masked_phone,
                "、".join(c.name for c in m.service_categories.all()),
                m.top_star.label if m.top_star else "",
                registered_on(m),
            ]

    return xlsx_stream_response(
        filename=f"members-{community.pk}-{timezone.localdate():%Y%m%d}.xlsx",
        title=_("Registered members"),
        headers=[
            str(field("real_name").verbose_name),
            pgettext("of a member", "Party branch"),
            _("phone"),
            _("Services"),
            _("The platform's star level"),
            _("decided at"),
        ],
        rows=rows(),
    )


def _registration_for_staff(request, pk) -> CommunityRegistration:
    """A registration of the staff member's own community; any other is a 404."""
    roles = get_roles(request.user)
    registration = get_for_user_or_404(
        request.user,
        CommunityRegistration.objects.filter(community_id=roles.staff_community_id).select_related(
            "member__user", "member__branch", "community"
        ),
        pk=pk,
    )
    if not can(request.user, "members.registration.decide", registration):
        raise PermissionDenied
    return registration


def _decision_response(request, registration, error=None, form=None, success=None):
    """htmx gets the updated row (which shows the new state); a plain form post gets the
    staff page again with a message."""
    if request.headers.get("HX-Request"):
        html = render_to_string(
            "members/partials/pending_row.html",
            {
                "r": registration,
                "error": error,
                "decline_form": form or DeclineForm(),
            },
            request=request,
        )
        return HttpResponse(html)
    if error:
        messages.error(request, error)
    if success:
        messages.success(request, success)
    return redirect("portal:staff_home")


@login_required
@require_POST
def registration_confirm(request, pk):
    registration = _registration_for_staff(request, pk)
    try:
        registration = services.registration_confirm(registration=registration, by=request.user)
    except services.MembersError as exc:
        registration.refresh_from_db()
        return _decision_response(request, registration, error=exc.message)
    return _decision_response(
        request,
        registration,
        success=_("%(name)s is now registered.") % {"name": registration.member.real_name},
    )


@login_required
@require_POST
def registration_decline(request, pk):
    registration = _registration_for_staff(request, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _decision_response(
            request,
            registration,
            error=_("Give a reason so that the member knows why."),
            form=form,
        )
    try:
        registration = services.registration_decline(
            registration=registration, by=request.user, reason=form.cleaned_data["reason"]
        )
    except services.MembersError as exc:
        registration.refresh_from_db()
        return _decision_response(request, registration, error=exc.message)
    return _decision_response(
        request,
        registration,
        success=_("The registration of %(name)s was declined.")
        % {"name": registration.member.real_name},
    )


# ---------------------------------------------------------------------------------------------
# Partnerships: staff of the community and admins of the organization
# ---------------------------------------------------------------------------------------------
@login_required
def partnership_list(request):
    if not can(request.user, "members.partnership.view"):
        raise PermissionDenied
    qs = scope(
        request.user,
        Partnership.objects.select_related(
            "organization", "community__subdistrict__district"
        ).order_by("-term_end", "pk"),
    )
    page = page_of(request, qs, PAGE_SIZE)
    return render(
        request,
        "members/partnership_list.html",
        {"page": page, "can_add": can(request.user, "members.partnership.add")},
    )


@login_required
def partnership_detail(request, pk):
    partnership = get_for_user_or_404(
        request.user,
        Partnership.objects.select_related("organization", "community__subdistrict__district"),
        pk=pk,
    )
    return render(
        request,
        "members/partnership_detail.html",
        {
            "partnership": partnership,
            "can_change": can(request.user, "members.partnership.change", partnership),
        },
    )


@login_required
def partnership_agreement(request, pk):
    """The agreement file, only for those who may see the partnership."""
    partnership = get_for_user_or_404(request.user, Partnership.objects.all(), pk=pk)
    if not partnership.agreement_file:
        raise Http404
    personal_data_viewed(user=request.user, what="partnership agreement", ids=[pk])
    return FileResponse(
        partnership.agreement_file.open("rb"),
        as_attachment=True,
        filename=Path(partnership.agreement_file.name).name,
    )
