import datetime
import io
import zoneinfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.models import OrganizationReport, ReportState
from reports.services import ReportsError
from tests import factories as f
from tests.reports.factories import (
    EvaluationFactory,
    MemberReportFactory,
    OrganizationReportFactory,
)

D = datetime.date


def aware_at(*args):
    return datetime.datetime(*args, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/reports/memberreport/"


@pytest.fixture
def submitted(member):
    return MemberReportFactory(
        member=member, state=ReportState.SUBMITTED, did="入户走访三次，帮助独居老人"
    )


@pytest.fixture
def other_submitted(other_member):
    return MemberReportFactory(member=other_member, state=ReportState.SUBMITTED)


@pytest.fixture
def secretary(branch):
    """支部书记: an admin of the member's branch only."""
    return f.OrganizationAdminFactory(user__username="secretary", organization=branch).user


@pytest.fixture
def other_secretary(other_branch):
    return f.OrganizationAdminFactory(user__username="secretary2", organization=other_branch).user


# Scoping --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "sees_own_branch", "sees_other_branch"),
    [
        ("secretary", True, False),
        ("org_admin", True, False),
        ("other_secretary", False, True),
        ("committee_admin", True, True),
    ],
)
def test_changelist_shows_only_the_admins_subtree(
    request, login, submitted, other_submitted, role, sees_own_branch, sees_other_branch
):
    response = login(request.getfixturevalue(role)).get(CHANGELIST)
    assert response.status_code == 200
    shown = set(response.context["cl"].result_list)
    assert (submitted in shown, other_submitted in shown) == (sees_own_branch, sees_other_branch)


