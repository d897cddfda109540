import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from reports.jobs import (
    prepare_due_drafts,
    reminder_step,
    send_member_reminders,
    send_overdue_summaries,
    send_review_digests,
)
from reports.models import MemberReport, OrganizationReport, ReportState
from tests import factories as f
from tests.reports.factories import MemberReportFactory, aware, registered_since

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reminder_settings(settings):
    settings.REPORT_DUE_DAYS = 15
    settings.REPORT_REMINDER_DAYS_BEFORE = [7, 1]


@pytest.mark.parametrize(
    ("today", "step"),
    [
        (D(2026, 7, 1), None),
        (D(2026, 7, 8), "before-7"),
        (D(2026, 7, 10), "before-7"),  # a missed day is caught up, sent once anyway
        (D(2026, 7, 14), "before-1"),
        (D(2026, 7, 15), "due"),
        (D(2026, 7, 18), "due"),
        (D(2026, 7, 22), "overdue-1"),
        (D(2026, 7, 28), "overdue-1"),
        (D(2026, 7, 29), "overdue-2"),
        (D(2027, 1, 13), "overdue-26"),
    ],
)
def test_reminder_step_for_each_day(today, step):
    assert reminder_step(due_on=D(2026, 7, 15), today=today) == step


@pytest.fixture
def draft(member):
    return MemberReportFactory(member=member, year=2026, half=1, due_on=D(2026, 7, 15))


def _remind(today, capture):
    with capture(execute=True):
        return send_member_reminders(today=today)


def _reminders(user):
    return list(
        Notification.objects.filter(user=user, key__contains=":remind:")
        .order_by("pk")
        .values_list("key", flat=True)
    )


@pytest.mark.parametrize(
    ("today", "step"),
    [
        (D(2026, 7, 8), "before-7"),
        (D(2026, 7, 14), "before-1"),
        (D(2026, 7, 15), "due"),
        (D(2026, 7, 22), "overdue-1"),
    ],
)
def test_each_reminder_step_is_sent_by_email_and_in_site(
    draft, member_user, today, step, django_capture_on_commit_callbacks
):
    assert _remind(today, django_capture_on_commit_callbacks) == 1
    assert _reminders(member_user) == [f"report:{draft.pk}:remind:{step}"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member_user.email]
    assert "2026年上半年" in mail.outbox[0].subject


def test_a_retried_reminder_sends_nothing_twice(
    draft, member_user, django_capture_on_commit_callbacks
):
    _remind(D(2026, 7, 8), django_capture_on_commit_callbacks)
    assert _remind(D(2026, 7, 8), django_capture_on_commit_callbacks) == 0
    assert _remind(D(2026, 7, 9), django_capture_on_commit_callbacks) == 0
    assert len(_reminders(member_user)) == 1
    assert len(mail.outbox) == 1


def test_a_whole_reminder_season_sends_each_step_once(
    draft, member_user, django_capture_on_commit_callbacks
):
    day = D(2026, 7, 1)
    while day <= D(2026, 8, 5):
        for _ in range(2):  # every day's job runs twice (a retry)
            _remind(day, django_capture_on_commit_callbacks)
        day += datetime.timedelta(days=1)
    steps = [k.rsplit(":", 1)[1] for k in _reminders(member_user)]
    assert steps == ["before-7", "before-1", "due", "overdue-1", "overdue-2", "overdue-3"]
    assert len(mail.outbox) == 6


