"""Pages of the reports app: a member's service and reports, staff's records and evaluations.

Thin: each view fetches its object through members.access, calls a service and renders.
"""

import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.forms import errors_as_messages
from core.pagecache import app_pages_key, generation, user_page
from core.pagination import CachedCountPaginator
from core.periods import Period, recent_periods
from members.access import (
    can,
    get_for_user_or_404,
    member_or_404,
    staff_community_or_403,
)
from records.selectors import RECORDS_KEY

from . import selectors, services
from .forms import BulkEvaluationForm, EvaluationForm, ReportAccountForm
from .models import MemberReport
from .services import ReportsError


@login_required
def my_reports(request):
    member = member_or_404(request.user)
    # Kept for a minute, until a report or a rating changes (reports.apps).
    return user_page(
        request,
        "reports/my_reports.html",
        lambda: {
            "member": member,
            "reports": selectors.member_reports_for(user=request.user, member=member),
        },
        generations=[app_pages_key("reports")],
    )


def _report_for(user, pk) -> MemberReport:
    return get_for_user_or_404(
        user,
        MemberReport.objects.select_related("member__branch", "member__user", "reviewed_by"),
        pk=pk,
    )


@login_required
def report_detail(request, pk):
    report = _report_for(request.user, pk)
    can_edit = can(request.user, "reports.memberreport.edit", report)
    initial = {"did": report.did, "learned": report.learned, "plans": report.plans}
    form = ReportAccountForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_edit:
            messages.error(request, ReportsError("not_editable").message)
            return redirect(report)
        if form.is_valid():
            try:
                services.member_report_update(report=report, by=request.user, **form.cleaned_data)
                if "submit" in request.POST:
                    services.member_report_submit(report=report, by=request.user)
                    messages.success(request, _("Your report has been submitted for review."))
                else:
                    messages.success(request, _("Your report has been saved."))
                return redirect(report)
            except ReportsError as e:
                messages.error(request, e.message)
                report.refresh_from_db()
                can_edit = can(request.user, "reports.memberreport.edit", report)
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "form": form,
            "can_edit": can_edit,
            "see_evaluation": can(request.user, "reports.memberreport.see_evaluation", report),
            "can_review": can(request.user, "reports.memberreport.review", report),
            "records": selectors.report_records(report=report),
            "transitions": report.transitions.select_related("by"),
        },
    )


@login_required
@require_POST
def report_draft(request, pk):
    """The report page saves the member's account as they type (static/js/drafts.js): the
    same update as "Save draft", answered in JSON, with a message in the user's language."""
    report = _report_for(request.user, pk)
    if not can(request.user, "reports.memberreport.edit", report):
        return JsonResponse({"error": ReportsError("not_editable").message}, status=409)
    form = ReportAccountForm(request.POST)
    if not form.is_valid():
        errors = [f"{form.fields[name].label}: {' '.join(e)}" for name, e in form.errors.items()]
        return JsonResponse({"error": " ".join(errors)}, status=400)
    try:
        services.member_report_update(report=report, by=request.user, **form.cleaned_data)
    except ReportsError as e:
        return JsonResponse({"error": e.message}, status=409)
    return JsonResponse({"saved_at": timezone.localtime(report.updated_at).strftime("%H:%M")})


@login_required
def report_print(request, pk):
    report = _report_for(request.user, pk)
    see_evaluation = can(request.user, "reports.memberreport.see_evaluation", report)
    return render(
        request,
        "reports/report_print.html",
        {
            "report": report,
            "see_evaluation": see_evaluation,
            "evaluations": selectors.report_evaluations(report=report) if see_evaluation else [],
            "records": selectors.report_records(report=report),
            "transitions": report.transitions.select_related("by"),
            "printed_on": timezone.localdate(),
        },
    )


def _period_from(request) -> Period:
    try:
        return Period.parse(request.GET.get("period", ""))
    except ValueError:
        return Period.current()


EVALUATIONS_PAGE_SIZE = 20


