"""The periodic jobs of the wishes app, run under a frozen clock: each idempotent and safe to
retry."""

import datetime
import os
import time

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from config.celery_app import app
from core.jobs import run_job
from core.tasks import run_job as run_job_task
from notifications.models import Notification
from tests.wishes.factories import ClaimFactory, WishFactory
from wishes.models import Claim, Wish, WishTransition

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
DAY0 = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=TZ)


def at(days, hour=9):
    return DAY0 + datetime.timedelta(days=days, hours=hour - 9)


@pytest.fixture
def overdue_claim(member, resident):
    with time_machine.travel(DAY0, tick=False):
        wish = WishFactory(resident=resident, state=Wish.State.CLAIMED, deadline=None)
        return ClaimFactory(wish=wish, member=member, promised_date=DAY0.date())


def test_an_overdue_claim_is_reminded_once(
    overdue_claim, member, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert run_job("wishes.remind_overdue_claims") == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert run_job("wishes.remind_overdue_claims") == 0
    assert Notification.objects.filter(user=member.user, key__endswith=":overdue").count() == 1
    assert len(mail.outbox) == 1
    assert "已逾期" in mail.outbox[0].subject


def test_a_claim_not_yet_due_is_not_reminded(overdue_claim):
    with time_machine.travel(at(0), tick=False):
        assert run_job("wishes.remind_overdue_claims") == 0
    assert not Notification.objects.exists()


def test_an_overdue_claim_is_released_after_the_grace_period(settings, overdue_claim, member):
    settings.WISH_OVERDUE_GRACE_DAYS = 3
    with time_machine.travel(at(1), tick=False):
        run_job("wishes.remind_overdue_claims")
    with time_machine.travel(at(3), tick=False):
        assert run_job("wishes.release_overdue_claims") == 0  # still within the grace period
    with time_machine.travel(at(4, hour=10), tick=False):
        assert run_job("wishes.release_overdue_claims") == 1
        assert run_job("wishes.release_overdue_claims") == 0  # a retry changes nothing
    overdue_claim.refresh_from_db()
    wish = overdue_claim.wish
    wish.refresh_from_db()
    assert overdue_claim.state == Claim.State.RELEASED and wish.state == Wish.State.PUBLISHED
    t = WishTransition.objects.filter(wish=wish).last()
    assert t.by is None and t.to_state == Wish.State.PUBLISHED
    assert Notification.objects.filter(user=member.user, key__endswith=":released").count() == 1


def test_a_claim_never_reminded_is_not_released(overdue_claim):
    with time_machine.travel(at(30), tick=False):
        assert run_job("wishes.release_overdue_claims") == 0
    overdue_claim.refresh_from_db()
    assert overdue_claim.state == Claim.State.ACTIVE


def test_a_fulfilled_claim_is_neither_reminded_nor_released(overdue_claim):
    Claim.objects.filter(pk=overdue_claim.pk).update(state=Claim.State.FULFILLED)
    with time_machine.travel(at(30), tick=False):
        assert run_job("wishes.remind_overdue_claims") == 0
        assert run_job("wishes.release_overdue_claims") == 0


def test_unclaimed_wishes_past_their_deadline_expire_once(resident):
    with time_machine.travel(DAY0, tick=False):
        due = WishFactory(resident=resident, deadline=DAY0.date())
        later = WishFactory(resident=resident, deadline=DAY0.date() + datetime.timedelta(days=5))
        claimed = WishFactory(resident=resident, deadline=DAY0.date(), state=Wish.State.CLAIMED)
    with time_machine.travel(at(1), tick=False):
        assert run_job("wishes.expire_unclaimed_wishes") == 1
        assert run_job("wishes.expire_unclaimed_wishes") == 0
    states = dict(Wish.objects.values_list("pk", "state"))
    assert states[due.pk] == Wish.State.EXPIRED
    assert states[later.pk] == Wish.State.PUBLISHED
    assert states[claimed.pk] == Wish.State.CLAIMED
    assert WishTransition.objects.filter(wish=due, to_state=Wish.State.EXPIRED).count() == 1


def test_staff_get_one_digest_a_day(
    staff, other_staff, resident, django_capture_on_commit_callbacks
):
    with time_machine.travel(DAY0, tick=False):
        WishFactory(resident=resident, state=Wish.State.SUBMITTED)
        WishFactory(resident=resident, state=Wish.State.FULFILLED)
        with django_capture_on_commit_callbacks(execute=True):
            assert run_job("wishes.send_staff_digests") == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert run_job("wishes.send_staff_digests") == 0
    digest = Notification.objects.get(user=staff)
    assert "待审核：1 个" in digest.body and "待确认：1 个" in digest.body
    # The other community has nothing waiting: no digest.
    assert not Notification.objects.filter(user=other_staff).exists()
    assert len(mail.outbox) == 1
    with time_machine.travel(at(1), tick=False):
        assert run_job("wishes.send_staff_digests") == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_runs_through_a_real_worker_on_redis(resident):
    """In CI (REDIS_URL set) one task goes through a real Celery worker on the Redis broker."""
    redis_url = os.environ.get("REDIS_URL")
    under_ci = os.environ.get("CI") == "true"
    if not redis_url:
        if under_ci:
            pytest.fail("Under CI REDIS_URL must be set so a real worker runs a task.")
        pytest.skip("REDIS_URL is not set: no Redis broker to run a worker against.")
    from django.db import connection

    if connection.vendor == "sqlite":
        if under_ci:
            pytest.fail("Under CI the worker test must run on PostgreSQL (DATABASE_URL is SQLite).")
        pytest.skip("The worker thread cannot share the in-memory SQLite test database.")
    from celery.contrib.testing.worker import start_worker

    wish = WishFactory(
        resident=resident, deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    old = {k: app.conf.get(k) for k in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=redis_url)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            run_job_task.delay("wishes.expire_unclaimed_wishes")
            # No result backend is needed: the worker's effect is in the database.
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                wish.refresh_from_db()
                if wish.state == Wish.State.EXPIRED:
                    break
                time.sleep(0.2)
    finally:
        app.conf.update(**old)
    assert wish.state == Wish.State.EXPIRED
    assert WishTransition.objects.filter(wish=wish, to_state=Wish.State.EXPIRED).count() == 1
