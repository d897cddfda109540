"""Review in the Django admin: the main screen of branch secretaries and organization admins.

Every queryset is scoped to the admin's subtree by `ScopedModelAdmin`; every change of state goes
through `reports.services`, the same functions the site uses.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.http import (
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.admin_exports import ExportableAdmin
from core.badges import state_badge_html
from core.exports import xlsx_stream_response
from core.periods import Period
from members.access import ScopedModelAdmin, can, get_for_user_or_404, scope
from members.models import Organization

from . import selectors, services
from .forms import ReturnForm
from .models import Evaluation, MemberReport, OrganizationReport, ReportState
from .services import ReportsError

SUBMIT_BUTTON = "_submit_report"


def state_badge(obj):
    """The site's state badge (the admin has no Bootstrap: `ADMIN_CSS` gives it its colours)."""
    return state_badge_html(obj)


# The badge colours in the admin, which has no Bootstrap of its own.
ADMIN_CSS = {"all": ["css/admin.css"]}


def _nowrap_date(day):
    return format_html('<span class="nowrap">{}</span>', day.isoformat())


def _without_stale_review(fieldsets, obj):
    """The review section only while the report stands decided: before a decision, or after a
    returned report was submitted again, it would read as a decision on what is shown (the
    history keeps every earlier comment)."""
    if obj is not None and obj.is_decided:
        return fieldsets
    return [fs for fs in fieldsets if fs[0] != _("Review")]


def _history(report):
    return mark_safe(  # noqa: S308 - rendered by the template engine, which escapes
        render_to_string(
            "reports/admin/_history.html",
            {"transitions": report.transitions.select_related("by")},
        )
    )


# ---------------------------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------------------------
class PeriodFilter(admin.SimpleListFilter):
    title = _("half-year")
    parameter_name = "period"

    def lookups(self, request, model_admin):
        rows = (
            model_admin.get_queryset(request)
            .order_by()
            .values_list("year", "half")
            .distinct()
            .order_by("-year", "-half")
        )
        return [(Period(y, h).code, Period(y, h).label) for y, h in rows]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            period = Period.parse(self.value())
        except ValueError:
            return queryset.none()
        return queryset.filter(year=period.year, half=period.half)


