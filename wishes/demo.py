"""Demo data of the wishes app (called by `manage.py seed_demo`): residents in hardship and their
wishes in every state, with claims, transitions, proof notes, ratings and service records.
Idempotent: a second run changes nothing."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from members.models import Community, CommunityRegistration, CommunityStaff
from records.models import ServiceRecord
from records.services import service_record_create

from .models import Claim, HardshipCategory, Resident, Wish, WishTransition

MARKER = "演示数据"
PER_COMMUNITY = {"default": 14, "small": 8}

WISHES = [
    ("一台电风扇", "daily", "家里没有空调，夏天太热，想要一台电风扇。", 150),
    ("一个新书包", "study", "孩子今年上三年级，书包已经破了。", 80),
    ("一台电子血压计", "health", "患有高血压，需要每天量血压。", 200),
    ("上门理发", "home_service", "76岁，行动不便，希望有人上门理发。", 0),
    ("一套冬季棉被", "daily", "独居老人，家里的被子太薄。", 260),
    ("课外辅导", "study", "孩子数学跟不上，希望每周有人辅导一次。", 0),
    ("陪老人去医院复查", "company", "子女在外地，需要有人陪同去医院复查。", 0),
    ("一台二手洗衣机", "daily", "腿脚不便，手洗衣服困难。", 600),
    ("一副老花镜", "health", "看不清报纸，想配一副老花镜。", 60),
    ("修理漏水的水龙头", "home_service", "厨房水龙头漏水好几天了。", 30),
    ("一辆儿童自行车", "study", "留守儿童，想要一辆自行车上学。", 300),
    ("一袋大米和一桶油", "daily", "低保户，月底生活困难。", 120),
    ("读书读报", "company", "视力不好，希望有人每周来读读报纸、聊聊天。", 0),
    ("一台助行器", "health", "术后恢复期，走路需要助行器。", 180),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = [
    "秀英",
    "桂兰",
    "建国",
    "玉珍",
    "德明",
    "淑芬",
    "国强",
    "小红",
    "子涵",
    "浩然",
    "春花",
    "志刚",
]
NOTES = [
    "已送到家中，老人很高兴。",
    "已上门完成，并留下了联系方式，有需要随时找我。",
    "和同事一起送去的，顺便帮忙打扫了卫生。",
]

# The lifecycle of the i-th wish of a community (cycled).
PLAN = [
    "published",
    "published",
    "published",
    "submitted",
    "claimed",
    "claimed",
    "fulfilled",
    "completed",
    "completed",
    "completed",
    "completed",
    "cancelled",
    "expired",
    "rejected",
]


def seed(*, size: str = "default", stdout=None) -> bool:
    say = stdout.write if stdout else (lambda s: None)
    if Resident.objects.filter(note=MARKER).exists():
        say("Wishes: demo data already present; nothing to do.")
        return False
    per_community = PER_COMMUNITY.get(size, PER_COMMUNITY["default"])
    with transaction.atomic():
        made = _Seeder(per_community).run()
    say(f"Wishes: {made} wishes with residents, claims and transitions.")
    return True


class _Seeder:
    def __init__(self, per_community: int):
        self.per_community = per_community
        self.rng = random.Random(20240701)  # noqa: S311 - demo data
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.categories = list(HardshipCategory.objects.all())

    def run(self) -> int:
        made = 0
        members_by_community: dict[int, list] = {}
        for reg in CommunityRegistration.objects.filter(
            state=CommunityRegistration.State.CONFIRMED
        ).select_related("member__user"):
            members_by_community.setdefault(reg.community_id, []).append(reg.member)
        staff_by_community = {
            s.community_id: s.user for s in CommunityStaff.objects.select_related("user")
        }
        for c, community in enumerate(Community.objects.order_by("pk")):
            members = members_by_community.get(community.pk, [])
            staff = staff_by_community.get(community.pk)
            for i in range(self.per_community):
                plan = PLAN[(c * self.per_community + i) % len(PLAN)]
                if plan in ("claimed", "fulfilled", "completed") and not members:
                    plan = "published"
                wish, claim = self._wish(community, i, plan, members, staff)
                made += 1
                if plan == "completed":
                    service_record_create(
                        member=claim.member,
                        community=community,
                        served_on=timezone.localdate(claim.fulfilled_at),
                        hours=wish.service_hours,
                        kind=ServiceRecord.Kind.WISH,
                        source=ServiceRecord.Source.WISH,
                        source_key=f"wish:{wish.pk}",
                        title=f"微心愿：{wish.title}",
                        created_by=staff,
                    )
        self._demo_member_claim()
        return made

    def _demo_member_claim(self) -> None:
        """The demo member holds one active claim, so that "my claims" shows the next step."""
        reg = (
            CommunityRegistration.objects.filter(
                member__user__username="demo_member",
                state=CommunityRegistration.State.CONFIRMED,
            )
            .select_related("member__user")
            .first()
        )
        if reg is None:
            return
        wish = (
            Wish.objects.filter(community_id=reg.community_id, state=Wish.State.PUBLISHED)
            .order_by("pk")
            .first()
        )
        if wish is None:
            return
        member = reg.member
        Wish.objects.filter(pk=wish.pk).update(state=Wish.State.CLAIMED)
        claim = Claim.objects.create(
            wish=wish,
            member=member,
            claimed_by=member.user,
            promised_date=self.today + datetime.timedelta(days=5),
        )
        WishTransition.objects.create(
            wish=wish,
            claim=claim,
            from_state=Wish.State.PUBLISHED,
            to_state=Wish.State.CLAIMED,
            by=member.user,
        )

    def _resident(self, community, i) -> Resident:
        resident = Resident.objects.create(
            community=community,
            name=self.rng.choice(SURNAMES) + self.rng.choice(GIVEN),
            phone=f"139{self.rng.randrange(10**8):08d}",
            address=f"{community.name}{self.rng.randint(1, 30)}号楼{self.rng.randint(1, 6)}单元"
            f"{self.rng.randint(1, 18)}0{self.rng.randint(1, 4)}",
            note=MARKER,
        )
        if self.categories:
            resident.hardship_categories.set(self.rng.sample(self.categories, k=2))
        return resident

    def _wish(self, community, i, plan, members, staff):
        title, category, description, value = WISHES[i % len(WISHES)]
        # Old enough that every later step (up to 9 days for a completed wish) lies in the past.
        earliest = {"fulfilled": 8, "completed": 10}.get(plan, 3)
        created = self.now - datetime.timedelta(days=self.rng.randint(earliest, 80), hours=i)
        resident = self._resident(community, i)
        wish = Wish.objects.create(
            community=community,
            resident=resident,
            title=title,
            description=description,
            category=category,
            estimated_value=Decimal(value) if value else None,
            deadline=self.today + datetime.timedelta(days=self.rng.randint(10, 60))
            if plan != "expired"
            else self.today - datetime.timedelta(days=2),
            state=plan,
            source=Wish.Source.PUBLIC if plan in ("submitted", "rejected") else Wish.Source.STAFF,
            created_by=None if plan in ("submitted", "rejected") else staff,
            created_at=created,
            published_at=None if plan in ("submitted", "rejected") else created,
        )
        steps = []
        first = "submitted" if wish.source == Wish.Source.PUBLIC else "published"
        steps.append(("", first, None if first == "submitted" else staff, created, ""))
        claim = None
        if plan == "rejected":
            steps.append(("submitted", "rejected", staff, created + _h(20), "不属于本社区服务范围"))
        if plan in ("claimed", "fulfilled", "completed"):
            member = self.rng.choice(members)
            claimed_at = created + _h(self.rng.randint(2, 48))
            claim = Claim.objects.create(
                wish=wish,
                member=member,
                claimed_by=member.user,
                promised_date=timezone.localdate(claimed_at) + datetime.timedelta(days=7),
                created_at=claimed_at,
                state={"claimed": "active", "fulfilled": "fulfilled", "completed": "completed"}[
                    plan
                ],
            )
            steps.append(("published", "claimed", member.user, claimed_at, ""))
            if plan in ("fulfilled", "completed"):
                fulfilled_at = claimed_at + _h(self.rng.randint(24, 120))
                claim.fulfilled_at = fulfilled_at
                claim.fulfilment_note = self.rng.choice(NOTES)
                claim.save(update_fields=["fulfilled_at", "fulfilment_note"])
                steps.append(("claimed", "fulfilled", member.user, fulfilled_at, ""))
            if plan == "completed":
                completed_at = claim.fulfilled_at + _h(self.rng.randint(4, 48))
                claim.ended_at = completed_at
                claim.save(update_fields=["ended_at"])
                wish.completed_at = completed_at
                wish.service_hours = Decimal(self.rng.choice([1, 2, 2, 3]))
                wish.satisfaction = self.rng.choice([5, 5, 5, 4])
                wish.satisfaction_comment = "感谢党员同志的帮助！"
                wish.save(
                    update_fields=[
                        "completed_at",
                        "service_hours",
                        "satisfaction",
                        "satisfaction_comment",
                    ]
                )
                steps.append(("fulfilled", "completed", staff, completed_at, ""))
        if plan == "cancelled":
            steps.append(("published", "cancelled", staff, created + _h(30), "居民已搬离本社区"))
        if plan == "expired":
            steps.append(("published", "expired", None, self.now - _h(24), "已过截止日期"))
        WishTransition.objects.bulk_create(
            WishTransition(
                wish=wish, claim=claim, from_state=a, to_state=b, by=by, at=at, reason=why
            )
            for a, b, by, at, why in steps
        )
        return wish, claim


def _h(hours: int) -> datetime.timedelta:
    return datetime.timedelta(hours=hours)
