"""Copy the periodic jobs of settings.PERIODIC_JOBS into django-celery-beat's tables.

The database owns the schedules: admins edit them in the Django admin afterwards, and running
this again adds new jobs and leaves every existing one (and an admin's changes to it) alone. A job
stored by an earlier version under its own task name is moved onto `core.run_job`, keeping its
schedule.
"""

import json

from celery.schedules import crontab
from django.conf import settings
from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, PeriodicTask, PeriodicTasks

TASK = "core.run_job"


class Command(BaseCommand):
    help = "Create the database schedule of every periodic job that is not there yet."

    def handle(self, *args, **options):
        created = moved = 0
        for name, entry in settings.PERIODIC_JOBS.items():
            args = json.dumps([entry["job"]])
            stored = PeriodicTask.objects.filter(name=name).first()
            if stored is not None:
                if stored.task != TASK:
                    PeriodicTask.objects.filter(pk=stored.pk).update(task=TASK, args=args)
                    moved += 1
                continue
            schedule: crontab = entry["schedule"]
            cron, _ = CrontabSchedule.objects.get_or_create(
                minute=schedule._orig_minute,
                hour=schedule._orig_hour,
                day_of_week=schedule._orig_day_of_week,
                day_of_month=schedule._orig_day_of_month,
                month_of_year=schedule._orig_month_of_year,
                timezone=settings.TIME_ZONE,
            )
            PeriodicTask.objects.create(name=name, task=TASK, args=args, crontab=cron)
            created += 1
        if moved:
            # update() bypasses the model's signals: tell a running beat to reload.
            PeriodicTasks.update_changed()
        self.stdout.write(f"{created} periodic job(s) added, {moved} moved onto {TASK}.")
