"""Notifying users: one in-site notification and one email per occasion, never two."""

from html import unescape

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification


def notification_render(*, template: str, context: dict) -> tuple[str, str]:
    """The subject (one line) and plain-text body of `template`, in the active language."""
    # Plain-text templates: undo the HTML escaping the template engine applied.
    subject = unescape(" ".join(render_to_string(f"{template}_subject.txt", context).split()))
    body = unescape(render_to_string(f"{template}.txt", context).strip())
    return subject, body


def notification_email_message(*, notification: Notification, template: str):
    """The email of a notification: its text with the link made absolute, and `<template>.html`
    (rendered in the active language)."""
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives

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


def notification_send(
    *, user, key: str, template: str, context: dict, url: str = "", language: str | None = None
) -> Notification | None:
    """Notify `user` once for the occasion `key`.

    `template` names three templates: `<template>_subject.txt`, `<template>.txt` and
    `<template>.html`. Returns the new notification, or None when this occasion was already
    notified (a retried job) or the user is inactive. The email goes out after commit.

    Written in the site's language unless `language` is given: the person whose action causes
    the notification may browse in another language than the one who receives it.
    """
    from django.conf import settings

    if not user.is_active:
        return None
    with translation.override(language or settings.LANGUAGE_CODE):
        subject, body = notification_render(
            template=template, context={"user": user, "url": url, **context}
        )
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, key=key[:120], subject=subject[:200], body=body, url=url
            )
    except IntegrityError:
        return None
    from .tasks import send_notification_email

    transaction.on_commit(
        lambda: send_notification_email.delay(notification.pk, template, language)
    )
    return notification


def notification_email(*, notification_id: int, template: str, language: str | None) -> bool:
    """Email a notification once: the row is claimed with a conditional UPDATE first."""
    from django.conf import settings

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


def notifications_mark_read(*, user, ids=None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
