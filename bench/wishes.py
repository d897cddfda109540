"""`make bench` (wishes): the wish wall and the staff list at 100,000 wishes, and claiming speed.

Seeds 100,000 wishes into the configured database once (bulk_create; a later run reuses them),
then prints from one run:
- the median server time of the wish wall and of the staff list (30 requests each through the
  Django test client, after warm-up), each as a ratio to a baseline view that does one indexed
  query of the same page size and renders it bare;
- claims per second with 20 concurrent claimant threads on distinct wishes (the claims are
  undone afterwards, so the data set stays as it was).
"""

from __future__ import annotations

import datetime
import statistics
import threading
import time

from django.http import HttpResponse
from django.urls import include, path

TOTAL = 100_000
COMMUNITIES = 50
PAGE = 20
REQUESTS = 30
THREADS = 20
CLAIMS_PER_THREAD = 25
TAG = "基准测试"


def baseline(request):
    """One indexed query of one page, rendered bare."""
    from wishes.models import Wish

    community_id = int(request.GET["community"])
    offset = (int(request.GET.get("page", 1)) - 1) * PAGE
    rows = Wish.objects.filter(community_id=community_id).order_by("-created_at", "-pk")
    titles = [w.title for w in rows.only("pk", "title", "created_at")[offset : offset + PAGE]]
    return HttpResponse("\n".join(titles), content_type="text/plain")


# The bench's URLconf: the site plus the baseline view.
urlpatterns = [path("bench/baseline/", baseline), path("", include("config.urls"))]


