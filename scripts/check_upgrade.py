"""Upgrade check: this checkout's migrations apply to a database made by BASE, losing no row.

    .venv/bin/python scripts/check_upgrade.py        (or: make check-upgrade)

1. creates a throwaway PostgreSQL database on the server of DATABASE_URL (or 127.0.0.1:5432);
2. checks BASE out into a temporary git worktree, migrates the database there and loads the demo
   data (`seed_demo --size small`), then adds a row to each table the seed leaves empty;
3. counts the rows of every table in the public schema (django_migrations aside);
4. migrates the same database with this checkout, counts again and fails if a table lost rows or
   disappeared (a renamed table only when RENAMED lists it); then `makemigrations --check` and
   `migrate --check` must pass too;
5. drops the database and removes the worktree, whatever happened.

Both checkouts run with the interpreter that runs this script (this checkout's virtualenv), with
DEBUG=true, no Redis (local-memory cache, eager Celery tasks) and the throwaway DATABASE_URL.
"""

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

# The last main before the layering work (apps split into core/records/...; models that move
# keep their tables). Bump it when a later change needs its own upgrade check, and empty
# RENAMED then.
BASE = "06ee5ee709ed6344d9c3cc71a7b9746bcc34f85e"

# Tables a migration after BASE renames on purpose: {"old_table": "new_table"}. The rows of the
# old table are then compared with the new one's. Anything else that disappears fails the check.
RENAMED: dict[str, str] = {}

SEED_SIZE = "small"  # 40 members, a couple of seconds
NOT_COUNTED = {"django_migrations"}  # grows with every migration; not data
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
STEP_TIMEOUT = 600  # seconds for one manage.py command

ROOT = Path(__file__).resolve().parent.parent

# Run at BASE through `manage.py shell -c` after the seed: one row in each table the seed leaves
# empty (sessions, admin log, groups and permissions, lockouts, schedules, grids, notifications,
# proof photos, contact logs), so that a loss there shows too. Written against BASE's models;
# each table is filled only while it is empty, so a richer seed at a later BASE is left alone.
FILL_AT_BASE = """
from datetime import timedelta

from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.utils import timezone

now = timezone.now()
model = apps.get_model
User = model("members", "User")
user = User.objects.order_by("pk").first()
wish = model("wishes", "Wish").objects.select_related("resident").order_by("pk").first()
claim = model("wishes", "Claim").objects.order_by("pk").first()
email = model("account", "EmailAddress").objects.order_by("pk").first()
perm = model("auth", "Permission").objects.order_by("pk").first()
ContentType = model("contenttypes", "ContentType")


def empty(label):
    return not model(*label.split(".")).objects.exists()


if empty("members.Grid"):
    model("members", "Grid").objects.create(community=wish.community, name="upgrade-check grid")
if empty("notifications.Notification"):
    model("notifications", "Notification").objects.create(
        user=user, key="upgrade-check", subject="Upgrade check", body="A row to keep."
    )
if empty("wishes.ProofPhoto"):
    model("wishes", "ProofPhoto").objects.create(
        claim=claim, image="proofs/upgrade-check.jpg", thumbnail="proofs/upgrade-check-t.jpg"
    )
if empty("wishes.ContactAccessLog"):
    model("wishes", "ContactAccessLog").objects.create(
        user=user, resident=wish.resident, wish=wish, community=wish.community, purpose="admin"
    )

if empty("auth.Group"):
    group = model("auth", "Group").objects.create(name="upgrade check")
    group.permissions.add(perm)
    user.groups.add(group)
if not User.user_permissions.through.objects.exists():
    user.user_permissions.add(perm)
if empty("admin.LogEntry"):
    model("admin", "LogEntry").objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=str(user)[:200],
        action_flag=2,
        change_message="[]",
    )
if empty("sessions.Session"):
    model("sessions", "Session").objects.create(
        session_key="upgradecheck" + "0" * 20,
        session_data=SessionStore().encode({"upgrade": "check"}),
        expire_date=now + timedelta(days=1),
    )
if empty("account.EmailConfirmation"):
    model("account", "EmailConfirmation").objects.create(
        email_address=email, key="upgrade-check", sent=now
    )

attempt = dict(
    user_agent="upgrade-check",
    ip_address="127.0.0.1",
    username=user.username,
    http_accept="*/*",
    path_info="/accounts/login/",
)
if empty("axes.AccessAttempt"):
    model("axes", "AccessAttempt").objects.create(
        **attempt, get_data="", post_data="", failures_since_start=1
    )
if empty("axes.AccessAttemptExpiration"):
    model("axes", "AccessAttemptExpiration").objects.create(
        access_attempt=model("axes", "AccessAttempt").objects.first(),
        expires_at=now + timedelta(hours=1),
    )
if empty("axes.AccessFailureLog"):
    model("axes", "AccessFailureLog").objects.create(**attempt, locked_out=False)
if empty("axes.AccessLog"):
    model("axes", "AccessLog").objects.create(**attempt, session_hash="")

call_command("sync_schedules")  # crontab schedules and periodic tasks, as `make run` does
beat = "django_celery_beat"
if empty(f"{beat}.IntervalSchedule"):
    model(beat, "PeriodicTask").objects.create(
        name="upgrade check: interval",
        task="upgrade.check",
        interval=model(beat, "IntervalSchedule").objects.create(every=1, period="days"),
    )
if empty(f"{beat}.ClockedSchedule"):
    model(beat, "PeriodicTask").objects.create(
        name="upgrade check: clocked",
        task="upgrade.check",
        one_off=True,
        clocked=model(beat, "ClockedSchedule").objects.create(clocked_time=now),
    )
if empty(f"{beat}.SolarSchedule"):
    model(beat, "PeriodicTask").objects.create(
        name="upgrade check: solar",
        task="upgrade.check",
        solar=model(beat, "SolarSchedule").objects.create(
            event="sunrise", latitude=39.9, longitude=116.4
        ),
    )
if empty(f"{beat}.PeriodicTasks"):
    model(beat, "PeriodicTasks").update_changed()
"""


