"""Run a periodic job by hand, for today or another date."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.jobs import all_jobs, run_job


class Command(BaseCommand):
    help = "Run a periodic job now, e.g. `run_job reports.send_member_reminders --date 2026-07-08`."

    def add_arguments(self, parser):
        parser.add_argument("job", help="<app>.<job>; without it, the jobs are listed.", nargs="?")
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, job=None, date=None, **options):
        jobs = all_jobs()
        if job is None:
            self.stdout.write("\n".join(sorted(jobs)))
            return
        if job not in jobs:
            raise CommandError(f"No job {job!r}. The jobs: {', '.join(sorted(jobs))}.")
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"Not a date: {date!r} (use YYYY-MM-DD).") from None
        result = run_job(job, today=today)
        self.stdout.write(f"{job} ({today}): {result}")
