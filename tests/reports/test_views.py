import datetime
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from core.pagecache import user_pages_changed
from members.models import CommunityRegistration
from reports.models import Evaluation, ReportState
from tests import factories as f
from tests.reports.conftest import H1
from tests.reports.factories import MemberReportFactory, aware, registered_since

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def report(member):
    return MemberReportFactory(member=member, year=2026, half=1)


# Permission tables ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("member_user", 200),
        ("org_admin", 200),
        ("committee_admin", 200),
        ("other_org_admin", 404),
        ("staff", 404),
        ("outsider", 404),
    ],
)
@pytest.mark.parametrize("name", ["reports:report_detail", "reports:report_print"])
def test_who_may_open_a_members_report(request, login, report, role, status, name):
    client = login(request.getfixturevalue(role))
    assert client.get(reverse(name, args=[report.pk])).status_code == status


def test_another_member_gets_404_for_a_report(login, report, other_member):
    response = login(other_member.user).get(reverse("reports:report_detail", args=[report.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [("member_user", 200), ("staff", 404), ("org_admin", 404), ("outsider", 404)],
)
@pytest.mark.parametrize("name", ["records:my_service", "reports:my_reports"])
def test_only_members_have_a_service_page(request, login, role, status, name):
    client = login(request.getfixturevalue(role))
    assert client.get(reverse(name)).status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [("staff", 200), ("member_user", 403), ("org_admin", 403), ("outsider", 403)],
)
@pytest.mark.parametrize("name", ["records:staff_records", "reports:evaluations"])
def test_only_staff_record_service_and_evaluate(request, login, role, status, name):
    client = login(request.getfixturevalue(role))
    assert client.get(reverse(name)).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client, report):
    response = client.get(reverse("reports:report_detail", args=[report.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# The member's report page ---------------------------------------------------------------------
def test_member_saves_then_submits_their_account(login, member_user, report):
    client = login(member_user)
    url = reverse("reports:report_detail", args=[report.pk])
    client.post(url, {"did": "入户走访", "learned": "", "plans": "", "save": ""})
    report.refresh_from_db()
    assert (report.state, report.did) == (ReportState.DRAFT, "入户走访")
    response = client.post(
        url, {"did": "入户走访", "learned": "收获", "plans": "计划", "submit": ""}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_submitting_without_an_account_keeps_what_was_typed_and_says_why(
    login, member_user, report
):
    response = login(member_user).post(
        reverse("reports:report_detail", args=[report.pk]),
        {"did": "   ", "learned": "我学到了很多", "plans": "", "submit": ""},
        follow=True,
    )
    assert "提交前请先填写" in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    assert report.learned == "我学到了很多"


def test_the_reviewer_cannot_edit_the_members_account(login, org_admin, report):
    login(org_admin).post(
        reverse("reports:report_detail", args=[report.pk]), {"did": "改写", "save": ""}
    )
    report.refresh_from_db()
    assert report.did == ""


def test_the_evaluation_is_shown_to_the_reviewer_not_to_the_member(
    login, member_user, org_admin, report
):
    report.evaluation = "和平社区: 不合格"
    report.save()
    url = reverse("reports:report_detail", args=[report.pk])
    assert "不合格" not in login(member_user).get(url).content.decode()
    assert "不合格" in login(org_admin).get(url).content.decode()


def test_print_page_has_a_print_stylesheet(login, member_user, report):
    content = login(member_user).get(reverse("reports:report_print", args=[report.pk])).content
    # A style sheet of the site's own (the Content-Security-Policy applies no inline <style>).
    assert b'href="/static/css/report_print.css"' in content
    assert "@media print" in Path(finders.find("css/report_print.css")).read_text()
    assert "在职党员到社区报到服务半年报告" in content.decode()


@pytest.mark.parametrize("n", [1, 12])
def test_my_reports_costs_a_fixed_number_of_queries(
    login, member_user, member, n, django_assert_num_queries
):
    for i in range(n):
        MemberReportFactory(member=member, year=2000 + i)
    client = login(member_user)
    # a first request: the role facts are counted (four queries), then kept in the cache
    with django_assert_num_queries(7):
        assert client.get(reverse("reports:my_reports")).status_code == 200


# Staff: entering service ----------------------------------------------------------------------
@pytest.mark.parametrize("period", ["0000H1", "0001H2", "9999H2"])
def test_evaluation_page_with_an_impossible_year_shows_the_current_half_year(login, staff, period):
    response = login(staff).get(reverse("reports:evaluations") + f"?period={period}")
    assert response.status_code == 200


# Staff: evaluations ---------------------------------------------------------------------------
def _registered_members(community, branch, n):
    members = []
    for _ in range(n):
        m = f.MemberFactory(branch=branch)
        registered_since(m, community, D(2025, 1, 1))
        members.append(m)
    return members


def test_evaluation_page_lists_the_members_registered_in_the_period(
    login, staff, member, community, branch
):
    CommunityRegistration.objects.filter(member=member).update(decided_at=aware(D(2026, 8, 1)))
    early = _registered_members(community, branch, 1)[0]
    response = login(staff).get(reverse("reports:evaluations") + "?period=2026H1")
    assert [r.member for r in response.context["page"].object_list] == [early]


def test_staff_rate_a_member_with_htmx_and_get_the_row_back(login, staff, community, branch):
    m = _registered_members(community, branch, 1)[0]
    response = login(staff).post(
        reverse("reports:evaluate", args=[m.pk]) + "?period=2026H1",
        {"rating": "excellent", "comment": "热心"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'id="evaluation-{m.pk}"' in response.content.decode()
    assert "已保存" in response.content.decode()
    assert Evaluation.objects.get().rating == "excellent"


def test_a_rating_without_a_choice_is_refused_with_a_message(login, staff, community, branch):
    m = _registered_members(community, branch, 1)[0]
    response = login(staff).post(
        reverse("reports:evaluate", args=[m.pk]) + "?period=2026H1",
        {"rating": "great", "comment": "热心"},
        HTTP_HX_REQUEST="true",
    )
    assert "请选择一个评价等次" in response.content.decode()
    assert 'value="热心"' in response.content.decode()
    assert not Evaluation.objects.exists()


def test_staff_cannot_rate_a_member_of_another_community(login, staff, other_member):
    response = login(staff).post(
        reverse("reports:evaluate", args=[other_member.pk]) + "?period=2026H1",
        {"rating": "excellent"},
    )
    assert response.status_code == 404
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("n", [2, 30])
def test_evaluation_page_costs_a_fixed_number_of_queries(
    login, staff, community, branch, n, django_assert_num_queries
):
    for m in _registered_members(community, branch, n)[: n // 2]:
        Evaluation.objects.create(
            member=m, community=community, year=H1.year, half=H1.half, rating="qualified"
        )
    client = login(staff)
    client.get(reverse("reports:evaluations") + "?period=2026H1")  # role facts, the count cached
    user_pages_changed(staff.pk)  # the page made again, not served from the cache
    # a page of members, their hours and records, their ratings (the user and the community
    # cached)
    with django_assert_num_queries(3):
        response = client.get(reverse("reports:evaluations") + "?period=2026H1")
    assert response.context["page"].paginator.count == n


def test_a_rating_saved_counts_the_unrated_afresh(login, staff, community, branch):
    first, _second = _registered_members(community, branch, 2)
    client = login(staff)
    url = reverse("reports:evaluations") + "?period=2026H1&unrated=1"
    assert client.get(url).context["page"].paginator.count == 2
    client.post(
        reverse("reports:evaluate", args=[first.pk]) + "?period=2026H1", {"rating": "basic"}
    )
    assert client.get(url).context["page"].paginator.count == 1


def test_staff_rate_a_member_who_moved_away_during_the_period(login, staff, community, branch):
    mover = f.MemberFactory(branch=branch)
    registered_since(mover, community, D(2025, 1, 1), ended=D(2026, 4, 1))
    response = login(staff).post(
        reverse("reports:evaluate", args=[mover.pk]) + "?period=2026H1", {"rating": "qualified"}
    )
    assert response.status_code == 302
    assert Evaluation.objects.get().member == mover


def test_staff_cannot_rate_a_member_for_a_period_before_they_registered(
    login, staff, member, community
):
    CommunityRegistration.objects.filter(member=member).update(decided_at=aware(D(2026, 8, 1)))
    response = login(staff).post(
        reverse("reports:evaluate", args=[member.pk]) + "?period=2026H1", {"rating": "qualified"}
    )
    assert response.status_code == 404


def test_the_printable_page_of_a_decided_report_names_the_reviewer(login, member_user, member):
    reviewer = f.UserFactory(first_name="书记", last_name="张")
    report = MemberReportFactory(
        member=member,
        state=ReportState.APPROVED,
        reviewed_by=reviewer,
        reviewed_at=aware(D(2026, 8, 1)),
    )
    response = login(member_user).get(reverse("reports:report_print", args=[report.pk]))
    assert reviewer.get_full_name() in response.content.decode()
    assert "2026-08-01" in response.content.decode()


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (ReportState.DRAFT, "填写本人述职并提交"),
        (ReportState.RETURNED, "已退回：按意见修改后重新提交"),
        (ReportState.SUBMITTED, None),
    ],
)
def test_my_reports_says_what_to_do_next(login, member_user, member, state, action):
    MemberReportFactory(member=member, state=state)
    html = login(member_user).get(reverse("reports:my_reports")).content.decode()
    if action:
        assert action in html
    else:
        assert "填写本人述职并提交" not in html and "重新提交" not in html


# Evaluations for a community of many members (issue 9: 84 on one page, a save per row) -------
def test_the_evaluation_page_is_paginated(login, staff, community, branch):
    _registered_members(community, branch, 25)
    client = login(staff)
    first = client.get(reverse("reports:evaluations") + "?period=2026H1")
    assert len(first.context["page"].object_list) == 20
    html = first.content.decode()
    assert "period=2026H1&amp;page=2" in html and "25 名党员" in html
    second = client.get(reverse("reports:evaluations") + "?period=2026H1&page=2")
    assert len(second.context["page"].object_list) == 5


def test_the_evaluation_page_searches_by_name_and_filters_the_unrated(
    login, staff, community, branch
):
    rated, unrated = _registered_members(community, branch, 2)
    rated.real_name, unrated.real_name = "刘德明", "赵德华"
    rated.save()
    unrated.save()
    Evaluation.objects.create(
        member=rated, community=community, year=H1.year, half=H1.half, rating="qualified"
    )
    client = login(staff)
    url = reverse("reports:evaluations") + "?period=2026H1"
    found = client.get(url + "&q=德明").context["page"].object_list
    assert [r.member for r in found] == [rated]
    left = client.get(url + "&unrated=1")
    assert [r.member for r in left.context["page"].object_list] == [unrated]
    assert 'name="unrated" value="1" id="evaluation-unrated" checked' in left.content.decode()


def test_staff_rate_several_members_at_once(login, staff, community, branch):
    a, b, c = _registered_members(community, branch, 3)
    response = login(staff).post(
        reverse("reports:evaluate_bulk") + "?period=2026H1",
        {"members": [a.pk, b.pk], "rating": "excellent", "comment": "热心", "back": "unrated=1"},
        follow=True,
    )
    assert {e.member for e in Evaluation.objects.all()} == {a, b}
    assert all(e.rating == "excellent" and e.comment == "热心" for e in Evaluation.objects.all())
    assert response.redirect_chain[-1][0].endswith("?unrated=1")
    assert any("2 名党员" in str(m) for m in response.context["messages"])


def test_rating_several_without_a_tick_or_a_rating_says_what_is_missing(
    login, staff, community, branch
):
    (a,) = _registered_members(community, branch, 1)
    client = login(staff)
    url = reverse("reports:evaluate_bulk") + "?period=2026H1"
    no_tick = client.post(url, {"rating": "excellent"}, follow=True)
    assert any("请先勾选" in str(m) for m in no_tick.context["messages"])
    no_rating = client.post(url, {"members": [a.pk]}, follow=True)
    assert any("请选择一个评价等次" in str(m) for m in no_rating.context["messages"])
    assert not Evaluation.objects.exists()


def test_rating_several_refuses_members_of_another_community(login, staff, other_member):
    response = login(staff).post(
        reverse("reports:evaluate_bulk") + "?period=2026H1",
        {"members": [other_member.pk], "rating": "excellent"},
    )
    assert response.status_code == 404 and not Evaluation.objects.exists()


def test_only_staff_rate_several_at_once(login, member_user, member):
    response = login(member_user).post(
        reverse("reports:evaluate_bulk") + "?period=2026H1",
        {"members": [member.pk], "rating": "excellent"},
    )
    assert response.status_code in (403, 404) and not Evaluation.objects.exists()


# Drafts saved as the member types (static/js/drafts.js) ----------------------------------------
def test_the_draft_endpoint_saves_the_account_and_says_when(login, member_user, report):
    response = login(member_user).post(
        reverse("reports:report_draft", args=[report.pk]),
        {"did": "入户走访", "learned": "收获", "plans": ""},
    )
    assert response.status_code == 200
    assert set(response.json()) == {"saved_at"}
    report.refresh_from_db()
    assert (report.state, report.did, report.learned) == (ReportState.DRAFT, "入户走访", "收获")


def test_a_draft_over_the_limit_is_refused_with_a_message_naming_the_field(
    login, member_user, report
):
    response = login(member_user).post(
        reverse("reports:report_draft", args=[report.pk]), {"did": "字" * 5001}
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("做了什么")
    report.refresh_from_db()
    assert report.did == ""


def test_a_submitted_report_takes_no_draft(login, member_user, member):
    report = MemberReportFactory(member=member, state=ReportState.SUBMITTED, did="原文")
    response = login(member_user).post(
        reverse("reports:report_draft", args=[report.pk]), {"did": "改写"}
    )
    assert response.status_code == 409
    report.refresh_from_db()
    assert report.did == "原文"


def test_the_reviewer_cannot_write_a_members_draft(login, org_admin, report):
    response = login(org_admin).post(
        reverse("reports:report_draft", args=[report.pk]), {"did": "改写"}
    )
    assert response.status_code == 409
    report.refresh_from_db()
    assert report.did == ""


def test_another_member_gets_404_for_a_draft(login, report, other_member):
    response = login(other_member.user).post(
        reverse("reports:report_draft", args=[report.pk]), {"did": "改写"}
    )
    assert response.status_code == 404


def test_the_draft_endpoint_takes_only_posts(login, member_user, report):
    response = login(member_user).get(reverse("reports:report_draft", args=[report.pk]))
    assert response.status_code == 405
