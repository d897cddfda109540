"""The admin's index leads with the work waiting for the user who opens it, within the rows
they work on, each count linked to its list filtered to what waits."""

import pytest
from django.urls import reverse
from django.utils import translation

from reports.models import ReportState
from tests.reports.factories import MemberReportFactory
from tests.wishes.factories import ResidentFactory, WishFactory
from wishes.models import Wish

pytestmark = pytest.mark.django_db


def _waiting(login, user):
    with translation.override("en"):
        response = login(user).get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        return {str(row["title"]): row for row in response.context["waiting"]}


def test_an_organization_admin_sees_how_many_reports_of_their_members_wait(
    login, org_admin, member, other_member
):
    MemberReportFactory(member=member, state=ReportState.SUBMITTED)
    MemberReportFactory(member=other_member, state=ReportState.SUBMITTED)
    MemberReportFactory(member=member, half=2, state=ReportState.APPROVED)

    row = _waiting(login, org_admin)["Members' half-year reports to review"]

    assert row["count"] == 1
    assert row["url"] == (
        reverse("admin:reports_memberreport_changelist") + "?state__exact=submitted"
    )


def test_the_waiting_list_links_to_exactly_the_rows_it_counts(login, org_admin, member):
    MemberReportFactory(member=member, state=ReportState.SUBMITTED)
    row = _waiting(login, org_admin)["Members' half-year reports to review"]

    response = login(org_admin).get(row["url"])

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_staff_see_their_own_communitys_wishes_to_review_only(
    login, staff, community, other_community
):
    WishFactory.create_batch(
        2, resident=ResidentFactory(community=community), state=Wish.State.SUBMITTED
    )
    WishFactory(resident=ResidentFactory(community=other_community), state=Wish.State.SUBMITTED)

    waiting = _waiting(login, staff)

    assert waiting["Micro-wishes to review"]["count"] == 2
    assert "Members' half-year reports to review" not in waiting


def test_nothing_waiting_says_so_in_chinese(login, staff):
    with translation.override("zh-hans"):
        response = login(staff).get(reverse("admin:index"))

    assert response.context["waiting"] == []
    assert "没有等待您处理的事项" in response.content.decode()


def test_the_index_leads_with_the_counts_before_the_apps(login, org_admin, member):
    MemberReportFactory(member=member, state=ReportState.SUBMITTED)
    with translation.override("zh-hans"):
        html = login(org_admin).get(reverse("admin:index")).content.decode()

    assert html.index("待您处理") < html.index('class="app-')
