"""Pages of the check-in app. Thin: fetch through the permission module, call a service, turn
a domain error into a message (core.views.run_service) or, for the scanner's JSON, a result."""

from __future__ import annotations

import datetime
import functools
import json
import logging
import uuid
from pathlib import Path

import segno
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.audit import personal_data_viewed
from core.exports import xlsx_response
from core.forms import errors_as_messages
from core.once import already_saved_message, create_once
from core.pagecache import app_pages_key, user_page
from core.pagination import page_of
from core.pdf import PdfUnavailable, html_to_pdf
from core.views import run_service
from members.access import can, get_for_user_or_404, get_roles, member_or_404
from members.models import Community, Member, Organization

from . import selectors, services
from .forms import (
    ActivityForm,
    BulkForm,
    ConfirmForm,
    CorrectForm,
    HostForm,
    SheetForm,
    SignupForm,
    VenueForm,
)
from .models import Activity, Attendance, Scan, Session, Signup, Venue
from .services import CheckinError

log = logging.getLogger(__name__)
PAGE_SIZE = 20
# Offline scans posted at once at most.
SYNC_BATCH = 500


@functools.lru_cache(maxsize=2048)
def _qr_svg(url: str, scale: int = 8) -> str:
    """An inline SVG of a QR code (segno: crisp on screen and paper, no image files), drawn
    once per process for each address: a member opens their code again and again, and it
    changes only when they renew it (a new address)."""
    return segno.make(url, error="m").svg_inline(scale=scale, dark="#000", light="#fff")


# ---------------------------------------------------------------------------------------------
# Members
# ---------------------------------------------------------------------------------------------
def activity_list(request):
    member = get_roles(request.user).member

    def context():
        activities = selectors.activities_near(user=request.user, member=member)
        return {"page": page_of(request, activities, PAGE_SIZE)}

    # Kept for a minute per signed-in user, until a row of the app changes (a sign-up, a seat).
    return user_page(
        request,
        "checkins/activity_list.html",
        context,
        generations=[app_pages_key("checkins")],
    )


def activity_detail(request, pk):
    activity = selectors.activity_for_page(user=request.user, pk=pk)
    roles = get_roles(request.user)
    mine = (
        selectors.my_active_signup(member=roles.member, activity=activity) if roles.member else None
    )
    may_sign_up = mine is None and can(request.user, "checkins.activity.signup", activity)
    team_venues = (
        selectors.team_venue_ids(activity=activity, team_ids=roles.captain_team_ids)
        if roles.captain_team_ids
        and can(request.user, "checkins.venue.captain")
        and activity.state in (Activity.State.PUBLISHED, Activity.State.ENDED)
        else set()
    )
    venues = list(activity.venues.select_related("community"))
    for v in venues:
        v.team_checkin = v.pk in team_venues
    return render(
        request,
        "checkins/activity_detail.html",
        {
            "activity": activity,
            "venues": venues,
            "sessions": list(activity.sessions.all()),
            "mine": mine,
            "may_sign_up": may_sign_up,
            "form": SignupForm(activity=activity) if may_sign_up else None,
            "can_manage": can(request.user, "checkins.activity.manage", activity),
        },
    )


@login_required
@require_POST
def signup(request, pk):
    activity = selectors.activity_for_page(user=request.user, pk=pk)
    member = get_roles(request.user).member
    if member is None:
        messages.info(request, _("Please complete your member profile first."))
        return redirect("members:profile_edit")
    form = SignupForm(request.POST, activity=activity)
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect(activity)
    try:
        signup_row, created = create_once(
            Signup,
            form.cleaned_data["submission"],
            lambda: services.signup_create(
                activity=activity,
                venue=form.cleaned_data["venue"],
                member=member,
                by=request.user,
                submission=form.cleaned_data["submission"],
            ),
        )
    except CheckinError as error:
        messages.error(request, error.message)
        return redirect(activity)
    if not created:
        messages.info(request, already_saved_message(signup_row))
    elif signup_row.state == Signup.State.REGISTERED:
        messages.success(request, _("You are signed up. Show your check-in code at the venue."))
    else:
        messages.warning(
            request, _("The venue is full: you are on the waiting list and will be told.")
        )
    return redirect("checkins:mine")


