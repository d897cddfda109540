"""A real Celery worker (`celery -A config worker --pool=solo`, a subprocess) on Redis sends a
round of notification emails to an SMTP server in this process (aiosmtpd, in a thread): killed
with SIGKILL in the middle of the round, or refused (451) for some emails, every email arrives
exactly once.

The worker cannot see a test transaction: these tests commit (`transaction=True`) and point the
worker at pytest-django's test database by name. They need PostgreSQL and Redis: under CI they
fail without them; elsewhere they are skipped with the reason.
"""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from aiosmtpd.controller import Controller
from django.db import connection, transaction
from django.db.models import Q

from config.celery_app import app
from core.tasks import run_job
from members.models import User
from notifications.models import Notification
from notifications.services import Message, notify_many

from .conftest import CONTEXT, TEMPLATE

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
State = Notification.EmailState
ROUND = 300
CHUNK = 100  # three tasks for the round
LEASE = 3  # seconds: the worker's NOTIFICATION_EMAIL_LEASE
WAIT = 40  # seconds at most for any one step


def _redis_url() -> str:
    """The broker, or the reason these tests cannot run: a failure under CI, a skip elsewhere."""
    under_ci = os.environ.get("CI") == "true"

    def unavailable(reason):
        if under_ci:
            pytest.fail(f"Under CI the worker tests must run: {reason}")
        pytest.skip(reason)

    url = os.environ.get("REDIS_URL")
    if not url:
        unavailable("REDIS_URL is not set: no Redis broker to run a worker against.")
    if connection.vendor != "postgresql":
        unavailable("DATABASE_URL is not PostgreSQL: a worker process cannot share SQLite's.")
    try:
        redis.Redis.from_url(url, socket_timeout=3).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis at REDIS_URL does not answer ({exc}).")
    return url


class Sink:
    """An SMTP server's mailbox: every email it accepts, counted by recipient.

    `hold_at=n`: the n-th email to arrive is held in its DATA exchange until `release` is set
    (the test kills the worker meanwhile) and then not accepted. `refuse_once`: the addresses
    answered 451 the first time."""

    def __init__(self, *, hold_at=None, refuse_once=()):
        self.accepted = Counter()
        self.refused = Counter()
        self.connections = set()
        self.arrived = 0
        self.hold_at = hold_at
        self.refuse_once = set(refuse_once)
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.arrived += 1  # the server's one event loop: no other handler runs meanwhile
        self.connections.add(session.peer)
        (to,) = envelope.rcpt_tos
        if self.arrived == self.hold_at:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
            return "451 4.3.0 Its sender is gone"
        if to in self.refuse_once and not self.refused[to]:
            self.refused[to] += 1
            return "451 4.3.0 Try again later"
        self.accepted[to] += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(sink):
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


class Worker:
    """`celery -A config worker --pool=solo` on the test database, Redis and the sink."""

    def __init__(self, *, redis_url, smtp_port):
        db = connection.settings_dict
        auth = quote(db["USER"] or "postgres") + (
            f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
        )
        database_url = (
            f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "SECRET_KEY": "worker-test-not-a-secret",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "NOTIFICATION_EMAIL_LEASE": str(LEASE),
            "NOTIFICATION_EMAIL_RETRY_DELAYS": "1,1,1,1",
        }
        self.process = None
        self.lines = []

    def start(self):
        self.lines = []
        self.process = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"]
            + ["-n", f"mail-test-{os.getpid()}@%h"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, args=(self.process, self.lines), daemon=True).start()
        if not _until(lambda: any(" ready." in line for line in self.lines), give_up=self.died):
            pytest.fail("The worker did not start:\n" + self.log())
        return self

    @staticmethod
    def _read(process, lines):
        for line in process.stdout:
            lines.append(line)

    def died(self) -> bool:
        return self.process.poll() is not None

    def kill(self):
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        """Once the queue is empty (tasks the sweeps duplicated, left for nobody), a warm
        shutdown: the task running is finished."""
        if self.process and self.process.poll() is None:
            with app.connection_for_write() as conn:
                _until(lambda: not conn.default_channel.client.llen("celery"), give_up=self.died)
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return "".join(self.lines[-60:])

    def succeeded(self, task_id: str) -> list[str]:
        """What the task `task_id` returned, each time this worker ran it."""
        return [
            line.rsplit(": ", 1)[1].strip()
            for line in self.lines
            if f"[{task_id}] succeeded in" in line
        ]

    def tasks(self, word: str) -> list[str]:
        """The ids of the email tasks this worker logged `word` ("received", "succeeded") for."""
        name = "notifications.tasks.send_notification_emails["
        return [
            line.split(name, 1)[1].split("]", 1)[0]
            for line in self.lines
            if name in line and f"] {word}" in line
        ]


