"""Working time by the Chinese calendar: holidays do not count, 调休 weekends do."""

import datetime

import pytest
from django.utils import timezone

from core.workdays import WorkCalendar
from orders import deadlines
from orders.calendar_seed import workday_overrides_seed
from orders.models import WorkdayOverride

# 2025: National Day and Mid-Autumn, 1 to 8 October off; Sunday 28 September and Saturday
# 11 October worked (调休).
NATIONAL_DAY = {datetime.date(2025, 10, d): False for d in range(1, 9)}
MAKEUP = {datetime.date(2025, 9, 28): True, datetime.date(2025, 10, 11): True}
CALENDAR = WorkCalendar({**NATIONAL_DAY, **MAKEUP})


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


def test_weekdays_work_weekends_rest_by_default():
    plain = WorkCalendar()
    assert plain.is_workday(datetime.date(2025, 9, 26))  # Friday
    assert not plain.is_workday(datetime.date(2025, 9, 27))  # Saturday


def test_a_holiday_is_skipped_and_a_makeup_saturday_counts():
    assert not CALENDAR.is_workday(datetime.date(2025, 10, 1))
    assert CALENDAR.is_workday(datetime.date(2025, 10, 11))  # a Saturday worked
    assert CALENDAR.is_workday(datetime.date(2025, 9, 28))  # a Sunday worked


def test_working_days_across_the_holiday_land_on_the_makeup_saturday():
    # Tuesday 30 September, 10:00; 1 working day later: Thursday 9 October (1–8 off).
    assert CALENDAR.add_workdays(at(2025, 9, 30, 10), 1) == at(2025, 10, 9, 17)
    # 2 working days: Friday 10; 3: Saturday 11, a 调休 working day.
    assert CALENDAR.add_workdays(at(2025, 9, 30, 10), 3) == at(2025, 10, 11, 17)
    # Without the calendar, the Saturday would not count.
    assert WorkCalendar(NATIONAL_DAY).add_workdays(at(2025, 9, 30, 10), 3) == at(2025, 10, 13, 17)


def test_working_hours_stop_at_the_evening_and_skip_the_holiday():
    # Tuesday 30 September 15:00 + 4 working hours: 2 hours that day, 2 on Thursday 9 October.
    assert CALENDAR.add_working_hours(at(2025, 9, 30, 15), 4) == at(2025, 10, 9, 11)
    # Ordered at night: the hours start at 9:00 on the next working day.
    assert CALENDAR.add_working_hours(at(2025, 9, 27, 22), 2) == at(2025, 9, 28, 11)


def test_working_hours_between_count_only_office_time():
    assert CALENDAR.working_hours_between(at(2025, 9, 30, 16), at(2025, 10, 9, 10)) == 2
    assert CALENDAR.working_hours_between(at(2025, 10, 9, 10), at(2025, 9, 30, 16)) == 0
    # An escalation only asks "at least": the walk stops at the limit.
    many = CALENDAR.working_hours_between(at(2025, 1, 1), at(2025, 12, 31), limit=24)
    assert 24 <= many < 32


@pytest.mark.django_db
def test_the_calendar_table_is_seeded_from_the_package():
    # The migration seeded it; a transactional test before this one may have emptied it.
    workday_overrides_seed()
    assert WorkdayOverride.objects.get(date=datetime.date(2025, 10, 1)).is_workday is False
    assert WorkdayOverride.objects.get(date=datetime.date(2025, 10, 11)).is_workday is True
    assert workday_overrides_seed() == 0  # already there: nothing twice
    calendar = deadlines.work_calendar()
    assert calendar.add_workdays(at(2025, 9, 30, 10), 3) == at(2025, 10, 11, 17)


@pytest.mark.django_db
def test_an_override_edited_in_the_admin_changes_the_deadlines():
    workday_overrides_seed()
    WorkdayOverride.objects.filter(date=datetime.date(2025, 10, 11)).update(is_workday=False)
    assert deadlines.work_calendar().add_workdays(at(2025, 9, 30, 10), 3) == at(2025, 10, 13, 17)
