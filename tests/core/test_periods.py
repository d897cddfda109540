import datetime

import pytest

from core.periods import Period, last_ended, recent_periods
from reports.services import registrations_overlapping
from tests import factories as f
from tests.reports.factories import registered_since

D = datetime.date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 1, 1), Period(2026, 1)),
        (D(2026, 6, 30), Period(2026, 1)),
        (D(2026, 7, 1), Period(2026, 2)),
        (D(2026, 12, 31), Period(2026, 2)),
        (D(2027, 1, 1), Period(2027, 1)),
    ],
)
def test_period_containing_a_day_splits_at_july_and_january(day, expected):
    assert Period.containing(day) == expected


def test_period_bounds_are_january_to_june_and_july_to_december():
    assert (Period(2026, 1).start, Period(2026, 1).end) == (D(2026, 1, 1), D(2026, 6, 30))
    assert (Period(2026, 2).start, Period(2026, 2).end) == (D(2026, 7, 1), D(2026, 12, 31))


def test_previous_and_next_cross_the_year_boundary():
    assert Period(2027, 1).previous() == Period(2026, 2)
    assert Period(2026, 2).next() == Period(2027, 1)
    assert Period(2026, 2).previous() == Period(2026, 1)


def test_due_date_is_the_configured_number_of_days_after_the_period_ends(settings):
    settings.REPORT_DUE_DAYS = 15
    assert Period(2026, 1).due == D(2026, 7, 15)
    assert Period(2026, 2).due == D(2027, 1, 15)
    settings.REPORT_DUE_DAYS = 40
    assert Period(2026, 2).due == D(2027, 2, 9)


def test_last_ended_period_on_new_years_day_is_the_second_half_of_last_year():
    assert last_ended(D(2027, 1, 1)) == Period(2026, 2)
    assert last_ended(D(2026, 7, 1)) == Period(2026, 1)


def test_recent_periods_go_back_over_the_year_boundary():
    assert recent_periods(D(2026, 3, 1), 3) == [Period(2026, 1), Period(2025, 2), Period(2025, 1)]


@pytest.mark.parametrize("text", ["2026H1", "2026h2", "2026-H1"])
def test_parse_accepts_period_codes(text):
    assert Period.parse(text).year == 2026


@pytest.mark.parametrize(
    "text", ["", "2026H3", "H1", "2026", "drop table", "0000H1", "0001H2", "9999H2"]
)
def test_parse_rejects_anything_else(text):
    with pytest.raises(ValueError):
        Period.parse(text)


def test_period_boundaries_are_midnight_in_shanghai():
    start = Period(2026, 2).start_datetime()
    assert start.isoformat().startswith("2026-07-01T00:00:00+08:00")
    assert Period(2026, 2).end_datetime().isoformat().startswith("2027-01-01T00:00:00+08:00")


@pytest.fixture
def m(branch):
    return f.MemberFactory(branch=branch)


@pytest.mark.parametrize(
    ("since", "ended", "overlaps"),
    [
        (D(2025, 3, 1), None, True),  # registered long before, still registered
        (D(2026, 5, 20), None, True),  # starts inside the period
        (D(2025, 3, 1), D(2026, 2, 10), True),  # ends inside the period
        (D(2026, 2, 1), D(2026, 3, 1), True),  # starts and ends inside
        (D(2025, 3, 1), D(2025, 12, 31), False),  # ended before the period started
        (D(2026, 7, 1), None, False),  # confirmed after the period ended
    ],
)
def test_registration_overlapping_the_period(m, community, since, ended, overlaps):
    registered_since(m, community, since, ended)
    found = registrations_overlapping(Period(2026, 1)).filter(member=m).exists()
    assert found is overlaps


def test_registration_confirmed_on_the_last_evening_of_june_overlaps_h1(m, community):
    from members.models import CommunityRegistration
    from tests.reports.factories import aware

    f.RegistrationFactory(
        member=m,
        community=community,
        state=CommunityRegistration.State.CONFIRMED,
        decided_at=aware(D(2026, 6, 30), 23),
    )
    assert registrations_overlapping(Period(2026, 1)).filter(member=m).exists()
    assert registrations_overlapping(Period(2026, 2)).filter(member=m).exists()
