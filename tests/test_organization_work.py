"""An organization's admin (a Party branch's secretary) lands on a page of their own work: the
members' reports waiting for review first, then their members' 报到 and yearly reports."""

import pytest
from django.urls import reverse
from django.utils import translation

from reports.models import ReportState
from tests import factories as f
from tests.reports.factories import MemberReportFactory, OrganizationReportFactory

pytestmark = pytest.mark.django_db


def _work(login, user, language="zh-hans"):
    response = login(user).get(reverse("portal:org_home"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response


def test_it_counts_the_reports_of_their_members_waiting_for_review(
    login, org_admin, member, other_member
):
    MemberReportFactory(member=member, state=ReportState.SUBMITTED)
    MemberReportFactory(member=other_member, state=ReportState.SUBMITTED)

    with translation.override("zh-hans"):
        response = _work(login, org_admin)

    assert response.context["work"].reports_to_review == 1
    assert "待审核 1 份" in response.content.decode()


def test_the_count_links_to_the_review_list_filtered_to_what_waits(login, org_admin, member):
    MemberReportFactory(member=member, state=ReportState.SUBMITTED)
    html = _work(login, org_admin).content.decode()

    assert reverse("admin:reports_memberreport_changelist") + "?state__exact=submitted" in html


def test_it_shows_how_many_of_their_members_have_registered(login, org_admin, member, branch):
    # `member` has registered with their community; this one has not.
    f.MemberFactory(branch=branch)

    with translation.override("en"):
        response = _work(login, org_admin, "en")

    work = response.context["work"]
    assert (work.members, work.registered, work.registered_percent) == (2, 1, 50)
    assert "1 of 2 members have registered" in response.content.decode()


def test_it_lists_their_latest_yearly_report_with_its_state(login, org_admin, party_committee):
    OrganizationReportFactory(organization=party_committee, year=2025)
    latest = OrganizationReportFactory(organization=party_committee, year=2026)

    assert _work(login, org_admin).context["work"].latest_reports == [latest]


def test_a_member_who_administers_nothing_is_refused(login, member_user):
    assert login(member_user).get(reverse("portal:org_home")).status_code == 403


def test_staff_of_a_community_are_refused(login, staff):
    assert login(staff).get(reverse("portal:org_home")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("portal:org_home"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


@pytest.mark.parametrize("n", [1, 20])
def test_it_costs_the_same_queries_however_many_reports_wait(
    login, org_admin, branch, n, django_assert_num_queries
):
    for member in f.MemberFactory.create_batch(n, branch=branch):
        MemberReportFactory(member=member, state=ReportState.SUBMITTED)
    client = login(org_admin)
    client.get(reverse("portal:org_home"))  # the user and the role facts are cached then
    with django_assert_num_queries(5):
        client.get(reverse("portal:org_home"))
