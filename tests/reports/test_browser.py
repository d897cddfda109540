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


def test_the_account_is_saved_as_the_member_types_and_nothing_is_lost_offline(page, member):
    report = MemberReport.objects.create(
        member=member, year=2026, half=1, due_on=datetime.date(2026, 7, 15)
    )
    _log_in(page, "zhangwei")
    page.goto(f"/reports/{report.pk}/")
    did = page.get_by_label("做了什么")

    # The counter shows the limit; the text reaches the server without pressing a button.
    did.fill("为独居老人上门理发")
    page.get_by_text("已输入 9 / 5000 字").wait_for()
    page.get_by_test_id("draft-status").get_by_text("自动保存").wait_for()
    report.refresh_from_db()
    assert report.did == "为独居老人上门理发"

    # Offline, the text is kept in the browser and comes back on the next visit.
    page.context.set_offline(True)
    did.fill("为独居老人上门理发三次")
    page.get_by_text("暂时连不上服务器").wait_for()
    page.context.set_offline(False)
    page.goto("/reports/my/")
    page.goto(f"/reports/{report.pk}/")
    page.get_by_text("已恢复您之前在本页输入但尚未保存的内容").wait_for()
    assert page.get_by_label("做了什么").input_value() == "为独居老人上门理发三次"
    page.get_by_test_id("draft-status").get_by_text("自动保存").wait_for()
    report.refresh_from_db()
    assert report.did == "为独居老人上门理发三次"


def test_leaving_with_unsaved_text_asks_first(page, member):
    report = MemberReport.objects.create(
        member=member, year=2026, half=1, due_on=datetime.date(2026, 7, 15)
    )
    _log_in(page, "zhangwei")
    page.goto(f"/reports/{report.pk}/")
    page.context.set_offline(True)
    page.get_by_label("做了什么").fill("还没保存的内容")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
