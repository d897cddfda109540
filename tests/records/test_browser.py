"""Through the real UI in Chromium: the staff find a member by typing the phone's last digits
(the suggestions come as one types) and record their service."""

import pytest

from records.models import ServiceRecord
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_type_the_phone_digits_pick_the_suggestion_and_record(page, staff, member):
    page.goto("/accounts/login/")
    page.get_by_label("用户名或邮箱地址", exact=True).fill("wangfang")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    page.goto("/reports/staff/records/")
    field = page.get_by_label("党员", exact=True)
    field.press_sequentially("5678")
    # The suggestion, fetched by htmx as the digits were typed.
    page.locator('#service-member-options option[value="张伟 · 5678"]').wait_for(state="attached")
    field.fill("张伟 · 5678")
    page.get_by_label("时长（小时）").fill("2")
    page.get_by_label("服务内容").fill("楼道清扫")
    page.get_by_role("button", name="保存记录").click()
    page.get_by_text("已为张伟记录").wait_for()
    assert ServiceRecord.objects.get().member == member