@login_required
@require_POST
def signup_cancel(request, pk):
    signup_row = get_for_user_or_404(request.user, Signup.objects.select_related("activity"), pk=pk)
    run_service(
        request,
        services.signup_cancel,
        signup=signup_row,
        by=request.user,
        success=_("Your sign-up is cancelled."),
    )
    return redirect("checkins:mine")


@login_required
def mine(request):
    member = member_or_404(request.user)

    def context():
        signups = list(selectors.my_signups(member=member)[:50])
        for s in signups:
            s.can_cancel = s.state in Signup.ACTIVE_STATES
        page = page_of(request, selectors.my_attendances(member=member), PAGE_SIZE)
        return {"signups": signups, "page": page}

    # Kept for a minute, until a row of the app changes (their scans renew their pages too).
    return user_page(
        request, "checkins/mine.html", context, generations=[app_pages_key("checkins")]
    )


@login_required
@never_cache
def my_code(request):
    member = member_or_404(request.user)

    def context():
        code = services.member_code_current(member=member)
        url = request.build_absolute_uri(reverse("checkins:code_landing", args=[code.secret]))
        return {"member": member, "secret": code.secret, "qr": _qr_svg(url, scale=10), "url": url}

    # Kept for a minute (never in the browser), until a row of the app changes: a new code is
    # one (member_code_renew), and so is an admin's revoking it.
    return user_page(
        request, "checkins/my_code.html", context, generations=[app_pages_key("checkins")]
    )


@login_required
@require_POST
def my_code_renew(request):
    member = member_or_404(request.user)
    services.member_code_renew(member=member)
    messages.success(request, _("You have a new code. The old one no longer works."))
    return redirect("checkins:my_code")


def code_landing(request, secret):
    """The URL inside a member's QR, opened by any camera app or WeChat. A logged-in host
    gets buttons to check the member in or out at their venues; anyone else learns only that
    this is a check-in code."""
    venues = (
        list(selectors.hosted_venues(user=request.user)) if request.user.is_authenticated else []
    )
    return render(request, "checkins/code_landing.html", {"secret": secret[:64], "venues": venues})


# ---------------------------------------------------------------------------------------------
# Hosts
# ---------------------------------------------------------------------------------------------
def _hosted_venue(request, pk) -> Venue:
    venue = get_for_user_or_404(
        request.user, Venue.objects.select_related("activity", "community"), pk=pk
    )
    if not can(request.user, "checkins.venue.host", venue):
        raise Http404
    return venue


@login_required
def host_home(request):
    # Kept for a minute, until a row of the app changes (a host named, an activity moved).
    return user_page(
        request,
        "checkins/host_home.html",
        lambda: {"venues": selectors.hosted_venues(user=request.user)},
        generations=[app_pages_key("checkins")],
    )


# The in-page camera's QR reader is WebAssembly (static/vendor/barcode-detector): compiling it
# needs 'wasm-unsafe-eval', given to the scanner page alone (no eval of JavaScript with it).
@csp_update({"script-src": ["'wasm-unsafe-eval'"]})
@login_required
@never_cache
def scanner(request, pk):
    venue = _hosted_venue(request, pk)
    device, token = services.device_open(
        venue=venue, by=request.user, name=request.headers.get("User-Agent", "")[:60]
    )
    return render(
        request,
        "checkins/scanner.html",
        {
            "venue": venue,
            "token": token,
            "recent": _recent(venue, device),
            "server_time": int(timezone.now().timestamp() * 1000),
        },
    )


