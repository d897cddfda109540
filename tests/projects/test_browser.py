"""The main flow of the project library in a real browser: staff list a need; an organization
admin offers a resource; a joint meeting approves a project from them and assigns a team; the
captain posts progress with a photo and the participants' hours; staff complete and evaluate
it; a participant sees the hours."""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from members.models import ServiceTeam, TeamMembership
from projects.models import Project
from records.models import ServiceRecord
from tests import factories as f
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名或邮箱地址", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def _jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 160, 60)).save(buffer, format="JPEG")
    return {"name": "trees.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def test_need_resource_meeting_progress_completion_and_hours(
    page, new_page, staff, org_admin, member, branch, community, party_committee
):
    greenery = f.ServiceCategoryFactory(name="环境绿化")
    neighbour = f.MemberFactory(user__username="wangqiang", real_name="王强", branch=branch)
    f.ConfirmedRegistrationFactory(member=neighbour, community=community)
    team = ServiceTeam.objects.create(
        name="绿化服务队", category=greenery, community=community, captain=member
    )
    TeamMembership.objects.create(team=team, member=neighbour)
    today = timezone.localdate()
    end = today + datetime.timedelta(days=30)

    # Staff list a need.
    _log_in(page, "wangfang")
    page.goto("/projects/staff/needs/new/")
    page.get_by_label("标题").fill("绿化老旧小区")
    page.get_by_label("服务类别").select_option(label="环境绿化")
    page.get_by_label("需求类型").select_option(label="设施")
    page.get_by_label("受益人数").fill("320")
    page.get_by_label("直接列入清单").check()
    page.get_by_role("button", name="保存").click()
    page.get_by_test_id("need-state").get_by_text("已列入清单").wait_for()

    # An organization admin offers 415 seedlings.
    unit = new_page()
    _log_in(unit, "chenjing")
    unit.goto("/projects/resources/offer/")
    unit.get_by_label("提供方").select_option(label=f"单位：{party_committee.name}")
    unit.get_by_label("提供给社区").select_option(label=community.name)
    unit.get_by_label("标题").fill("苗木415株")
    unit.get_by_label("资源类型").select_option(label="物资")
    unit.get_by_label("服务类别").select_option(label="环境绿化")
    unit.get_by_label("数量").fill("415")
    unit.get_by_label("单位", exact=True).select_option(label="株")
    unit.get_by_role("button", name="提供").click()
    unit.get_by_role("heading", name="我们的资源").wait_for()

    # Staff confirm the offer and build a draft project from the need.
    page.goto("/projects/staff/triage/")
    page.get_by_role("listitem").filter(has_text="苗木415株").get_by_role(
        "button", name="确认"
    ).click()
    page.get_by_text("资源已确认").wait_for()
    page.goto("/projects/staff/new/")
    page.get_by_label("标题").fill("绿化老旧小区")
    page.get_by_label("服务类别").select_option(label="环境绿化")
    page.get_by_label("绿化老旧小区").check()
    page.get_by_label("计划开始").fill(today.isoformat())
    page.get_by_label("计划结束").fill(end.isoformat())
    page.get_by_label("集体项目").check()
    page.get_by_label("里程碑").fill(f"{today.isoformat()} 40 采购苗木\n{end.isoformat()} 60 种植")
    page.get_by_role("button", name="保存为草稿").click()
    page.get_by_test_id("project-state").get_by_text("草稿").wait_for()
    project = Project.objects.get(title="绿化老旧小区")

    # A joint meeting approves it, commits the seedlings and assigns the team.
    page.goto("/projects/meetings/new/")
    page.get_by_label("标题").fill("第三季度联席会议")
    page.get_by_label("日期").fill(today.isoformat())
    page.get_by_role("button", name="安排").click()
    page.get_by_role("heading", name="第三季度联席会议").wait_for()
    page.get_by_text("绿化老旧小区 ⇄ 苗木415株").wait_for()  # the suggested match
    page.get_by_label("会议纪要", exact=True).fill("会议决定实施绿化老旧小区项目。")
    page.get_by_role("button", name="保存纪要").click()
    page.get_by_text("纪要已保存").wait_for()
    for kind, extra in (
        ("通过项目", {}),
        ("承诺资源", {"资源": "苗木415株", "数量": "415"}),
        ("指派认领方", {"指派的服务队": "绿化服务队"}),
    ):
        page.get_by_label("决议", exact=True).select_option(label=kind)
        page.get_by_label("项目", exact=True).select_option(label="绿化老旧小区")
        for label, value in extra.items():
            field = page.get_by_label(label, exact=True)
            if label == "数量":
                field.fill(value)
            else:
                field.select_option(label=value)
        page.get_by_role("button", name="记录该决议").click()
        page.get_by_text("决议已记录").wait_for()
    page.get_by_role("button", name="通过纪要并执行各项决议").click()
    page.get_by_test_id("meeting-state").get_by_text("纪要已通过").wait_for()

    # The captain posts progress with a photo and the participants' hours.
    captain = new_page()
    _log_in(captain, "zhangwei")
    captain.goto("/projects/mine/")
    captain.get_by_role("link", name="报告进展").first.click()
    captain.get_by_label("进展", exact=True).fill("415株苗木已全部种下。")
    captain.get_by_label("进度（%）").fill("100")
    captain.get_by_label("采购苗木").check()
    captain.get_by_label("种植").check()
    captain.get_by_label("照片").set_input_files(_jpeg())
    captain.get_by_role("button", name="发布").click()
    captain.get_by_text("进展已发布").wait_for()
    for who, hours in (("张伟", "4"), ("王强", "3.5")):
        captain.get_by_label("党员").select_option(label=who)
        captain.get_by_label("服务日期").fill(today.isoformat())
        captain.get_by_label("小时", exact=True).fill(hours)
        captain.get_by_role("button", name="添加参与人员").click()
        captain.get_by_text("参与记录已登记").wait_for()

    # Staff complete it, confirming the hours, and evaluate it.
    page.goto(f"/projects/{project.pk}/")
    page.get_by_role("img", name="进展照片").wait_for()
    page.get_by_role("button", name="完成项目并确认时长").click()
    page.get_by_text("参与人员的时长已计入服务记录").wait_for()
    page.get_by_label("调查居民数").fill("40")
    page.get_by_label("满意居民数").fill("38")
    page.get_by_role("button", name="记录评价").click()
    page.get_by_text("评价已记录").wait_for()
    page.get_by_test_id("project-state").get_by_text("已评价").wait_for()

    # A participant sees the hours.
    participant = new_page()
    _log_in(participant, "wangqiang")
    participant.goto("/projects/mine/")
    participant.get_by_test_id("my-hours").get_by_text("3.5").wait_for()
    assert ServiceRecord.objects.get(member=neighbour, kind="project").hours == 3.5
    # The public sees the story, anonymized.
    public = new_page()
    public.goto("/projects/stories/")
    public.get_by_role("link", name="绿化老旧小区").wait_for()
    public.get_by_text("居民满意率：95%").wait_for()
