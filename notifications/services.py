"""Notifying users: one in-site notification and one email per occasion, never two.

    notify(user=u, key=occasion("wish", wish.pk, "completed"), template=..., context=..., url=...)
    notify_many([Message(user=u, key=occasion("report", pk, step), ...)], template=..., existing=q)

An occasion's key names what happened ("wish:12:completed"); it is unique per user, so a retried
or overlapping job notifies nobody twice. Keys are built by `occasion()` only, so that the
prefixes the jobs filter on (`occasion("report") + ":"`) cannot drift from the keys they match.
`notify` is for one user (a few queries); `notify_many` for thousands at once (a reminder round):
one query for the occasions already notified, one bulk insert, emails in chunks after commit.

Each email keeps its own state on its notification (see `Notification`): a task claims one email
at a time with a conditional UPDATE, sends it over the chunk's one SMTP connection and writes the
outcome at once, so that a worker that dies mid-round leaves every other email as it was (sent,
or waiting) and one error fails one email. What no task finishes, the sweep (`notifications.
sweep_emails`, every minute) takes up: emails whose back-off is over, or whose lease ran out.
Exactly once, with one exception no sender can close: a worker killed after the server accepted
an email and before the outcome was written sends it again after the lease; the email carries
the same Message-ID both times, so that the receiving side can tell.
"""

from __future__ import annotations

import contextlib
import datetime
import smtplib
import time
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.pagecache import user_pages_changed

from .models import Notification
from .tasks import send_notification_email, send_notification_emails

State = Notification.EmailState
KEY_LENGTH = Notification._meta.get_field("key").max_length
EMAIL_CHUNK = 1000
# The most emails one sweep hands out (in chunks of EMAIL_CHUNK); the next sweep goes on.
SWEEP_LIMIT = 50 * EMAIL_CHUNK
# Seconds one SMTP operation may take unless settings.EMAIL_TIMEOUT says: far inside the lease, so
# that an email still "sending" when its lease runs out is one whose worker has died.
SMTP_TIMEOUT = 60
# Seconds a task sends for before it leaves the rest of its chunk to the next sweep: well inside
# the task's time limit (settings.CELERY_TASK_TIME_LIMIT), which would kill it mid-email.
SEND_BUDGET = 5 * 60
ERROR_LENGTH = 1000


def occasion(*parts) -> str:
    """The key of an occasion: `occasion("wish", 12, "completed")` is "wish:12:completed"."""
    return ":".join(str(part) for part in parts)[:KEY_LENGTH]


def notification_render(*, template: str, context: dict) -> tuple[str, str]:
    """The subject (one line) and plain-text body of `template`, in the active language."""
    # Plain-text templates: undo the HTML escaping the template engine applied.
    subject = unescape(" ".join(render_to_string(f"{template}_subject.txt", context).split()))
    body = unescape(render_to_string(f"{template}.txt", context).strip())
    return subject, body


def notification_email_message(*, notification: Notification, template: str | None = None):
    """The email of a notification: its text with the link made absolute, and the HTML of its
    template (`<template>.html`; `template` only for a notification stored without one, made
    before the upgrade), rendered in the active language.

    Its Message-ID is the notification's, the same at every attempt."""
    template = notification.email_template or template
    url = notification.url
    if url.startswith("/"):
        url = settings.SITE_URL.rstrip("/") + url
    html = render_to_string(
        f"{template}.html" if template else "emails/base.html",
        {
            "user": notification.user,
            "notification": notification,
            "url": url,
            "body": notification.body,
        },
    )
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body + (f"\n\n{url}" if url else ""),
        to=[notification.user.email],
        headers={"Message-ID": f"<notification-{notification.pk}@{domain}>"},
    )
    message.attach_alternative(html, "text/html")
    return message


def _lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE)


def _max_attempts() -> int:
    return len(settings.NOTIFICATION_EMAIL_RETRY_DELAYS) + 1