def _recent(venue, device=None) -> list:
    rows = list(selectors.recent_scans(venue=venue))
    limit = timezone.now() - services.UNDO_WINDOW
    for scan in rows:
        scan.message = services.scan_message(scan)
        scan.undoable = (
            scan.result == Scan.Result.OK
            and scan.annulled_at is None
            and device is not None
            and scan.device_id == device.pk
            and scan.received_at >= limit
        )
        scan.name = (
            scan.member.real_name
            if scan.member_id and scan.result not in (Scan.Result.UNKNOWN, Scan.Result.REVOKED)
            else ""
        )
    return rows


def _json_body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _kind(value) -> str:
    return Scan.Kind.EXIT if value == "exit" else Scan.Kind.ENTRY


@login_required
@require_POST
def scan(request, pk):
    """The scanner's one call: {code, kind, nonce, token} → the result in plain words."""
    venue = _hosted_venue(request, pk)
    as_form = request.content_type != "application/json"
    data = request.POST.dict() if as_form else _json_body(request)
    try:
        device = services.device_for_token(
            token=str(data.get("token", "")), venue=venue, by=request.user
        )
        outcome = services.scan_redeem(
            code=str(data.get("code", ""))[:300],
            kind=_kind(data.get("kind")),
            venue=venue,
            nonce=str(data.get("nonce", ""))[:64],
            by=request.user,
            device=device,
        )
    except CheckinError as error:
        if as_form:
            messages.error(request, error.message)
            return redirect("checkins:scanner", pk=venue.pk)
        return JsonResponse({"ok": False, "result": error.code, "message": error.message})
    if as_form:
        # Without JavaScript: the form posts, the result is a message on a fresh scanner.
        messages.info(request, f"{outcome.member_name} {outcome.message}".strip())
        return redirect("checkins:scanner", pk=venue.pk)
    return JsonResponse(outcome.as_json())


@login_required
@require_POST
def sync(request, pk):
    """Offline scans, posted in batches when the network is back: each as having happened at
    its device time, counted once by its nonce."""
    venue = _hosted_venue(request, pk)
    data = _json_body(request)
    try:
        device = services.device_for_token(
            token=str(data.get("token", "")), venue=venue, by=request.user
        )
    except CheckinError as error:
        return JsonResponse({"ok": False, "message": error.message}, status=403)
    results = []
    scans = data.get("scans")
    for item in (scans if isinstance(scans, list) else [])[:SYNC_BATCH]:
        if not isinstance(item, dict):
            continue
        nonce = str(item.get("nonce", ""))[:64]
        client_time = None
        if isinstance(item.get("time"), int | float):
            try:
                client_time = datetime.datetime.fromtimestamp(item["time"] / 1000, tz=datetime.UTC)
            except (OverflowError, OSError, ValueError):
                client_time = None
        elif isinstance(item.get("time"), str):
            client_time = parse_datetime(item["time"][:40])
        try:
            outcome = services.scan_redeem(
                code=str(item.get("code", ""))[:300],
                kind=_kind(item.get("kind")),
                venue=venue,
                nonce=nonce,
                by=request.user,
                device=device,
                client_time=client_time,
                offline=True,
            )
            results.append({"nonce": nonce, **outcome.as_json()})
        except CheckinError as error:
            results.append({"nonce": nonce, "ok": False, "result": error.code})
    return JsonResponse({"ok": True, "results": results})


@login_required
@never_cache
def roster_json(request, pk):
    """The masked roster the offline scanner keeps (code hashes, masked names, units)."""
    venue = _hosted_venue(request, pk)
    return JsonResponse(
        {
            "venue": venue.pk,
            "server_time": int(timezone.now().timestamp() * 1000),
            "members": selectors.offline_roster(venue=venue),
        }
    )


@login_required
def recent(request, pk):
    venue = _hosted_venue(request, pk)
    device = None
    token = request.GET.get("token", "")
    if token:
        try:
            device = services.device_for_token(token=token, venue=venue, by=request.user)
        except CheckinError:
            device = None
    return render(
        request,
        "checkins/_recent_scans.html",
        {"venue": venue, "recent": _recent(venue, device), "token": token},
    )


