"""`make bench` (http): every page over HTTP, served by gunicorn (2 workers) on PostgreSQL and
SQLite, at the bench's size and at 10× the rows, as ratios to a bare baseline view served by the
same processes in the same run.

For each database and size it
- seeds a database of its own once (bench.wishes' wishes, communities, staff and claimants, plus
  a community with many registered members, a member with many service records, claims and
  notifications) and reuses it in later runs: `sbd_bench_<rows>` on PostgreSQL (BENCH_PG_URL),
  `var/bench-<rows>.sqlite3`;
- starts gunicorn with bench/settings.py (DEBUG off; Redis as the cache where it answers, as in
  production), and logs in a member and a staff member by session cookie;
- drives each page with a few client threads over keep-alive connections (http.client) for a
  few seconds, and the baseline view (one indexed query of one page, rendered bare) before and
  after every few pages, so that the ratios hold while others load the machine;
- prints requests per second and p50/p95 latency per page, each as a ratio to the baseline;
- then, with the server stopped, times each page in one process with the page caches off (what
  a page costs when it is rendered, which the HTTP figures of a cached page hide behind the
  queue of the load; the per-request facts, such as the user's row, roles and badge, and the
  cached counts stay cached, as they are on every request): the median of BENCH_HTTP_REPEATS
  requests, each after a request of the baseline view, as a multiple of the baseline's median,
  and the queries it runs; and prints for each page the growth of that multiple from 1× to 10×
  the rows (target ≤ 1.5).

Environment: BENCH_SIZE (wishes at 1×, default 100,000), BENCH_HTTP_SCALES ("1,10"),
BENCH_HTTP_DATABASES ("postgresql,sqlite"), BENCH_HTTP_SECONDS (per page, default 2),
BENCH_HTTP_CLIENTS (client threads, default 4), BENCH_HTTP_PAGES (names to run, default all),
BENCH_HTTP_REPEATS (requests per page in the uncached timing, default 15),
BENCH_DB_PREFIX (the databases' and cache keys' prefix, default sbd_bench).
`python -m bench http` runs this part alone; `BENCH_SIZE=10000 python -m bench http` is quick.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SIZE = int(os.environ.get("BENCH_SIZE", "100000"))
SCALES = [int(s) for s in os.environ.get("BENCH_HTTP_SCALES", "1,10").split(",") if s]
VENDORS = [v for v in os.environ.get("BENCH_HTTP_DATABASES", "postgresql,sqlite").split(",") if v]
SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", "2"))
CLIENTS = int(os.environ.get("BENCH_HTTP_CLIENTS", "4"))
ONLY = [p for p in os.environ.get("BENCH_HTTP_PAGES", "").split(",") if p]
REPEATS = int(os.environ.get("BENCH_HTTP_REPEATS", "15"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
# The databases' and cache keys' prefix: a run of its own beside another one on a shared machine.
PREFIX = os.environ.get("BENCH_DB_PREFIX", "sbd_bench")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
WARMUP = 0.4
BASELINE_EVERY = 4

# (name, who, path): who is "anonymous", "member" or "staff"; {home} (the staff's community),
# {wish} (open, there), {claimed} (there) and {completed} (anywhere) come from the seeded data.
PAGES = [
    ("home", "anonymous", "/"),
    ("wall", "anonymous", "/wishes/"),
    ("wall p5", "anonymous", "/wishes/?page=5"),
    ("stories", "anonymous", "/wishes/stories/"),
    ("communities", "anonymous", "/communities/"),
    ("a wish", "anonymous", "/wishes/{wish}/"),
    ("a completed wish", "anonymous", "/wishes/{completed}/"),
    ("a community", "anonymous", "/communities/{home}/"),
    ("submit form", "anonymous", "/wishes/submit/"),
    ("member home /me/", "member", "/me/"),
    ("my claims", "member", "/wishes/mine/"),
    ("my service", "member", "/reports/my/service/"),
    ("my reports", "member", "/reports/my/"),
    ("notifications", "member", "/notifications/"),
    ("profile", "member", "/me/profile/"),
    ("a wish (member)", "member", "/wishes/{wish}/"),
    ("wall (member)", "member", "/wishes/"),
    ("staff home", "staff", "/staff/"),
    ("staff wish list", "staff", "/wishes/staff/"),
    ("review queue", "staff", "/wishes/staff/review/"),
    ("staff members", "staff", "/staff/members/"),
    ("staff records", "staff", "/reports/staff/records/"),
    ("evaluations", "staff", "/reports/staff/evaluations/"),
    ("post a wish", "staff", "/wishes/staff/new/"),
    ("a wish (staff)", "staff", "/wishes/{claimed}/"),
    # The other apps' pages (service projects, orders, activities, certificates, teams), as the
    # bench's member and staff see them.
    ("projects", "anonymous", "/projects/"),
    ("needs", "anonymous", "/projects/needs/"),
    ("order form", "anonymous", "/orders/"),
    ("my projects", "member", "/projects/mine/"),
    ("projects open to claim", "member", "/projects/open/"),
    ("my resources", "member", "/projects/resources/mine/"),
    ("my orders", "member", "/orders/mine/"),
    ("activities", "member", "/checkins/"),
    ("my activities", "member", "/checkins/mine/"),
    ("my code", "member", "/checkins/code/"),
    ("my certificates", "member", "/reports/my/certificates/"),
    ("teams", "member", "/teams/"),
    ("staff projects", "staff", "/projects/staff/"),
    ("staff needs", "staff", "/projects/staff/needs/"),
    ("staff resources", "staff", "/projects/staff/resources/"),
    ("triage", "staff", "/projects/staff/triage/"),
    ("meetings", "staff", "/projects/meetings/"),
    ("order intake", "staff", "/orders/staff/"),
    ("order board", "staff", "/orders/staff/board/"),
    ("overdue orders", "staff", "/orders/staff/overdue/"),
    ("enter an order", "staff", "/orders/staff/new/"),
    ("staff certificates", "staff", "/reports/staff/certificates/"),
    ("host home", "staff", "/checkins/host/"),
]
BASELINE = "/bench/baseline/?community={home}"


# ---------------------------------------------------------------------------------------------
# Seeding (in a child process with the bench's settings and that database)
# ---------------------------------------------------------------------------------------------
def _seed_child(total: int, scale: int) -> dict:
    import django

    django.setup()
    import datetime
    from decimal import Decimal

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.db import connection, transaction
    from django.utils import timezone

    from bench import wishes as bw
    from members.models import CommunityRegistration, Member, User
    from notifications.models import Notification
    from records.models import ServiceRecord
    from wishes.models import Wish

    bw._ensure_database()
    home, staff_user, members, _ = bw._seed(total, extra_communities=bw.COMMUNITIES * (scale - 1))
    member = members[0]
    peers = total // 50  # registered members of the home community; records of member 0
    branch = member.branch
    with transaction.atomic():
        have = User.objects.filter(username__startswith="bench_peer_").count()
        if have < peers:
            users = User.objects.bulk_create(
                [User(username=f"bench_peer_{i}", password="!") for i in range(have, peers)],
                batch_size=2000,
            )
            new = Member.objects.bulk_create(
                [
                    Member(user=u, real_name=f"邻居{i}", phone="13700000000", branch=branch)
                    for i, u in enumerate(users, start=have)
                ],
                batch_size=2000,
            )
            CommunityRegistration.objects.bulk_create(
                [
                    CommunityRegistration(
                        member=m,
                        community=home,
                        state=CommunityRegistration.State.CONFIRMED,
                        decided_at=timezone.now(),
                    )
                    for m in new
                ],
                batch_size=2000,
            )
        have = ServiceRecord.objects.filter(member=member).count()
        if have < peers:
            today = timezone.localdate()
            ServiceRecord.objects.bulk_create(
                [
                    ServiceRecord(
                        member=member,
                        community=home,
                        served_on=today - datetime.timedelta(days=i % 700),
                        hours=Decimal("1.5"),
                        points=2,
                        kind=ServiceRecord.Kind.OTHER,
                        source=ServiceRecord.Source.STAFF,
                        source_key=f"bench-http:{i}",
                        title="入户走访",
                    )
                    for i in range(have, peers)
                ],
                batch_size=2000,
            )
        have = Notification.objects.filter(user=member.user).count()
        if have < peers // 10:
            Notification.objects.bulk_create(
                [
                    Notification(
                        user=member.user,
                        key=f"bench:{i}",
                        subject=f"通知{i}",
                        body="您认领的心愿快到期了。",
                        read_at=None if i % 10 == 0 else timezone.now(),
                        email_state=Notification.EmailState.SENT,
                        emailed_at=timezone.now(),
                    )
                    for i in range(have, peers // 10)
                ],
                batch_size=2000,
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    def session_for(user):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        return store.session_key

    published = Wish.objects.filter(community=home, state=Wish.State.PUBLISHED).order_by("-pk")
    claimed = Wish.objects.filter(community=home, state=Wish.State.CLAIMED).order_by("-pk")
    completed = Wish.objects.filter(state=Wish.State.COMPLETED).order_by("-completed_at", "-pk")
    return {
        "home": home.pk,
        "wish": published.values_list("pk", flat=True).first(),
        "claimed": claimed.values_list("pk", flat=True).first(),
        "completed": completed.values_list("pk", flat=True).first(),
        "member": session_for(member.user),
        "staff": session_for(staff_user),
    }


def _cost_child(data: dict) -> dict:
    """Each page's uncached cost in this process: {name: (ms, × baseline, queries)}."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    clients = {"anonymous": Client(), "member": Client(), "staff": Client()}
    for who in ("member", "staff"):
        clients[who].cookies["sessionid"] = data[who]
    baseline = BASELINE.format(**data)

    class Refused(Exception):
        pass

    def took(client, url) -> float:
        began = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - began
        if response.status_code != 200:
            raise Refused(str(response.status_code))
        return elapsed

    results = {}
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0, USER_PAGE_CACHE_SECONDS=0):
        for name, who, path in PAGES:
            if ONLY and name not in ONLY:
                continue
            url = path.format(**data)
            try:
                for _ in range(2):  # warm-up: templates compiled, cached figures counted
                    took(clients[who], url)
                pairs = [
                    (took(clients["anonymous"], baseline), took(clients[who], url))
                    for _ in range(REPEATS)
                ]
                with CaptureQueriesContext(connection) as queries:
                    took(clients[who], url)
            except Refused as status:  # reported in the table, the other pages still timed
                results[name] = (float("nan"), float("nan"), f"HTTP {status}")
                continue
            page = statistics.median(p for _, p in pairs)
            base = statistics.median(b for b, _ in pairs)
            results[name] = (page * 1000, page / base, len(queries))
    return results