def _retry_delay(attempt: int) -> datetime.timedelta:
    """The wait after failed attempt number `attempt` (1, 2, …)."""
    delays = settings.NOTIFICATION_EMAIL_RETRY_DELAYS or [settings.NOTIFICATION_EMAIL_LEASE]
    return datetime.timedelta(seconds=delays[min(attempt, len(delays)) - 1])


def _unsendable(user) -> str:
    """Why `user` cannot be emailed, or ""."""
    if not user.email:
        return "no email address"
    if not user.is_active:
        return "the user is inactive"
    return ""


def _email_fields(user, *, template: str, language: str, now) -> dict:
    """The email state of a new notification: waiting for the task enqueued after commit (the
    sweep gives it to another a lease later if that task is lost), or unsendable from the
    start."""
    fields = {"email_template": template, "email_language": language}
    reason = _unsendable(user)
    if reason:
        return {**fields, "email_state": State.UNSENDABLE, "email_error": reason}
    return {**fields, "email_state": State.PENDING, "email_next_at": now, "email_queued_at": now}


def _due(now) -> Q:
    """Waiting emails whose next attempt may be made now."""
    return Q(email_state=State.PENDING) & (
        Q(email_next_at__lte=now) | Q(email_next_at__isnull=True)
    )


UNREAD_SECONDS = 120


def _unread_key(user_id) -> str:
    return f"notifications:unread:{user_id}"


def notifications_unread_count(*, user) -> int:
    """The header badge: the user's unread notifications, counted once and kept in the cache
    until one of them changes (a new one, one read) or five minutes pass."""
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(user=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_SECONDS)
    return count


def _unread_changed(user_ids) -> None:
    """Drop the badge counts of these users. (At once, not after commit, so that a notification
    queues nothing but its email: a page of the same user counted in between keeps the old
    figure for UNREAD_SECONDS at most.)"""
    user_ids = set(user_ids)
    keys = [_unread_key(pk) for pk in user_ids]
    if keys:
        cache.delete_many(keys)
        # Their home shows the count and what the notifications are about.
        user_pages_changed(*user_ids)


def notify(
    *, user, key: str, template: str, context: dict, url: str = "", language: str | None = None
) -> Notification | None:
    """Notify `user` once for the occasion `key`.

    `template` names three templates: `<template>_subject.txt`, `<template>.txt` and
    `<template>.html`. Returns the new notification, or None when this occasion was already
    notified (a retried job) or the user is inactive. The email goes out after commit.

    Written in the site's language unless `language` is given: the person whose action causes
    the notification may browse in another language than the one who receives it.
    """
    if not user.is_active:
        return None
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject, body = notification_render(
            template=template, context={"user": user, "url": url, **context}
        )
    email = _email_fields(user, template=template, language=language, now=timezone.now())
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, key=key[:KEY_LENGTH], subject=subject[:200], body=body, url=url, **email
            )
    except IntegrityError:
        return None
    _unread_changed([user.pk])
    if notification.email_state == State.PENDING:
        transaction.on_commit(lambda: send_notification_email.delay(notification.pk))
    return notification


def notification_email(
    *, notification_id: int, template: str | None = None, language: str | None = None
) -> bool:
    """Email one notification if it still waits; True when the server accepted it."""
    sent = notifications_email_bulk(ids=[notification_id], template=template, language=language)
    return sent == 1


@dataclass
class Message:
    user: object
    key: str
    context: dict = field(default_factory=dict)
    url: str = ""


