"""The whole life of an order in a real browser: a resident orders with no account, staff accept
and dispatch it, the member takes and completes it, staff confirm the hours, and the resident
rates it by the tracking code."""

import pytest

from orders.models import ServiceOrder
from records.models import ServiceRecord
from tests.factories import PASSWORD
from tests.orders.factories import MenuCategoryFactory, MenuItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名或邮箱地址", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_order_accept_dispatch_take_complete_confirm_and_rate(
    page, new_page, community, staff, member
):
    category = MenuCategoryFactory(community=community, name="助老服务")
    MenuItemFactory(category=category, name="上门理发")

    # A resident, without an account, orders from the community's page.
    resident = new_page()
    resident.set_viewport_size({"width": 360, "height": 740})
    resident.goto(f"/orders/c/{community.pk}/")
    resident.get_by_role("link", name="上门理发").click()
    resident.get_by_label("您的姓名").fill("李秀英")
    resident.get_by_label("您的电话").fill("13900001111")
    resident.get_by_label("您需要什么帮助？").fill("腿脚不便，想请人上门理发。")
    resident.get_by_role("button", name="提交订单").click()
    code = resident.get_by_test_id("tracking-code").inner_text()
    assert len(code.replace("-", "")) == 8

    # Staff accept it from the intake queue and dispatch it to the member.
    _log_in(page, "wangfang")
    page.goto("/orders/staff/")
    page.get_by_role("link", name="上门理发").click()
    page.get_by_role("button", name="受理订单").click()
    page.get_by_text("已受理，请派单。").wait_for()
    page.get_by_label("党员", exact=True).select_option(label="张伟")
    page.get_by_role("button", name="派出订单").click()
    page.get_by_text("已派单").first.wait_for()
    order_url = page.url

    # The member takes it, sees the resident's phone, and reports it done.
    member_page = new_page()
    _log_in(member_page, "zhangwei")
    member_page.goto("/orders/mine/")
    member_page.get_by_test_id("offer").get_by_role("button", name="接单").click()
    member_page.get_by_text("您已接单，谢谢！").wait_for()
    member_page.get_by_text("13900001111").wait_for()
    member_page.get_by_role("link", name="报告完成").click()
    member_page.get_by_label("完成了哪些服务？").fill("已上门理发，老人很满意。")
    member_page.get_by_role("button", name="提交").click()
    member_page.get_by_text("社区会确认服务时长").wait_for()

    # Staff confirm the hours into service records.
    page.goto(order_url)
    page.get_by_role("button", name="确认并记入服务记录").click()
    page.get_by_text("服务时长已确认并记入服务记录。").wait_for()
    assert ServiceRecord.objects.get(member=member).kind == ServiceRecord.Kind.ORDER

    # The resident follows the order by its code and rates it.
    resident.goto("/orders/track/")
    resident.get_by_label("查询码").fill(code)
    resident.get_by_label("手机号后4位").fill("1111")
    resident.get_by_role("button", name="查询").click()
    resident.get_by_test_id("tracked-order").get_by_text("已关闭", exact=True).wait_for()
    assert "李秀英" not in resident.content()
    resident.get_by_label("5", exact=True).check()
    resident.get_by_label("您的评价").fill("很好")
    resident.get_by_role("button", name="提交评价").click()
    resident.get_by_text("感谢您的评价！").wait_for()
    assert ServiceOrder.objects.get().rating == 5