def test_the_celery_task_retried_on_the_same_frozen_day_notifies_once(
    draft, member_user, django_capture_on_commit_callbacks
):
    from core.tasks import run_job

    with (
        time_machine.travel(aware(D(2026, 7, 15), 9), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run_job.delay("reports.send_member_reminders")
        run_job.delay("reports.send_member_reminders")
    assert _reminders(member_user) == [f"report:{draft.pk}:remind:due"]
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("state", [ReportState.SUBMITTED, ReportState.APPROVED])
def test_submitted_or_approved_reports_get_no_reminder(
    member, state, django_capture_on_commit_callbacks
):
    MemberReportFactory(member=member, state=state, due_on=D(2026, 7, 15))
    assert _remind(D(2026, 7, 15), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_a_returned_report_is_reminded(member, member_user, django_capture_on_commit_callbacks):
    MemberReportFactory(member=member, state=ReportState.RETURNED, due_on=D(2026, 7, 15))
    assert _remind(D(2026, 7, 15), django_capture_on_commit_callbacks) == 1


def test_an_email_failure_leaves_the_email_for_the_retry(
    draft, member_user, monkeypatch, django_capture_on_commit_callbacks
):
    from notifications.services import notifications_email_bulk, notifications_email_sweep

    send_member_reminders(today=D(2026, 7, 15))  # its task, after commit, never runs here
    ids = list(Notification.objects.values_list("pk", flat=True))

    def broken(self, messages):
        raise OSError("smtp down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)
    assert notifications_email_bulk(ids=ids) == 0
    failed = Notification.objects.get()
    assert failed.email_state == Notification.EmailState.PENDING and failed.emailed_at is None
    assert failed.email_error == "OSError: smtp down"
    monkeypatch.undo()
    assert notifications_email_bulk(ids=ids) == 0  # not before its back-off is over
    with (
        time_machine.travel(failed.email_next_at, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert notifications_email_sweep()["queued"] == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [member_user.email]
    assert notifications_email_bulk(ids=ids) == 0


# Review digests and overdue summaries ----------------------------------------------------------
def test_weekly_digest_goes_to_the_admins_of_the_branch_and_its_parent_once(
    member, org_admin, other_org_admin, committee_admin, branch, django_capture_on_commit_callbacks
):
    from tests import factories as f

    secretary = f.OrganizationAdminFactory(organization=branch).user
    MemberReportFactory(member=member, state=ReportState.SUBMITTED)
    today = D(2026, 7, 20)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_review_digests(today=today) == 2
        assert send_review_digests(today=today) == 0
    recipients = set(Notification.objects.values_list("user__username", flat=True))
    assert recipients == {org_admin.username, secretary.username}
    assert "1 份半年报告等待您审核" in mail.outbox[0].subject
    assert len(mail.outbox) == 2


def test_next_weeks_digest_is_sent_again(member, org_admin, django_capture_on_commit_callbacks):
    MemberReportFactory(member=member, state=ReportState.SUBMITTED)
    send_review_digests(today=D(2026, 7, 20))
    send_review_digests(today=D(2026, 7, 27))
    assert Notification.objects.filter(user=org_admin).count() == 2


def test_no_digest_when_nothing_waits(member, org_admin):
    MemberReportFactory(member=member, state=ReportState.DRAFT)
    assert send_review_digests(today=D(2026, 7, 20)) == 0


def test_monthly_overdue_summary_reaches_every_admin_above_the_branch_once(
    member, org_admin, other_org_admin, committee_admin, django_capture_on_commit_callbacks
):
    MemberReportFactory(member=member, state=ReportState.DRAFT, due_on=D(2026, 7, 15))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_summaries(today=D(2026, 8, 1)) == 2
        assert send_overdue_summaries(today=D(2026, 8, 1)) == 0
    recipients = set(Notification.objects.values_list("user__username", flat=True))
    assert recipients == {org_admin.username, committee_admin.username}
    assert "教育局第一党支部：1 份" in mail.outbox[0].body


def test_overdue_summary_opens_the_review_list_on_overdue_reports(member, org_admin):
    MemberReportFactory(member=member, state=ReportState.DRAFT, due_on=D(2026, 7, 15))
    send_overdue_summaries(today=D(2026, 8, 1))
    assert Notification.objects.get(user=org_admin).url.endswith("?overdue=yes")


def test_reports_not_yet_due_are_not_in_the_overdue_summary(member, org_admin):
    MemberReportFactory(member=member, state=ReportState.DRAFT, due_on=D(2026, 7, 15))
    assert send_overdue_summaries(today=D(2026, 7, 15)) == 0


# Preparing drafts -------------------------------------------------------------------------------
def test_drafts_are_prepared_once_when_the_half_year_ends(long_registered, party_committee):
    first = prepare_due_drafts(today=D(2026, 7, 1))
    again = prepare_due_drafts(today=D(2026, 7, 2))
    assert (first["member_reports"], again["member_reports"]) == (1, 0)
    assert MemberReport.objects.get().due_on == D(2026, 7, 15)
    assert not OrganizationReport.objects.exists()


def test_yearly_organization_reports_are_prepared_after_december(
    long_registered, branch, party_committee, committee
):
    result = prepare_due_drafts(today=D(2027, 1, 1))
    assert result["period"] == "2026H2"
    assert set(OrganizationReport.objects.values_list("organization__name", flat=True)) == {
        branch.name,
        party_committee.name,
    }


def test_run_job_runs_a_reports_job_for_a_given_date(draft, member_user, capsys):
    call_command("run_job", "reports.send_member_reminders", "--date", "2026-07-15")
    assert "reports.send_member_reminders (2026-07-15): 1" in capsys.readouterr().out
    assert _reminders(member_user) == [f"report:{draft.pk}:remind:due"]


def test_run_job_rejects_a_bad_date():
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("run_job", "reports.send_member_reminders", "--date", "15/07/2026")


# Schedules --------------------------------------------------------------------------------------
def test_sync_schedules_creates_the_report_jobs_and_keeps_an_admins_change(settings):
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    call_command("sync_schedules")
    jobs = {
        t.args
        for t in PeriodicTask.objects.filter(task="core.run_job", name__startswith="reports-")
    }
    assert jobs == {
        '["reports.prepare_due_drafts"]',
        '["reports.send_member_reminders"]',
        '["reports.send_review_digests"]',
        '["reports.send_overdue_summaries"]',
    }
    task = PeriodicTask.objects.get(name="reports-remind-members")
    changed, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="10", timezone=settings.TIME_ZONE
    )
    task.crontab = changed
    task.enabled = False
    task.save()
    call_command("sync_schedules")
    task.refresh_from_db()
    assert (task.crontab.hour, task.crontab.minute, task.enabled) == ("10", "30", False)
    assert PeriodicTask.objects.filter(name="reports-remind-members").count() == 1


def test_weekly_reminders_stop_after_half_a_year_overdue(
    draft, member_user, django_capture_on_commit_callbacks
):
    assert _remind(D(2027, 1, 6), django_capture_on_commit_callbacks) == 1  # week 25
    assert _remind(D(2027, 1, 13), django_capture_on_commit_callbacks) == 0  # week 26


# Query counts ------------------------------------------------------------------------------------
def _queries_for(members: int, arrange, job, capture) -> int:
    """The queries `job()` costs (emails sent after commit included) with `members` members
    arranged by `arrange(member)`; everything is rolled back afterwards."""
    with transaction.atomic():
        for member in f.MemberFactory.create_batch(members):
            arrange(member)
        with CaptureQueriesContext(connection) as queries, capture(execute=True):
            job()
        transaction.set_rollback(True)
    return len(queries)


# What each email costs, and nothing else does per member: its claim and its outcome, each
# committed at once, so that a worker that dies or one error touches that one email only.
PER_EMAIL = 2


def _sizes(arrange, job, capture) -> list[int]:
    _queries_for(1, arrange, job, capture)  # warm the caches a first run fills
    return [_queries_for(n, arrange, job, capture) for n in (3, 30)]


def test_preparing_drafts_costs_the_same_queries_for_3_or_30_members(
    community, django_capture_on_commit_callbacks
):
    def arrange(member):
        registered_since(member, community, D(2025, 1, 1))
        f.ServiceRecordFactory(member=member, community=community, served_on=D(2026, 3, 1))

    def job():
        assert prepare_due_drafts(today=D(2026, 7, 1))["member_reports"] > 0

    small, large = _sizes(arrange, job, django_capture_on_commit_callbacks)
    assert large - small == PER_EMAIL * (30 - 3)
    assert len(mail.outbox) == 1 + 3 + 30  # the emails after commit were counted too


def test_a_member_reminder_round_costs_the_same_queries_for_3_or_30_members(
    django_capture_on_commit_callbacks,
):
    def arrange(member):
        MemberReportFactory(member=member, due_on=D(2026, 7, 15))

    def job():
        assert send_member_reminders(today=D(2026, 7, 15)) > 0

    small, large = _sizes(arrange, job, django_capture_on_commit_callbacks)
    assert large - small == PER_EMAIL * (30 - 3)
    assert len(mail.outbox) == 1 + 3 + 30  # the emails after commit were counted too