@login_required
@require_POST
def scan_undo(request, pk):
    scan_row = get_for_user_or_404(
        request.user, Scan.objects.select_related("venue", "segment", "attendance"), pk=pk
    )
    device = None
    token = request.POST.get("token", "")
    if token:
        try:
            device = services.device_for_token(token=token, venue=scan_row.venue, by=request.user)
        except CheckinError:
            device = None
    run_service(
        request,
        services.scan_undo,
        scan=scan_row,
        by=request.user,
        device=device,
        reason=request.POST.get("reason", "")[:200],
        success=_("The scan is undone."),
    )
    if request.headers.get("HX-Request"):
        return render(
            request,
            "checkins/_recent_scans.html",
            {"venue": scan_row.venue, "recent": _recent(scan_row.venue, device), "token": token},
        )
    return redirect("checkins:roster", pk=scan_row.venue_id)


@login_required
def search(request, pk):
    venue = _hosted_venue(request, pk)
    query = request.GET.get("q", "")
    members = selectors.member_search(venue=venue, query=query)
    personal_data_viewed(
        user=request.user, what="member names (check-in search)", ids=[m.pk for m in members]
    )
    return render(
        request,
        "checkins/search.html",
        {"venue": venue, "query": query[:40], "members": members},
    )


@login_required
@require_POST
def check_member(request, pk):
    """Check in or out a member found by search (or one row of the roster)."""
    venue = _hosted_venue(request, pk)
    member = Member.objects.filter(pk=request.POST.get("member", "0") or 0).first()
    if member is None or not selectors.member_search_allowed(venue=venue, member=member):
        raise Http404
    try:
        outcome = services.member_check(
            member=member,
            kind=_kind(request.POST.get("kind")),
            venue=venue,
            nonce=request.POST.get("nonce", "")[:64],
            by=request.user,
            method=Scan.Method.SEARCH,
        )
        level = messages.SUCCESS if outcome.ok else messages.WARNING
        messages.add_message(request, level, f"{member.real_name}: {outcome.message}")
    except CheckinError as error:
        messages.error(request, error.message)
    back = "checkins:roster" if request.POST.get("back") == "roster" else "checkins:search"
    return redirect(back, pk=venue.pk)


@login_required
def roster(request, pk):
    venue = _hosted_venue(request, pk)
    query = request.GET.get("q", "")
    rows = selectors.venue_roster(venue=venue, query=query)
    page = page_of(request, rows, 50)
    labels = dict(Attendance.State.choices)
    for row in page:
        row.attendance_label = labels.get(row.attendance_state, "")
    personal_data_viewed(
        user=request.user, what="member names (roster)", ids=[s.member_id for s in page]
    )
    return render(
        request,
        "checkins/roster.html",
        {"venue": venue, "page": page, "query": query[:40]},
    )


@login_required
@require_POST
def roster_bulk(request, pk):
    venue = _hosted_venue(request, pk)
    ids = list(
        Signup.objects.filter(venue=venue, state=Signup.State.REGISTERED).values_list(
            "member_id", flat=True
        )
    )
    form = BulkForm(request.POST, member_ids=ids)
    if not form.is_valid():
        messages.error(request, _("Tick at least one member."))
        return redirect("checkins:roster", pk=venue.pk)
    action = form.cleaned_data["action"]
    chosen = form.cleaned_data["members"]
    if action == "no_show":
        n = services.attendances_no_show(
            activity=venue.activity, venue=venue, member_ids=chosen, by=request.user
        )
        messages.success(request, _("%(n)s members marked as no-shows.") % {"n": n})
        return redirect("checkins:roster", pk=venue.pk)
    done = 0
    batch = request.POST.get("batch", "")[:40] or timezone.now().isoformat()
    for member in Member.objects.filter(pk__in=chosen):
        outcome = services.member_check(
            member=member,
            kind=action,
            venue=venue,
            nonce=f"bulk:{batch}:{action}:{member.pk}",
            by=request.user,
            method=Scan.Method.BULK,
        )
        done += outcome.ok
    messages.success(request, _("%(n)s members done.") % {"n": done})
    return redirect("checkins:roster", pk=venue.pk)


