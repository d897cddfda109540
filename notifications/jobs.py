"""The periodic job of the notifications app (scheduled in settings.PERIODIC_JOBS, run through
core.run_job): the email sweep, every minute."""

from __future__ import annotations

import datetime

from .services import notifications_email_sweep


def sweep_emails(*, today: datetime.date) -> dict:
    """Send again what no task is sending: emails whose back-off is over, whose task was lost,
    or whose worker died mid-round (a lease run out). It works on the current time; `today`,
    which every job takes, changes nothing here."""
    return notifications_email_sweep()


JOBS = {"sweep_emails": sweep_emails}
