"""Periodic jobs: one layout for every app, one task, one owner of the schedules."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from config.celery_app import app
from core.jobs import all_jobs, run_job

pytestmark = pytest.mark.django_db


def test_every_scheduled_job_exists_and_runs_through_the_one_registered_task(settings):
    app.loader.import_default_modules()
    assert "core.run_job" in app.tasks
    jobs = all_jobs()
    assert [e["job"] for e in settings.PERIODIC_JOBS.values() if e["job"] not in jobs] == []


def test_every_job_an_app_lists_is_scheduled(settings):
    scheduled = {e["job"] for e in settings.PERIODIC_JOBS.values()}
    assert set(all_jobs()) == scheduled


def test_an_unknown_job_is_refused_by_name():
    with pytest.raises(LookupError):
        run_job("wishes.fly")
    with pytest.raises(CommandError):
        call_command("run_job", "wishes.fly", stdout=io.StringIO())


def test_run_job_without_a_name_lists_the_jobs():
    out = io.StringIO()
    call_command("run_job", stdout=out)
    assert "wishes.expire_unclaimed_wishes" in out.getvalue().split()


def test_sync_schedules_creates_a_periodic_task_for_every_job(settings):
    call_command("sync_schedules", stdout=io.StringIO())
    stored = {t.name: (t.task, json.loads(t.args)) for t in PeriodicTask.objects.all()}
    expected = {name: ("core.run_job", [e["job"]]) for name, e in settings.PERIODIC_JOBS.items()}
    assert {name: stored.get(name) for name in expected} == expected


def test_a_job_stored_under_its_old_task_name_is_moved_keeping_its_schedule(settings):
    cron = CrontabSchedule.objects.create(minute="15", hour="7", timezone=settings.TIME_ZONE)
    PeriodicTask.objects.create(
        name="wishes-daily-digest", task="wishes.tasks.send_staff_digests", crontab=cron
    )
    call_command("sync_schedules", stdout=io.StringIO())
    task = PeriodicTask.objects.get(name="wishes-daily-digest")
    assert (task.task, task.args) == ("core.run_job", '["wishes.send_staff_digests"]')
    assert (task.crontab.hour, task.crontab.minute) == ("7", "15")


def test_restarting_the_scheduler_keeps_an_admins_edit_of_a_schedule(settings, monkeypatch):
    # The scheduler closes "old" connections, which inside a test's transaction is the test's
    # own (PostgreSQL): here it has none to close.
    monkeypatch.setattr("django_celery_beat.schedulers.close_old_connections", lambda: None)
    call_command("sync_schedules", stdout=io.StringIO())
    task = PeriodicTask.objects.get(name="reports-remind-members")
    task.crontab = CrontabSchedule.objects.create(
        minute="45", hour="6", timezone=settings.TIME_ZONE
    )
    task.save()
    # celery beat starting up: the database scheduler sets up its schedule.
    DatabaseScheduler(app=app)
    task.refresh_from_db()
    assert (task.crontab.hour, task.crontab.minute) == ("6", "45")
    assert PeriodicTask.objects.filter(name="reports-remind-members").count() == 1


def test_the_former_task_names_still_run_their_jobs():
    from core.tasks import FORMER_TASKS

    app.loader.import_default_modules()
    assert all(name in app.tasks for name in FORMER_TASKS)
    assert "reports.tasks.email_notifications" in app.tasks
    assert set(FORMER_TASKS.values()) <= set(all_jobs())
    assert app.tasks["wishes.tasks.expire_unclaimed_wishes"]() == 0
