"""Through the real UI in Chromium: a member completes and submits the prepared half-year
report; an organization admin approves it in the Django admin; the member sees it approved."""

import datetime

import pytest

from core.periods import Period
from members.models import CommunityRegistration
from reports.models import MemberReport, ReportState
from reports.services import member_reports_prepare
from tests import factories as f
from tests.factories import PASSWORD
from tests.reports.factories import aware

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, login, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("用户名或邮箱地址", exact=True).fill(login)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_member_submits_the_draft_admin_approves_member_sees_it(
    page, new_page, member, community, org_admin
):
    CommunityRegistration.objects.filter(member=member).update(
        decided_at=aware(datetime.date(2025, 1, 1))
    )
    f.ServiceRecordFactory(
        member=member, community=community, served_on=datetime.date(2026, 4, 8), title="助老理发"
    )
    member_reports_prepare(period=Period(2026, 1))

    # The member opens the prepared draft from their reports.
    _log_in(page, "zhangwei")
    page.goto("/reports/my/")
    page.get_by_role("link", name="2026年上半年").click()
    page.get_by_text("根据您的服务记录生成").wait_for()
    page.get_by_label("做了什么").fill("为独居老人上门理发三次")
    page.get_by_label("有何收获").fill("更了解社区老人的需要")
    page.get_by_label("下步打算").fill("每月参加一次助老服务")
    page.get_by_role("button", name="提交审核").click()
    page.get_by_text("报告已提交，等待审核。").wait_for()
    assert MemberReport.objects.get().state == ReportState.SUBMITTED

    # The organization admin approves it in the Django admin.
    admin = new_page()
    _log_in(admin, "chenjing")
    admin.goto("/admin/reports/memberreport/")
    admin.get_by_role("link", name="张伟").click()
    admin.get_by_text("为独居老人上门理发三次").wait_for()
    admin.get_by_role("button", name="审核通过").click()
    admin.get_by_text("张伟 的报告已审核通过。").wait_for()

    # The member sees it approved.
    page.reload()
    page.get_by_text("报告已审核通过。").wait_for()
    assert page.get_by_text("已通过").first.is_visible()
    assert MemberReport.objects.get().state == ReportState.APPROVED
