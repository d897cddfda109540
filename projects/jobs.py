"""The periodic jobs of the projects app (`core.jobs`): each calls a sweep in services that
claims every row with a conditional UPDATE and every message by an occasion key, so a retried or
overlapping run does nothing twice."""

import datetime

from . import services


def remind_overdue_projects(*, today: datetime.date) -> int:
    """Remind the claimant of a project past its planned end, then show it to the committee."""
    return services.overdue_projects_remind(today=today)


def expire_resources(*, today: datetime.date) -> int:
    return services.resources_expire(today=today)


JOBS = {
    "remind_overdue_projects": remind_overdue_projects,
    "expire_resources": expire_resources,
}
