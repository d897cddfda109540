"""Demo data of the orders app (called by `manage.py seed_demo`): a service menu per community and
orders in every state, made by the services themselves (so the history, dispatches, records and
notifications are what real use leaves). Idempotent: a second run changes nothing."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from members.models import (
    Community,
    CommunityRegistration,
    CommunityStaff,
    OrganizationAdmin,
    Partnership,
    ServiceCategory,
)

from . import services
from .models import MenuCategory, MenuItem, ServiceOrder

MENU = {
    "助老服务": ["上门理发", "代购药品", "陪同就医", "助餐送餐"],
    "家政维修": ["水电维修", "家电清洗", "疏通下水道"],
    "法律与心理": ["法律咨询", "心理疏导"],
    "儿童关爱": ["课业辅导", "假期托管"],
}
PEOPLE = [
    ("李秀英", "13900001111", "和平里3号楼2单元501"),
    ("王德明", "13900002222", "光明路12号"),
    ("张桂兰", "13900003333", "幸福小区5栋"),
    ("刘建国", "13900004444", "新华街8号院"),
]
# The order plan of a community: the state each order is driven to.
PLAN = [
    "submitted",
    "accepted",
    "dispatched",
    "grabbable",
    "taken",
    "in_service",
    "done",
    "closed",
    "rejected",
    "cancelled",
    "on_hold",
]
PER_COMMUNITY = {"default": 11, "small": 11}


def seed(*, size: str = "default", stdout=None) -> bool:
    say = stdout.write if stdout else (lambda s: None)
    if MenuCategory.objects.exists():
        say("Orders: demo data already present; nothing to do.")
        return False
    with transaction.atomic():
        made = _seed(PER_COMMUNITY.get(size, PER_COMMUNITY["default"]))
    say(f"Orders: a menu per community and {made} orders in every state.")
    return True


def _seed(per_community: int) -> int:
    rng = random.Random(20251001)  # noqa: S311 - demo data
    categories = list(ServiceCategory.objects.all())
    staff = {s.community_id: s.user for s in CommunityStaff.objects.select_related("user")}
    members: dict[int, list] = {}
    for reg in CommunityRegistration.objects.filter(
        state=CommunityRegistration.State.CONFIRMED
    ).select_related("member__user"):
        members.setdefault(reg.community_id, []).append(reg.member)
    made = 0
    for community in Community.objects.filter(is_active=True).order_by("pk"):
        items = _menu(community, categories)
        by, crew = staff.get(community.pk), members.get(community.pk, [])
        for i in range(per_community):
            plan = PLAN[i % len(PLAN)] if by is not None else "submitted"
            if not crew and plan not in (
                "submitted",
                "accepted",
                "rejected",
                "cancelled",
                "on_hold",
            ):
                plan = "accepted"
            name, phone, address = PEOPLE[(community.pk + i) % len(PEOPLE)]
            order = services.order_submit(
                item=rng.choice(items),
                name=name,
                phone=phone,
                address=address,
                description="老人行动不便，希望尽快安排。",
                preferred_time=rng.choice(["工作日上午", "周六下午", "尽快"]),
                urgency="urgent" if i % 4 == 0 else "normal",
                channel=rng.choice(list(ServiceOrder.Channel.values)),
                now=timezone.now() - datetime.timedelta(days=per_community - i),
            )
            _drive(order, plan, by, crew[i % len(crew)] if crew else None)
            made += 1
    return made + _for_demo_accounts(staff)


def _for_demo_accounts(staff) -> int:
    """The demo member has an offer to answer and an order to serve; the demo organization
    admin has an order offered to the unit, to pass on to a member."""
    made = 0
    reg = (
        CommunityRegistration.objects.filter(
            member__user__username="demo_member", state=CommunityRegistration.State.CONFIRMED
        )
        .select_related("member__user", "community")
        .first()
    )
    if reg is not None and reg.community_id in staff:
        by, member = staff[reg.community_id], reg.member
        item = MenuItem.objects.filter(category__community_id=reg.community_id).first()
        for plan in ("dispatched", "taken"):
            order = services.order_submit(item=item, name="赵大爷", phone="13900005555")
            _drive(order, plan, by, member)
            made += 1
    admin = OrganizationAdmin.objects.filter(user__username="demo_orgadmin").first()
    if admin is not None:
        today = timezone.localdate()
        pairing = Partnership.objects.filter(
            organization_id=admin.organization_id, term_start__lte=today, term_end__gte=today
        ).first()
        if pairing is not None and pairing.community_id in staff:
            by = staff[pairing.community_id]
            item = MenuItem.objects.filter(category__community_id=pairing.community_id).first()
            order = services.order_submit(item=item, name="钱阿姨", phone="13900006666")
            services.order_accept(order=order, by=by)
            services.order_dispatch(order=order, by=by, organization=admin.organization)
            made += 1
    return made


def _menu(community, categories) -> list[MenuItem]:
    items = []
    for c, (heading, names) in enumerate(MENU.items()):
        category = MenuCategory.objects.create(community=community, name=heading, order=c)
        for n, name in enumerate(names):
            items.append(
                MenuItem.objects.create(
                    category=category,
                    name=name,
                    order=n,
                    service_category=categories[(c + n) % len(categories)] if categories else None,
                )
            )
    return items


def _drive(order, plan: str, by, member) -> None:
    if plan == "submitted":
        return
    if plan == "rejected":
        services.order_reject(order=order, by=by, reason="不在本社区服务范围内")
        return
    services.order_accept(order=order, by=by)
    if plan == "accepted":
        return
    if plan == "on_hold":
        services.order_hold(order=order, by=by, reason="居民外出，下周回来后再联系")
        return
    if plan == "cancelled":
        services.order_cancel(order=order, by=by, reason="居民来电说已自行解决")
        return
    if plan == "grabbable":
        services.order_open_to_grab(order=order, by=by)
        return
    dispatch = services.order_dispatch(order=order, by=by, member=member, insist=True)
    if plan == "dispatched":
        return
    try:
        services.dispatch_accept(dispatch=dispatch, by=member.user)
    except services.OrderError:
        return  # the member holds the most open orders: the offer stays open
    if plan == "taken":
        return
    services.order_start(order=order, by=member.user)
    if plan == "in_service":
        return
    services.order_complete(order=order, by=member.user, note="已上门完成服务。", hours={member: 2})
    if plan == "done":
        return
    services.order_confirm_hours(order=order, by=by)
    services.order_rate(order=order, rating=5, comment="志愿者很耐心，谢谢！")