def test_a_branch_secretary_cannot_open_another_branchs_report(login, other_secretary, submitted):
    response = login(other_secretary).get(f"{CHANGELIST}{submitted.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert "入户走访" not in login(other_secretary).get(CHANGELIST).content.decode()


@pytest.mark.parametrize("role", ["member_user", "staff", "outsider"])
def test_members_staff_and_outsiders_have_no_report_review_in_admin(
    request, login, role, submitted
):
    response = login(request.getfixturevalue(role)).get(CHANGELIST)
    assert response.status_code in (302, 403)


def test_branch_filter_offers_only_the_admins_branches(login, secretary, branch, other_branch):
    response = login(secretary).get(CHANGELIST)
    spec = next(s for s in response.context["cl"].filter_specs if s.parameter_name == "branch")
    assert [name for _, name in spec.lookup_choices] == [branch.name]


def test_filters_by_period_branch_and_state(
    login, committee_admin, submitted, other_submitted, branch
):
    MemberReportFactory(member=submitted.member, year=2025, half=2, state=ReportState.APPROVED)
    client = login(committee_admin)
    response = client.get(
        CHANGELIST, {"period": "2026H1", "branch": branch.pk, "state__exact": "submitted"}
    )
    assert list(response.context["cl"].result_list) == [submitted]


def test_search_by_member_name(login, committee_admin, submitted, other_submitted):
    response = login(committee_admin).get(CHANGELIST, {"q": "张伟"})
    assert list(response.context["cl"].result_list) == [submitted]


@pytest.mark.parametrize("n", [2, 30])
def test_changelist_costs_a_fixed_number_of_queries(
    login, org_admin, branch, n, django_assert_num_queries
):
    for _ in range(n):
        MemberReportFactory(member=f.MemberFactory(branch=branch))
    client = login(org_admin)
    with django_assert_num_queries(12):
        response = client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == n


# The change page and review -------------------------------------------------------------------
def test_change_page_shows_the_account_records_and_evaluation_read_only(
    login, org_admin, submitted, member, community
):
    f.ServiceRecordFactory(
        member=member, community=community, served_on=D(2026, 4, 2), title="助老理发"
    )
    EvaluationFactory(member=member, community=community, rating="excellent", comment="热心")
    content = login(org_admin).get(f"{CHANGELIST}{submitted.pk}/change/").content.decode()
    assert "入户走访三次" in content
    assert "助老理发" in content
    assert "优秀" in content and "热心" in content
    assert "审核通过" in content and "附意见退回" in content
    assert reverse("reports:report_print", args=[submitted.pk]) in content
    assert 'name="did"' not in content  # nothing of the member's account is editable here


def test_approve_from_the_change_page(login, org_admin, submitted):
    response = login(org_admin).post(
        reverse("admin:reports_memberreport_review", args=[submitted.pk]),
        {"decision": "approve", "comment": ""},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == ReportState.APPROVED


def test_returning_from_the_change_page_needs_a_comment(login, org_admin, submitted):
    client = login(org_admin)
    url = reverse("admin:reports_memberreport_review", args=[submitted.pk])
    response = client.post(url, {"decision": "return", "comment": ""}, follow=True)
    assert "请填写退回意见" in response.content.decode()
    client.post(url, {"decision": "return", "comment": "请补充收获"})
    submitted.refresh_from_db()
    assert (submitted.state, submitted.review_comment) == (ReportState.RETURNED, "请补充收获")


def test_another_branchs_secretary_cannot_review_by_url(login, other_secretary, submitted):
    response = login(other_secretary).post(
        reverse("admin:reports_memberreport_review", args=[submitted.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.state == ReportState.SUBMITTED


def test_approve_selected_action_skips_drafts(login, org_admin, submitted, branch):
    draft = MemberReportFactory(member=f.MemberFactory(branch=branch))
    response = login(org_admin).post(
        CHANGELIST,
        {"action": "approve_selected", "_selected_action": [submitted.pk, draft.pk]},
        follow=True,
    )
    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert (submitted.state, draft.state) == (ReportState.APPROVED, ReportState.DRAFT)
    assert "跳过 1 份报告" in response.content.decode()


def test_return_selected_asks_for_a_comment_then_returns(login, org_admin, submitted):
    client = login(org_admin)
    first = client.post(
        CHANGELIST, {"action": "return_selected", "_selected_action": [submitted.pk]}
    )
    assert first.status_code == 200
    assert "给党员的意见" in first.content.decode()
    client.post(
        CHANGELIST,
        {
            "action": "return_selected",
            "_selected_action": [submitted.pk],
            "apply": "1",
            "comment": "请补充下步打算",
        },
    )
    submitted.refresh_from_db()
    assert (submitted.state, submitted.review_comment) == (ReportState.RETURNED, "请补充下步打算")


def test_export_the_branchs_report_status_to_excel(login, secretary, submitted, other_submitted):
    response = login(secretary).get(reverse("admin:reports_memberreport_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert (rows[0][0], rows[0][3]) == ("党员", "状态")
    assert [r[0] for r in rows[1:]] == ["张伟"]
    assert rows[1][3] == "已提交"


def test_export_shows_dates_as_dates_and_can_be_filtered_in_excel(login, secretary, submitted):
    submitted.submitted_at = aware_at(2026, 7, 10, 9, 30, 45)
    submitted.save()
    response = login(secretary).get(reverse("admin:reports_memberreport_export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.auto_filter.ref == sheet.dimensions
    assert (sheet["I2"].number_format, sheet["J2"].number_format) == (
        "yyyy-mm-dd",
        "yyyy-mm-dd hh:mm",
    )
    assert sheet["J2"].value == datetime.datetime(2026, 7, 10, 9, 30)


def test_export_follows_the_current_filters(
    login, committee_admin, submitted, other_submitted, branch
):
    response = login(committee_admin).get(
        reverse("admin:reports_memberreport_export"), {"branch": branch.pk}
    )
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert len(rows) == 2


def test_export_with_a_filter_the_list_does_not_know_goes_back_to_the_list(login, secretary):
    """A 500 before (issue 8): Django's changelist answers such filters with ?e=1, the export
    let IncorrectLookupParameters out."""
    response = login(secretary).get(
        reverse("admin:reports_memberreport_export"), {"no_such_field": "1"}
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:reports_memberreport_changelist") + "?e=1"


# Evaluations, records and organization reports in admin -------------------------------------
def test_evaluations_in_admin_are_scoped(login, other_secretary, member, community):
    EvaluationFactory(member=member, community=community)
    response = login(other_secretary).get("/admin/reports/evaluation/")
    assert list(response.context["cl"].result_list) == []


def test_service_records_in_admin_are_scoped_to_the_staffs_community(
    login, staff, other_staff, member, community
):
    f.ServiceRecordFactory(member=member, community=community)
    assert len(login(staff).get("/admin/records/servicerecord/").context["cl"].result_list) == 1
    assert (
        len(login(other_staff).get("/admin/records/servicerecord/").context["cl"].result_list) == 0
    )


@pytest.fixture
def branch_report(branch):
    return OrganizationReportFactory(organization=branch, year=2026)


def test_a_branch_writes_and_submits_its_yearly_report_and_the_party_committee_approves(
    login, secretary, org_admin, branch_report
):
    url = f"/admin/reports/organizationreport/{branch_report.pk}/change/"
    client = login(secretary)
    # What was typed and the submission go in one post: nothing typed is lost.
    response = client.post(
        url, {"summary": "全年开展共建活动12次", "plans": "继续", "_submit_report": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == url
    step = reverse("admin:reports_organizationreport_step", args=[branch_report.pk])
    branch_report.refresh_from_db()
    assert (branch_report.state, branch_report.summary) == (
        ReportState.SUBMITTED,
        "全年开展共建活动12次",
    )
    # The branch's own secretary cannot approve its report.
    client.post(step, {"step": "approve"})
    branch_report.refresh_from_db()
    assert branch_report.state == ReportState.SUBMITTED
    login(org_admin).post(step, {"step": "approve"})
    branch_report.refresh_from_db()
    assert branch_report.state == ReportState.APPROVED


def test_a_returned_yearly_report_needs_a_comment_and_is_resubmitted_by_the_branch(
    login, secretary, org_admin, branch_report
):
    url = f"/admin/reports/organizationreport/{branch_report.pk}/change/"
    step = reverse("admin:reports_organizationreport_step", args=[branch_report.pk])
    login(secretary).post(
        url, {"summary": "全年开展共建活动12次", "plans": "继续", "_submit_report": "1"}
    )
    # Returning without a comment is refused with a message; the report stays submitted.
    response = login(org_admin).post(step, {"step": "return", "comment": "   "}, follow=True)
    assert str(ReportsError("comment_required").message) in [
        str(m) for m in response.context["messages"]
    ]
    branch_report.refresh_from_db()
    assert branch_report.state == ReportState.SUBMITTED
    login(org_admin).post(step, {"step": "return", "comment": "请补充志愿服务时长"})
    branch_report.refresh_from_db()
    assert (branch_report.state, branch_report.review_comment) == (
        ReportState.RETURNED,
        "请补充志愿服务时长",
    )
    # The branch rewrites its account and submits it again.
    login(secretary).post(
        url,
        {"summary": "全年开展共建活动12次，服务120小时", "plans": "继续", "_submit_report": "1"},
    )
    branch_report.refresh_from_db()
    assert (branch_report.state, branch_report.summary) == (
        ReportState.SUBMITTED,
        "全年开展共建活动12次，服务120小时",
    )
    steps = list(branch_report.transitions.values_list("from_state", "to_state", "by", "comment"))
    assert steps == [
        (ReportState.DRAFT, ReportState.SUBMITTED, secretary.pk, ""),
        (ReportState.SUBMITTED, ReportState.RETURNED, org_admin.pk, "请补充志愿服务时长"),
        (ReportState.RETURNED, ReportState.SUBMITTED, secretary.pk, ""),
    ]


@pytest.mark.parametrize(
    ("step", "subject"),
    [("approve", "2026年度报告已审核通过"), ("return", "2026年度报告被退回修改")],
)
def test_the_branch_reads_whether_its_yearly_report_was_approved_or_returned(
    login, secretary, org_admin, branch_report, django_capture_on_commit_callbacks, step, subject
):
    from notifications.models import Notification

    OrganizationReport.objects.filter(pk=branch_report.pk).update(state=ReportState.SUBMITTED)
    step_url = reverse("admin:reports_organizationreport_step", args=[branch_report.pk])
    with django_capture_on_commit_callbacks(execute=True):
        login(org_admin).post(step_url, {"step": step, "comment": "请补充志愿服务时长"})
    notification = Notification.objects.get(user=secretary)
    assert subject in notification.subject
    assert ("已审核通过" in notification.body) == (step == "approve")


def test_the_yearly_report_can_only_be_submitted_with_an_account(login, secretary, branch_report):
    url = f"/admin/reports/organizationreport/{branch_report.pk}/change/"
    response = login(secretary).post(
        url, {"summary": "  ", "plans": "", "_submit_report": "1"}, follow=True
    )
    branch_report.refresh_from_db()
    assert branch_report.state == ReportState.DRAFT
    assert str(ReportsError("account_required").message) in [
        str(m) for m in response.context["messages"]
    ]


def test_the_submit_button_is_inside_the_change_form(login, secretary, branch_report):
    page = login(secretary).get(f"/admin/reports/organizationreport/{branch_report.pk}/change/")
    html = page.content.decode()
    form = html[html.index('id="organizationreport_form"') :]
    form = form[: form.index("</form>")]
    assert 'name="_submit_report"' in form


def test_organization_reports_are_scoped(login, other_secretary, branch_report):
    response = login(other_secretary).get("/admin/reports/organizationreport/")
    assert list(response.context["cl"].result_list) == []


def test_organization_report_figures_roll_up_the_subtree(
    member, other_member, community, party_committee, branch
):
    from reports.services import organization_reports_prepare

    f.ServiceRecordFactory(member=member, community=community, served_on=D(2026, 5, 1), hours="4.0")
    f.ServiceRecordFactory(
        member=member, community=community, served_on=D(2026, 9, 1), hours="1.0", kind="wish"
    )
    f.PartnershipFactory(
        organization=party_committee,
        community=community,
        signed_on=D(2026, 1, 1),
        term_start=D(2026, 1, 1),
        term_end=D(2027, 12, 31),
    )
    MemberReportFactory(member=member, state=ReportState.APPROVED)
    EvaluationFactory(member=member, community=community, rating="excellent")
    organization_reports_prepare(year=2026)
    report = OrganizationReport.objects.get(organization=party_committee)
    assert (report.members_total, report.members_reported, report.hours) == (1, 1, 5)
    assert (report.wishes_fulfilled, report.rated_excellent) == (1, 1)
    assert report.communities_paired == community.name
    own = OrganizationReport.objects.get(organization=branch)
    assert (own.hours, own.wishes_fulfilled) == (5, 1)


def test_changelist_links_to_the_reports_waiting_for_review(login, secretary, submitted):
    MemberReportFactory(member=f.MemberFactory(branch=submitted.member.branch))
    response = login(secretary).get(CHANGELIST)
    assert response.context["waiting"] == 1
    assert 'href="?state__exact=submitted"' in response.content.decode()


def test_change_page_has_no_review_section_before_a_review(login, secretary, submitted):
    response = login(secretary).get(f"{CHANGELIST}{submitted.pk}/change/")
    titles = [fieldset.name for fieldset in response.context["adminform"]]
    assert "Review" not in [str(t) for t in titles] and "审核" not in [str(t) for t in titles]


def test_an_unknown_step_on_a_yearly_report_does_nothing(login, org_admin, branch_report):
    branch_report.state = ReportState.SUBMITTED
    branch_report.save()
    step = reverse("admin:reports_organizationreport_step", args=[branch_report.pk])
    response = login(org_admin).post(step, {"step": "zzz", "comment": "x"})
    assert response.status_code == 400
    branch_report.refresh_from_db()
    assert branch_report.state == ReportState.SUBMITTED


def test_an_overlong_yearly_account_is_refused_with_a_message(login, secretary, branch_report):
    url = f"/admin/reports/organizationreport/{branch_report.pk}/change/"
    response = login(secretary).post(url, {"summary": "x" * 10001, "plans": ""})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["summary"]
    branch_report.refresh_from_db()
    assert branch_report.summary == ""


def test_a_resubmitted_report_does_not_show_the_earlier_decision_as_its_review(
    login, secretary, submitted
):
    submitted.review_comment = "请补充计划"
    submitted.reviewed_at = submitted.submitted_at
    submitted.save()
    response = login(secretary).get(f"{CHANGELIST}{submitted.pk}/change/")
    assert "请补充计划" not in response.content.decode()


def test_an_unknown_decision_on_a_member_report_does_nothing(login, secretary, submitted):
    review = reverse("admin:reports_memberreport_review", args=[submitted.pk])
    response = login(secretary).post(review, {"decision": "zzz", "comment": "x"})
    assert response.status_code == 400
    submitted.refresh_from_db()
    assert submitted.state == ReportState.SUBMITTED


def test_export_writes_a_name_that_looks_like_a_formula_as_text(login, secretary, submitted):
    submitted.member.real_name = '=HYPERLINK("http://evil.example","点我")'
    submitted.member.save()
    response = login(secretary).get(reverse("admin:reports_memberreport_export"))
    cell = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active["A2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