class BranchFilter(admin.SimpleListFilter):
    """Only the branches in the admin's own subtree are offered."""

    title = _("Party branch")
    parameter_name = "branch"

    def lookups(self, request, model_admin):
        branches = scope(
            request.user, Organization.objects.filter(kind=Organization.Kind.BRANCH)
        ).order_by("path")
        return [(str(pk), name) for pk, name in branches.values_list("pk", "name")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if not self.value().isdigit():
            return queryset.none()
        return queryset.filter(member__branch_id=int(self.value()))


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue, not submitted"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(state__in=services.OPEN_STATES, due_on__lt=timezone.localdate())
        return queryset


# ---------------------------------------------------------------------------------------------
# Member reports
# ---------------------------------------------------------------------------------------------
@admin.register(MemberReport)
class MemberReportAdmin(ScopedModelAdmin):
    list_display = [
        "member_name",
        "period_label",
        "branch_name",
        "state_display",
        "hours",
        "submitted_on",
    ]
    list_display_links = ["member_name"]
    list_filter = [PeriodFilter, BranchFilter, "state", OverdueFilter]
    search_fields = ["member__real_name"]
    search_help_text = _("Search by the member's name.")
    list_select_related = ["member__branch"]
    list_per_page = 50
    ordering = ["-year", "-half", "member__branch__path", "member__real_name"]
    actions = ["approve_selected", "return_selected", "export_selected"]
    change_form_template = "reports/admin/memberreport_change_form.html"
    change_list_template = "reports/admin/memberreport_change_list.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("member", "branch_name"),
                    ("period_label", "state_display", "due_on"),
                    "submitted_at",
                    "print_link",
                ]
            },
        ),
        (
            _("Prepared figures"),
            {
                "fields": [
                    "communities_served",
                    ("wishes_fulfilled", "records_count", "hours", "points"),
                    ("projects_served", "project_hours"),
                ]
            },
        ),
        (_("Community evaluation"), {"fields": ["evaluations_table"]}),
        (_("The member's own account"), {"fields": ["did_text", "learned_text", "plans_text"]}),
        (_("Review"), {"fields": ["review_comment", ("reviewed_by", "reviewed_at")]}),
        (_("Service records of the half-year"), {"fields": ["records_table"]}),
        (pgettext_lazy("report", "History"), {"fields": ["history_table"]}),
    ]
    readonly_fields = [
        "member",
        "branch_name",
        "period_label",
        "state_display",
        "due_on",
        "submitted_at",
        "reviewed_at",
        "reviewed_by",
        "print_link",
        "communities_served",
        "wishes_fulfilled",
        "projects_served",
        "project_hours",
        "records_count",
        "hours",
        "points",
        "evaluations_table",
        "did_text",
        "learned_text",
        "plans_text",
        "review_comment",
        "records_table",
        "history_table",
    ]

    class Media:
        css = ADMIN_CSS

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member__branch", "reviewed_by")

    def get_fieldsets(self, request, obj=None):
        return _without_stale_review(super().get_fieldsets(request, obj), obj)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "title": gettext("Half-year reports of members"),
            "waiting": self.get_queryset(request).filter(state=ReportState.SUBMITTED).count(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    # Columns ------------------------------------------------------------------------------
    @admin.display(description=_("member"), ordering="member__real_name")
    def member_name(self, obj):
        return obj.member.real_name

    @admin.display(description=_("half-year"), ordering="year")
    def period_label(self, obj):
        return format_html('<span class="nowrap">{}</span>', obj.period.label)

    @admin.display(description=_("submitted / due"), ordering="submitted_at")
    def submitted_on(self, obj):
        """When it was submitted; for a report still with its member, when it is due (red once
        overdue), so that one column answers "where is it?" and the list fits a laptop."""
        if not obj.is_editable:
            return _nowrap_date(timezone.localdate(obj.submitted_at)) if obj.submitted_at else "–"
        text = gettext("due %(date)s") % {"date": obj.due_on.isoformat()}
        if obj.is_overdue:
            return format_html('<span class="nowrap text-overdue">{}</span>', text)
        return format_html('<span class="nowrap text-quiet">{}</span>', text)

    @admin.display(description=_("Party branch"), ordering="member__branch__path")
    def branch_name(self, obj):
        return obj.member.branch.name

    @admin.display(description=_("state"), ordering="state")
    def state_display(self, obj):
        return state_badge(obj)

    @admin.display(description=_("printable page"))
    def print_link(self, obj):
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}" target="_blank">{}</a>',
            reverse("reports:report_print", args=[obj.pk]),
            gettext("Open the printable page for the paper file"),
        )

    def _text(self, value):
        return format_html('<div class="pre-line-block">{}</div>', value or "–")

    @admin.display(description=_("what I did"))
    def did_text(self, obj):
        return self._text(obj.did)

    @admin.display(description=_("what I learned"))
    def learned_text(self, obj):
        return self._text(obj.learned)

    @admin.display(description=_("what I plan"))
    def plans_text(self, obj):
        return self._text(obj.plans)

    @admin.display(description=_("service records"))
    def records_table(self, obj):
        return mark_safe(  # noqa: S308 - rendered by the template engine, which escapes
            render_to_string(
                "reports/admin/memberreport__records.html",
                {"records": selectors.report_records(report=obj)},
            )
        )

    @admin.display(description=_("steps"))
    def history_table(self, obj):
        return _history(obj)

    @admin.display(description=_("ratings"))
    def evaluations_table(self, obj):
        return mark_safe(  # noqa: S308 - rendered by the template engine, which escapes
            render_to_string(
                "reports/admin/memberreport__evaluations.html",
                {"evaluations": selectors.report_evaluations(report=obj)},
            )
        )

    # Permissions --------------------------------------------------------------------------
    def has_review_permission(self, request, obj=None):
        return can(request.user, "reports.memberreport.review", obj)

    def has_export_permission(self, request, obj=None):
        return self.has_view_permission(request)

    # Change page: the review panel --------------------------------------------------------
    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["can_review"] = can(request.user, "reports.memberreport.review", obj)
            extra_context["return_form"] = ReturnForm()
            extra_context["review_url"] = reverse(
                "admin:reports_memberreport_review", args=[obj.pk]
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name="reports_memberreport_review",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="reports_memberreport_export",
            ),
            *super().get_urls(),
        ]

    def review_view(self, request, pk):
        """Approve or return one report from its change page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        report = get_for_user_or_404(request.user, self.get_queryset(request), pk=pk)
        change_url = reverse("admin:reports_memberreport_change", args=[pk])
        decision = request.POST.get("decision")
        if decision not in ("approve", "return"):
            return HttpResponseBadRequest()
        comment = request.POST.get("comment", "")
        try:
            if decision == "approve":
                services.member_report_approve(report=report, by=request.user, comment=comment)
                done = gettext("The report of %(name)s has been approved.")
            else:
                services.member_report_return(report=report, by=request.user, comment=comment)
                done = gettext("The report of %(name)s has been returned to the member.")
        except ReportsError as e:
            self.message_user(request, e.message, messages.ERROR)
            return HttpResponseRedirect(change_url)
        self.message_user(request, done % {"name": report.member.real_name}, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:reports_memberreport_changelist") + "?state__exact=submitted"
        )

    # Actions ------------------------------------------------------------------------------
    @admin.action(description=_("Approve selected reports"), permissions=["review"])
    def approve_selected(self, request, queryset):
        self._decide_each(
            request,
            queryset,
            lambda report: services.member_report_approve(report=report, by=request.user),
            done=gettext("%(n)d report(s) approved."),
            skipped=gettext(
                "%(n)d report(s) were skipped: only submitted reports can be approved."
            ),
        )

    @admin.action(description=_("Return selected reports with a comment"), permissions=["review"])
    def return_selected(self, request, queryset):
        form = ReturnForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._decide_each(
                request,
                queryset,
                lambda report: services.member_report_return(
                    report=report, by=request.user, comment=form.cleaned_data["comment"]
                ),
                done=gettext("%(n)d report(s) returned to the member."),
                skipped=gettext(
                    "%(n)d report(s) were skipped: only submitted reports can be returned."
                ),
            )
            return None
        return render(
            request,
            "reports/admin/memberreport_return_selected.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Return reports with a comment"),
                "opts": self.model._meta,
                "reports": queryset.select_related("member__branch"),
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def _decide_each(self, request, queryset, decide, *, done: str, skipped: str) -> None:
        """Approve or return each report; say how many were, and how many were skipped."""
        decided, failed = 0, 0
        for report in queryset:
            try:
                decide(report)
                decided += 1
            except ReportsError:
                failed += 1
        if decided:
            self.message_user(request, done % {"n": decided}, messages.SUCCESS)
        if failed:
            self.message_user(request, skipped % {"n": failed}, messages.WARNING)

    @admin.action(description=_("Export selected reports to Excel"), permissions=["export"])
    def export_selected(self, request, queryset):
        return self._xlsx(queryset)

    def export_view(self, request):
        """The report status of everything the current filters show, as an Excel file."""
        if not self.has_view_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            # A filter the list does not know: back to the list, as Django's changelist does.
            changelist_url = reverse("admin:reports_memberreport_changelist")
            return HttpResponseRedirect(f"{changelist_url}?{ERROR_FLAG}=1")
        return self._xlsx(changelist.get_queryset(request))

    def _xlsx(self, queryset):
        today = timezone.localdate()
        reports = queryset.select_related("member__branch").order_by(
            "member__branch__path", "member__real_name", "-year", "-half"
        )
        return xlsx_stream_response(
            filename=f"report-status-{today:%Y%m%d}.xlsx",
            title=gettext("Report status"),
            headers=[
                gettext("Member"),
                gettext("Party branch"),
                gettext("Half-year"),
                gettext("State"),
                pgettext("service record", "Hours"),
                gettext("Points"),
                gettext("Wishes fulfilled"),
                gettext("Communities served"),
                gettext("Due on"),
                gettext("Submitted at"),
                gettext("Reviewed at"),
                gettext("Overdue"),
            ],
            rows=(
                [
                    r.member.real_name,
                    r.member.branch.name,
                    r.period.label,
                    r.get_state_display(),
                    r.hours,
                    r.points,
                    r.wishes_fulfilled,
                    r.communities_served,
                    r.due_on,
                    r.submitted_at,
                    r.reviewed_at,
                    gettext("yes") if r.is_editable and r.due_on < today else "",
                ]
                for r in reports.iterator(chunk_size=2000)
            ),
            widths=[12, 24, 16, 10, 8, 8, 10, 30, 12, 18, 18, 8],
        )


# ---------------------------------------------------------------------------------------------
# Organization reports
# ---------------------------------------------------------------------------------------------
class OrganizationReportForm(forms.ModelForm):
    summary = forms.CharField(
        label=_("what we did"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "vLargeTextField"}),
    )
    plans = forms.CharField(
        label=_("what we plan"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "class": "vLargeTextField"}),
    )

    class Meta:
        model = OrganizationReport
        fields = ["summary", "plans"]


@admin.register(OrganizationReport)
class OrganizationReportAdmin(ExportableAdmin, ScopedModelAdmin):
    export_columns = [
        (pgettext_lazy("Party", "organization"), "organization.name"),
        (_("year"), "year"),
        (_("state"), "state"),
        (_("members reported"), "members_reported"),
        (_("members in all"), "members_total"),
        (pgettext_lazy("service record", "Hours"), "hours"),
        (_("wishes fulfilled"), "wishes_fulfilled"),
        (_("submitted at"), "submitted_at"),
        (_("due on"), "due_on"),
    ]
    form = OrganizationReportForm
    list_display = [
        "organization",
        "year",
        "state_display",
        "members_reported",
        "members_total",
        "hours",
        "wishes_fulfilled",
        "submitted_at",
        "due_on",
    ]
    list_filter = ["year", "state"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
    ordering = ["-year", "organization__path"]
    change_form_template = "reports/admin/organizationreport_change_form.html"
    fieldsets = [
        (None, {"fields": [("organization", "year"), ("state_display", "due_on", "submitted_at")]}),
        (
            _("Prepared figures"),
            {
                "fields": [
                    "communities_paired",
                    ("members_total", "members_reported", "hours", "wishes_fulfilled"),
                    ("projects_served", "project_hours"),
                    ("rated_excellent", "rated_qualified", "rated_basic", "rated_unqualified"),
                ]
            },
        ),
        # A returned report is rewritten by its authors: the reviewer's comment comes first.
        (_("Review"), {"fields": ["review_comment", ("reviewed_by", "reviewed_at")]}),
        (_("The organization's own account"), {"fields": ["summary", "plans"]}),
        (pgettext_lazy("report", "History"), {"fields": ["history_table"]}),
    ]
    _figures = [
        "organization",
        "year",
        "state_display",
        "due_on",
        "submitted_at",
        "communities_paired",
        "members_total",
        "members_reported",
        "hours",
        "wishes_fulfilled",
        "projects_served",
        "project_hours",
        "rated_excellent",
        "rated_qualified",
        "rated_basic",
        "rated_unqualified",
        "review_comment",
        "reviewed_by",
        "reviewed_at",
        "history_table",
    ]

    class Media:
        css = ADMIN_CSS

    def get_readonly_fields(self, request, obj=None):
        return self._figures

    def get_fieldsets(self, request, obj=None):
        return _without_stale_review(super().get_fieldsets(request, obj), obj)

    @admin.display(description=_("state"), ordering="state")
    def state_display(self, obj):
        return state_badge(obj)

    @admin.display(description=_("steps"))
    def history_table(self, obj):
        return _history(obj)

    def save_model(self, request, obj, form, change):
        # The account is the only thing an admin writes here, and only through the service. The
        # "save and submit" button submits in the same post, so what was typed is never lost.
        try:
            services.organization_report_update(
                report=obj,
                by=request.user,
                summary=form.cleaned_data.get("summary", ""),
                plans=form.cleaned_data.get("plans", ""),
            )
            if SUBMIT_BUTTON in request.POST:
                services.organization_report_submit(report=obj, by=request.user)
                self.message_user(
                    request,
                    gettext("The yearly report has been submitted to the committee above."),
                    messages.SUCCESS,
                )
        except ReportsError as e:
            self.message_user(request, e.message, messages.ERROR)

    def response_change(self, request, obj):
        if SUBMIT_BUTTON in request.POST:
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["can_submit"] = can(request.user, "reports.organizationreport.edit", obj)
            extra_context["can_review"] = can(
                request.user, "reports.organizationreport.review", obj
            )
            extra_context["return_form"] = ReturnForm()
            extra_context["step_url"] = reverse(
                "admin:reports_organizationreport_step", args=[obj.pk]
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:pk>/step/",
                self.admin_site.admin_view(self.step_view),
                name="reports_organizationreport_step",
            ),
            *super().get_urls(),
        ]

    def step_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        report = get_for_user_or_404(
            request.user, self.get_queryset(request).select_related("organization"), pk=pk
        )
        step = request.POST.get("step")
        comment = request.POST.get("comment", "")
        if step not in ("approve", "return"):
            return HttpResponseBadRequest()
        try:
            if step == "approve":
                services.organization_report_approve(
                    report=report, by=request.user, comment=comment
                )
                done = gettext("The yearly report has been approved.")
            else:
                services.organization_report_return(report=report, by=request.user, comment=comment)
                done = gettext("The yearly report has been returned with your comment.")
            self.message_user(request, done, messages.SUCCESS)
        except ReportsError as e:
            self.message_user(request, e.message, messages.ERROR)
        return HttpResponseRedirect(reverse("admin:reports_organizationreport_change", args=[pk]))


# ---------------------------------------------------------------------------------------------
# Evaluations, point rules, service records
# ---------------------------------------------------------------------------------------------
@admin.register(Evaluation)
class EvaluationAdmin(ExportableAdmin, ScopedModelAdmin):
    export_columns = [
        (_("member"), "member.real_name"),
        (_("community"), "community.name"),
        (_("half-year"), lambda e: str(e.period.label)),
        (_("rating"), "rating"),
        (_("comment"), "comment"),
        (_("rated at"), "rated_at"),
    ]
    list_display = ["member", "community", "period_label", "rating", "comment", "rated_at"]
    list_filter = [PeriodFilter, "rating", BranchFilter]
    search_fields = ["member__real_name", "community__name"]
    list_select_related = ["member", "community"]
    readonly_fields = ["member", "community", "year", "half", "rating", "comment", "rated_by"]
    ordering = ["-year", "-half", "member__real_name"]

    @admin.display(description=_("half-year"), ordering="year")
    def period_label(self, obj):
        return obj.period.label
