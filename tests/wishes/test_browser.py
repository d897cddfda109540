"""The whole life of a wish in a real browser: staff post it, a member claims and fulfils it
with a photo, staff confirm it, and the public wall shows it completed and anonymized."""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from tests.factories import PASSWORD
from tests.wishes.factories import HardshipCategoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名或邮箱地址", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def _jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 120, 200)).save(buffer, format="JPEG")
    return {"name": "fan.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def test_post_claim_fulfil_confirm_and_show_on_the_wall(page, new_page, staff, member):
    # A transactional test before this one may have flushed the seeded categories.
    HardshipCategoryFactory(name="空巢老人")
    today = timezone.localdate()

    # Staff post a wish for a new resident.
    _log_in(page, "wangfang")
    page.goto("/wishes/staff/new/")
    page.get_by_label("居民姓名").fill("李秀英")
    page.get_by_label("居民电话").fill("13900001111")
    page.get_by_label("居民住址").fill("和平里3号楼2单元501")
    page.get_by_label("空巢老人").check()
    page.get_by_label("标题").fill("一台电风扇")
    page.get_by_label("截止日期").fill((today + datetime.timedelta(days=20)).isoformat())
    page.get_by_role("button", name="发布心愿").click()
    page.get_by_role("heading", name="一台电风扇").wait_for()
    wish_url = page.url

    # A member finds it on the wall and claims it.
    member_page = new_page()
    _log_in(member_page, "zhangwei")
    member_page.goto("/wishes/")
    member_page.get_by_role("link", name="一台电风扇").click()
    member_page.get_by_label("承诺完成日期").fill((today + datetime.timedelta(days=3)).isoformat())
    member_page.get_by_role("button", name="认领", exact=True).click()
    member_page.get_by_text("认领成功").wait_for()
    # While the claim is active the member sees how to reach the resident.
    member_page.get_by_text("13900001111").wait_for()

    # …fulfils it with a photo.
    member_page.get_by_role("link", name="报告已完成").click()
    member_page.get_by_label("心愿是怎样完成的？").fill("已把电风扇送到李阿姨家并帮忙装好。")
    member_page.get_by_label("完成照片").set_input_files(_jpeg())
    member_page.get_by_role("button", name="提交社区确认").click()
    member_page.get_by_text("社区会尽快确认").wait_for()

    # Staff confirm it.
    page.goto(wish_url)
    page.get_by_role("link", name="确认或退回").click()
    page.get_by_role("img", name="完成照片 1").wait_for()
    page.get_by_role("button", name="确认：已完成").click()
    page.get_by_text("心愿已完成").wait_for()

    # The public wall shows it completed and anonymized.
    public = new_page()
    public.goto("/wishes/?state=completed")
    card = public.locator("article", has_text="一台电风扇")
    card.get_by_text("已完成").wait_for()
    card.get_by_text("李某").wait_for()
    html = public.content()
    assert "李秀英" not in html and "13900001111" not in html and "和平里3号楼" not in html
    # The member's service was recorded.
    assert member.service_records.filter(source_key__startswith="wish:").count() == 1
