"""Writing service records, evaluations and reports. Every change goes through a function here.

Each function runs in a transaction, checks the state it starts from with a conditional UPDATE or
a row lock, records the step and raises `ReportsError` with a machine-readable code that views and
admin actions turn into a translated message.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.pagecache import app_pages_changed
from core.periods import Period
from core.transitions import state_move
from members.access import can
from members.models import (
    Community,
    CommunityRegistration,
    Member,
    Organization,
    OrganizationAdmin,
    Partnership,
)
from notifications.services import Message, notify, notify_many, occasion
from projects.models import Participation
from records.models import ServiceRecord

from .models import (
    Evaluation,
    MemberReport,
    OrganizationReport,
    OrganizationReportTransition,
    Rating,
    ReportState,
    ReportTransition,
)

OPEN_STATES = MemberReport.OPEN_STATES
DONE_STATES = (ReportState.SUBMITTED, ReportState.APPROVED)
BATCH = 5000


class ReportsError(DomainError):
    messages = {
        "not_permitted": _("You may not do this."),
        "not_editable": _("This report has been submitted and can no longer be edited."),
        "not_submitted": _("This report is not waiting for review."),
        "comment_required": _("Please write a comment saying what should be changed."),
        "account_required": _("Please write what you did before submitting."),
        "own_report": _("You cannot review your own report."),
        "not_registered": _("This member is not registered with your community."),
        "future_date": _("The date of service cannot be in the future."),
        "too_old": _(
            "The date of service is too long ago: only service in this half-year or the last "
            "one can be recorded."
        ),
        "bad_hours": _("Hours must be more than 0 and at most 24."),
        "period_not_started": _("This half-year has not started yet."),
        "bad_rating": _("Choose one of the ratings."),
        "already_recorded": _("This service has already been recorded."),
    }


# ---------------------------------------------------------------------------------------------
# Evaluations (双评价)
# ---------------------------------------------------------------------------------------------
def registrations_overlapping(period: Period):
    """Registrations that were in force at some time during the period: confirmed before it ended
    and not ended before it started."""
    return CommunityRegistration.objects.filter(
        state__in=[CommunityRegistration.State.CONFIRMED, CommunityRegistration.State.ENDED],
        decided_at__lt=period.end_datetime(),
    ).filter(Q(ended_at__isnull=True) | Q(ended_at__gte=period.start_datetime()))


def evaluation_set(
    *, by, community: Community, member: Member, period: Period, rating: str, comment: str = ""
) -> Evaluation:
    if not can(by, "reports.evaluation.rate", community):
        raise ReportsError("not_permitted")
    if rating not in Rating.values:
        raise ReportsError("bad_rating")
    if period.start > timezone.localdate():
        raise ReportsError("period_not_started")
    if not registrations_overlapping(period).filter(member=member, community=community).exists():
        raise ReportsError("not_registered")
    with transaction.atomic():
        evaluation, _created = Evaluation.objects.update_or_create(
            member=member,
            community=community,
            year=period.year,
            half=period.half,
            defaults={
                "rating": rating,
                "comment": comment,
                "rated_by": by,
                "rated_at": timezone.now(),
            },
        )
        # The prepared report shows the evaluation to its reviewer.
        text = evaluation_texts(period, member_id=member.pk).get(member.pk, "")
        MemberReport.objects.filter(member=member, year=period.year, half=period.half).exclude(
            state=ReportState.APPROVED
        ).update(evaluation=text)
    # The evaluation page and its counts (members not rated yet) follow: reports.apps.
    return evaluation


def evaluations_generation_key(community_id: int) -> str:
    """The generation of a community's ratings: part of the keys of the evaluation page and its
    counts, a new one with every rating saved or deleted (reports.apps)."""
    return f"reports:evaluations:{community_id}"


def evaluation_texts(period: Period, member_id: int | None = None) -> dict[int, str]:
    qs = Evaluation.objects.filter(year=period.year, half=period.half)
    if member_id is not None:
        qs = qs.filter(member_id=member_id)

    # A stored snapshot: written in the site's language, whoever triggered it.
    with translation.override(settings.LANGUAGE_CODE):
        labels = {value: str(label) for value, label in Rating.choices}
    texts: dict[int, list[str]] = defaultdict(list)
    for mid, name, rating in qs.order_by("community__name").values_list(
        "member_id", "community__name", "rating"
    ):
        texts[mid].append(f"{name}: {labels[rating]}")
    return {mid: "; ".join(parts)[:300] for mid, parts in texts.items()}


# ---------------------------------------------------------------------------------------------
# Member reports: preparing the drafts
# ---------------------------------------------------------------------------------------------
def _member_figures(period: Period, member_id: int | None = None) -> dict[int, dict]:
    """The prepared figures of every member (or one) for a period, in four aggregate queries."""
    figures: dict[int, dict] = defaultdict(
        lambda: {
            "communities": set(),
            "hours": Decimal(0),
            "points": 0,
            "records_count": 0,
            "wishes_fulfilled": 0,
            "projects_served": 0,
            "project_hours": Decimal(0),
            "evaluation": "",
        }
    )
    records = ServiceRecord.objects.filter(served_on__range=(period.start, period.end))
    registrations = registrations_overlapping(period)
    if member_id is not None:
        records = records.filter(member_id=member_id)
        registrations = registrations.filter(member_id=member_id)
    for row in records.values("member_id").annotate(
        hours_sum=Sum("hours"),
        points_sum=Sum("points"),
        n=Count("pk"),
        wishes=Count("pk", filter=Q(kind=ServiceRecord.Kind.WISH)),
        project_hours=Sum("hours", filter=Q(kind=ServiceRecord.Kind.PROJECT)),
    ):
        f = figures[row["member_id"]]
        f["project_hours"] = row["project_hours"] or Decimal(0)
        f["hours"] = row["hours_sum"] or Decimal(0)
        f["points"] = row["points_sum"] or 0
        f["records_count"] = row["n"]
        f["wishes_fulfilled"] = row["wishes"]
    for mid, n in _projects_served(period.start, period.end, member_id=member_id):
        figures[mid]["projects_served"] = n
    for mid, name in records.values_list("member_id", "community__name").distinct():
        figures[mid]["communities"].add(name)
    for mid, name in registrations.values_list("member_id", "community__name").distinct():
        figures[mid]["communities"].add(name)
    for mid, text in evaluation_texts(period, member_id).items():
        figures[mid]["evaluation"] = text
    return figures


def _projects_served(start, end, *, member_id=None, by="member_id"):
    """(member or branch, projects) whose confirmed participations fall in the dates: the
    projects a member took part in (one query)."""
    rows = Participation.objects.filter(served_on__range=(start, end), confirmed_at__isnull=False)
    if member_id is not None:
        rows = rows.filter(member_id=member_id)
    key = "member_id" if by == "member_id" else "member__branch_id"
    return rows.values_list(key).annotate(n=Count("project_id", distinct=True))


def _apply_figures(report: MemberReport, f: dict) -> None:
    report.communities_served = "、".join(sorted(f["communities"]))[:300]
    report.hours = f["hours"]
    report.points = f["points"]
    report.records_count = f["records_count"]
    report.wishes_fulfilled = f["wishes_fulfilled"]
    report.projects_served = f["projects_served"]
    report.project_hours = f["project_hours"]
    report.evaluation = f["evaluation"]


def member_reports_prepare(*, period: Period, notify: bool = True) -> list[int]:
    """Prepare a draft for each member with a registration in the period who has none yet.

    Batched: a fixed number of aggregate queries and bulk INSERTs, not a query per member.
    Safe to run again: members who already have a report are skipped. Returns the new ids.
    """
    now = timezone.now()
    due = period.due
    with transaction.atomic():
        have = MemberReport.objects.filter(year=period.year, half=period.half).values("member_id")
        member_ids = set(
            registrations_overlapping(period)
            .exclude(member_id__in=have)
            .values_list("member_id", flat=True)
        )
        if not member_ids:
            return []
        figures = _member_figures(period)
        reports = []
        for mid in sorted(member_ids):
            report = MemberReport(
                member_id=mid,
                year=period.year,
                half=period.half,
                due_on=due,
                created_at=now,
                updated_at=now,
            )
            _apply_figures(report, figures[mid])
            reports.append(report)
        created = MemberReport.objects.bulk_create(reports, batch_size=BATCH)
        app_pages_changed("reports")  # no signal from bulk_create: "My reports" shows them
        ReportTransition.objects.bulk_create(
            [ReportTransition(report=r, to_state=ReportState.DRAFT, at=now) for r in created],
            batch_size=BATCH,
        )
        ids = [r.pk for r in created]
        if notify:
            notify_reports(
                MemberReport.objects.filter(year=period.year, half=period.half, created_at=now),
                step="prepared",
                template="reports/email/report_prepared",
            )
    return ids


def notify_reports(
    reports_qs, *, step: str, template: str, steps: dict | None = None, key_contains: str = ""
) -> int:
    """Notify each report's member once for `step` (or for `steps[report.pk]`)."""
    messages = []
    for report in reports_qs.select_related("member__user"):
        if steps is not None and report.pk not in steps:
            continue
        this_step = steps[report.pk] if steps is not None else step
        messages.append(
            Message(
                user=report.member.user,
                key=occasion("report", report.pk, this_step),
                context={"report": report, "step": this_step, "period": report.period},
                url=reverse("reports:report_detail", args=[report.pk]),
            )
        )
    existing = Q(
        user_id__in=reports_qs.values("member__user_id"),
        key__startswith=occasion("report") + ":",
        key__contains=key_contains or f":{step}",
    )
    return len(notify_many(messages=messages, template=template, existing=existing))


