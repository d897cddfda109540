"""Notifying users: one in-site notification and one email per occasion, never two.

    notify(user=u, key=occasion("wish", wish.pk, "completed"), template=..., context=..., url=...)
    notify_many([Message(user=u, key=occasion("report", pk, step), ...)], template=..., existing=q)

An occasion's key names what happened ("wish:12:completed"); it is unique per user, so a retried
or overlapping job notifies nobody twice. Keys are built by `occasion()` only, so that the
prefixes the jobs filter on (`occasion("report") + ":"`) cannot drift from the keys they match.
`notify` is for one user (a few queries); `notify_many` for thousands at once (a reminder round):
one query for the occasions already notified, one bulk insert, emails in chunks after commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import unescape

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification
from .tasks import send_notification_email, send_notification_emails

KEY_LENGTH = Notification._meta.get_field("key").max_length
EMAIL_CHUNK = 1000


def occasion(*parts) -> str:
    """The key of an occasion: `occasion("wish", 12, "completed")` is "wish:12:completed"."""
    return ":".join(str(part) for part in parts)[:KEY_LENGTH]


def notification_render(*, template: str, context: dict) -> tuple[str, str]:
    """The subject (one line) and plain-text body of `template`, in the active language."""
    # Plain-text templates: undo the HTML escaping the template engine applied.
    subject = unescape(" ".join(render_to_string(f"{template}_subject.txt", context).split()))
    body = unescape(render_to_string(f"{template}.txt", context).strip())
    return subject, body


def notification_email_message(*, notification: Notification, template: str):
    """The email of a notification: its text with the link made absolute, and `<template>.html`
    (rendered in the active language)."""
    url = notification.url
    if url.startswith("/"):
        url = settings.SITE_URL.rstrip("/") + url
    html = render_to_string(
        f"{template}.html",
        {
            "user": notification.user,
            "notification": notification,
            "url": url,
            "body": notification.body,
        },
    )
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body + (f"\n\n{url}" if url else ""),
        to=[notification.user.email],
    )
    message.attach_alternative(html, "text/html")
    return message


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
    with translation.override(language or settings.LANGUAGE_CODE):
        subject, body = notification_render(
            template=template, context={"user": user, "url": url, **context}
        )
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, key=key[:KEY_LENGTH], subject=subject[:200], body=body, url=url
            )
    except IntegrityError:
        return None
    transaction.on_commit(
        lambda: send_notification_email.delay(notification.pk, template, language)
    )
    return notification


def notification_email(*, notification_id: int, template: str, language: str | None) -> bool:
    """Email a notification once: the row is claimed with a conditional UPDATE first."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    if not notification.user.email:
        return False
    with translation.override(language or settings.LANGUAGE_CODE):
        message = notification_email_message(notification=notification, template=template)
    try:
        message.send()
    except Exception:
        # Give the claim back so that the task's retry sends it.
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True


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
    rows = []
    language = translation.get_language()
    for m in fresh:
        subject, body = notification_render(
            template=template, context={"user": m.user, "url": m.url, **m.context}
        )
        rows.append(
            Notification(
                user=m.user, key=m.key[:KEY_LENGTH], subject=subject[:200], body=body, url=m.url
            )
        )
    # A simultaneous run may have inserted some of these: the unique (user, key) skips them.
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)
    ids = list(
        Notification.objects.filter(existing, emailed_at__isnull=True).values_list("pk", flat=True)
    )
    if ids:
        for start in range(0, len(ids), EMAIL_CHUNK):
            chunk = ids[start : start + EMAIL_CHUNK]
            transaction.on_commit(
                lambda chunk=chunk: send_notification_emails.delay(chunk, template, language)
            )
    return ids


def notifications_email_bulk(*, ids: list[int], template: str, language: str | None) -> int:
    """Email the notifications `ids` not emailed yet, over one mail connection."""
    claim = timezone.now()
    Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=claim)
    claimed = list(Notification.objects.filter(pk__in=ids, emailed_at=claim).select_related("user"))
    with translation.override(language or settings.LANGUAGE_CODE):
        messages = [
            notification_email_message(notification=n, template=template)
            for n in claimed
            if n.user.email
        ]
    if not messages:
        return 0
    try:
        with mail.get_connection() as connection:
            return connection.send_messages(messages) or 0
    except Exception:
        # Give the claim back so that the task's retry sends them.
        Notification.objects.filter(pk__in=[n.pk for n in claimed], emailed_at=claim).update(
            emailed_at=None
        )
        raise


def notifications_mark_read(*, user, ids=None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
