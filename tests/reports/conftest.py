import datetime

import pytest

from core.periods import Period
from members.models import CommunityRegistration
from tests import factories as f
from tests.reports.factories import aware

H1 = Period(2026, 1)


@pytest.fixture
def long_registered(member):
    """The cast's member, registered with `community` since 2025 (so through 2026H1)."""
    CommunityRegistration.objects.filter(member=member).update(
        decided_at=aware(datetime.date(2025, 1, 1))
    )
    return member


@pytest.fixture
def prepared(long_registered, community):
    """The member's 2026H1 draft, prepared from two records."""
    from reports.services import member_reports_prepare

    f.ServiceRecordFactory(
        member=long_registered,
        community=community,
        served_on=datetime.date(2026, 3, 1),
        hours="2.0",
        points=2,
        kind="wish",
        source_key="wish:1",
    )
    f.ServiceRecordFactory(
        member=long_registered,
        community=community,
        served_on=datetime.date(2026, 5, 1),
        hours="3.5",
        points=3,
        kind="other",
    )
    f.ServiceRecordFactory(  # outside the period: not counted
        member=long_registered, community=community, served_on=datetime.date(2026, 7, 1)
    )
    member_reports_prepare(period=H1)
    return long_registered.reports.get(year=2026, half=1)