# ---------------------------------------------------------------------------------------------
# Member reports: the member's steps
# ---------------------------------------------------------------------------------------------
def _report_update(*, report, by, rule: str, **account: str):
    """Write the account of an open report (member's or organization's)."""
    if not can(by, rule, report):
        raise ReportsError("not_permitted")
    updated = (
        type(report)
        .objects.filter(pk=report.pk, state__in=OPEN_STATES)
        .update(**account, updated_at=timezone.now())
    )
    if not updated:
        raise ReportsError("not_editable")
    report.refresh_from_db()
    return report


def _report_submit(*, report, by, rule: str, account_field: str, refresh, notify):
    """Submit an open report whose account is written: `refresh(locked)` updates the prepared
    figures, `notify(report)` tells the reviewers after commit."""
    if not can(by, rule, report):
        raise ReportsError("not_permitted")
    with transaction.atomic():
        locked = type(report).objects.select_for_update().get(pk=report.pk)
        if locked.state not in OPEN_STATES:
            raise ReportsError("not_editable")
        if not getattr(locked, account_field).strip():
            raise ReportsError("account_required")
        refresh(locked)
        from_state = locked.state
        now = timezone.now()
        locked.state = ReportState.SUBMITTED
        locked.submitted_at = now
        locked.updated_at = now
        locked.save()
        locked.transitions.create(from_state=from_state, to_state=ReportState.SUBMITTED, by=by)
        transaction.on_commit(lambda: notify(locked))
    return locked


