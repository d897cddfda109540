import pytest

from records.models import ServiceRecord
from reports.models import MemberReport

pytestmark = pytest.mark.django_db


def test_demo_seed_creates_reports_in_every_state_and_a_second_run_changes_nothing():
    from members import demo as members_demo
    from reports import demo

    members_demo.seed(size="small")
    assert demo.seed(size="small") is True
    records, reports = ServiceRecord.objects.count(), MemberReport.objects.count()
    assert records and reports
    assert demo.seed(size="small") is False
    assert (ServiceRecord.objects.count(), MemberReport.objects.count()) == (records, reports)


def test_the_demo_yearly_reports_read_real_figures():
    from members import demo as members_demo
    from reports import demo
    from reports.models import OrganizationReport

    members_demo.seed(size="small")
    demo.seed(size="small")

    reports = OrganizationReport.objects.filter(members_total__gt=0)
    assert reports.exists()
    assert reports.filter(members_reported__gt=0).exists()
    assert reports.filter(hours__gt=0).exists()
    assert (
        reports.filter(rated_excellent__gt=0).exists()
        or reports.filter(rated_qualified__gt=0).exists()
    )
