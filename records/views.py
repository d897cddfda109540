"""Pages of the ledger: a member's service and points, staff's entry of service.

Thin: each view fetches through members.access, calls a service and renders.
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import xlsx_stream_response
from core.http import client_ip
from core.pagecache import app_pages_key, user_page
from core.pagination import KnownCountPaginator, page_of
from core.pdf import PdfUnavailable
from core.ratelimit import rate_limit_take
from core.views import run_service
from members.access import (
    can,
    get_for_user_or_404,
    get_roles,
    member_or_404,
    scope,
    staff_community_or_403,
)
from members.models import Community, mask_name

from . import boards as boards_module
from . import certificates, selectors, services
from .forms import (
    MEMBER_OPTIONS,
    BoardForm,
    CertificateRequestForm,
    CertificateRevokeForm,
    ServiceRecordEntryForm,
    member_options,
    search_members,
)
from .models import Certificate, ServiceRecord
from .services import RecordsError

log = logging.getLogger(__name__)


# "My service" shows this many records a page, under their half-years (each with its totals).
MY_SERVICE_PAGE_SIZE = 30


@login_required
def my_service(request):
    member = member_or_404(request.user)

    def context():
        # The totals per half-year in one grouped query (cached until a record changes); the
        # records one page at a time, the pages counted from those totals (no COUNT).
        halves = selectors.member_half_year_totals_cached(member=member)
        total_points = sum(h.points for h in halves)
        total_hours = sum((h.hours for h in halves), start=0)
        page = KnownCountPaginator(
            selectors.member_records(member=member),
            MY_SERVICE_PAGE_SIZE,
            count=sum(h.count for h in halves),
        ).get_page(request.GET.get("page"))
        return {
            "member": member,
            "halves": halves,
            "page": page,
            "sections": selectors.records_by_half_year(page.object_list, halves),
            "total_points": total_points,
            "total_hours": total_hours,
            "ranks": selectors.member_ranks_cached(member=member, my_points=total_points),
            "recognition": selectors.member_recognition(member=member, halves=halves),
        }

    # Kept for a minute per page, until a record of theirs changes (or anything they do).
    return user_page(
        request,
        "records/my_service.html",
        context,
        generations=[selectors.member_records_key(member.pk)],
    )


def _service_members(request):
    community = staff_community_or_403(request.user)
    return community, scope(
        request.user, selectors.community_registered_members(community=community)
    )


@login_required
def staff_records(request):
    community, members = _service_members(request)
    form = ServiceRecordEntryForm(
        request.POST or None,
        members=members,
        earliest=services.earliest_service_date(),
        search_url=reverse("records:staff_record_members"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.service_record_enter(
                by=request.user,
                community=community,
                member=data["member"],
                served_on=data["served_on"],
                hours=data["hours"],
                kind=data["kind"],
                title=data["title"],
                note=data["note"],
                token=data["token"],
            )
            messages.success(
                request,
                _("Recorded %(hours)s hours (%(points)s points) for %(name)s.")
                % {"hours": record.hours, "points": record.points, "name": record.member},
            )
            return redirect("records:staff_records")
        except RecordsError as e:
            messages.error(request, e.message)
    # Kept for a minute per staff member, until any record changes; with what they typed, afresh.
    return user_page(
        request,
        "records/staff_records.html",
        {
            "community": community,
            "form": form,
            "member_options": form.options,
            "records": selectors.community_recent_records(community=community),
        },
        generations=[selectors.RECORDS_KEY],
    )


@login_required
def staff_record_members(request):
    """The member field's suggestions as one types (htmx): at most MEMBER_OPTIONS members whose
    name contains the text or whose phone ends with it."""
    _community, members = _service_members(request)
    text = request.GET.get("member_name", request.GET.get("q", "")).strip()[:40]
    found = (
        search_members(members, text).order_by("real_name", "pk")[:MEMBER_OPTIONS] if text else []
    )
    return render(
        request, "records/_member_options.html", {"member_options": member_options(found)}
    )


EXPORT_CHUNK = 2000


@login_required
def staff_records_export(request):
    """Every service record served in the staff's community, as an Excel workbook (streamed)."""
    community = staff_community_or_403(request.user)
    records = scope(request.user, selectors.community_records(community=community))
    field = ServiceRecord._meta.get_field
    names = ["served_on", "member", "kind", "title", "hours", "points", "source", "organization"]

    def rows():
        for r in records.iterator(chunk_size=EXPORT_CHUNK):
            yield [
                r.served_on,
                r.member.real_name,
                r.get_kind_display(),
                r.title,
                r.hours,
                r.points,
                r.get_source_display(),
                r.organization.name if r.organization_id else "",
                str(r.created_by) if r.created_by_id else "",
                r.created_at,
            ]

    return xlsx_stream_response(
        filename=f"records-{community.pk}-{timezone.localdate():%Y%m%d}.xlsx",
        title=str(ServiceRecord._meta.verbose_name_plural),
        headers=[
            *(str(field(n).verbose_name) for n in names),
            str(field("created_by").verbose_name),
            str(field("created_at").verbose_name),
        ],
        rows=rows(),
    )