def _report_decide(*, report, by, to_state: str, comment: str, notify):
    """Approve or return a submitted report (the caller has checked who may); a return needs a
    comment. `notify(report, step)` tells the report's authors after commit."""
    if to_state == ReportState.RETURNED and not (comment or "").strip():
        raise ReportsError("comment_required")
    now = timezone.now()
    with transaction.atomic():
        left = state_move(
            report,
            from_states=[ReportState.SUBMITTED],
            to=to_state,
            review_comment=comment,
            reviewed_by=by,
            reviewed_at=now,
            updated_at=now,
        )
        if left is None:
            raise ReportsError("not_submitted")
        report.transitions.create(from_state=left, to_state=to_state, by=by, comment=comment)
        step = f"{to_state}:{report.transitions.count()}"
        transaction.on_commit(lambda: notify(report, step))
    return report


def member_report_update(
    *, report: MemberReport, by, did: str, learned: str, plans: str
) -> MemberReport:
    return _report_update(
        report=report,
        by=by,
        rule="reports.memberreport.edit",
        did=did,
        learned=learned,
        plans=plans,
    )


def _refresh_member_figures(report: MemberReport) -> None:
    _apply_figures(report, _member_figures(report.period, report.member_id)[report.member_id])


def member_report_submit(*, report: MemberReport, by) -> MemberReport:
    """The member submits: the figures are refreshed from the records, the reviewers told."""
    return _report_submit(
        report=report,
        by=by,
        rule="reports.memberreport.edit",
        account_field="did",
        refresh=_refresh_member_figures,
        notify=_notify_reviewers,
    )


def member_report_approve(*, report: MemberReport, by, comment: str = "") -> MemberReport:
    return _member_report_decide(
        report=report, by=by, to_state=ReportState.APPROVED, comment=comment
    )


def member_report_return(*, report: MemberReport, by, comment: str) -> MemberReport:
    return _member_report_decide(
        report=report, by=by, to_state=ReportState.RETURNED, comment=comment
    )