class CheckFailed(Exception):
    pass


def say(message=""):
    print(message, flush=True)


def server_url() -> str:
    """The PostgreSQL server to use: DATABASE_URL's when it names one, else the local one."""
    url = os.environ.get("DATABASE_URL", "")
    return url if urlsplit(url).scheme.startswith("postgres") else DEFAULT_SERVER


def database_url(server: str, name: str) -> str:
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}", query=""))


def git(*args, check=True) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed git commands
        ["git", *args],  # noqa: S607 - git from PATH, as a developer runs it
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=check,
        timeout=120,
    )


def manage(checkout: Path, env: dict, *args) -> str:
    """Runs `manage.py <args>` in a checkout; raises CheckFailed with its output if it fails."""
    started = time.monotonic()
    where = "BASE" if checkout != ROOT else "HEAD"
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", *args],
            cwd=checkout,
            env=env,
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT,
        )
    except subprocess.TimeoutExpired as exc:
        raise CheckFailed(f"{where}: manage.py {args[0]} took over {STEP_TIMEOUT} s") from exc
    output = (done.stdout + done.stderr).strip()
    command = " ".join(a if len(a) < 40 else "<code>" for a in args)
    if done.returncode:
        raise CheckFailed(
            f"{where}: `manage.py {command}` failed (exit {done.returncode}):\n{output}"
        )
    say(f"  {where}: manage.py {command} ({time.monotonic() - started:.1f} s)")
    return output


def count_rows(url: str) -> dict[str, int]:
    """Exact row count of every table in the public schema but django_migrations."""
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
            )
            if name not in NOT_COUNTED
        ]
        counts = {}
        for table in tables:
            query = sql.SQL("SELECT count(*) FROM public.{}").format(sql.Identifier(table))
            counts[table] = conn.execute(query).fetchone()[0]
    return counts


def compare(before: dict[str, int], after: dict[str, int]) -> list[tuple[str, int, str, str]]:
    """(table, rows before, rows after, problem or "") for every table counted at BASE."""
    stale = sorted(set(RENAMED) - set(before))
    if stale:
        raise CheckFailed(f"RENAMED lists tables BASE does not have: {', '.join(stale)}")
    rows = []
    for table, count in before.items():
        target = RENAMED.get(table, table)
        label = table if target == table else f"{table} -> {target}"
        if target not in after:
            rows.append((label, count, "-", "disappeared"))
        elif after[target] < count:
            rows.append((label, count, str(after[target]), f"lost {count - after[target]}"))
        else:
            rows.append((label, count, str(after[target]), ""))
    return rows