# ---------------------------------------------------------------------------------------------
# Certificates (志愿服务记录证明)
# ---------------------------------------------------------------------------------------------
@login_required
def my_certificates(request):
    member = member_or_404(request.user)
    form = None
    if request.method == "POST":
        form = CertificateRequestForm(
            request.POST, units=certificates.certificate_units(member=member)
        )
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            certificate = certificates.certificate_issue(
                by=request.user,
                member=member,
                unit=data["unit"],
                period_from=data["period_from"],
                period_to=data["period_to"],
            )
        except certificates.CertificateError as e:
            form.add_error(None, e.message)
        except PdfUnavailable as e:
            log.error("Certificate PDF unavailable: %s", e)
            form.add_error(None, _("Certificates cannot be made right now. Please try later."))
        else:
            return redirect("records:certificate_pdf", certificate.pk)

    def context():
        units = certificates.certificate_units(member=member)
        return {
            "form": form or CertificateRequestForm(units=units),
            "certificates": selectors.member_certificates(member=member),
            "has_units": bool(units),
        }

    return user_page(
        request, "records/my_certificates.html", context, generations=[app_pages_key("records")]
    )


@login_required
def certificate_pdf(request, pk):
    member = member_or_404(request.user)
    certificate = get_for_user_or_404(
        request.user, Certificate.objects.filter(member=member), pk=pk
    )
    if not certificate.pdf:
        raise Http404
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"{certificate.number}.pdf",
        content_type="application/pdf",
    )


def _unit_certificates_or_403(user):
    """The certificates the user's units issued: the community they work for as staff, the
    organizations they administer (谁记录谁证明: they revoke what their unit certified)."""
    roles = get_roles(user)
    if not (roles.is_staff or roles.is_org_admin):
        raise PermissionDenied
    community = staff_community_or_403(user) if roles.is_staff else None
    return community, selectors.unit_certificates(roles=roles)


@login_required
def staff_certificates(request):
    community, certificates_ = _unit_certificates_or_403(request.user)
    return user_page(
        request,
        "records/staff_certificates.html",
        lambda: {
            "community": community,
            "page": page_of(request, certificates_, 50),
            "revoke_form": CertificateRevokeForm(),
        },
        generations=[app_pages_key("records")],
    )


@login_required
@require_POST
def certificate_revoke(request, pk):
    _community, certificates_ = _unit_certificates_or_403(request.user)
    certificate = get_for_user_or_404(request.user, certificates_, pk=pk)
    form = CertificateRevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the certificate is revoked."))
    else:
        run_service(
            request,
            certificates.certificate_revoke,
            success=_("Certificate %(number)s has been revoked.") % {"number": certificate.number},
            by=request.user,
            certificate=certificate,
            reason=form.cleaned_data["reason"],
        )
    return redirect("records:staff_certificates")


VERIFY_RATE = "30/m"


def certificate_verify(request, code=""):
    """The public check of a certificate: what a paper copy must agree with, nothing more."""
    code = certificates.normalize_code(code or request.GET.get("code", ""))
    context = {"code": code, "certificate": None, "asked": bool(code)}
    if code:
        if not rate_limit_take(
            scope="certificate-verify", client=client_ip(request) or "?", rate=VERIFY_RATE
        ):
            return render(request, "records/verify.html", {**context, "limited": True}, status=429)
        certificate = selectors.certificate_by_code(code)
        if certificate is not None:
            context["certificate"] = certificate
            context["masked_name"] = mask_name(certificate.member_name)
    status = 404 if code and context["certificate"] is None else 200
    response = render(request, "records/verify.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


# ---------------------------------------------------------------------------------------------
# Leaderboards
# ---------------------------------------------------------------------------------------------
def boards(request):
    """The leaderboards, each naming its period; public (opted-in members, masked names) unless
    the user runs the unit."""
    form = BoardForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    roles = get_roles(request.user)
    kind = data.get("kind") or "community"
    period = data.get("period") or boards_module.BoardPeriod.HALF
    by = data.get("by") or "hours"
    unit_id = data.get("unit")
    context = {"form": form, "kind": kind, "period": period, "by": by}
    if kind in ("organizations", "teams"):
        if kind == "organizations":
            by = by if by in ("rate", "per_member") else "rate"
            rows, label = boards_module.organization_board(period=period, by=by)
        else:
            rows, label = boards_module.team_board(period=period)
        context.update(unit_rows=rows, period_label=label, by=by)
        return render(request, "records/boards.html", context)
    by = by if by in ("hours", "points") else "hours"
    units = _board_units(kind)
    unit = None
    if unit_id:
        unit = units.filter(pk=unit_id).first()
    if unit is None and roles.member is not None:
        unit = _own_unit(kind, roles)
    if unit is None:
        unit = units.first()
    board = None
    if unit is not None:
        members = {
            "community": boards_module.community_members,
            "branch": boards_module.branch_members,
            "organization": boards_module.organization_members,
            "team": boards_module.team_members,
        }[kind](unit)
        board = boards_module.member_board(
            members=members,
            period=period,
            by=by,
            community=unit if kind == "community" else None,
            public=not can(request.user, "records.board.full", unit),
            me=roles.member,
            title=str(unit),
        )
    context.update(units=units, unit=unit, board=board, by=by)
    return render(request, "records/boards.html", context)


def _board_units(kind):
    from members.models import (
        Organization,
        ServiceTeam,
    )  # at call time: only the boards' filter needs them

    if kind == "community":
        return Community.objects.filter(is_active=True).order_by("name")
    if kind == "branch":
        return Organization.objects.filter(kind=Organization.Kind.BRANCH).order_by("path")
    if kind == "organization":
        return Organization.objects.exclude(kind=Organization.Kind.BRANCH).order_by("path")
    return ServiceTeam.objects.order_by("name")


def _own_unit(kind, roles):
    member = roles.member
    if kind == "community":
        registration = member.active_registration()
        return registration.community if registration else None
    if kind == "branch":
        return member.branch
    if kind == "organization":
        return member.branch.parent
    return member.teams.order_by("name").first()