def _child(env: dict, args: list[str], failed: str) -> list[str]:
    """The lines `python -m bench.http ARGS` prints in a process of its own with `env` (the
    bench's settings and database); its output and `failed` where it fails."""
    out = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "bench.http", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        sys.stderr.write(out.stdout + out.stderr)
        raise SystemExit(failed)
    return out.stdout.strip().splitlines()


def _cost(env: dict, data: dict) -> dict:
    lines = _child(env, ["--cost", json.dumps(data)], "timing the pages uncached failed")
    return json.loads(lines[-1])


def _database_url(vendor: str, rows: int) -> str:
    if vendor == "postgresql":
        return f"{PG_URL}/{PREFIX}_{rows}"
    return f"sqlite:///{BASE_DIR / 'var' / f'bench-{rows}.sqlite3'}"


def _reachable(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port or 6379), timeout=2).close()
    except OSError:
        return False
    return True


def _env(vendor: str, rows: int, cache_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=_database_url(vendor, rows),
        BENCH_CACHE_URL=cache_url,
        BENCH_CACHE_PREFIX=f"{PREFIX}-{vendor}-{rows}",
        PYTHONPATH=str(BASE_DIR),
    )
    env.pop("REDIS_URL", None)
    return env


def _seed(vendor: str, rows: int, scale: int, env: dict) -> dict:
    started = time.monotonic()
    lines = _child(
        env, ["--seed", str(rows), str(scale)], f"seeding {vendor} ({rows:,} wishes) failed"
    )
    for line in lines[:-1]:
        print(f"  {line}")
    print(f"  data ready in {time.monotonic() - started:.0f} s")
    return json.loads(lines[-1])


