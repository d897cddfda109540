"""Each email's own state: sent once the server accepted it, one failure fails one email, a lost
worker's email is taken up by the sweep, retries back off and end, nothing is sent twice."""

import datetime
import os
import smtplib
import threading
from collections import Counter
from types import SimpleNamespace

import pytest
import time_machine
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notification_email, notifications_email_bulk, notify
from notifications.tasks import send_notification_emails
from tests import factories as f

from .conftest import CONTEXT, TEMPLATE

pytestmark = pytest.mark.django_db
State = Notification.EmailState
SECOND = datetime.timedelta(seconds=1)


class WorkerDied(BaseException):
    """The worker process goes away in the middle of an SMTP exchange (SIGKILL, out of memory):
    nothing after that line runs, not even an `except Exception`."""


def _sent():
    return Counter(m.to[0] for m in mail.outbox)


def _row(user):
    return Notification.objects.get(user=user)


def test_a_failure_mid_chunk_sends_the_others_once_and_retries_only_the_failed_one(
    smtp, round_of, sweep
):
    users = f.UserFactory.create_batch(5)
    refused = users[2]
    smtp.failures[refused.email] = [smtplib.SMTPDataError(451, b"4.3.0 Try again later")]
    round_of(users)
    assert smtp.opened == 1  # one connection for the chunk, kept after the server's refusal
    assert _sent() == Counter(u.email for u in users if u != refused)
    failed = _row(refused)
    assert (failed.email_state, failed.email_attempts) == (State.PENDING, 1)
    assert failed.emailed_at is None
    assert failed.email_error == "SMTPDataError: (451, b'4.3.0 Try again later')"
    assert {_row(u).email_state for u in users if u != refused} == {State.SENT}
    # The back-off (60 s after the first failure): the sweep leaves it until then.
    assert sweep(failed.email_next_at - SECOND)["queued"] == 0
    assert sweep(failed.email_next_at)["queued"] == 1
    assert _sent() == Counter(u.email for u in users)  # each exactly once
    assert [_row(u).email_attempts for u in users] == [1, 1, 2, 1, 1]
    assert {_row(u).email_state for u in users} == {State.SENT}


def test_a_connection_broken_mid_chunk_is_opened_again_for_the_next_email(smtp, round_of, sweep):
    users = f.UserFactory.create_batch(3)
    smtp.failures[users[1].email] = [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    ]
    round_of(users)
    assert smtp.opened == 2
    assert _sent() == Counter([users[0].email, users[2].email])
    broken = _row(users[1])
    assert (broken.email_state, broken.email_attempts) == (State.PENDING, 1)
    assert broken.email_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    sweep(broken.email_next_at)
    assert _sent() == Counter(u.email for u in users)


def test_an_email_left_sending_past_its_lease_is_sent_by_the_sweep_exactly_once(
    smtp, round_of, sweep, settings
):
    user = f.UserFactory()
    ids = round_of([user], send=False)
    smtp.failures[user.email] = [WorkerDied()]
    with pytest.raises(WorkerDied):
        notifications_email_bulk(ids=ids)
    left = _row(user)
    assert (left.email_state, left.email_attempts) == (State.SENDING, 1)
    assert notifications_email_bulk(ids=ids) == 0  # another worker given it: it is claimed
    lease_end = left.email_next_at
    assert lease_end - timezone.now() <= datetime.timedelta(
        seconds=settings.NOTIFICATION_EMAIL_LEASE
    )
    assert sweep(lease_end - SECOND) == {"released": 0, "failed": 0, "queued": 0}
    assert sweep(lease_end) == {"released": 1, "failed": 0, "queued": 1}
    assert _sent() == {user.email: 1}
    sent = _row(user)
    assert (sent.email_state, sent.email_attempts) == (State.SENT, 2)
    assert sweep(lease_end + datetime.timedelta(days=1))["queued"] == 0
    assert notifications_email_bulk(ids=ids) == 0
    assert _sent() == {user.email: 1}


