"""The working-day calendar's rows from the `chinese-calendar` package: every public holiday on
a weekday and every 调休 weekend day that is worked, for the years the package knows (it is
updated each year once the State Council publishes the next year's days)."""

from __future__ import annotations

from .models import WorkdayOverride

# Deadlines run forward: the years before the platform began need no calendar (the migration
# seeds from the same year).
FIRST_YEAR = 2020


def workday_overrides_seed(*, first_year: int = FIRST_YEAR) -> int:
    """Add the package's exceptions that the table does not have yet (rows edited by hand are
    kept). Returns how many were added."""
    import chinese_calendar  # noqa: PLC0415 (only the seeding reads the package's data)

    rows = []
    for day, name in chinese_calendar.holidays.items():
        if day.weekday() < 5 and day.year >= first_year:
            rows.append(WorkdayOverride(date=day, is_workday=False, note=str(name)[:60]))
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() >= 5 and day.year >= first_year:
            rows.append(WorkdayOverride(date=day, is_workday=True, note=f"调休 {name}"[:60]))
    known = set(WorkdayOverride.objects.values_list("date", flat=True))
    fresh = [r for r in rows if r.date not in known]
    WorkdayOverride.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


def last_year_known() -> int:
    import chinese_calendar  # noqa: PLC0415 (only the seeding reads the package's data)

    return max(chinese_calendar.holidays).year
