"""群众点单 in a real browser, as a resident on a phone does it (issue 9): send, press Back and
send again (one wish, and the page says it was already saved), follow the wish with its code."""

import pytest

from tests import factories as f
from wishes.models import Wish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill(page, community):
    page.get_by_label("您所在的社区").select_option(label=community.name)
    page.get_by_label("您的姓名").fill("赵桂兰")
    page.get_by_label("您的电话").fill("13700002222")
    page.get_by_label("您的住址").fill("和平里5号楼1单元302")
    page.get_by_label("您的心愿是什么？").fill("上门理发")


def test_back_and_send_again_stores_one_wish_and_the_code_follows_it(page):
    community = f.CommunityFactory(name="和平社区", phone="010-62345678")
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto("/wishes/submit/")
    phone = page.get_by_label("您的电话")
    assert phone.get_attribute("inputmode") == "tel"
    assert phone.get_attribute("autocomplete") == "tel"
    _fill(page, community)
    page.get_by_role("button", name="提交").click()
    page.get_by_role("heading", name="谢谢，我们已收到您的心愿").wait_for()
    code = page.get_by_test_id("tracking-code").inner_text().strip()
    page.get_by_text("010-62345678").wait_for()

    # Back to the form (what was typed is still there) and send again.
    page.go_back()
    page.get_by_role("button", name="提交").wait_for()
    if not page.get_by_label("您的姓名").input_value():
        _fill(page, community)
    page.get_by_role("button", name="提交").click()
    page.get_by_text("这个心愿您已经送出过").wait_for()
    assert page.get_by_test_id("tracking-code").inner_text().strip() == code
    assert Wish.objects.count() == 1

    # The code and the last 4 digits show where the wish is, nothing personal.
    page.get_by_role("link", name="查看我的心愿进度").click()
    page.get_by_label("手机号后4位").fill("2222")
    page.get_by_role("button", name="查看进度").click()
    page.get_by_test_id("tracked-state").get_by_text("等待审核").wait_for()
    assert "13700002222" not in page.content() and "赵桂兰" not in page.content()


def test_a_double_click_stores_one_wish(page):
    community = f.CommunityFactory(name="和平社区")
    page.goto("/wishes/submit/")
    _fill(page, community)
    page.get_by_role("button", name="提交").dblclick()
    page.get_by_role("heading", name="谢谢，我们已收到您的心愿").wait_for()
    page.wait_for_load_state("networkidle")
    assert Wish.objects.count() == 1