@login_required
def team(request, pk):
    """A service team's captain checks in and out their team's members at a venue: the same
    check-in path as the hosts' (a nonce per member and form, so a form sent twice counts
    once)."""
    venue = get_for_user_or_404(
        request.user, Venue.objects.select_related("activity", "community"), pk=pk
    )
    if not can(request.user, "checkins.venue.captain", venue):
        raise Http404
    team_ids = get_roles(request.user).captain_team_ids
    if request.method == "POST":
        ids = list(
            selectors.team_members_at(venue=venue, team_ids=team_ids).values_list("pk", flat=True)
        )
        form = BulkForm(request.POST, member_ids=ids)
        if not form.is_valid() or form.cleaned_data["action"] == "no_show":
            messages.error(request, _("Tick at least one member of your team."))
            return redirect("checkins:team", pk=venue.pk)
        action = form.cleaned_data["action"]
        batch = request.POST.get("batch", "")[:40] or uuid.uuid4().hex
        done = 0
        for member in Member.objects.filter(pk__in=form.cleaned_data["members"]):
            try:
                outcome = services.team_check(
                    member=member,
                    kind=action,
                    venue=venue,
                    nonce=f"team:{batch}:{action}:{member.pk}",
                    by=request.user,
                )
            except CheckinError as error:
                messages.error(request, f"{member.real_name}: {error.message}")
                continue
            done += outcome.ok
            if not outcome.ok:
                messages.warning(request, f"{member.real_name}: {outcome.message}")
        messages.success(request, _("%(n)s members done.") % {"n": done})
        return redirect("checkins:team", pk=venue.pk)
    rows = list(selectors.team_roster(venue=venue, team_ids=team_ids))
    labels = dict(Attendance.State.choices)
    for row in rows:
        row.attendance_label = labels.get(row.attendance_state, "")
    return render(
        request,
        "checkins/team.html",
        {"venue": venue, "rows": rows, "batch": uuid.uuid4().hex},
    )


@login_required
def venue_display(request, pk):
    """The venue's rotating code for the host's screen: a QR and six digits, new every minute
    (the page reloads its fragment every 10 s)."""
    venue = _hosted_venue(request, pk)
    context = _display_context(request, venue)
    template = (
        "checkins/_venue_code.html"
        if request.headers.get("HX-Request")
        else "checkins/venue_display.html"
    )
    return render(request, template, context)


def _display_context(request, venue):
    digits = venue.rotating_code()
    url = request.build_absolute_uri(reverse("checkins:join", args=[venue.pk]) + f"?c={digits}")
    return {"venue": venue, "digits": digits, "qr": _qr_svg(url, scale=10)}


@login_required
def join(request, pk):
    """The member's side of the venue code: they scanned the QR (or type the digits) and
    confirm on their own phone."""
    venue = get_for_user_or_404(request.user, Venue.objects.select_related("activity"), pk=pk)
    member_or_404(request.user)
    outcome = None
    digits = (request.POST.get("digits") or request.GET.get("c") or "")[:6]
    if request.method == "POST":
        try:
            outcome = services.venue_code_redeem(
                user=request.user,
                venue=venue,
                digits=digits,
                kind=_kind(request.POST.get("kind")),
                nonce=request.POST.get("nonce", "")[:64],
            )
        except CheckinError as error:
            messages.error(request, error.message)
    return render(
        request,
        "checkins/join.html",
        {"venue": venue, "digits": digits, "outcome": outcome, "nonce": uuid.uuid4().hex},
    )


