"""The periodic jobs of the reports app: drafts when a period ends, reminders, digests.

Each job takes `today` so that it can be run by hand for any date
(`manage.py run_job reports.send_member_reminders --date 2026-07-08`) and is safe to run twice:
every message has an occasion key that is unique per user, so a retried or overlapping run
notifies nobody twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse

from core.periods import last_ended
from members.models import Organization, OrganizationAdmin
from notifications.services import Message, notify_many, occasion

from .models import MemberReport, ReportState
from .services import (
    OPEN_STATES,
    member_reports_prepare,
    notify_reports,
    organization_reports_prepare,
)

OVERDUE_REMINDER_WEEKS = 26


def prepare_due_drafts(*, today: datetime.date) -> dict:
    """Prepare the drafts of the period that ended last (and, after December, the yearly
    organization reports)."""
    period = last_ended(today)
    members = member_reports_prepare(period=period)
    organizations = organization_reports_prepare(year=period.year) if period.half == 2 else []
    return {
        "period": period.code,
        "member_reports": len(members),
        "org_reports": len(organizations),
    }


def reminder_step(*, due_on: datetime.date, today: datetime.date) -> str | None:
    """Which reminder a report not yet submitted is due for today.

    Before the due date: "before-N" from N days before (N from REPORT_REMINDER_DAYS_BEFORE); on
    it: "due"; after it: "overdue-W" each full week W overdue. A day the job did not run is caught
    up the next day, and each step is sent once.
    """
    days_left = (due_on - today).days
    if days_left > 0:
        for days in sorted(settings.REPORT_REMINDER_DAYS_BEFORE):
            if days_left <= days:
                return f"before-{days}"
        return None
    if days_left > -7:
        return "due"
    return f"overdue-{-days_left // 7}"


def send_member_reminders(*, today: datetime.date) -> int:
    """Remind every member whose report is not submitted; returns the number notified."""
    horizon = today + datetime.timedelta(days=max(settings.REPORT_REMINDER_DAYS_BEFORE, default=0))
    # Weekly reminders stop when the next half-year's report falls due; the monthly summary to
    # the admins keeps listing the report after that.
    oldest = today - datetime.timedelta(weeks=OVERDUE_REMINDER_WEEKS)
    reports = MemberReport.objects.filter(
        state__in=OPEN_STATES, due_on__lte=horizon, due_on__gt=oldest
    )
    steps = {}
    for pk, due_on in reports.values_list("pk", "due_on"):
        step = reminder_step(due_on=due_on, today=today)
        if step:
            steps[pk] = f"remind:{step}"
    if not steps:
        return 0
    return notify_reports(
        reports,
        step="",
        steps=steps,
        template="reports/email/report_reminder",
        key_contains=":remind:",
    )


def _admins_by_org() -> dict[int, list]:
    admins = defaultdict(list)
    for admin in OrganizationAdmin.objects.select_related("user", "organization"):
        admins[admin.organization_id].append(admin)
    return admins


def _notify_branch_counts(per_user: dict[int, dict], *, key: str, template: str, url: str) -> int:
    """Send each user of `per_user` ({user_id: {"user", "branches": {_: (name, n)}}}) their
    branches' counts and the total, once for `key`; returns the number notified."""
    messages = []
    for entry in per_user.values():
        branches = sorted(entry["branches"].values())
        messages.append(
            Message(
                user=entry["user"],
                key=key,
                context={"branches": branches, "total": sum(n for _, n in branches)},
                url=url,
            )
        )
    existing = Q(key=key, user_id__in=list(per_user))
    return len(notify_many(messages=messages, template=template, existing=existing))


def send_review_digests(*, today: datetime.date) -> int:
    """Weekly: tell each branch's reviewers (admins of the branch and of its parent) how many
    reports wait for their review."""
    waiting = list(
        MemberReport.objects.filter(state=ReportState.SUBMITTED)
        .values_list("member__branch_id", "member__branch__name", "member__branch__parent_id")
        .annotate(n=Count("pk"))
        .order_by("member__branch__name")
    )
    if not waiting:
        return 0
    admins = _admins_by_org()
    per_user: dict[int, dict] = {}
    for branch_id, name, parent_id, n in waiting:
        for org_id in (branch_id, parent_id):
            for admin in admins.get(org_id, []):
                entry = per_user.setdefault(admin.user_id, {"user": admin.user, "branches": {}})
                entry["branches"][branch_id] = (name, n)
    year, week, _ = today.isocalendar()
    return _notify_branch_counts(
        per_user,
        key=occasion("report-digest", f"{year}-W{week:02d}"),
        template="reports/email/review_digest",
        url=reverse("admin:reports_memberreport_changelist") + "?state__exact=submitted",
    )


def send_overdue_summaries(*, today: datetime.date) -> int:
    """Monthly: tell each organization admin how many reports in their subtree are overdue."""
    overdue = list(
        MemberReport.objects.filter(state__in=OPEN_STATES, due_on__lt=today)
        .values_list("member__branch__path", "member__branch__name")
        .annotate(n=Count("pk"))
        .order_by("member__branch__name")
    )
    if not overdue:
        return 0
    per_user: dict[int, dict] = {}
    for admins in _admins_by_org().values():
        for admin in admins:
            org: Organization = admin.organization
            rows = [(name, n) for path, name, n in overdue if path.startswith(org.path)]
            if not rows:
                continue
            entry = per_user.setdefault(admin.user_id, {"user": admin.user, "branches": {}})
            for name, n in rows:
                entry["branches"][name] = (name, n)
    return _notify_branch_counts(
        per_user,
        key=occasion("report-overdue", f"{today:%Y-%m}"),
        template="reports/email/overdue_summary",
        url=reverse("admin:reports_memberreport_changelist") + "?overdue=yes",
    )


JOBS = {
    "prepare_due_drafts": prepare_due_drafts,
    "send_member_reminders": send_member_reminders,
    "send_review_digests": send_review_digests,
    "send_overdue_summaries": send_overdue_summaries,
}
