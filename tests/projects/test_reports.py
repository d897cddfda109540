"""The half-year member report and the yearly organization report count the service projects
members took part in and their hours."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core.periods import Period
from projects import services
from reports.models import MemberReport, OrganizationReport
from reports.services import member_reports_prepare, organization_reports_prepare

pytestmark = pytest.mark.django_db


def test_reports_count_projects_and_their_hours(
    staff, member_user, member, team, neighbour, project, party_committee, branch
):
    services.project_claim(project=project, by=member_user, team=team)
    project.refresh_from_db()
    services.progress_post(project=project, by=member_user, text="开工", percent=50)
    today = timezone.localdate()
    # Two days of service on one project (the project began ten days ago).
    for day, hours in ((today, 3), (today - datetime.timedelta(days=1), 2)):
        services.participation_add(
            project=project, by=member_user, member=member, served_on=day, hours=hours
        )
    services.project_complete(project=project, by=staff)
    period = Period.containing(today)
    member_reports_prepare(period=period, notify=False)
    report = MemberReport.objects.get(member=member)
    assert report.projects_served == 1
    assert report.project_hours == Decimal(5)
    organization_reports_prepare(year=today.year)
    yearly = OrganizationReport.objects.get(organization=branch)
    assert yearly.projects_served == 1 and yearly.project_hours == report.project_hours
    above = OrganizationReport.objects.get(organization=party_committee)
    assert above.projects_served == 1
