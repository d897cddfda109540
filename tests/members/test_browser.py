"""Through the real UI in Chromium: a new member signs up, verifies the email, completes the
profile and registers to a community; the community's staff confirm; the member sees it."""

import re

import pytest
from django.core import mail

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, login, password):
    page.goto("/accounts/login/")
    page.get_by_label("用户名或邮箱地址", exact=True).fill(login)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()


def test_sign_up_register_and_get_confirmed(page, new_page, branch, community, staff):
    from tests.factories import ServiceCategoryFactory

    ServiceCategoryFactory(name="助老助残")

    # Sign up.
    page.goto("/")
    page.get_by_role("link", name="注册并报到").click()
    page.get_by_label("电子邮件", exact=True).fill("xiaoming@example.org")
    page.get_by_label("用户名", exact=True).fill("王小明")
    page.get_by_label("密码", exact=True).fill("Hongqi-2024-piao")
    page.get_by_label("密码（重复）", exact=True).fill("Hongqi-2024-piao")
    page.get_by_role("button", name="创建账号").click()
    page.get_by_role("heading", name="确认邮箱").wait_for()

    # Verify the email through the link in the message.
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="是的，确认").click()
    if "/accounts/login/" in page.url:
        _log_in(page, "王小明", "Hongqi-2024-piao")

    # Complete the member profile.
    page.get_by_role("heading", name="完善党员信息").wait_for()
    page.get_by_label("真实姓名").fill("王小明")
    page.get_by_label("电话").fill("13912345678")
    page.get_by_label("所在党支部").select_option(label="区教育局机关党委 · 教育局第一党支部")
    page.get_by_label("居住社区").select_option(label="和平社区")
    page.get_by_label("助老助残").check()
    page.get_by_role("button", name="保存").click()
    page.get_by_text("您的信息已保存。").wait_for()

    # Register with the community.
    page.get_by_label("社区", exact=True).select_option(label="和平社区")
    page.get_by_role("button", name="报到", exact=True).click()
    page.get_by_text("您向和平社区的报到申请正在等待社区确认。").first.wait_for()

    # The community's staff confirm it.
    staff_page = new_page()
    _log_in(staff_page, "wangfang", PASSWORD)
    staff_page.get_by_role("heading", name="待确认的报到").wait_for()
    row = staff_page.locator(".list-group-item", has_text="王小明")
    row.get_by_role("button", name="确认", exact=True).click()
    row.get_by_text("已确认").wait_for()

    # The member sees the confirmation.
    page.reload()
    page.get_by_text("您已在和平社区报到。").wait_for()