def test_an_email_that_keeps_failing_ends_failed_with_its_reason_after_its_attempts(
    smtp, round_of, sweep, settings
):
    settings.NOTIFICATION_EMAIL_RETRY_DELAYS = [60, 300]  # three attempts
    user = f.UserFactory()
    smtp.failures[user.email] = [smtplib.SMTPDataError(451, b"4.7.1 Greylisted")] * 10
    round_of([user])
    first = _row(user)
    assert (first.email_state, first.email_attempts) == (State.PENDING, 1)
    assert sweep(first.email_next_at)["queued"] == 1
    second = _row(user)
    assert (second.email_state, second.email_attempts) == (State.PENDING, 2)
    assert second.email_next_at == first.email_next_at + datetime.timedelta(seconds=300)
    assert sweep(second.email_next_at)["queued"] == 1
    last = _row(user)
    assert (last.email_state, last.email_attempts, last.email_next_at) == (State.FAILED, 3, None)
    assert last.email_error == "SMTPDataError: (451, b'4.7.1 Greylisted')"
    assert sweep(second.email_next_at + datetime.timedelta(days=1))["queued"] == 0
    assert notifications_email_bulk(ids=[last.pk]) == 0
    assert len(smtp.attempted) == 3 and mail.outbox == []


def test_a_recipient_refused_for_good_fails_at_once_and_the_chunk_goes_on(smtp, round_of, sweep):
    gone, fine = f.UserFactory.create_batch(2)
    smtp.failures[gone.email] = [
        smtplib.SMTPRecipientsRefused({gone.email: (550, b"5.1.1 No such user")})
    ]
    round_of([gone, fine])
    refused = _row(gone)
    assert (refused.email_state, refused.email_attempts) == (State.FAILED, 1)
    assert "550" in refused.email_error and "No such user" in refused.email_error
    assert _sent() == {fine.email: 1}
    assert sweep(timezone.now() + datetime.timedelta(days=1))["queued"] == 0


def test_a_sent_email_is_never_sent_again(smtp, round_of, sweep):
    users = f.UserFactory.create_batch(2)
    ids = round_of(users)
    assert _sent() == Counter(u.email for u in users)
    assert notifications_email_bulk(ids=ids) == 0
    assert notification_email(notification_id=ids[0]) is False
    send_notification_emails.delay(ids, TEMPLATE, None)  # a task queued before the upgrade
    assert sweep(timezone.now() + datetime.timedelta(days=30))["queued"] == 0
    assert round_of(users) == []  # the job run again: this occasion is notified already
    assert _sent() == Counter(u.email for u in users)
    for user in users:
        row = _row(user)
        assert (row.email_state, row.email_attempts) == (State.SENT, 1) and row.emailed_at


def test_notifications_that_cannot_be_emailed_are_marked_so_and_never_sent(smtp, round_of, sweep):
    no_address = f.UserFactory(email="")
    leaving = f.UserFactory()
    ids = round_of([no_address, leaving], send=False)
    assert len(ids) == 2  # both are notified in the site
    row = _row(no_address)
    assert (row.email_state, row.email_error) == (State.UNSENDABLE, "no email address")
    assert _row(leaving).email_state == State.PENDING
    leaving.is_active = False
    leaving.save()
    assert notifications_email_bulk(ids=ids) == 0
    row = _row(leaving)
    assert (row.email_state, row.email_error) == (State.UNSENDABLE, "the user is inactive")
    assert row.email_attempts == 0
    assert sweep(timezone.now() + datetime.timedelta(days=1))["queued"] == 0
    assert smtp.attempted == [] and mail.outbox == []


def test_notify_many_counts_and_emails_only_the_notifications_it_made(smtp, round_of):
    first, second = f.UserFactory.create_batch(2)
    with time_machine.travel(timezone.now(), tick=False):  # both rounds in the same instant
        assert len(round_of([first])) == 1
        assert len(round_of([first, second])) == 1
    assert _sent() == Counter([first.email, second.email])


def test_notify_for_a_user_without_an_address_queues_no_email(
    smtp, django_capture_on_commit_callbacks
):
    user = f.UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        n = notify(user=user, key="k", template=TEMPLATE, context=CONTEXT)
    assert n.email_state == State.UNSENDABLE
    assert _sent() == Counter()


def test_an_unreachable_server_delays_the_round_and_fails_no_email(smtp, round_of, sweep):
    users = f.UserFactory.create_batch(3)
    smtp.unreachable = True
    round_of(users)
    rows = [_row(u) for u in users]
    assert {(r.email_state, r.email_attempts) for r in rows} == {(State.PENDING, 0)}
    assert rows[0].email_error == "ConnectionRefusedError: [Errno 111] Connection refused"
    smtp.unreachable = False
    assert sweep(rows[0].email_next_at)["queued"] == 3
    assert _sent() == Counter(u.email for u in users)