def _flush_cache(env: dict) -> None:
    """The bench's own keys only (its prefix): each server run starts with a cold cache."""
    if not env["BENCH_CACHE_URL"]:
        return
    import redis

    client = redis.Redis.from_url(env["BENCH_CACHE_URL"])
    keys = list(client.scan_iter(match=f"{env['BENCH_CACHE_PREFIX']}:*", count=1000))
    for i in range(0, len(keys), 500):
        client.delete(*keys[i : i + 500])


# ---------------------------------------------------------------------------------------------
# The server and the load
# ---------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(env: dict, port: int, ready_path: str) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--workers",
            "2",
            # gthread keeps connections alive (the sync worker closes each one); one thread per
            # worker, so each process still serves one request at a time.
            "--worker-class",
            "gthread",
            "--threads",
            "1",
            "--keep-alive",
            "60",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", ready_path)
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within a minute")


def drive(port: int, path: str, cookie: str | None, seconds: float, clients: int) -> dict:
    """Requests per second and latencies of `path` with `clients` threads for `seconds`."""
    headers = {"Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    start_barrier = threading.Barrier(clients + 1)
    window = {}

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, bad = [], []
        start_barrier.wait()
        stop = window["stop"]
        while time.perf_counter() < stop:
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
            except (http.client.HTTPException, OSError) as error:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                bad.append(type(error).__name__)
                continue
            took = time.perf_counter() - began
            if response.status == 200:
                mine.append(took)
            else:
                bad.append(str(response.status))
            if (response.getheader("Connection") or "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.close()
        with lock:
            latencies.extend(mine)
            failures.extend(bad)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    window["stop"] = time.perf_counter() + seconds
    began = time.perf_counter()
    start_barrier.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    n = len(latencies)
    return {
        "rps": n / elapsed,
        "p50": statistics.median(latencies) * 1000 if n else float("nan"),
        "p95": latencies[min(n - 1, int(n * 0.95))] * 1000 if n else float("nan"),
        "n": n,
        "failures": failures,
    }


def run_one(vendor: str, scale: int, cache_url: str) -> dict:
    rows = SIZE * scale
    print(f"\n## {vendor}, {rows:,} wishes ({scale}×)")
    env = _env(vendor, rows, cache_url)
    data = _seed(vendor, rows, scale, env)
    _flush_cache(env)
    port = _free_port()
    baseline_path = BASELINE.format(**data)
    server = _start_server(env, port, baseline_path)
    results = {}
    try:
        pages = [p for p in PAGES if not ONLY or p[0] in ONLY]
        for _name, who, path in pages:  # warm-up: each worker compiles its templates
            for _ in range(2):
                drive(port, path.format(**data), data.get(who), 0.05, 2)
        baselines = [drive(port, baseline_path, None, SECONDS, CLIENTS)]
        for i in range(0, len(pages), BASELINE_EVERY):
            block = pages[i : i + BASELINE_EVERY]
            measured = {}
            for name, who, path in block:
                url = path.format(**data)
                drive(port, url, data.get(who), WARMUP, CLIENTS)
                measured[name] = (who, url, drive(port, url, data.get(who), SECONDS, CLIENTS))
            baselines.append(drive(port, baseline_path, None, SECONDS, CLIENTS))
            before, after = baselines[-2], baselines[-1]
            base = {k: (before[k] + after[k]) / 2 for k in ("rps", "p50", "p95")}
            for name, (who, url, m) in measured.items():
                results[name] = {"who": who, "url": url, **m, "base": base}
    finally:
        server.terminate()
        server.wait(timeout=30)
    _print_run(vendor, rows, baselines, results)
    for name, (ms, ratio, queries) in _cost(env, data).items():
        results[name]["uncached"] = {"ms": ms, "ratio": ratio, "queries": queries}
    return results


def _print_run(vendor, rows, baselines, results) -> None:
    rps = [b["rps"] for b in baselines]
    p50 = [b["p50"] for b in baselines]
    print(
        f"baseline: {statistics.median(rps):.0f} req/s (from {min(rps):.0f} to {max(rps):.0f}), "
        f"p50 {statistics.median(p50):.1f} ms, over {len(baselines)} measurements"
    )
    print(
        "\n| page | who | req/s | req/s ÷ baseline | p50 ms | p50 × baseline | p95 ms "
        "| p95 × baseline | errors |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for name, r in results.items():
        b = r["base"]
        errors = ", ".join(sorted(set(r["failures"]))) if r["failures"] else ""
        print(
            f"| {name} | {r['who']} | {r['rps']:.0f} | {r['rps'] / b['rps']:.2f} | "
            f"{r['p50']:.1f} | {r['p50'] / b['p50']:.1f} | {r['p95']:.1f} | "
            f"{r['p95'] / b['p95']:.1f} | {errors} |"
        )


def _print_growth(all_results: dict) -> None:
    for vendor in VENDORS:
        runs = {s: all_results.get((vendor, s)) for s in SCALES}
        if len(SCALES) < 2 or not all(runs.values()):
            continue
        small, large = min(SCALES), max(SCALES)
        print(
            f"\n### {vendor}: each page rendered uncached in one process, at {small}× and "
            f"{large}× the rows (median of {REPEATS}, as a multiple of the baseline view's "
            f"median; then the growth of that multiple; target ≤ 1.5)"
        )
        print(
            f"\n| page | ms at {small}× | × baseline | queries | ms at {large}× | × baseline "
            "| queries | growth |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for name in runs[small]:
            if name not in runs[large]:
                continue
            a, b = runs[small][name]["uncached"], runs[large][name]["uncached"]
            growth = b["ratio"] / a["ratio"]
            flag = "" if growth <= 1.5 else " ⚠"
            print(
                f"| {name} | {a['ms']:.1f} | {a['ratio']:.1f} | {a['queries']} | {b['ms']:.1f} "
                f"| {b['ratio']:.1f} | {b['queries']} | {growth:.2f}{flag} |"
            )


def main() -> None:
    cache_url = REDIS if _reachable(REDIS) else ""
    print(
        f"HTTP bench: gunicorn, 2 workers; {CLIENTS} client threads, {SECONDS:g} s per page; "
        f"cache: {'Redis' if cache_url else 'local memory (no Redis)'}; size {SIZE:,} wishes"
    )
    all_results = {}
    for vendor in VENDORS:
        for scale in SCALES:
            all_results[(vendor, scale)] = run_one(vendor, scale, cache_url)
    _print_growth(all_results)
    out = BASE_DIR / "var" / "bench-http-last.json"
    out.write_text(
        json.dumps(
            {f"{v}:{s}": r for (v, s), r in all_results.items()}, indent=1, ensure_ascii=False
        )
    )
    print(f"\n(figures also in {out.relative_to(BASE_DIR)})")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--seed"]:
        print(json.dumps(_seed_child(int(sys.argv[2]), int(sys.argv[3]))))
    elif sys.argv[1:2] == ["--cost"]:
        print(json.dumps(_cost_child(json.loads(sys.argv[2]))))
    else:
        main()
