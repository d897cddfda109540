"""Run one of the reports app's periodic jobs by hand, for today or another date."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Run a reports job now: prepare_due_drafts, send_member_reminders, "
    help += "send_review_digests or send_overdue_summaries."

    def add_arguments(self, parser):
        from reports.reminders import JOBS

        parser.add_argument("job", choices=sorted(JOBS))
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, job, date=None, **options):
        from reports.reminders import JOBS

        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"Not a date: {date!r} (use YYYY-MM-DD).") from None
        else:
            today = timezone.localdate()
        result = JOBS[job](today=today)
        self.stdout.write(f"{job} ({today}): {result}")
