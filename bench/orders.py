"""`make bench` (orders): the deadline sweep over 100,000 orders, and the dispatch board.

Seeds 100,000 orders over 50 communities into the configured database once (bulk_create; a later
run reuses them and puts the escalation back as it was), then prints from one run:
- the escalation sweep at 10,000 and at 100,000 orders (the first 10,000 are one community
  group's): queries, batches read and orders escalated, and the seconds it took; then a second
  sweep at 100,000 right after, which finds nothing left to escalate (what every five-minute run
  costs in the steady state);
- the median server time of the staff's dispatch board (30 requests through the Django test
  client), as a ratio to a baseline view that does one indexed query of the same page size and
  renders it bare.
"""

from __future__ import annotations

import datetime
import statistics
import time

from django.http import HttpResponse
from django.urls import include, path

TOTAL = 100_000
SMALL = 10_000
COMMUNITIES = 50
PAGE = 20
REQUESTS = 30
TAG = "订单基准"
# 1 in OVERDUE_EVERY open orders is past its deadline (and was never escalated).
OVERDUE_EVERY = 50


def baseline(request):
    """One indexed query of one page, rendered bare."""
    from orders.models import ServiceOrder  # noqa: PLC0415 (after django.setup)

    community_id = int(request.GET["community"])
    offset = (int(request.GET.get("page", 1)) - 1) * PAGE
    rows = ServiceOrder.objects.filter(community_id=community_id, state="dispatched")
    rows = rows.order_by("created_at", "pk").only("pk", "title")[offset : offset + PAGE]
    return HttpResponse("\n".join(o.title for o in rows), content_type="text/plain")


urlpatterns = [path("bench/baseline/", baseline), path("", include("config.urls"))]