def test_a_task_out_of_time_leaves_the_rest_of_its_chunk_to_the_next_sweep(
    smtp, round_of, sweep, monkeypatch
):
    users = f.UserFactory.create_batch(4)
    clock = iter([0, 0, 0] + [10_000] * 10)  # the budget's start, then two emails in time
    monkeypatch.setattr(
        "notifications.services.time", SimpleNamespace(monotonic=lambda: next(clock))
    )
    round_of(users)
    assert _sent() == Counter(u.email for u in users[:2])
    rest = Notification.objects.filter(user__in=users[2:])
    assert set(rest.values_list("email_state", "email_attempts", "email_queued_at")) == {
        (State.PENDING, 0, None)
    }
    monkeypatch.undo()
    assert sweep(timezone.now())["queued"] == 2
    assert _sent() == Counter(u.email for u in users)


def test_a_task_out_of_time_mid_email_leaves_it_to_the_lease(smtp, round_of, sweep):
    user = f.UserFactory()
    smtp.failures[user.email] = [SoftTimeLimitExceeded()]
    with pytest.raises(SoftTimeLimitExceeded):
        round_of([user])
    row = _row(user)
    assert (row.email_state, row.email_attempts) == (State.SENDING, 1)
    assert sweep(row.email_next_at)["queued"] == 1
    assert _sent() == {user.email: 1}


def test_an_email_keeps_its_message_id_from_one_attempt_to_the_next(smtp, round_of, sweep):
    user = f.UserFactory()
    smtp.failures[user.email] = [smtplib.SMTPDataError(451, b"4.3.0 Try again later")]
    round_of([user])
    sweep(_row(user).email_next_at)
    ids = [m.extra_headers["Message-ID"] for m in smtp.attempted]
    assert ids == [f"<notification-{_row(user).pk}@127.0.0.1>"] * 2
    assert mail.outbox[0].message()["Message-ID"] == ids[0]


def test_a_notification_stored_before_the_upgrade_is_sent_once_by_its_queued_task(smtp):
    user = f.UserFactory()
    # A row as the upgrade leaves a recent unsent one: no template of its own, due now.
    old = Notification.objects.create(
        user=user, key="old", subject="旧消息", body="正文", email_next_at=timezone.now()
    )
    task = send_notification_emails
    assert task.delay([old.pk], "wishes/email/claim_overdue", "zh-hans").get() == 1
    assert task.delay([old.pk], "wishes/email/claim_overdue", "zh-hans").get() == 0
    (sent,) = mail.outbox
    assert sent.subject == "旧消息" and "正文" in sent.alternatives[0][0]
    old.refresh_from_db()
    assert old.email_state == State.SENT


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_given_the_same_round_send_each_email_once(smtp, round_of, monkeypatch):
    if connection.vendor == "sqlite":
        if os.environ.get("CI") == "true":
            pytest.fail("Under CI the sending race must run on PostgreSQL, not SQLite.")
        pytest.skip("The in-memory SQLite test database cannot be written from several threads.")
    users = f.UserFactory.create_batch(60, verified=False)
    # No transaction to hold the round's own task back: it is not sent, three workers race.
    monkeypatch.setattr(send_notification_emails, "delay", lambda *args: None)
    ids = round_of(users)
    barrier = threading.Barrier(3)
    sent = []

    def worker():
        try:
            barrier.wait(timeout=10)
            sent.append(notifications_email_bulk(ids=ids))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sum(sent) == 60
    assert _sent() == Counter(u.email for u in users)
    assert set(Notification.objects.values_list("email_state", "email_attempts")) == {
        (State.SENT, 1)
    }


def test_the_admin_lists_and_filters_the_email_state(login, superuser):
    for key, state in (("a", State.FAILED), ("b", State.PENDING)):
        Notification.objects.create(
            user=superuser, key=key, subject=key, body="b", email_state=state, email_attempts=5
        )
    url = "/admin/notifications/notification/"
    response = login(superuser).get(url, {"email_state__exact": "failed"})
    assert [n.subject for n in response.context["cl"].result_list] == ["a"]
    content = response.content.decode()
    assert "邮件状态" in content and "发送失败" in content and "邮件发送次数" in content
