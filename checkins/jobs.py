"""The periodic jobs of the check-in app (`core.jobs`): each calls a sweep in services that
claims every row with a conditional UPDATE, so a retry or an overlapping run does nothing
twice."""

import datetime

from django.utils import timezone

from . import services


def check_out_everyone_left(*, today: datetime.date) -> int:
    """Everyone still inside past a venue's check-out time is checked out, with suggested
    hours for a host to confirm; activities whose sessions are over are ended."""
    now = timezone.now()
    if today != timezone.localdate():
        now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(23, 59)))
    return services.attendances_auto_exit(now=now)


JOBS = {"check_out_everyone_left": check_out_everyone_left}