def _seed():
    from django.db import transaction  # noqa: PLC0415 (after django.setup)
    from django.utils import timezone  # noqa: PLC0415 (after django.setup)

    from members.models import (  # noqa: PLC0415 (after django.setup)
        Community,
        CommunityRegistration,
        CommunityStaff,
        District,
        Member,
        Organization,
        Subdistrict,
        User,
    )
    from orders.models import (  # noqa: PLC0415 (after django.setup)
        Dispatch,
        MenuCategory,
        MenuItem,
        Requester,
        ServiceOrder,
    )

    district, _ = District.objects.get_or_create(name=f"{TAG}区")
    sub, _ = Subdistrict.objects.get_or_create(district=district, name=f"{TAG}街道")
    existing = ServiceOrder.objects.filter(community__subdistrict=sub).count()
    communities = list(Community.objects.filter(subdistrict=sub).order_by("pk"))
    staff_user = User.objects.filter(username="bench_orders_staff").first()
    if existing >= TOTAL and staff_user:
        return communities, staff_user
    started = time.monotonic()
    with transaction.atomic():
        if len(communities) < COMMUNITIES:
            Community.objects.bulk_create(
                Community(subdistrict=sub, name=f"{TAG}{i}社区")
                for i in range(len(communities), COMMUNITIES)
            )
            communities = list(Community.objects.filter(subdistrict=sub).order_by("pk"))
        home = communities[0]
        staff_user, _ = User.objects.get_or_create(username="bench_orders_staff")
        CommunityStaff.objects.get_or_create(user=staff_user, defaults={"community": home})
        committee, _ = Organization.objects.get_or_create(
            name=f"{TAG}工委", kind=Organization.Kind.COMMITTEE, district=district
        )
        branch, _ = Organization.objects.get_or_create(
            name=f"{TAG}支部", kind=Organization.Kind.BRANCH, parent=committee
        )
        members = []
        for i in range(20):
            user, _ = User.objects.get_or_create(username=f"bench_orders_member_{i}")
            member, _ = Member.objects.get_or_create(
                user=user,
                defaults={"real_name": f"队员{i}", "phone": "13800000000", "branch": branch},
            )
            CommunityRegistration.objects.get_or_create(
                member=member, community=home, state=CommunityRegistration.State.CONFIRMED
            )
            members.append(member)
        items, requesters = {}, {}
        for c in communities:
            category, _ = MenuCategory.objects.get_or_create(community=c, name="助老服务")
            items[c.pk], _ = MenuItem.objects.get_or_create(category=category, name="上门理发")
            requesters[c.pk] = Requester.objects.create(
                community=c, name="居民", phone="13900000000"
            )
        now = timezone.now()
        # 20% waiting, 10% to dispatch, 15% offered, 15% being served, 40% closed.
        cycle = ["submitted"] * 4 + ["accepted"] * 2 + ["dispatched"] * 3 + ["taken"] * 3
        cycle += ["closed"] * 8
        batch = []
        for n in range(existing, TOTAL):
            # The first SMALL orders belong to the first 5 communities (the small sweep's), the
            # others to the 45 others.
            group = communities[:5] if n < SMALL else communities[5:]
            community = group[n % len(group)]
            state = cycle[n % len(cycle)]
            created = now - datetime.timedelta(minutes=n)
            # Spread over the communities and the states (closed ones are never overdue).
            late = (n // len(group)) % OVERDUE_EVERY == 0
            due = now - datetime.timedelta(days=2) if late else now + datetime.timedelta(days=5)
            batch.append(
                ServiceOrder(
                    code=f"B{n:07d}",
                    community=community,
                    requester=requesters[community.pk],
                    item=items[community.pk],
                    title=f"订单{n}：上门理发",
                    state=state,
                    created_at=created,
                    accept_due_at=due,
                    complete_due_at=due,
                )
            )
            if len(batch) == 5000:
                _save(batch, members, ServiceOrder, Dispatch)
                batch = []
        if batch:
            _save(batch, members, ServiceOrder, Dispatch)
    print(f"seeded {TOTAL - existing} orders in {time.monotonic() - started:.1f} s")
    return communities, staff_user


def _save(batch, members, ServiceOrder, Dispatch):
    orders = ServiceOrder.objects.bulk_create(batch)
    live = {"dispatched": "offered", "taken": "accepted"}
    Dispatch.objects.bulk_create(
        Dispatch(order=o, member=members[i % len(members)], state=live[o.state])
        for i, o in enumerate(orders)
        if o.state in live
    )


def _reset(sub_communities) -> None:
    """The escalations of the last run undone: every run sweeps the same overdue orders."""
    from notifications.models import Notification  # noqa: PLC0415 (after django.setup)
    from orders.models import OrderEscalation, ServiceOrder  # noqa: PLC0415 (after django.setup)

    OrderEscalation.objects.filter(order__community__in=sub_communities).delete()
    ServiceOrder.objects.filter(community__in=sub_communities).update(escalation_level=0)
    Notification.objects.filter(key__startswith="order:", key__contains=":escalated:").delete()


def _analyze() -> None:
    from django.db import connection  # noqa: PLC0415 (after django.setup)

    command = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
    with connection.cursor() as cursor:
        for table in ("orders_serviceorder", "orders_dispatch", "orders_orderescalation"):
            cursor.execute(f"{command} {table}")


def _counted(function, **kwargs):
    from django.db import connection  # noqa: PLC0415 (after django.setup)

    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = function(**kwargs)
        seconds = time.perf_counter() - started
    return result, count, seconds


def _sweep(label, communities, others):
    """The sweep over `communities`' orders only (the others' deadlines moved out of reach for
    the time of the run, and back)."""
    from django.db import transaction  # noqa: PLC0415 (after django.setup)

    from orders import services  # noqa: PLC0415 (after django.setup)
    from orders.models import ServiceOrder  # noqa: PLC0415 (after django.setup)

    with transaction.atomic():
        if others:
            hidden = ServiceOrder.objects.filter(community__in=others, escalation_level=0)
            hidden.update(escalation_level=4)
        orders = ServiceOrder.objects.filter(community__in=communities).count()
        overdue = ServiceOrder.objects.filter(
            community__in=communities, accept_due_at__lt=datetime.datetime.now(datetime.UTC)
        )
        overdue = overdue.exclude(state="closed").count()
        climbed, queries, seconds = _counted(services.orders_escalate)
        if others:
            ServiceOrder.objects.filter(community__in=others, escalation_level=4).filter(
                escalations__isnull=True
            ).update(escalation_level=0)
    batches = overdue // services.BATCH_SIZE + 1
    print(
        f"{label}: {orders:,} orders, {overdue:,} overdue: {climbed:,} escalated, "
        f"{queries:,} queries ({batches} batches of {services.BATCH_SIZE} read), {seconds:.1f} s"
    )


def _median_ms(client, url, params_list) -> float:
    times = []
    for params in params_list[:3]:
        client.get(url, params)
    for params in params_list:
        started = time.perf_counter()
        response = client.get(url, params)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000


def main() -> None:
    from django.db import connection  # noqa: PLC0415 (after django.setup)
    from django.test import Client  # noqa: PLC0415 (after django.setup)
    from django.test.utils import override_settings  # noqa: PLC0415 (after django.setup)

    from bench.wishes import _ensure_database  # noqa: PLC0415 (the same set-up)

    _ensure_database()
    communities, staff_user = _seed()
    _analyze()
    print(f"orders bench on {connection.vendor}: {TOTAL:,} orders, {COMMUNITIES} communities")
    _reset(communities)
    _sweep(f"escalation sweep at {SMALL:,}", communities[:5], communities[5:])
    _reset(communities)
    _sweep(f"escalation sweep at {TOTAL:,}", communities, [])
    _sweep(f"the next sweep at {TOTAL:,} (nothing new)", communities, [])
    pages = [{"page": str(1 + i % 5), "community": str(communities[0].pk)} for i in range(REQUESTS)]
    with override_settings(
        ROOT_URLCONF="bench.orders", DEBUG=False, ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False
    ):
        staff = Client()
        staff.force_login(staff_user, backend="django.contrib.auth.backends.ModelBackend")
        base = _median_ms(staff, "/bench/baseline/", pages)
        board = _median_ms(staff, "/orders/staff/board/", pages)
    print(f"baseline (one indexed query, {PAGE} rows, bare, same login): median {base:.1f} ms")
    print(f"dispatch board: median {board:.1f} ms, ratio to baseline {board / base:.1f}")
