"""Check-in in a real browser: a member signs up and opens their code; the host's scanner,
typed into as a USB scanner does, checks them in and out; after finalizing the member sees
the hours; offline, three scans are queued and each recorded once when the network returns."""

import datetime

import pytest
from django.utils import timezone

from checkins import services
from checkins.models import Attendance, AttendanceSegment, Scan
from tests import factories as f
from tests.checkins.factories import SignupFactory
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名或邮箱地址", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def _type_code(page, text):
    """As a USB scanner does: the characters, then Enter."""
    field = page.get_by_label("扫描或输入党员的签到码")
    field.click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def test_sign_up_check_in_and_out_finalize_and_see_the_hours(
    page, new_page, member, staff, activity, venue, host
):
    # The member signs up and opens their code.
    _log_in(page, "zhangwei")
    page.goto("/checkins/")
    page.get_by_role("link", name="党员义务奉献日").click()
    page.get_by_label("会场").select_option(label="和平广场主会场")
    page.get_by_role("button", name="报名").click()
    page.get_by_text("报名成功").wait_for()
    page.get_by_role("link", name="我的签到码").first.click()
    page.get_by_role("img", name="签到二维码").wait_for()
    secret = page.get_by_test_id("secret").inner_text().strip()

    # The host types it into the scanner, as a USB scanner does.
    host_page = new_page()
    _log_in(host_page, "host1")
    host_page.goto(f"/checkins/host/venues/{venue.pk}/scanner/")
    _type_code(host_page, secret)
    host_page.locator("#scan-result").get_by_text("签到成功").wait_for()
    _type_code(host_page, secret)
    host_page.locator("#scan-result").get_by_text("已签到").wait_for()
    host_page.locator("#recent").get_by_text("张伟").first.wait_for()
    assert Attendance.objects.get().state == Attendance.State.IN
    # Two hours later…
    AttendanceSegment.objects.update(in_at=timezone.now() - datetime.timedelta(hours=2))
    host_page.get_by_text("签退", exact=True).click()
    _type_code(host_page, f"http://localhost/checkins/c/{secret}/")
    host_page.locator("#scan-result").get_by_text("签退成功").wait_for()

    # Staff end and finalize the activity.
    staff_page = new_page()
    _log_in(staff_page, "wangfang")
    staff_page.goto(f"/checkins/organize/{activity.pk}/")
    staff_page.once("dialog", lambda d: d.accept())
    staff_page.get_by_role("button", name="结束活动").click()
    staff_page.once("dialog", lambda d: d.accept())
    staff_page.get_by_role("button", name="完成结算").click()
    staff_page.get_by_text("已生成 1 条服务记录").wait_for()

    # The member sees the hours.
    page.goto("/checkins/mine/")
    assert page.get_by_test_id("hours").first.inner_text().strip() == "2.0"
    assert member.service_records.filter(source_key__startswith="checkin:").count() == 1


def test_offline_scans_are_queued_and_recorded_once(page, venue, host, branch):
    members = [f.MemberFactory(branch=branch, real_name=f"王{i}明") for i in range(3)]
    for m in members:
        SignupFactory(venue=venue, member=m)
    secrets = [services.member_code_current(member=m).secret for m in members]
    _log_in(page, "host1")
    page.goto(f"/checkins/host/venues/{venue.pk}/scanner/")
    page.wait_for_load_state("networkidle")
    page.context.set_offline(True)
    for secret in secrets:
        _type_code(page, secret)
        page.locator("#scan-result").get_by_text("已离线保存").wait_for()
    page.locator("#queue-state[data-pending='3']").wait_for()
    assert Scan.objects.count() == 0
    page.context.set_offline(False)
    page.locator("#queue-state[data-pending='0']").wait_for(state="attached", timeout=30_000)
    assert Scan.objects.count() == 3
    assert Scan.objects.filter(offline=True, result=Scan.Result.OK).count() == 3
    assert Attendance.objects.filter(state=Attendance.State.IN).count() == 3