def notify_many(*, messages: list[Message], template: str, existing: Q) -> list[int]:
    """Notify each message's user once for its key; returns the new notifications' ids.

    `existing` narrows the notifications that could clash (for example all of this job's keys),
    so that the check for occasions already notified is one query, whatever the number of users.
    """
    messages = [m for m in messages if m.user.is_active]
    if not messages:
        return []
    done = set(Notification.objects.filter(existing).values_list("user_id", "key"))
    fresh = [m for m in messages if (m.user.pk, m.key[:KEY_LENGTH]) not in done]
    if not fresh:
        return []
    language = translation.get_language() or settings.LANGUAGE_CODE
    now = timezone.now()
    rows = []
    for m in fresh:
        subject, body = notification_render(
            template=template, context={"user": m.user, "url": m.url, **m.context}
        )
        rows.append(
            Notification(
                user=m.user,
                key=m.key[:KEY_LENGTH],
                subject=subject[:200],
                body=body,
                url=m.url,
                **_email_fields(m.user, template=template, language=language, now=now),
            )
        )
    # A simultaneous run may have inserted some of these: the unique (user, key) skips them.
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)
    _unread_changed(row.user_id for row in rows)
    # The rows this call inserted (or a simultaneous run, for the same occasions).
    wanted = {(row.user_id, row.key) for row in rows}
    made = [
        (pk, state)
        for pk, user_id, key, state in Notification.objects.filter(existing, created_at__gte=now)
        .order_by("pk")
        .values_list("pk", "user_id", "key", "email_state")
        if (user_id, key) in wanted
    ]
    waiting = [pk for pk, state in made if state == State.PENDING]
    for start in range(0, len(waiting), EMAIL_CHUNK):
        chunk = waiting[start : start + EMAIL_CHUNK]
        transaction.on_commit(lambda chunk=chunk: send_notification_emails.delay(chunk))
    return [pk for pk, _ in made]


class _Unreachable(Exception):
    """The mail server cannot be reached: the chunk stops before claiming another email."""


class _Connection:
    """The one SMTP connection of a chunk: opened before the first email is claimed, and again
    after an email that broke it."""

    def __init__(self):
        self.backend = None

    def open(self) -> None:
        if self.backend is not None:
            return
        backend = mail.get_connection(
            timeout=getattr(settings, "EMAIL_TIMEOUT", None) or SMTP_TIMEOUT
        )
        try:
            backend.open()
        except Exception as exc:
            raise _Unreachable(f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]) from exc
        self.backend = backend

    def send(self, message) -> None:
        try:
            self.backend.send_messages([message])
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError):
            raise  # the server answered for this one email; the connection serves the next
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        backend, self.backend = self.backend, None
        if backend is not None:
            # A broken connection may fail to say goodbye; the email's own error is what counts.
            with contextlib.suppress(Exception):
                backend.close()


