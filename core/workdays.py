"""Working time: which days are working days and deadlines counted in working days or hours.

Generic arithmetic, no table: the caller passes the exceptions to the weekly rule (a public
holiday on a weekday is not a working day, a 调休 Saturday or Sunday is), as a mapping from date
to "is a working day". The orders app keeps those in its admin-editable calendar table and builds
a `WorkCalendar` from it; any other app may build one from its own source.

    calendar = WorkCalendar({date(2025, 10, 1): False, date(2025, 9, 28): True})
    calendar.add_workdays(submitted_at, 2)        # the end of the 2nd working day after
    calendar.add_working_hours(submitted_at, 4)   # 4 hours of office time later
    calendar.working_hours_between(due, now)      # how late, in office hours

Datetimes are aware; working time is read in the current time zone (Asia/Shanghai), office
hours from `start` to `end` of each working day.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.utils import timezone

# How far the arithmetic walks before giving up: no deadline is this many days away, and a
# calendar without a single working day in a year is a mistake in its data.
MAX_DAYS = 3660


class WorkCalendar:
    def __init__(
        self,
        overrides: Mapping[datetime.date, bool] | None = None,
        *,
        start: datetime.time = datetime.time(9, 0),
        end: datetime.time = datetime.time(17, 0),
    ):
        if not start < end:
            raise ValueError("office hours must start before they end")
        self.overrides = dict(overrides or {})
        self.start, self.end = start, end

    # Days ---------------------------------------------------------------------------------
    def is_workday(self, day: datetime.date) -> bool:
        """Monday to Friday, unless the overrides say otherwise (holidays, 调休 weekends)."""
        found = self.overrides.get(day)
        return day.weekday() < 5 if found is None else found

    def next_workday(self, day: datetime.date, *, include: bool = False) -> datetime.date:
        """The first working day after `day` (or `day` itself when `include` and it is one)."""
        if include and self.is_workday(day):
            return day
        for _ in range(MAX_DAYS):
            day += datetime.timedelta(days=1)
            if self.is_workday(day):
                return day
        raise ValueError("no working day within ten years")

    def workdays_between(self, first: datetime.date, last: datetime.date) -> int:
        """Working days in [first, last]."""
        count, day = 0, first
        while day <= last:
            count += self.is_workday(day)
            day += datetime.timedelta(days=1)
        return count

    # Deadlines ----------------------------------------------------------------------------
    def _at(self, day: datetime.date, time: datetime.time) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, time))

    @property
    def hours_per_day(self) -> float:
        today = datetime.date(2000, 1, 3)
        span = datetime.datetime.combine(today, self.end) - datetime.datetime.combine(
            today, self.start
        )
        return span.total_seconds() / 3600

    def add_workdays(self, moment: datetime.datetime, days: int) -> datetime.datetime:
        """The end of office hours on the `days`-th working day after `moment`'s day: an order
        taken on Friday with 1 working day to answer is due on Monday at 17:00 (on the Tuesday
        after a Monday holiday; on a 调休 Sunday when that is a working day)."""
        day = timezone.localtime(moment).date()
        for _ in range(days):
            day = self.next_workday(day)
        if days == 0:
            day = self.next_workday(day, include=True)
        return self._at(day, self.end)

    def add_working_hours(self, moment: datetime.datetime, hours: float) -> datetime.datetime:
        """The moment when `hours` of office time have passed since `moment` (time outside
        office hours, weekends and holidays does not count)."""
        remaining = datetime.timedelta(hours=hours)
        local = timezone.localtime(moment)
        day = local.date()
        cursor = max(local, self._at(day, self.start))
        for _ in range(MAX_DAYS):
            if self.is_workday(day):
                closing = self._at(day, self.end)
                if cursor < closing:
                    if cursor + remaining <= closing:
                        return cursor + remaining
                    remaining -= closing - cursor
            day = self.next_workday(day)
            cursor = self._at(day, self.start)
        raise ValueError("no working time within ten years")

    def working_hours_between(
        self, earlier: datetime.datetime, later: datetime.datetime, *, limit: float | None = None
    ) -> float:
        """Office hours from `earlier` to `later` (0 when `later` is not after it). With `limit`,
        the walk stops once that many hours are counted (an escalation only asks "at least N")."""
        if later <= earlier:
            return 0.0
        total = datetime.timedelta()
        cap = datetime.timedelta(hours=limit) if limit is not None else None
        day = timezone.localtime(earlier).date()
        last = timezone.localtime(later).date()
        while day <= last:
            if self.is_workday(day):
                opening = max(self._at(day, self.start), earlier)
                closing = min(self._at(day, self.end), later)
                if closing > opening:
                    total += closing - opening
                if cap is not None and total >= cap:
                    break
            day += datetime.timedelta(days=1)
        return total.total_seconds() / 3600