@login_required
def sheet(request, pk):
    """A printable sign-in sheet for a venue with no network, entered afterwards."""
    venue = _hosted_venue(request, pk)
    rows = list(selectors.venue_roster(venue=venue))
    personal_data_viewed(
        user=request.user, what="member names (sign-in sheet)", ids=[s.member_id for s in rows]
    )
    return render(
        request,
        "checkins/sheet.html",
        {"venue": venue, "rows": rows, "blank_rows": range(max(10, len(rows) // 5))},
    )


@login_required
def sheet_pdf(request, pk):
    """The sign-in sheet as a PDF to print: the members signed up (masked names, their unit),
    blank columns for the times and signatures, blank lines for walk-ins."""
    venue = _hosted_venue(request, pk)
    rows = list(selectors.venue_roster(venue=venue))
    for row in rows:
        row.masked_name = selectors.mask_name(row.member.real_name)
    try:
        pdf = html_to_pdf(
            render_to_string(
                "checkins/sheet_pdf.html",
                {
                    "venue": venue,
                    "sessions": list(venue.activity.sessions.all()),
                    "rows": rows,
                    "blank_rows": range(max(10, len(rows) // 5)),
                },
                request=request,
            )
        )
    except PdfUnavailable as error:
        log.error("Sign-in sheet PDF unavailable: %s", error)
        messages.error(
            request,
            _("The PDF cannot be made on this server right now: print this page instead."),
        )
        return redirect("checkins:sheet", pk=venue.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="sign-in-sheet-{venue.pk}.pdf"'
    return response


@login_required
def sheet_enter(request, pk):
    """A host types in a paper sign-in sheet: a check-in and a check-out time per line, walk-ins
    found by name or phone's last 4 digits. Each time goes through the one scan path (method
    sheet); the same sheet entered twice changes nothing."""
    venue = _hosted_venue(request, pk)
    query = (request.POST.get("q") or request.GET.get("q") or "")[:40]
    walk_in_ids = request.POST.getlist("walkin") + request.GET.getlist("walkin")
    members = selectors.sheet_members(venue=venue, walk_in_ids=walk_in_ids, query=query)
    personal_data_viewed(
        user=request.user, what="member names (sign-in sheet entry)", ids=[m.pk for m in members]
    )
    sessions = venue.activity.sessions.all()
    form = SheetForm(
        request.POST if request.method == "POST" else None,
        sessions=sessions,
        members=members,
        initial={"session": sessions.first()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            outcomes = services.sheet_enter(
                venue=venue,
                session=form.cleaned_data["session"],
                rows=[services.SheetRow(m, i, o) for m, i, o in form.lines],
                by=request.user,
            )
        except CheckinError as error:
            messages.error(request, error.message)
        else:
            done = sum(o.ok and not o.repeated for o in outcomes)
            repeated = sum(o.repeated for o in outcomes)
            messages.success(
                request,
                _("%(n)s times recorded, %(m)s already entered before.")
                % {"n": done, "m": repeated},
            )
            for outcome in outcomes:
                if not outcome.ok and not outcome.repeated:
                    messages.warning(request, f"{outcome.member_name}: {outcome.message}")
            return redirect("checkins:roster", pk=venue.pk)
    return render(
        request,
        "checkins/sheet_enter.html",
        {"venue": venue, "form": form, "query": query},
    )


# ---------------------------------------------------------------------------------------------
# Organizers and the committee
# ---------------------------------------------------------------------------------------------
def _managed(request, pk) -> Activity:
    activity = selectors.activity_for_page(user=request.user, pk=pk)
    if not can(request.user, "checkins.activity.manage", activity):
        raise Http404
    return activity


@login_required
def organizer_home(request):
    if not can(request.user, "checkins.activity.dashboard"):
        raise Http404
    page = page_of(request, selectors.managed_activities(user=request.user), PAGE_SIZE)
    return render(
        request,
        "checkins/organizer_home.html",
        {"page": page, "can_create": can(request.user, "checkins.activity.create")},
    )


@login_required
def activity_new(request):
    roles = get_roles(request.user)
    if not can(request.user, "checkins.activity.create"):
        raise Http404
    campaigns = selectors.managed_activities(user=request.user).filter(campaign__isnull=True)
    if request.method == "POST":
        form = ActivityForm(request.POST, campaigns=campaigns)
        if form.is_valid():
            data = form.cleaned_data
            community = None
            organization = None
            if roles.staff_community_id:
                community = Community.objects.get(pk=roles.staff_community_id)
            else:
                organization = Organization.objects.get(pk=roles.admin_org_ids[0])

            def create():
                with transaction.atomic():
                    activity = services.activity_create(
                        by=request.user,
                        title=data["title"],
                        kind=data["kind"],
                        description=data["description"],
                        campaign=data["campaign"],
                        credit_rule=data["credit_rule"],
                        organizer_community=community,
                        organizer_organization=organization,
                        submission=data["submission"],
                    )
                    Session.objects.create(
                        activity=activity, starts_at=data["starts_at"], ends_at=data["ends_at"]
                    )
                    Venue.objects.create(
                        activity=activity,
                        name=data["venue_name"],
                        address=data["venue_address"],
                        capacity=data["venue_capacity"],
                        is_main=True,
                        community=community or _first_community(organization),
                    )
                    return activity

            try:
                activity, created = create_once(Activity, data["submission"], create)
            except CheckinError as error:
                messages.error(request, error.message)
            else:
                if not created:
                    messages.info(request, already_saved_message(activity))
                else:
                    messages.success(request, _("The activity is saved as a draft."))
                return redirect("checkins:manage", pk=activity.pk)
    else:
        form = ActivityForm(campaigns=campaigns)
    return render(request, "checkins/activity_form.html", {"form": form})


def _first_community(organization):
    paired = Community.objects.filter(partnerships__organization=organization).first()
    return paired or Community.objects.filter(is_active=True).order_by("pk").first()


@login_required
def manage(request, pk):
    activity = _managed(request, pk)
    return render(
        request,
        "checkins/manage.html",
        {
            "activity": activity,
            "venues": list(selectors.activity_venues(activity=activity)),
            "sessions": list(activity.sessions.all()),
            "venue_form": VenueForm(),
            "host_form": HostForm(),
            "can_publish": activity.state == Activity.State.DRAFT,
            "can_end": activity.state == Activity.State.PUBLISHED,
            "can_finalize": activity.state in (Activity.State.ENDED, Activity.State.FINALIZED),
            "finalize_by": (
                selectors.finalize_deadline(activity)
                if activity.state == Activity.State.ENDED
                else None
            ),
            "review_count": activity.attendances.filter(state=Attendance.State.REVIEW).count(),
        },
    )


@login_required
@require_POST
def venue_add(request, pk):
    activity = _managed(request, pk)
    form = VenueForm(request.POST)
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect("checkins:manage", pk=activity.pk)
    data = form.cleaned_data
    venue, created = create_once(
        Venue,
        data["submission"],
        lambda: Venue.objects.create(
            activity=activity,
            name=data["name"],
            community=data["community"],
            address=data["address"],
            capacity=data["capacity"],
            is_main=data["is_main"],
            allow_walk_in=data["allow_walk_in"],
            allow_reentry=data["allow_reentry"],
            auto_exit_at=data["auto_exit_at"],
            submission=data["submission"],
        ),
    )
    if created:
        messages.success(request, _("The venue is added."))
    else:
        messages.info(request, already_saved_message(venue))
    return redirect("checkins:manage", pk=activity.pk)


@login_required
@require_POST
def host_add(request, pk):
    venue = get_for_user_or_404(request.user, Venue.objects.select_related("activity"), pk=pk)
    if not can(request.user, "checkins.activity.manage", venue.activity):
        raise Http404
    form = HostForm(request.POST)
    if form.is_valid():
        venue.hosts.add(form.cleaned_data["username"])
        messages.success(request, _("The host is added."))
    else:
        errors_as_messages(request, form)
    return redirect("checkins:manage", pk=venue.activity_id)


@login_required
@require_POST
def activity_step(request, pk, step):
    activity = _managed(request, pk)
    if step == "publish":
        run_service(
            request,
            services.activity_publish,
            activity=activity,
            by=request.user,
            success=_("The activity is published."),
        )
    elif step == "end":
        run_service(
            request,
            services.activity_end,
            activity=activity,
            by=request.user,
            success=_("The activity has ended. Review and finalize it."),
        )
    elif step == "finalize":
        try:
            made = services.activity_finalize(activity=activity, by=request.user)
        except CheckinError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Finalized: %(n)s service records were made.") % {"n": made}
            )
    else:
        raise Http404
    return redirect("checkins:manage", pk=activity.pk)


@login_required
def review(request, pk):
    activity = _managed(request, pk)
    page = page_of(request, selectors.review_queue(activity=activity), PAGE_SIZE)
    return render(
        request,
        "checkins/review.html",
        {"activity": activity, "page": page, "confirm_form": ConfirmForm()},
    )


@login_required
def attendance_list(request, pk):
    activity = _managed(request, pk)
    qs = selectors.activity_attendances(activity=activity)
    page = page_of(request, qs, 50)
    return render(
        request,
        "checkins/attendances.html",
        {"activity": activity, "page": page, "correct_form": CorrectForm()},
    )


@login_required
@require_POST
def attendance_confirm(request, pk):
    attendance = get_for_user_or_404(
        request.user, Attendance.objects.select_related("activity"), pk=pk
    )
    form = ConfirmForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            services.attendance_confirm,
            attendance=attendance,
            by=request.user,
            hours=form.cleaned_data["hours"],
            success=_("The attendance is confirmed."),
        )
    else:
        errors_as_messages(request, form)
    return redirect("checkins:review", pk=attendance.activity_id)


@login_required
@require_POST
def attendance_correct(request, pk):
    attendance = get_for_user_or_404(
        request.user,
        Attendance.objects.select_related("activity", "session", "member", "service_record"),
        pk=pk,
    )
    form = CorrectForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            services.attendance_correct,
            attendance=attendance,
            by=request.user,
            hours=form.cleaned_data["hours"],
            reason=form.cleaned_data["reason"],
            success=_("The hours are corrected."),
        )
    else:
        errors_as_messages(request, form)
    return redirect("checkins:attendances", pk=attendance.activity_id)


def _dashboard_activity(request, pk) -> Activity:
    activity = selectors.activity_for_page(user=request.user, pk=pk)
    if not can(request.user, "checkins.activity.dashboard", activity):
        raise Http404
    return activity


@login_required
def dashboard(request, pk):
    activity = _dashboard_activity(request, pk)
    return render(
        request,
        "checkins/dashboard.html",
        {"activity": activity, "board": selectors.dashboard(activity=activity)},
    )


@login_required
def dashboard_fragment(request, pk):
    activity = _dashboard_activity(request, pk)
    response = render(
        request,
        "checkins/_dashboard.html",
        {"activity": activity, "board": selectors.dashboard(activity=activity)},
    )
    response["Vary"] = "HX-Request"
    return response


@login_required
def export(request, pk):
    activity = _dashboard_activity(request, pk)
    return xlsx_response(
        filename=f"attendance-{activity.pk}.xlsx",
        title=activity.title,
        headers=[
            pgettext("of a person", "Name"),
            _("Organization"),
            _("Venues"),
            _("First check-in"),
            _("Last check-out"),
            _("State"),
            _("Hours"),
            _("Walk-in"),
        ],
        rows=selectors.attendance_export_rows(activity=activity),
        widths=[12, 24, 30, 18, 18, 10, 8, 8],
    )


@login_required
def committee(request):
    roles = get_roles(request.user)
    if not (roles.is_committee_admin or roles.is_superuser):
        raise Http404
    page = page_of(request, selectors.committee_activities(user=request.user), PAGE_SIZE)
    return render(request, "checkins/committee.html", {"page": page})


# ---------------------------------------------------------------------------------------------
# The scanner's Service Worker, served from /checkins/ so that its scope covers the scanner.
# ---------------------------------------------------------------------------------------------
SW_PATH = Path(settings.BASE_DIR) / "static" / "checkins" / "sw.js"


def service_worker(request):
    response = HttpResponse(SW_PATH.read_text(encoding="utf-8"), content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/checkins/"
    response["Cache-Control"] = "no-cache"
    return response
