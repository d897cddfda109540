"""Periodic jobs, one layout for every app.

An app lists its jobs in `<app>/jobs.py` as `JOBS = {"name": function}`. A job takes `today` (so
that it can be run by hand for any date) and returns what it did; it is idempotent, so a retried
or overlapping run does nothing twice (each row is claimed with a conditional UPDATE, each message
by an occasion key). A job is named "<app>.<name>" everywhere: in `settings.PERIODIC_JOBS` (when it
runs), by the one Celery task `core.run_job` and by `manage.py run_job`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils import timezone

from .discovery import project_modules


def all_jobs() -> dict[str, Callable]:
    """Every job of every app of the project that has a `jobs` module."""
    return {
        f"{label}.{name}": function
        for label, module in project_modules("jobs")
        for name, function in getattr(module, "JOBS", {}).items()
    }


def run_job(name: str, *, today: datetime.date | None = None):
    """Run the job `name` ("wishes.remind_overdue_claims") as of `today` (default: today)."""
    try:
        job = all_jobs()[name]
    except KeyError:
        raise LookupError(f"No periodic job is called {name!r}.") from None
    return job(today=today or timezone.localdate())
