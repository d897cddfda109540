"""Half-year periods: H1 is January to June, H2 July to December.

A period is a value (year, half). Its report is due `settings.REPORT_DUE_DAYS` days after it ends.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_PERIOD_RE = re.compile(r"^(\d{4})-?H([12])$", re.IGNORECASE)
FIRST_YEAR, LAST_YEAR = 2000, 2199


@dataclass(frozen=True, order=True)
class Period:
    year: int
    half: int  # 1 or 2

    def __post_init__(self):
        if self.half not in (1, 2):
            raise ValueError("half must be 1 or 2")

    # Construction -------------------------------------------------------------------------
    @classmethod
    def containing(cls, day: datetime.date) -> Period:
        return cls(day.year, 1 if day.month <= 6 else 2)

    @classmethod
    def current(cls) -> Period:
        return cls.containing(timezone.localdate())

    @classmethod
    def parse(cls, text: str) -> Period:
        """'2026H1' (or '2026-h1') of a year the platform can have served in; raises ValueError
        on anything else (year 1 or 9999 would overflow the date arithmetic)."""
        match = _PERIOD_RE.match((text or "").strip())
        if not match or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
            raise ValueError(f"not a period: {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    # Arithmetic ---------------------------------------------------------------------------
    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> datetime.date:
        """The last day of the period (inclusive)."""
        return (
            datetime.date(self.year, 6, 30) if self.half == 1 else datetime.date(self.year, 12, 31)
        )

    @property
    def due(self) -> datetime.date:
        return self.end + datetime.timedelta(days=settings.REPORT_DUE_DAYS)

    def previous(self) -> Period:
        return Period(self.year, 1) if self.half == 2 else Period(self.year - 1, 2)

    def next(self) -> Period:
        return Period(self.year, 2) if self.half == 1 else Period(self.year + 1, 1)

    def start_datetime(self) -> datetime.datetime:
        """The first instant of the period in the site's time zone."""
        return _local_midnight(self.start)

    def end_datetime(self) -> datetime.datetime:
        """The first instant after the period (exclusive bound)."""
        return _local_midnight(self.end + datetime.timedelta(days=1))

    # Display ------------------------------------------------------------------------------
    @property
    def code(self) -> str:
        return f"{self.year}H{self.half}"

    @property
    def label(self) -> str:
        if self.half == 1:
            return _("%(year)s first half") % {"year": self.year}
        return _("%(year)s second half") % {"year": self.year}

    def __str__(self):
        return str(self.label)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def last_ended(today: datetime.date) -> Period:
    """The most recent period that has ended by `today`."""
    return Period.containing(today).previous()


def recent_periods(today: datetime.date, count: int = 4) -> list[Period]:
    """The current period and the `count - 1` before it, newest first."""
    periods = [Period.containing(today)]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return periods
