"""Copy the periodic jobs of settings.CELERY_BEAT_SCHEDULE into django-celery-beat's tables.

Admins edit schedules in the Django admin afterwards; running this again adds new jobs and leaves
every existing one (and an admin's changes to it) alone.
"""

from celery.schedules import crontab
from django.conf import settings
from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, PeriodicTask


class Command(BaseCommand):
    help = "Create the database schedule of every periodic job that is not there yet."

    def handle(self, *args, **options):
        created = 0
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            if PeriodicTask.objects.filter(name=name).exists():
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
            PeriodicTask.objects.create(name=name, task=entry["task"], crontab=cron)
            created += 1
        self.stdout.write(f"{created} periodic job(s) added.")