@login_required
def evaluations(request):
    community = staff_community_or_403(request.user)
    period = _period_from(request)
    search = request.GET.get("q", "").strip()[:40]
    unrated = request.GET.get("unrated") == "1"

    def context():
        members = selectors.community_evaluation_members(
            community=community, period=period, search=search, unrated=unrated
        )
        # One page of members read, and their figures for that page only; the total counted
        # once per rating saved (or a minute, for registrations confirmed meanwhile).
        key = hashlib.sha256(f"{period.code}:{unrated}:{search}".encode()).hexdigest()[:24]
        ratings = generation(services.evaluations_generation_key(community.pk))
        page = CachedCountPaginator(
            members, EVALUATIONS_PAGE_SIZE, cache_key=f"reports:evaluations:{ratings}:{key}"
        ).get_page(request.GET.get("page"))
        page.object_list = selectors.evaluation_rows(
            community=community, period=period, members=page.object_list
        )
        query = {"period": period.code}
        if search:
            query["q"] = search
        if unrated:
            query["unrated"] = "1"
        return {
            "community": community,
            "period": period,
            "periods": recent_periods(timezone.localdate()),
            "page": page,
            "search": search,
            "unrated": unrated,
            "querystring": urlencode(query),
            "period_started": period.start <= timezone.localdate(),
            "bulk_form": BulkEvaluationForm(),
        }

    # Kept for a minute per staff member and page, until a rating or a record changes.
    return user_page(
        request,
        "reports/evaluations.html",
        context,
        generations=[services.evaluations_generation_key(community.pk), RECORDS_KEY],
    )


@login_required
@require_POST
def evaluate_bulk(request):
    """The same rating for several members at once (those ticked on the page)."""
    community = staff_community_or_403(request.user)
    period = _period_from(request)
    back = reverse("reports:evaluations") + "?" + request.POST.get("back", "")[:300]
    form = BulkEvaluationForm(request.POST)
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect(back)
    rows = selectors.community_evaluation_rows(
        community=community, period=period, member_ids_in=form.cleaned_data["members"]
    )
    if not rows:
        raise Http404
    done = []
    try:
        with transaction.atomic():
            for row in rows:
                services.evaluation_set(
                    by=request.user,
                    community=community,
                    member=row.member,
                    period=period,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
                done.append(row.member.real_name)
    except ReportsError as e:
        messages.error(request, e.message)
    else:
        messages.success(
            request,
            ngettext(
                "Rating saved for %(n)s member: %(names)s.",
                "Rating saved for %(n)s members: %(names)s.",
                len(done),
            )
            % {"n": len(done), "names": "、".join(done)},
        )
    return redirect(back)


@login_required
@require_POST
def evaluate(request, member_pk):
    community = staff_community_or_403(request.user)
    period = _period_from(request)
    # The members this community may rate: those registered with it during the period (one who
    # has since moved away included); anyone else is a 404.
    rows = selectors.community_evaluation_rows(
        community=community, period=period, member_id=member_pk
    )
    if not rows:
        raise Http404
    member = rows[0].member
    form = EvaluationForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.evaluation_set(
                by=request.user,
                community=community,
                member=member,
                period=period,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ReportsError as e:
            error = e.message
    else:
        error = _("Choose one of the ratings.")
    if request.headers.get("HX-Request"):
        rows = selectors.community_evaluation_rows(
            community=community, period=period, member_id=member.pk
        )
        if not rows:
            raise Http404
        row = rows[0]
        if error:  # show what the user chose and typed, not what is saved
            row.rating = request.POST.get("rating", "")
            row.comment = request.POST.get("comment", "")[:1000]
        return render(
            request,
            "reports/_evaluation_row.html",
            {
                "row": row,
                "period": period,
                "error": error,
                "saved": error is None,
                "period_started": True,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Rating saved for %(name)s.") % {"name": member})
    return redirect(reverse("reports:evaluations") + f"?period={period.code}")