def _until(condition, *, give_up=lambda: False, every=lambda: None) -> bool:
    """Wait (WAIT s at most) for `condition`, calling `every()` every 0.1 s meanwhile."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if condition():
            return True
        if give_up():
            return False
        every()
        time.sleep(0.1)
    return condition()


def _sweeping(worker, condition) -> bool:
    """Wait for `condition` while the sweep job runs through the broker, as beat would run it
    every minute: once a second, one at a time."""
    sent = []

    def sweep():
        if sent and not worker.succeeded(sent[-1][0]):
            return  # the last one is still waiting or running
        if not sent or time.monotonic() - sent[-1][1] >= 1:
            sent.append((run_job.delay("notifications.sweep_emails").id, time.monotonic()))

    done = _until(condition, every=sweep)
    _until(lambda: not sent or worker.succeeded(sent[-1][0]))
    return done


@pytest.fixture
def broker(monkeypatch):
    """Tasks from this process go to Redis (the worker's broker) instead of running here."""
    url = _redis_url()
    monkeypatch.setattr("notifications.services.EMAIL_CHUNK", CHUNK)
    old = {k: app.conf.get(k) for k in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=url)
    yield url
    app.conf.update(**old)


def _members(n):
    return User.objects.bulk_create(
        User(username=f"mail{i}", email=f"mail{i}@example.org", password="!") for i in range(n)
    )


def _round(users):
    """A reminder round: `notify_many` in a transaction; its tasks go to Redis after commit."""
    messages = [Message(user=u, key="digest", context=CONTEXT, url="/me/") for u in users]
    with transaction.atomic():
        notify_many(messages=messages, template=TEMPLATE, existing=Q(key="digest"))


def _all_sent(sink) -> bool:
    return (
        sum(sink.accepted.values()) >= ROUND
        and not Notification.objects.exclude(email_state=State.SENT).exists()
    )


def _states():
    return Counter(Notification.objects.values_list("email_state", flat=True))


def test_a_worker_killed_mid_round_loses_no_email_and_sends_none_twice(broker):
    users = _members(ROUND)
    sink = Sink(hold_at=120)  # in the second task of three, 19 emails in
    with smtp_server(sink) as port:
        worker = Worker(redis_url=broker, smtp_port=port).start()
        try:
            _round(users)
            assert sink.holding.wait(WAIT), worker.log()
            worker.kill()  # SIGKILL while the server holds the 120th email's DATA
            sink.release.set()
            # Each outcome was committed as it came: the dead worker left 119 sent, the one it
            # was sending, and the others waiting.
            assert _states() == {State.SENT: 119, State.SENDING: 1, State.PENDING: 180}
            (killed_task,) = set(worker.tasks("received")) - set(worker.tasks("succeeded"))
            worker.start()
            assert _sweeping(worker, lambda: _all_sent(sink)), (_states(), worker.log())
            # The dead worker's task comes back (Redis redelivers an unacknowledged task after
            # its visibility timeout; here at once) and sends nothing more.
            _redeliver(broker, killed_task)
            assert _until(lambda: worker.succeeded(killed_task) == ["0"]), worker.log()
        finally:
            worker.stop()
    assert sink.accepted == Counter(u.email for u in users)  # every email exactly once
    assert _states() == {State.SENT: ROUND}
    attempts = Counter(Notification.objects.values_list("email_attempts", flat=True))
    assert attempts == {1: ROUND - 1, 2: 1}  # the held email was tried again, once


def test_emails_the_server_refuses_for_a_while_arrive_once_after_retries(broker):
    users = _members(ROUND)
    refused = {u.email for u in users[5::10]}
    sink = Sink(refuse_once=refused)
    with smtp_server(sink) as port:
        worker = Worker(redis_url=broker, smtp_port=port).start()
        try:
            _round(users)
            assert _sweeping(worker, lambda: _all_sent(sink)), (_states(), worker.log())
        finally:
            worker.stop()
    assert sink.accepted == Counter(u.email for u in users)
    assert sink.refused == Counter(refused)
    # One connection per task (three for the round, a few for the retries), not one per email.
    assert len(sink.connections) <= 10
    retried = Notification.objects.filter(user__email__in=refused)
    assert set(retried.values_list("email_attempts", flat=True)) == {2}
    assert set(retried.values_list("email_error", flat=True)) == {
        "SMTPDataError: (451, b'4.3.0 Try again later')"
    }
    assert Notification.objects.exclude(user__email__in=refused).filter(
        email_attempts=1
    ).count() == (ROUND - len(refused))


def _redeliver(redis_url, task_id):
    """Put the dead worker's unacknowledged delivery of `task_id` back on its queue, as
    Redis does after the visibility timeout."""
    with app.connection_for_write(redis_url) as conn:
        channel = conn.default_channel
        client = channel.client
        for tag, payload in client.hgetall(channel.unacked_key).items():
            message = json.loads(payload)[0]
            if message["headers"]["id"] == task_id:
                channel.qos.restore_by_tag(tag, client)
                return
    pytest.fail(f"The dead worker's task {task_id} is not waiting to be redelivered.")
