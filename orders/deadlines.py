"""Deadlines of orders, in working time by the calendar table (`WorkdayOverride`).

Why the table is here and the arithmetic in core: `core.workdays` is generic (dates in, dates
out, no table: core holds no domain models); the calendar is data that only the orders app's
deadlines read today. When a second app needs it (a project's deadlines), the table moves down to
records with its rows, as the service records did from reports.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from core.workdays import WorkCalendar

from .models import DeadlinePolicy, MenuItem, Urgency, WorkdayOverride

# Without a policy: (accept within, complete within, unit).
DEFAULTS = {
    Urgency.NORMAL: (1, 5, DeadlinePolicy.Unit.WORKING_DAYS),
    Urgency.URGENT: (4, 16, DeadlinePolicy.Unit.WORKING_HOURS),
}
# An offer is answered within this many working hours, or it returns to the dispatcher.
OFFER_ANSWER_HOURS = 8
# The ladder: an order late by this many working hours more climbs one more level.
LEVEL_STEP_HOURS = 8


def work_calendar() -> WorkCalendar:
    """The calendar with every exception of the table (a few hundred rows; one query)."""
    return WorkCalendar(dict(WorkdayOverride.objects.values_list("date", "is_workday")))


def add(calendar: WorkCalendar, start: datetime.datetime, amount: int, unit: str):
    if unit == DeadlinePolicy.Unit.WORKING_DAYS:
        return calendar.add_workdays(start, amount)
    if unit == DeadlinePolicy.Unit.WORKING_HOURS:
        return calendar.add_working_hours(start, amount)
    return start + datetime.timedelta(hours=amount)


def policy_for(*, item: MenuItem, urgency: str) -> tuple[int, int, str]:
    policies = {
        p.category_id: p
        for p in DeadlinePolicy.objects.filter(
            community_id=item.category.community_id, urgency=urgency
        )
    }
    found = policies.get(item.category_id) or policies.get(None)
    if found is not None:
        return found.accept_within, found.complete_within, found.unit
    return DEFAULTS[Urgency(urgency)]


def due_dates(*, item: MenuItem, urgency: str, start=None, calendar=None):
    """(accept by, complete by) for an order placed at `start`."""
    start = start or timezone.now()
    calendar = calendar or work_calendar()
    accept, complete, unit = policy_for(item=item, urgency=urgency)
    return add(calendar, start, accept, unit), add(calendar, start, complete, unit)


def offer_due(start=None, calendar=None):
    calendar = calendar or work_calendar()
    return calendar.add_working_hours(start or timezone.now(), OFFER_ANSWER_HOURS)


def level_due(calendar: WorkCalendar, due: datetime.datetime, now: datetime.datetime) -> int:
    """The ladder level an order late since `due` has reached by `now` (0: not late)."""
    if now <= due:
        return 0
    late = calendar.working_hours_between(due, now, limit=3 * LEVEL_STEP_HOURS)
    return min(4, 1 + int(late // LEVEL_STEP_HOURS))
