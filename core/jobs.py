"""Periodic jobs, one layout for every app.

An app lists its jobs in `<app>/jobs.py` as `JOBS = {"name": function}`. A job takes `today` (so
that it can be run by hand for any date) and returns what it did; it is idempotent, so a retried
or overlapping run does nothing twice (each row is claimed with a conditional UPDATE, each message
by an occasion key). A job is named "<app>.<name>" everywhere: in `settings.PERIODIC_JOBS` (when it
runs), by the one Celery task `core.run_job` and by `manage.py run_job`.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable

from django.apps import apps
from django.utils import timezone


def all_jobs() -> dict[str, Callable]:
    """Every job of every installed app that has a `jobs` module."""
    found = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.jobs")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.jobs":
                raise
            continue
        for name, function in getattr(module, "JOBS", {}).items():
            found[f"{config.label}.{name}"] = function
    return found


def run_job(name: str, *, today: datetime.date | None = None):
    """Run the job `name` ("wishes.remind_overdue_claims") as of `today` (default: today)."""
    try:
        job = all_jobs()[name]
    except KeyError:
        raise LookupError(f"No periodic job is called {name!r}.") from None
    return job(today=today or timezone.localdate())
