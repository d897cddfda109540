"""Notifying many users at once, for the reminder jobs.

`notifications.services.notification_send` notifies one user per call (a few queries each). A
reminder round reaches thousands of members, so this module does the same thing in batches: it
skips occasions already notified (the (user, key) pair is unique), inserts the new notifications
with one bulk INSERT, and emails them in chunks, each chunk claimed with one conditional UPDATE so
that a retried or overlapping job never emails twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from notifications.models import Notification
from notifications.services import notification_email_message, notification_render

EMAIL_CHUNK = 1000


@dataclass
class Message:
    user: object
    key: str
    context: dict = field(default_factory=dict)
    url: str = ""


def notify_bulk(*, messages: list[Message], template: str, existing: Q) -> list[int]:
    """Notify each message's user once for its key; returns the new notifications' ids.

    `existing` narrows the notifications that could clash (for example all of this job's keys),
    so that the check for occasions already notified is one query, whatever the number of users.
    """
    messages = [m for m in messages if m.user.is_active]
    if not messages:
        return []
    done = set(Notification.objects.filter(existing).values_list("user_id", "key"))
    fresh = [m for m in messages if (m.user.pk, m.key[:120]) not in done]
    if not fresh:
        return []
    rows = []
    language = translation.get_language()
    for m in fresh:
        subject, body = notification_render(
            template=template, context={"user": m.user, "url": m.url, **m.context}
        )
        rows.append(
            Notification(user=m.user, key=m.key[:120], subject=subject[:200], body=body, url=m.url)
        )
    # A simultaneous run may have inserted some of these: the unique (user, key) skips them.
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)
    ids = list(
        Notification.objects.filter(existing, emailed_at__isnull=True).values_list("pk", flat=True)
    )
    if ids:
        from .tasks import email_notifications

        for start in range(0, len(ids), EMAIL_CHUNK):
            chunk = ids[start : start + EMAIL_CHUNK]
            transaction.on_commit(
                lambda chunk=chunk: email_notifications.delay(chunk, template, language)
            )
    return ids


def notifications_email_bulk(*, ids: list[int], template: str, language: str | None) -> int:
    """Email the notifications `ids` not emailed yet, over one mail connection."""
    from django.conf import settings
    from django.core import mail

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
