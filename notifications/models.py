from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Notification(models.Model):
    """A message to one user: shown in the site's notification list and sent by email.

    `key` names the occasion ("wish:12:overdue-reminder"); it is unique per user, so a retried
    or overlapping job that notifies for the same occasion creates nothing and sends nothing.

    Its email has a state of its own, moved by notifications.services only:

        pending -> sending     claimed by one worker (a conditional UPDATE); an attempt counted
        sending -> sent        the SMTP server accepted this one message (at `emailed_at`)
        sending -> pending     refused or broken, attempts left: again from `email_next_at`
        sending -> failed      refused for good, or no attempt left (`email_error` says why)
        sending -> pending     its lease ran out (its worker died): the sweep's doing
        pending -> unsendable  no address, or the user is inactive: never sent

    `email_next_at`: while pending, the earliest time of the next attempt (after a failure, the
    end of the back-off); while sending, when the lease runs out. `email_queued_at`: when a task
    was last given the email; the sweep gives it to another only a lease later.
    """

    class EmailState(models.TextChoices):
        PENDING = "pending", pgettext_lazy("email state", "waiting to be sent")
        SENDING = "sending", pgettext_lazy("email state", "being sent")
        SENT = "sent", pgettext_lazy("email state", "sent")
        FAILED = "failed", pgettext_lazy("email state", "failed")
        UNSENDABLE = "unsendable", pgettext_lazy("email state", "not emailed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    key = models.CharField(_("occasion key"), max_length=120)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # When the SMTP server accepted the email (set with the state "sent", and only then).
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    email_state = models.CharField(
        _("email state"), max_length=10, choices=EmailState, default=EmailState.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(_("email attempts"), default=0)
    email_error = models.TextField(_("last email failure"), blank=True)
    email_next_at = models.DateTimeField(_("next email attempt"), null=True, blank=True)
    email_queued_at = models.DateTimeField(_("email queued at"), null=True, blank=True)
    # What the email is rendered with, so that a retry or the sweep can send it again.
    email_template = models.CharField(_("email template"), max_length=100, blank=True)
    email_language = models.CharField(_("email language"), max_length=15, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_occasion"),
            # "Sent" means the server accepted it, and then only: emailed_at is when.
            models.CheckConstraint(
                condition=Q(email_state="sent", emailed_at__isnull=False)
                | (~Q(email_state="sent") & Q(emailed_at__isnull=True)),
                name="notification_sent_when_emailed",
            ),
        ]
        indexes = [
            # The unread badge in the page header.
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            # The user's notification list, newest first.
            models.Index(fields=["user", "-created_at", "-id"], name="notification_list"),
            # The sweep: emails waiting past their time and leases run out.
            models.Index(
                fields=["email_next_at"],
                condition=Q(email_state__in=["pending", "sending"]),
                name="notification_email_due",
            ),
        ]

    def __str__(self):
        return self.subject