def _member_report_decide(*, report: MemberReport, by, to_state: str, comment: str):
    report = MemberReport.objects.select_related("member__branch", "member__user").get(pk=report.pk)
    if report.member.user_id == by.pk:
        raise ReportsError("own_report")
    if not can(by, "reports.memberreport.reviewer", report):
        raise ReportsError("not_permitted")
    return _report_decide(
        report=report, by=by, to_state=to_state, comment=comment, notify=_notify_member_decision
    )


def _notify_member_decision(report: MemberReport, step: str) -> None:
    template = (
        "reports/email/report_approved"
        if report.state == ReportState.APPROVED
        else "reports/email/report_returned"
    )
    notify(
        user=report.member.user,
        key=occasion("report", report.pk, step),
        template=template,
        context={"report": report, "period": report.period},
        url=reverse("reports:report_detail", args=[report.pk]),
    )


def branch_reviewers(branch: Organization) -> list:
    """Who reviews a branch's reports: the admins of the branch and of its parent."""
    ids = [branch.pk] + ([branch.parent_id] if branch.parent_id else [])
    return [
        a.user
        for a in OrganizationAdmin.objects.filter(organization_id__in=ids)
        .select_related("user")
        .order_by("user_id")
    ]


def _notify_reviewers(report: MemberReport) -> None:
    branch = report.member.branch
    for user in branch_reviewers(branch):
        if user.pk == report.member.user_id:
            continue
        notify(
            user=user,
            key=occasion("report", report.pk, "submitted", report.transitions.count()),
            template="reports/email/report_submitted",
            context={"report": report, "period": report.period, "member": report.member},
            url=reverse("admin:reports_memberreport_change", args=[report.pk]),
        )


# ---------------------------------------------------------------------------------------------
# Organization yearly reports
# ---------------------------------------------------------------------------------------------
def _no_figures() -> dict:
    return {
        "members_total": 0,
        "members_reported": 0,
        "hours": Decimal(0),
        "wishes": 0,
        "projects": 0,
        "project_hours": Decimal(0),
        "ratings": defaultdict(int),
    }


