"""Realistic Chinese demo data for the members app, sized like the district in the articles.

`seed(size=..., stdout=...)` is idempotent: the whole data set is created in one transaction
the first time and left alone afterwards. Demo accounts with known passwords are added only
while settings.DEMO_ACCOUNTS is on (DEBUG); production gets no default account.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from faker import Faker

from .models import (
    Community,
    CommunityRegistration,
    CommunityStaff,
    District,
    Member,
    Organization,
    OrganizationAdmin,
    Partnership,
    ServiceCategory,
    ServiceTeam,
    Subdistrict,
    TeamMembership,
    User,
)

COMMITTEE_NAME = "东湖区直属机关工作委员会"
DISTRICT_NAME = "东湖区"


@dataclass(frozen=True)
class Size:
    subdistricts: int
    communities: int
    party_committees: int
    branches: int
    members: int
    staff_per_community: int
    teams_per_community: int


SIZES = {
    # 59 communities, 1 + 21 + 88 = 110 organizations, 4,339 members (the district in the articles).
    "default": Size(8, 59, 21, 88, 4339, 2, 2),
    "small": Size(2, 4, 2, 5, 40, 1, 1),
}

# (role, username, label) of the demo accounts; all share DEMO_PASSWORD.
DEMO_PASSWORD = "demo-2024"  # noqa: S105 - only ever set while DEMO_ACCOUNTS (DEBUG)
DEMO_LOGINS = [
    ("member", "demo_member", _("Party member")),
    ("staff", "demo_staff", _("Community staff")),
    ("org_admin", "demo_orgadmin", _("Organization admin")),
    ("committee_admin", "demo_committee", _("Committee admin")),
    ("superuser", "demo_admin", _("Superuser")),
]
DEMO_USERNAMES = frozenset(username for _role, username, _label in DEMO_LOGINS)
DEMO_NAMES = {
    "member": "李建国",
    "staff": "王芳",
    "org_admin": "陈静",
    "committee_admin": "孙立",
    "superuser": "系统管理员",
}

SUBDISTRICTS = [
    "水果湖街道",
    "中南路街道",
    "中华路街道",
    "首义路街道",
    "紫阳街道",
    "白沙洲街道",
    "杨园街道",
    "徐家棚街道",
]
COMMUNITY_STEMS = [
    "和平",
    "光明",
    "幸福",
    "团结",
    "友谊",
    "东风",
    "胜利",
    "建设",
    "新华",
    "长青",
    "阳光",
    "朝阳",
    "绿苑",
    "翠园",
    "桂花",
    "丽景",
    "春晖",
    "安居",
    "滨江",
    "湖畔",
    "紫荆",
    "梧桐",
    "松涛",
    "枫林",
    "金桥",
    "锦绣",
    "华庭",
    "南苑",
    "北湖",
    "西城",
    "东亭",
    "星光",
    "育才",
    "书香",
    "振兴",
    "繁荣",
    "复兴",
    "凤凰",
    "龙腾",
    "民主",
    "百花",
    "玉兰",
    "海棠",
    "樱花",
    "银杏",
    "水岸",
    "晴川",
    "江汉",
    "黄鹤",
    "紫阳",
    "首义",
    "中山",
    "文昌",
    "得胜",
    "积玉",
    "四美",
    "三眼桥",
    "大成",
    "临江",
    "怡康",
]
BUREAUS = [
    "教育局",
    "卫生健康委员会",
    "民政局",
    "财政局",
    "人力资源和社会保障局",
    "住房和城乡建设局",
    "交通运输局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "市场监督管理局",
    "生态环境局",
    "司法局",
    "公安分局",
    "税务局",
    "审计局",
    "统计局",
    "应急管理局",
    "退役军人事务局",
    "医疗保障局",
    "城市管理执法局",
]
BRANCH_NAMES = [
    "机关第一党支部",
    "机关第二党支部",
    "机关第三党支部",
    "离退休干部党支部",
    "直属单位党支部",
]
CATEGORIES = [
    "医疗健康",
    "法律咨询",
    "助老助残",
    "矛盾调解",
    "治安巡逻",
    "文化宣传",
    "教育辅导",
    "环境整治",
    "心理疏导",
    "家电维修",
]
TEAM_KINDS = {
    "医疗健康": "健康义诊队",
    "法律咨询": "法律服务队",
    "助老助残": "助老志愿队",
    "矛盾调解": "邻里调解队",
    "治安巡逻": "平安巡逻队",
    "文化宣传": "文艺宣传队",
    "教育辅导": "四点半课堂服务队",
    "环境整治": "美丽家园服务队",
    "心理疏导": "心理关爱服务队",
    "家电维修": "便民维修队",
}
SKILLS = [
    "急救",
    "法律咨询",
    "理发",
    "家电维修",
    "书法",
    "摄影",
    "心理咨询",
    "中医推拿",
    "电脑维修",
    "辅导功课",
    "太极拳",
    "合唱",
    "水电维修",
    "垃圾分类宣讲",
    "反诈宣传",
]
COMMITMENTS = [
    "每季度开展一次共建活动；认领社区微心愿不少于10个；在职党员每年到社区服务不少于2次。",
    "结对帮扶困难群众；共同开展文明城市创建；开放单位活动场地供社区使用。",
    "组织党员参与社区疫情防控和平安巡逻；协调资金支持老旧小区改造。",
]


def seed(*, size: str = "default", stdout=None) -> bool:
    """Create the demo data set unless it is there. Returns True when it created it."""
    say = stdout.write if stdout else (lambda s: None)
    spec = SIZES[size]
    created = False
    if Organization.objects.filter(name=COMMITTEE_NAME, kind="committee").exists():
        say("Members: demo data already present; nothing to do.")
    else:
        with transaction.atomic():
            _Seeder(spec).run()
        created = True
        say(
            f"Members: {Community.objects.count()} communities, "
            f"{Organization.objects.count()} organizations, {Member.objects.count()} members."
        )
    if settings.DEMO_ACCOUNTS:
        with transaction.atomic():
            made = ensure_demo_accounts()
        if made:
            say(f"Members: {made} demo accounts created.")
    return created


class _Seeder:
    def __init__(self, spec: Size):
        self.spec = spec
        self.rng = random.Random(20240701)  # noqa: S311 - demo data
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(20240701)
        self.now = timezone.now()
        self.today = timezone.localdate()

    def run(self):
        self.places()
        self.categories()
        self.organizations()
        self.members()
        self.registrations()
        self.partnerships()
        self.staff()
        self.teams()

    # -- places --------------------------------------------------------------------------
    def places(self):
        district, _ = District.objects.get_or_create(name=DISTRICT_NAME)
        subs = Subdistrict.objects.bulk_create(
            [
                Subdistrict(district=district, name=name)
                for name in SUBDISTRICTS[: self.spec.subdistricts]
            ]
        )
        communities = []
        for i in range(self.spec.communities):
            stem = COMMUNITY_STEMS[i % len(COMMUNITY_STEMS)]
            communities.append(
                Community(
                    subdistrict=subs[i % len(subs)],
                    name=f"{stem}社区",
                    address=f"{DISTRICT_NAME}{self.fake.street_name()}{self.rng.randint(1, 300)}号",
                    phone=f"027-8{self.rng.randint(1000000, 9999999)}",
                    description=f"{stem}社区居民委员会，辖区{self.rng.randint(8, 40)}个小区，"
                    f"常住居民约{self.rng.randint(30, 120) * 100}人。",
                )
            )
        self.communities = Community.objects.bulk_create(communities)
        self.district = district

    def categories(self):
        for order, name in enumerate(CATEGORIES):
            ServiceCategory.objects.get_or_create(name=name, defaults={"order": order})
        self.categories_list = list(ServiceCategory.objects.filter(name__in=CATEGORIES))

    # -- organizations -------------------------------------------------------------------
    def organizations(self):
        committee = Organization(
            name=COMMITTEE_NAME, kind=Organization.Kind.COMMITTEE, district=self.district
        )
        committee.save()
        self.committee = committee
        self.party_committees = []
        for i in range(self.spec.party_committees):
            bureau = BUREAUS[i % len(BUREAUS)]
            pc = Organization(
                name=f"{DISTRICT_NAME}{bureau}机关党委",
                kind=Organization.Kind.PARTY_COMMITTEE,
                parent=committee,
                work_unit=f"{DISTRICT_NAME}{bureau}",
            )
            pc.save()
            self.party_committees.append(pc)
        self.branches = []
        for i in range(self.spec.branches):
            pc = self.party_committees[i % len(self.party_committees)]
            n = i // len(self.party_committees)
            branch = Organization(
                name=f"{pc.work_unit}{BRANCH_NAMES[n % len(BRANCH_NAMES)]}",
                kind=Organization.Kind.BRANCH,
                parent=pc,
                work_unit=pc.work_unit,
            )
            branch.save()
            self.branches.append(branch)

    # -- members -------------------------------------------------------------------------
    def members(self):
        unusable = make_password(None)
        users = User.objects.bulk_create(
            [
                User(
                    username=f"dy{i:05d}",
                    email=f"dy{i:05d}@example.org",
                    password=unusable,
                    date_joined=self.now - datetime.timedelta(days=self.rng.randint(30, 900)),
                )
                for i in range(1, self.spec.members + 1)
            ]
        )

        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
        )
        members = []
        for u in users:
            name = self.fake.name()
            u.display_name = name
            members.append(
                Member(
                    user=u,
                    real_name=name,
                    phone=self.fake.phone_number(),
                    branch=self.rng.choice(self.branches),
                    residence_community=self.rng.choice(self.communities),
                    skills="、".join(self.rng.sample(SKILLS, self.rng.randint(0, 2))),
                )
            )
        User.objects.bulk_update(users, ["display_name"], batch_size=1000)
        self.members_list = Member.objects.bulk_create(members, batch_size=1000)
        through = Member.service_categories.through
        links = []
        for m in self.members_list:
            for cat in self.rng.sample(self.categories_list, self.rng.randint(1, 3)):
                links.append(through(member_id=m.pk, servicecategory_id=cat.pk))
        through.objects.bulk_create(links, batch_size=2000)

    def registrations(self):
        State = CommunityRegistration.State
        rows = []
        for m in self.members_list:
            home = m.residence_community if self.rng.random() < 0.8 else None
            home = home or self.rng.choice(self.communities)
            other = self.rng.choice([c for c in self.communities[:8] if c != home] or [home])
            start = self.now - datetime.timedelta(days=self.rng.randint(20, 700))
            r = self.rng.random()

            def row(community, state, created, decided=None, reason="", ended=None, m=m):
                return CommunityRegistration(
                    member=m,
                    community=community,
                    state=state,
                    created_at=created,
                    decided_at=decided,
                    decline_reason=reason,
                    ended_at=ended,
                )

            if r < 0.04:  # a newcomer waiting for the staff
                rows.append(row(home, State.PENDING, self.now - datetime.timedelta(days=r * 100)))
                continue
            if 0.06 <= r < 0.12 and other != home:  # moved: the old registration is kept
                old = start - datetime.timedelta(days=200)
                rows.append(
                    row(other, State.ENDED, old, old + datetime.timedelta(days=2), ended=start)
                )
            if 0.12 <= r < 0.14 and other != home:
                old = start - datetime.timedelta(days=30)
                rows.append(
                    row(
                        other,
                        State.DECLINED,
                        old,
                        old + datetime.timedelta(days=1),
                        reason="经核实不在本社区居住，请向居住地社区报到。",
                    )
                )
            rows.append(row(home, State.CONFIRMED, start, start + datetime.timedelta(days=2)))
            if 0.04 <= r < 0.06 and other != home:  # asked to move
                rows.append(row(other, State.PENDING, self.now - datetime.timedelta(days=3)))
        CommunityRegistration.objects.bulk_create(rows, batch_size=2000)

    def partnerships(self):
        rows = []
        seen = set()
        pcs = self.party_committees
        # Every community has a current partner; party committees take turns.
        for i, community in enumerate(self.communities):
            pairs = [pcs[i % len(pcs)]]
            if self.rng.random() < 0.3:
                pairs.append(self.rng.choice(pcs))
            for org in pairs:
                if (org.pk, community.pk) in seen:
                    continue
                seen.add((org.pk, community.pk))
                start = self.today - datetime.timedelta(days=self.rng.randint(30, 600))
                rows.append(
                    Partnership(
                        organization=org,
                        community=community,
                        signed_on=start - datetime.timedelta(days=7),
                        term_start=start,
                        term_end=start + datetime.timedelta(days=365 * 3),
                        commitments=self.rng.choice(COMMITMENTS),
                    )
                )
        # A few agreements that have ended.
        for community in self.communities[: max(1, len(self.communities) // 6)]:
            org = self.rng.choice(pcs)
            start = self.today - datetime.timedelta(days=365 * 4)
            rows.append(
                Partnership(
                    organization=org,
                    community=community,
                    signed_on=start,
                    term_start=start,
                    term_end=start + datetime.timedelta(days=365 * 2),
                    commitments=COMMITMENTS[0],
                )
            )
        Partnership.objects.bulk_create(rows)

    def staff(self):
        unusable = make_password(None)
        users, roles = [], []
        titles = ["社区党委书记", "社区居委会主任", "社区网格员", "社区专干"]
        for i, community in enumerate(self.communities):
            for j in range(self.spec.staff_per_community):
                name = self.fake.name()
                users.append(
                    User(
                        username=f"sq{i + 1:03d}{j + 1}",
                        email=f"sq{i + 1:03d}{j + 1}@example.org",
                        display_name=name,
                        password=unusable,
                    )
                )
                roles.append((community, titles[j % len(titles)]))
        users = User.objects.bulk_create(users)
        CommunityStaff.objects.bulk_create(
            [
                CommunityStaff(user=u, community=c, title=t)
                for u, (c, t) in zip(users, roles, strict=True)
            ]
        )

    def teams(self):
        confirmed = {}
        for community_id, member_id in CommunityRegistration.objects.filter(
            state=CommunityRegistration.State.CONFIRMED,
            community__in=self.communities,
        ).values_list("community_id", "member_id"):
            confirmed.setdefault(community_id, []).append(member_id)
        memberships = []
        for community in self.communities:
            pool = confirmed.get(community.pk, [])
            if len(pool) < 2:
                continue
            for cat in self.rng.sample(self.categories_list, self.spec.teams_per_community):
                crew = self.rng.sample(pool, min(len(pool), self.rng.randint(3, 10)))
                team = ServiceTeam.objects.create(
                    name=f"{community.name}{TEAM_KINDS[cat.name]}",
                    category=cat,
                    community=community,
                    captain_id=crew[0],
                    description=f"由在职党员组成的{TEAM_KINDS[cat.name]}，实行队长负责制。",
                )
                memberships += [TeamMembership(team=team, member_id=pk) for pk in crew]
        TeamMembership.objects.bulk_create(memberships)


def demo_email(username: str) -> str:
    return f"{username}@example.org"


def is_demo_login(login: str | None) -> bool:
    """Whether a login name, a username or an email address as typed, is a demo account's.
    Sign-up keeps these names for the demo (members.adapters), so no one else can hold one."""
    login = (login or "").strip().casefold()
    return login in DEMO_USERNAMES or login in {demo_email(u) for u in DEMO_USERNAMES}


def ensure_demo_accounts() -> int:
    """The five demo logins (one per role) on top of the demo data. Returns how many were made."""
    committee = Organization.objects.filter(name=COMMITTEE_NAME).first()
    if committee is None:
        return 0
    community = Community.objects.order_by("pk").first()
    party_committee = committee.children.order_by("pk").first()
    branch = party_committee.children.order_by("pk").first()
    made = 0
    for role, username, _label in DEMO_LOGINS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"email": demo_email(username), "display_name": DEMO_NAMES[role]},
        )
        if not created:
            continue
        made += 1
        user.set_password(DEMO_PASSWORD)
        if role == "superuser":
            user.is_superuser = user.is_staff = True
        user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        if role == "member":
            member = Member.objects.create(
                user=user,
                real_name=DEMO_NAMES["member"],
                phone="13900001234",
                branch=branch,
                residence_community=community,
                skills="急救、家电维修",
            )
            member.service_categories.set(ServiceCategory.objects.order_by("order")[:2])
            # Registered a year ago, so that the history and the half-year reports look lived-in.
            requested = timezone.now() - datetime.timedelta(days=365)
            CommunityRegistration.objects.create(
                member=member,
                community=community,
                state=CommunityRegistration.State.CONFIRMED,
                created_at=requested,
                decided_at=requested + datetime.timedelta(days=2),
            )
        elif role == "staff":
            CommunityStaff.objects.create(user=user, community=community, title="社区党委书记")
        elif role == "org_admin":
            OrganizationAdmin.objects.create(user=user, organization=party_committee)
        elif role == "committee_admin":
            OrganizationAdmin.objects.create(user=user, organization=committee)
    return made