def _ensure_database() -> None:
    """Create the PostgreSQL database named in DATABASE_URL if it does not exist, and migrate."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        import psycopg

        try:
            connection.ensure_connection()
        except Exception:  # noqa: BLE001 - any failure: try to create it once
            params = {
                "host": db.get("HOST") or None,
                "port": db.get("PORT") or None,
                "user": db.get("USER") or None,
                "password": db.get("PASSWORD") or None,
                "dbname": "postgres",
                "autocommit": True,
            }
            with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as conn:
                conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
    call_command("migrate", verbosity=0, interactive=False)


def _seed(total: int = TOTAL, extra_communities: int = 0):
    """The bench's communities, staff, members and `total` wishes (reused when present); the
    wishes go to the first COMMUNITIES communities, `extra_communities` more have none (the
    HTTP bench's communities page at 10× rows)."""
    from django.db import transaction
    from django.utils import timezone

    from members.models import (
        Community,
        CommunityRegistration,
        CommunityStaff,
        District,
        Member,
        Organization,
        Subdistrict,
        User,
    )
    from wishes.models import Claim, Resident, Wish

    district, _ = District.objects.get_or_create(name=f"{TAG}区")
    sub, _ = Subdistrict.objects.get_or_create(district=district, name=f"{TAG}街道")
    existing = Wish.objects.filter(community__subdistrict=sub).count()
    communities = list(Community.objects.filter(subdistrict=sub).order_by("pk"))
    staff_user = User.objects.filter(username="bench_staff").first()
    members = list(Member.objects.filter(user__username__startswith="bench_member_"))
    wanted = COMMUNITIES + extra_communities
    if existing >= total and staff_user and len(members) >= THREADS and len(communities) >= wanted:
        return communities[0], staff_user, members, False

    started = time.monotonic()
    with transaction.atomic():
        if len(communities) < wanted:
            Community.objects.bulk_create(
                Community(subdistrict=sub, name=f"{TAG}{i}社区")
                for i in range(len(communities), wanted)
            )
            communities = list(Community.objects.filter(subdistrict=sub).order_by("pk"))
        home = communities[0]
        staff_user, _ = User.objects.get_or_create(username="bench_staff")
        CommunityStaff.objects.get_or_create(user=staff_user, defaults={"community": home})
        committee, _ = Organization.objects.get_or_create(
            name=f"{TAG}工委", kind=Organization.Kind.COMMITTEE
        )
        party, _ = Organization.objects.get_or_create(
            name=f"{TAG}机关党委", kind=Organization.Kind.PARTY_COMMITTEE, parent=committee
        )
        branch, _ = Organization.objects.get_or_create(
            name=f"{TAG}支部", kind=Organization.Kind.BRANCH, parent=party
        )
        members = []
        for i in range(THREADS):
            user, _ = User.objects.get_or_create(username=f"bench_member_{i}")
            member, _ = Member.objects.get_or_create(
                user=user,
                defaults={"real_name": f"党员{i}", "phone": "13800000000", "branch": branch},
            )
            CommunityRegistration.objects.get_or_create(
                member=member,
                community=home,
                state=CommunityRegistration.State.CONFIRMED,
            )
            members.append(member)
        residents = list(Resident.objects.filter(community__subdistrict=sub))
        if not residents:
            residents = Resident.objects.bulk_create(
                Resident(community=c, name=f"居民{c.pk}-{j}", phone="13900000000", address="1号楼")
                for c in communities[:COMMUNITIES]
                for j in range(20)
            )
        by_community: dict[int, list] = {}
        for r in residents:
            by_community.setdefault(r.community_id, []).append(r)
        now = timezone.now()
        # 45% open, 10% claimed, 5% fulfilled, 30% completed, 10% cancelled or expired.
        cycle = ["published"] * 9 + ["claimed"] * 2 + ["fulfilled"] + ["completed"] * 6
        cycle += ["cancelled", "expired"]
        batch = []
        for n in range(existing, total):
            community = communities[n % COMMUNITIES]
            state = cycle[n % len(cycle)]
            created = now - datetime.timedelta(minutes=n * 5)
            batch.append(
                Wish(
                    community=community,
                    resident=by_community[community.pk][n % 20],
                    title=f"心愿{n}：一台电风扇",
                    description="夏天太热，想要一台电风扇。",
                    state=state,
                    created_at=created,
                    published_at=created,
                    deadline=timezone.localdate() + datetime.timedelta(days=30),
                    completed_at=created + datetime.timedelta(days=3)
                    if state == "completed"
                    else None,
                )
            )
            if len(batch) == 5000:
                _save_batch(batch, members, Claim, Wish)
                batch = []
        if batch:
            _save_batch(batch, members, Claim, Wish)
    print(f"seeded {total - existing} wishes in {time.monotonic() - started:.1f} s")
    return communities[0], staff_user, members, True


def _save_batch(batch, members, Claim, Wish):
    from django.utils import timezone

    wishes = Wish.objects.bulk_create(batch)
    states = {"claimed": "active", "fulfilled": "fulfilled", "completed": "completed"}
    Claim.objects.bulk_create(
        Claim(
            wish=w,
            member=members[i % len(members)],
            claimed_by_id=members[i % len(members)].user_id,
            promised_date=timezone.localdate() + datetime.timedelta(days=5),
            state=states[w.state],
        )
        for i, w in enumerate(wishes)
        if w.state in states
    )


def _analyze() -> None:
    """Fresh planner statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` (SQLite) keep
    them in production; without them a freshly bulk-loaded table is planned as if empty."""
    from django.db import connection

    command = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
    with connection.cursor() as cursor:
        for table in ("wishes_wish", "wishes_claim", "wishes_resident"):
            cursor.execute(f"{command} {table}")


def _median_ms(client, url, params_list) -> float:
    times = []
    for params in params_list[:3]:  # warm-up
        client.get(url, params)
    for params in params_list:
        started = time.perf_counter()
        response = client.get(url, params)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000


def _claims_per_second(home, members) -> tuple[float, int, int]:
    from django.conf import settings
    from django.db import connections
    from django.utils import timezone

    from wishes import services
    from wishes.models import Claim, Wish, WishTransition

    settings.WISH_MAX_OPEN_CLAIMS = dict.fromkeys(("member", "team", "organization"), 10**6)
    pks = list(
        Wish.objects.filter(community=home, state=Wish.State.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)[: THREADS * CLAIMS_PER_THREAD]
    )
    promised = timezone.localdate() + datetime.timedelta(days=3)
    barrier = threading.Barrier(THREADS + 1)
    won = []
    errors = []

    def work(i):
        member = members[i]
        mine = pks[i::THREADS]
        barrier.wait()
        for pk in mine:
            try:
                services.wish_claim(
                    wish=Wish(pk=pk, community_id=home.pk, deadline=None),
                    by=member.user,
                    promised_date=promised,
                )
                won.append(pk)
            except Exception as error:  # noqa: BLE001 - counted and printed
                errors.append(repr(error))
        connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    # Undo: the data set stays as it was for the next run.
    WishTransition.objects.filter(wish_id__in=won).delete()
    Claim.objects.filter(wish_id__in=won).delete()
    Wish.objects.filter(pk__in=won).update(state=Wish.State.PUBLISHED)
    return len(won) / elapsed, len(won), len(errors)


def main() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    _ensure_database()
    home, staff_user, members, _ = _seed()
    _analyze()
    print(f"wishes bench on {connection.vendor}: {TOTAL:,} wishes, {COMMUNITIES} communities")
    pages = [{"page": str(1 + i % 5)} for i in range(REQUESTS)]
    with override_settings(
        ROOT_URLCONF="bench.wishes", DEBUG=False, ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False
    ):
        anonymous = Client()
        base_params = [{**p, "community": str(home.pk)} for p in pages]
        base_anon = _median_ms(anonymous, "/bench/baseline/", base_params)
        wall = _median_ms(anonymous, "/wishes/", pages)
        staff = Client()
        staff.force_login(staff_user, backend="django.contrib.auth.backends.ModelBackend")
        base_staff = _median_ms(staff, "/bench/baseline/", base_params)
        staff_list = _median_ms(staff, "/wishes/staff/", pages)
    rate, won, errors = _claims_per_second(home, members)
    print(f"baseline (one indexed query, {PAGE} rows, bare): median {base_anon:.1f} ms")
    print(f"wish wall: median {wall:.1f} ms, ratio to baseline {wall / base_anon:.1f}")
    print(
        f"staff list: median {staff_list:.1f} ms, ratio to baseline {staff_list / base_staff:.1f}"
        f" (baseline with the same login: {base_staff:.1f} ms)"
    )
    print(
        f"claims: {rate:.0f} per second with {THREADS} concurrent claimants "
        f"({won} claims on distinct wishes, {errors} errors)"
    )
