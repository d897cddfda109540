"""Demo data of the projects app (called by `manage.py seed_demo`): needs, resources offered by
the paired units and the teams, projects in every state and a held joint meeting whose minutes
were approved, per community. Everything goes through the services, so every step has its
transition, hours their service records. Idempotent: a second run changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from members.models import (
    Community,
    CommunityRegistration,
    CommunityStaff,
    Partnership,
    ServiceCategory,
    ServiceTeam,
)

from . import services
from .models import MeetingDecision, Need, Project, Resource, ResourceTransition
from .services import MilestonePlan

MARKER = "demo:projects"
COMMUNITIES = {"default": 12, "small": 2}

# (title, description, kind, beneficiaries, urgency)
NEEDS = [
    (
        "绿化老旧小区",
        "老旧小区改造后，楼间空地缺少绿化，居民希望补种树苗。",
        "facility",
        320,
        "normal",
    ),
    ("加装电梯", "6层无电梯老楼，40多户老人上下楼困难，希望协调加装电梯。", "facility", 46, "high"),
    ("夜间巡逻", "小区周边夜间照明不足，居民希望有志愿者夜间巡逻。", "service", 800, "high"),
    ("法律咨询", "老年居民遇到赡养、房产纠纷，希望定期有律师坐诊。", "policy", 150, "normal"),
    ("助老送餐", "独居高龄老人做饭困难，希望提供午餐配送。", "service", 35, "urgent"),
    ("青少年暑期托管", "双职工家庭孩子暑期无人看护。", "service", 60, "normal"),
    ("楼道照明维修", "多个单元楼道灯损坏，晚上出行不便。", "facility", 120, "high"),
    ("义诊进社区", "希望医院定期派医生到社区义诊、测血压血糖。", "service", 400, "normal"),
]
# (title, kind, quantity, unit)
RESOURCES = [
    ("苗木415株", "goods", 415, "plants"),
    ("党员律师每月坐诊", "skill", None, ""),
    ("社区共建资金", "funds", 20000, "yuan"),
    ("夜间巡逻志愿者", "people", 200, "person_times"),
    ("单位会议室", "venue", None, ""),
]
# The lifecycle each demo project is taken to (one of each state, then again).
PLAN = [
    "evaluated",
    "in_progress",
    "claimed",
    "approved",
    "completed",
    "draft",
    "suspended",
    "cancelled",
    # The first draft goes to the joint meeting, which approves it; this one stays a draft.
    "draft",
]


def seed(*, size: str = "default", stdout=None) -> bool:
    say = stdout.write if stdout else (lambda s: None)
    if Need.objects.filter(source_key__startswith=MARKER).exists():
        say("Projects: demo data already present; nothing to do.")
        return False
    with transaction.atomic():
        made = _Seeder(COMMUNITIES.get(size, COMMUNITIES["default"])).run()
    say(f"Projects: {made} projects with needs, resources and joint meetings.")
    return True


class _Seeder:
    def __init__(self, communities: int):
        self.communities = communities
        self.today = timezone.localdate()
        self.categories = list(ServiceCategory.objects.order_by("order", "pk"))

    def run(self) -> int:
        made = 0
        staff_of = {s.community_id: s.user for s in CommunityStaff.objects.select_related("user")}
        for community in Community.objects.order_by("pk")[: self.communities]:
            staff = staff_of.get(community.pk)
            if staff is None or not self.categories:
                continue
            made += self._community(community, staff)
        return made

    def _category(self, i):
        return self.categories[i % len(self.categories)]

    def _community(self, community, staff) -> int:
        today = self.today
        needs = []
        for i, (title, text, kind, beneficiaries, urgency) in enumerate(NEEDS):
            needs.append(
                services.need_submit(
                    community=community,
                    by=staff,
                    title=title,
                    description=text,
                    category=self._category(i),
                    kind=kind,
                    beneficiaries=beneficiaries,
                    urgency=urgency,
                    wanted_by=today + datetime.timedelta(days=60 + 10 * i),
                    source=[Need.Source.RESIDENT, Need.Source.VISIT, Need.Source.STAFF][i % 3],
                    source_key=f"{MARKER}:{community.pk}:{i}",
                    list_now=i % 4 != 3,
                )
            )
        # One need rejected, one merged, one withdrawn: the side paths.
        extra = [
            services.need_submit(
                community=community,
                by=staff,
                title=title,
                category=self._category(0),
                source_key=f"{MARKER}:{community.pk}:x{j}",
            )
            for j, title in enumerate(["修建停车场", "小区补种绿化（重复）", "更换小区大门"])
        ]
        services.need_reject(need=extra[0], by=staff, reason="不属于社区可协调的事项")
        services.need_merge(need=extra[1], into=needs[0], by=staff)
        services.need_withdraw(need=extra[2], by=staff, reason="物业已解决")

        resources = self._resources(community, staff)
        # The demo member (of the demo logins) first: "my projects" shows them a next step.
        registrations = CommunityRegistration.objects.filter(
            community=community, state=CommunityRegistration.State.CONFIRMED
        ).select_related("member__user")
        members = list(registrations.order_by("pk")[:6])
        demo = registrations.filter(member__user__username="demo_member").first()
        if demo is not None and demo not in members:
            members = [demo, *members[:5]]
        members.sort(key=lambda r: r.member.user.username != "demo_member")
        teams = list(ServiceTeam.objects.filter(community=community).select_related("captain"))
        made = 0
        listed = [n for n in needs if n.state == Need.State.LISTED]
        for i, plan in enumerate(PLAN):
            need = listed[i % len(listed)] if i < len(listed) else None
            project = self._project(community, staff, need, i)
            self._advance(project, plan, staff, members, teams, resources, i)
            made += 1
        self._meeting(community, staff, resources, teams)
        return made

    def _resources(self, community, staff) -> list[Resource]:
        partnership = (
            Partnership.objects.filter(community=community, term_end__gte=self.today)
            .select_related("organization")
            .first()
        )
        offerer = None
        if partnership is None:
            reg = (
                CommunityRegistration.objects.filter(
                    community=community, state=CommunityRegistration.State.CONFIRMED
                )
                .select_related("member")
                .first()
            )
            if reg is None:
                return []
            offerer = reg.member
        made = []
        for i, (title, kind, quantity, unit) in enumerate(RESOURCES):
            # Offered by the paired unit (through the platform: its admins may not exist yet).
            resource = Resource.objects.create(
                claimant_kind="organization" if partnership else "member",
                organization=partnership.organization if partnership else None,
                member=offerer,
                community=community,
                title=title,
                kind=kind,
                category=self._category(i),
                quantity=quantity,
                unit=unit,
                available_from=self.today - datetime.timedelta(days=90),
                available_until=self.today + datetime.timedelta(days=365),
                partnership=partnership,
                offered_by=staff,
            )
            ResourceTransition.objects.create(
                resource=resource, from_state="", to_state=Resource.State.OFFERED, by=staff
            )
            if i < len(RESOURCES) - 2:
                services.resource_confirm(resource=resource, by=staff)
            made.append(resource)
        return made

    def _project(self, community, staff, need, i) -> Project:
        start = self.today - datetime.timedelta(days=40 - 3 * i)
        end = start + datetime.timedelta(days=60)
        title = need.title if need else ["社区环境整治", "关爱独居老人", "邻里互助"][i % 3]
        return services.project_create(
            community=community,
            by=staff,
            title=title,
            description=f"根据需求清单，由社区与共建单位共同实施“{title}”项目。",
            category=need.category if need else self._category(i),
            planned_start=start,
            planned_end=end,
            milestones=[
                MilestonePlan("方案与筹备", start + datetime.timedelta(days=10), 30),
                MilestonePlan("组织实施", start + datetime.timedelta(days=40), 50),
                MilestonePlan("验收与回访", end, 20),
            ],
            needs=[need] if need else [],
            budget=Decimal(5000 + 1000 * i),
            is_collective=i % 2 == 0,
        )

    def _advance(self, project, plan, staff, members, teams, resources, i) -> None:
        if plan == "draft":
            return
        goods = resources[0] if resources else None
        if (
            goods is not None
            and goods.state == Resource.State.CONFIRMED
            and goods.left
            and goods.left >= 20
        ):
            services.resource_commit(resource=goods, project=project, quantity=20, by=staff)
            goods.refresh_from_db()
        services.project_approve(project=project, by=staff)
        if plan == "approved":
            return
        if plan == "cancelled":
            services.project_cancel(project=project, by=staff, reason="改造计划调整，项目取消")
            return
        team = teams[i % len(teams)] if teams else None
        if project.is_collective and team is None:
            return
        if team is not None and project.is_collective:
            services.project_assign(project=project, by=staff, team=team)
            actor = team.captain.user
            people = [team.captain, *team.members.all()[:3]]
        elif members:
            member = members[(i // 2) % len(members)].member
            services.project_claim(project=project, by=member.user)
            actor = member.user
            people = [member]
        else:
            return
        project.refresh_from_db()
        if plan == "claimed":
            return
        if plan == "suspended":
            services.project_suspend(project=project, by=staff, reason="雨季施工暂停")
            return
        milestones = list(project.milestones.all())
        services.progress_post(
            project=project,
            by=actor,
            text="方案已确定，物资已到位。",
            percent=30,
            milestones_done=milestones[:1],
        )
        served = max(project.planned_start, self.today - datetime.timedelta(days=7))
        for person in dict.fromkeys(people):
            services.participation_add(
                project=project, by=actor, member=person, served_on=served, hours=Decimal(3)
            )
        if plan == "in_progress":
            return
        services.progress_post(
            project=project,
            by=actor,
            text="项目实施完毕，居民反响良好。",
            percent=100,
            milestones_done=milestones[1:],
        )
        services.project_complete(project=project, by=staff)
        if plan == "evaluated":
            services.project_evaluate(
                project=project,
                by=staff,
                rating=5,
                residents_surveyed=40,
                residents_satisfied=37,
                comment="居民满意，建议长期开展。",
            )

    def _meeting(self, community, staff, resources, teams) -> None:
        """A held joint meeting whose minutes were approved: it listed a need, confirmed an
        offer, approved a project and assigned it to a team."""
        meeting = services.meeting_schedule(
            community=community,
            by=staff,
            title="第三季度党建联席会议",
            held_on=self.today - datetime.timedelta(days=5),
            place="社区党群服务中心",
            organizations=[r.organization for r in resources[:1] if r.organization_id],
            agenda="一、通报需求清单；二、对接共建单位资源；三、审议项目清单。",
        )
        services.minutes_record(
            meeting=meeting,
            by=staff,
            minutes="会议通报了本季度收集的居民需求，共建单位认领了绿化和法律咨询项目。",
        )
        K = MeetingDecision.Kind
        pending = Need.objects.filter(community=community, state=Need.State.SUBMITTED).first()
        if pending:
            services.decision_add(meeting=meeting, by=staff, kind=K.LIST_NEED, need=pending)
        offered = next((r for r in resources if r.state == Resource.State.OFFERED), None)
        if offered:
            services.decision_add(
                meeting=meeting, by=staff, kind=K.CONFIRM_RESOURCE, resource=offered
            )
        draft = Project.objects.filter(community=community, state=Project.State.DRAFT).first()
        if draft:
            services.decision_add(meeting=meeting, by=staff, kind=K.APPROVE_PROJECT, project=draft)
            if teams:
                services.decision_add(
                    meeting=meeting,
                    by=staff,
                    kind=K.ASSIGN_CLAIMANT,
                    project=draft,
                    team=teams[0],
                )
        services.minutes_approve(meeting=meeting, by=staff)
        # One held, its minutes still a draft (staff approve them), and the next one scheduled.
        held = services.meeting_schedule(
            community=community,
            by=staff,
            title="夜间巡逻专题会议",
            held_on=self.today - datetime.timedelta(days=1),
            place="社区党群服务中心",
        )
        services.minutes_record(
            meeting=held, by=staff, minutes="与辖区派出所、物业商议夜间巡逻排班。"
        )
        services.meeting_schedule(
            community=community,
            by=staff,
            title="第四季度党建联席会议",
            held_on=self.today + datetime.timedelta(days=25),
            place="社区党群服务中心",
        )