def _refused_for_good(exc: Exception) -> bool:
    """A permanent refusal of this one email (5xx for its recipient or its content), which no
    retry changes. Anything else (4xx, a broken connection, an error here) is tried again."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500


def _email_one(notification: Notification, connection: _Connection, *, template, language) -> bool:
    """Claim, send and record one email; True when the server accepted it. Raises _Unreachable
    (before claiming it) when the server cannot be reached."""
    reason = _unsendable(notification.user)
    if reason:
        Notification.objects.filter(pk=notification.pk, email_state=State.PENDING).update(
            email_state=State.UNSENDABLE, email_next_at=None, email_error=reason
        )
        return False
    connection.open()
    # The claim: of two workers given this email, one moves it to "sending". The attempt number
    # is the claim's token: only this attempt's outcome is written.
    attempt = notification.email_attempts + 1
    now = timezone.now()
    claimed = Notification.objects.filter(
        _due(now), pk=notification.pk, email_attempts=attempt - 1
    ).update(email_state=State.SENDING, email_attempts=attempt, email_next_at=now + _lease())
    if not claimed:
        return False
    this_attempt = Notification.objects.filter(pk=notification.pk, email_attempts=attempt)
    try:
        with translation.override(
            notification.email_language or language or settings.LANGUAGE_CODE
        ):
            message = notification_email_message(notification=notification, template=template)
        connection.send(message)
    except SoftTimeLimitExceeded:
        raise  # the task is out of time: the email stays "sending" until its lease runs out
    except Exception as exc:  # every failure here is this email's, recorded on it
        if _refused_for_good(exc) or attempt >= _max_attempts():
            outcome = {"email_state": State.FAILED, "email_next_at": None}
        else:
            outcome = {
                "email_state": State.PENDING,
                "email_next_at": timezone.now() + _retry_delay(attempt),
                "email_queued_at": None,  # the sweep gives it to a task when the wait is over
            }
        this_attempt.filter(email_state=State.SENDING).update(
            **outcome, email_error=f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]
        )
        return False
    # Sent, even if the sweep has meanwhile given the lease up (no other attempt has begun).
    this_attempt.update(email_state=State.SENT, emailed_at=timezone.now(), email_next_at=None)
    return True


def notifications_email_bulk(
    *, ids: list[int], template: str | None = None, language: str | None = None
) -> int:
    """Email those of the notifications `ids` that still wait, one at a time over one mail
    connection, each outcome committed as it comes; returns how many the server accepted.

    Run outside a transaction (a task is): each claim and each outcome must be seen at once by
    the other workers and the sweep. `template` and `language` serve only notifications stored
    without theirs (queued before the upgrade)."""
    waiting = list(
        Notification.objects.filter(_due(timezone.now()), pk__in=ids)
        .select_related("user")
        .order_by("pk")
    )
    sent = 0
    connection = _Connection()
    stop_at = time.monotonic() + SEND_BUDGET
    try:
        for done, notification in enumerate(waiting):
            if time.monotonic() > stop_at:
                # A slow server: the next sweep gives the rest to a new task at once.
                rest = [n.pk for n in waiting[done:]]
                Notification.objects.filter(pk__in=rest, email_state=State.PENDING).update(
                    email_queued_at=None
                )
                break
            try:
                sent += _email_one(notification, connection, template=template, language=language)
            except _Unreachable as exc:
                # No attempt is counted: an outage delays the emails, it fails none of them.
                rest = [n.pk for n in waiting[done:]]
                Notification.objects.filter(pk__in=rest, email_state=State.PENDING).update(
                    email_error=str(exc),
                    email_next_at=timezone.now() + _retry_delay(1),
                    email_queued_at=None,
                )
                break
    finally:
        connection.close()
    return sent


def notifications_email_sweep(*, now: datetime.datetime | None = None) -> dict:
    """Take up the emails no task is sending: those whose lease ran out (their worker died)
    wait again, or fail when no attempt is left; those that may be tried now and that no task
    was given within a lease (a back-off over, a task lost) go to new tasks after commit.

    Safe to overlap: a sweep locks what it hands out, skipping rows another sweep holds, and
    notes when; the claim of each email decides who sends it anyway."""
    now = now or timezone.now()
    lapsed = Notification.objects.filter(email_state=State.SENDING, email_next_at__lte=now)
    reason = "no outcome within the lease: the worker sending it stopped"
    failed = lapsed.filter(email_attempts__gte=_max_attempts()).update(
        email_state=State.FAILED, email_next_at=None, email_error=reason
    )
    released = lapsed.update(
        email_state=State.PENDING, email_next_at=now, email_queued_at=None, email_error=reason
    )
    due = Notification.objects.filter(
        _due(now), Q(email_queued_at__isnull=True) | Q(email_queued_at__lte=now - _lease())
    )
    with transaction.atomic():
        ids = list(
            due.select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:SWEEP_LIMIT]
        )
        for start in range(0, len(ids), EMAIL_CHUNK):
            chunk = ids[start : start + EMAIL_CHUNK]
            Notification.objects.filter(pk__in=chunk).update(email_queued_at=now)
            transaction.on_commit(lambda chunk=chunk: send_notification_emails.delay(chunk))
    return {"released": released, "failed": failed, "queued": len(ids)}


def notifications_mark_read(*, user, ids=None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    marked = qs.update(read_at=timezone.now())
    _unread_changed([user.pk])
    return marked