def _organization_figures(year: int) -> dict[int, dict]:
    """Figures of every organization for a year, rolled up its subtree (a handful of queries)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    orgs = list(Organization.objects.values_list("pk", "path"))
    by_branch: dict[int, dict] = defaultdict(_no_figures)
    for bid, n in Member.objects.values_list("branch_id").annotate(n=Count("pk")):
        by_branch[bid]["members_total"] = n
    for bid, n in (
        MemberReport.objects.filter(year=year, state__in=DONE_STATES)
        .values_list("member__branch_id")
        .annotate(n=Count("member_id", distinct=True))
    ):
        by_branch[bid]["members_reported"] = n
    for bid, hours, wishes, project_hours in (
        ServiceRecord.objects.filter(served_on__range=(start, end))
        .values_list("member__branch_id")
        .annotate(
            h=Sum("hours"),
            w=Count("pk", filter=Q(kind=ServiceRecord.Kind.WISH)),
            ph=Sum("hours", filter=Q(kind=ServiceRecord.Kind.PROJECT)),
        )
    ):
        by_branch[bid]["hours"] = hours or Decimal(0)
        by_branch[bid]["wishes"] = wishes
        by_branch[bid]["project_hours"] = project_hours or Decimal(0)
    # A project counts once per branch whose members took part (a unit's project with members
    # of two branches counts for each, as each branch's members served on it).
    for bid, n in _projects_served(start, end, by="branch"):
        by_branch[bid]["projects"] = n
    for bid, rating, n in (
        Evaluation.objects.filter(year=year)
        .values_list("member__branch_id", "rating")
        .annotate(n=Count("pk"))
    ):
        by_branch[bid]["ratings"][rating] += n
    paired = list(
        Partnership.objects.filter(term_start__lte=end, term_end__gte=start).values_list(
            "organization__path", "community__name"
        )
    )
    path_of = dict(orgs)
    result = {}
    for pk, path in orgs:
        f = _no_figures()
        for bid, b in by_branch.items():
            if path_of.get(bid, "\0").startswith(path):
                f["members_total"] += b["members_total"]
                f["members_reported"] += b["members_reported"]
                f["hours"] += b["hours"]
                f["wishes"] += b["wishes"]
                f["projects"] += b["projects"]
                f["project_hours"] += b["project_hours"]
                for rating, n in b["ratings"].items():
                    f["ratings"][rating] += n
        f["communities"] = {name for p, name in paired if p.startswith(path)}
        result[pk] = f
    return result


def _apply_org_figures(report: OrganizationReport, f: dict) -> None:
    report.communities_paired = "、".join(sorted(f["communities"]))[:500]
    report.members_total = f["members_total"]
    report.members_reported = f["members_reported"]
    report.hours = f["hours"]
    report.wishes_fulfilled = f["wishes"]
    report.projects_served = f["projects"]
    report.project_hours = f["project_hours"]
    report.rated_excellent = f["ratings"][Rating.EXCELLENT]
    report.rated_qualified = f["ratings"][Rating.QUALIFIED]
    report.rated_basic = f["ratings"][Rating.BASICALLY_QUALIFIED]
    report.rated_unqualified = f["ratings"][Rating.UNQUALIFIED]


def organization_reports_prepare(*, year: int) -> list[int]:
    """A yearly draft for each organization below a working committee that has none yet."""
    now = timezone.now()
    due = datetime.date(year, 12, 31) + datetime.timedelta(days=settings.REPORT_DUE_DAYS)
    with transaction.atomic():
        have = OrganizationReport.objects.filter(year=year).values("organization_id")
        orgs = list(
            Organization.objects.filter(parent__isnull=False)
            .exclude(pk__in=have)
            .values_list("pk", flat=True)
        )
        if not orgs:
            return []
        figures = _organization_figures(year)
        reports = []
        for pk in orgs:
            report = OrganizationReport(
                organization_id=pk, year=year, due_on=due, created_at=now, updated_at=now
            )
            _apply_org_figures(report, figures[pk])
            reports.append(report)
        created = OrganizationReport.objects.bulk_create(reports, batch_size=BATCH)
        OrganizationReportTransition.objects.bulk_create(
            [
                OrganizationReportTransition(report=r, to_state=ReportState.DRAFT, at=now)
                for r in created
            ],
            batch_size=BATCH,
        )
    return [r.pk for r in created]


def organization_report_update(
    *, report: OrganizationReport, by, summary: str, plans: str
) -> OrganizationReport:
    return _report_update(
        report=report,
        by=by,
        rule="reports.organizationreport.edit",
        summary=summary,
        plans=plans,
    )


def _refresh_org_figures(report: OrganizationReport) -> None:
    _apply_org_figures(report, _organization_figures(report.year)[report.organization_id])


def organization_report_submit(*, report: OrganizationReport, by) -> OrganizationReport:
    return _report_submit(
        report=report,
        by=by,
        rule="reports.organizationreport.edit",
        account_field="summary",
        refresh=_refresh_org_figures,
        notify=_notify_org_reviewers,
    )


def organization_report_approve(*, report, by, comment: str = "") -> OrganizationReport:
    return _org_report_decide(report=report, by=by, to_state=ReportState.APPROVED, comment=comment)


def organization_report_return(*, report, by, comment: str) -> OrganizationReport:
    return _org_report_decide(report=report, by=by, to_state=ReportState.RETURNED, comment=comment)


def _org_report_decide(*, report: OrganizationReport, by, to_state: str, comment: str):
    report = OrganizationReport.objects.select_related("organization").get(pk=report.pk)
    if not can(by, "reports.organizationreport.review", report):
        raise ReportsError("not_permitted")
    return _report_decide(
        report=report, by=by, to_state=to_state, comment=comment, notify=_notify_org_admins
    )


def _notify_org_reviewers(report: OrganizationReport) -> None:
    parent_id = report.organization.parent_id
    step = report.transitions.count()
    for admin in OrganizationAdmin.objects.filter(organization_id=parent_id).select_related("user"):
        notify(
            user=admin.user,
            key=occasion("orgreport", report.pk, "submitted", step),
            template="reports/email/org_report_submitted",
            context={"report": report},
            url=reverse("admin:reports_organizationreport_change", args=[report.pk]),
        )


def _notify_org_admins(report: OrganizationReport, step: str) -> None:
    for admin in OrganizationAdmin.objects.filter(
        organization_id=report.organization_id
    ).select_related("user"):
        notify(
            user=admin.user,
            key=occasion("orgreport", report.pk, step),
            template="reports/email/org_report_decided",
            context={"report": report, "approved": report.is_approved},
            url=reverse("admin:reports_organizationreport_change", args=[report.pk]),
        )


def member_period_approved(member: Member, day: datetime.date) -> bool:
    """True when the member's half-year report of `day` is approved: its records are closed to
    corrections (registered with records.services.period_lock_register)."""
    period = Period.containing(day)
    return MemberReport.objects.filter(
        member=member, year=period.year, half=period.half, state=ReportState.APPROVED
    ).exists()
