"""In a real browser: a member downloads a certificate, opens its verify page; the unit's staff
revoke it; the verify page then says it is revoked."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from tests import factories as f
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名或邮箱地址", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_download_verify_revoke(page, new_page, member, community, staff):
    today = timezone.localdate()
    f.ServiceRecordFactory(
        member=member,
        community=community,
        hours=Decimal("3.5"),
        title="为独居老人送餐",
        served_on=today - datetime.timedelta(days=2),
        kind="wish",
    )

    _log_in(page, "zhangwei")
    page.goto("/reports/my/certificates/")
    page.get_by_label("记录单位").select_option(label=community.name)
    page.get_by_label("服务起始日期").fill((today - datetime.timedelta(days=30)).isoformat())
    page.get_by_label("服务截止日期").fill(today.isoformat())
    with page.expect_download() as download_info:
        page.get_by_role("button", name="下载证明（PDF）").click()
    pdf = PdfReader(download_info.value.path())
    text = pdf.pages[0].extract_text()
    assert "张伟" in text and "3.5" in text

    page.goto("/reports/my/certificates/")
    page.get_by_role("link", name="查验页面").click()
    page.get_by_text("此证明有效。").wait_for()
    assert page.get_by_test_id("verify-hours").inner_text() == "3.5"
    assert "张伟" not in page.content()
    verify_url = page.url

    staff_page = new_page()
    _log_in(staff_page, "wangfang")
    staff_page.goto("/reports/staff/certificates/")
    staff_page.get_by_placeholder("撤销原因").fill("服务记录有误")
    staff_page.get_by_role("button", name="撤销").click()
    staff_page.get_by_text("已撤销：").wait_for()

    page.goto(verify_url)
    page.get_by_text("此证明已被记录单位撤销。").wait_for()