def print_table(rows):
    width = max(len(r[0]) for r in rows)
    say(f"  {'table':<{width}}  {'before':>7}  {'after':>7}")
    for table, count, now, problem in rows:
        mark = f"  <-- {problem}" if problem else ""
        say(f"  {table:<{width}}  {count:>7}  {now:>7}{mark}")


def run(server: str, db_name: str, worktree: Path) -> tuple[int, int]:
    url = database_url(server, db_name)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": url,
        "DEBUG": "true",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "memory://",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "MEDIA_ROOT": str(worktree.parent / "media"),
    }

    say(f"BASE {BASE[:12]}: demo database")
    manage(worktree, env, "migrate", "--noinput")
    for line in manage(worktree, env, "seed_demo", "--size", SEED_SIZE).splitlines():
        say(f"    {line}")
    seeded = count_rows(url)
    empty = [t for t, n in seeded.items() if not n]
    say(f"  empty after the seed ({len(empty)}): {', '.join(empty) or 'none'}")
    manage(worktree, env, "shell", "-c", FILL_AT_BASE)
    before = count_rows(url)
    still_empty = [t for t, n in before.items() if not n]
    say(f"  empty after filling ({len(still_empty)}): {', '.join(still_empty) or 'none'}")
    if still_empty:
        say("  (a loss in these tables cannot show; FILL_AT_BASE should give them a row)")

    say("HEAD: upgrade")
    manage(ROOT, env, "migrate", "--noinput")
    after = count_rows(url)
    rows = compare(before, after)
    new = sorted(set(after) - {RENAMED.get(t, t) for t in before})
    bad = [r for r in rows if r[3]]
    if bad:
        say()
        print_table(rows)
        raise CheckFailed(
            f"{len(bad)} table(s) lost rows or disappeared in the upgrade from {BASE[:12]}: "
            + ", ".join(r[0] for r in bad)
        )
    changed = [r for r in rows if r[2] != str(r[1])]
    if changed:
        say("  tables with more rows after the upgrade:")
        print_table(changed)
    if new:
        say(f"  new tables: {', '.join(new)}")
    manage(ROOT, env, "makemigrations", "--check", "--dry-run")
    manage(ROOT, env, "migrate", "--check")
    return len(rows), sum(before.values())


def main() -> int:
    started = time.monotonic()
    os.chdir(ROOT)
    # A SIGTERM (a cancelled CI job) unwinds like Ctrl-C, so the cleanup below still runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    if git("cat-file", "-e", f"{BASE}^{{commit}}", check=False).returncode:
        say(
            f"check-upgrade: BASE commit {BASE} is not in this repository's history; failing. "
            "(A shallow clone? `git fetch --unshallow` brings it.)"
        )
        return 1

    server = server_url()
    db_name = f"upgrade_check_{os.getpid()}_{secrets.token_hex(3)}"
    tmp = Path(tempfile.mkdtemp(prefix="check-upgrade-"))
    worktree = tmp / "base"
    created = False
    try:
        with psycopg.connect(database_url(server, "postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))
        created = True
        host = urlsplit(server)
        say(f"check-upgrade: database {db_name} on {host.hostname}:{host.port or 5432}")
        git("worktree", "add", "--detach", str(worktree), BASE)
        tables, rows = run(server, db_name, worktree)
    except CheckFailed as exc:
        say(f"\ncheck-upgrade: FAILED. {exc}")
        return 1
    except (psycopg.Error, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or ""
        say(f"\ncheck-upgrade: FAILED. {exc} {detail}".rstrip())
        return 1
    finally:
        if worktree.exists():
            git("worktree", "remove", "--force", str(worktree), check=False)
        git("worktree", "prune", check=False)
        shutil.rmtree(tmp, ignore_errors=True)
        if created:
            with psycopg.connect(database_url(server, "postgres"), autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(db_name)
                    )
                )
    say(
        f"\ncheck-upgrade: OK. {tables} tables and {rows} rows from {BASE[:12]} survived the "
        f"upgrade; no migration missing; {time.monotonic() - started:.1f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
