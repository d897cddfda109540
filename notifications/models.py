from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message to one user: shown in the site's notification list and sent by email.

    `key` names the occasion ("wish:12:overdue-reminder"); it is unique per user, so a retried
    or overlapping job that notifies for the same occasion creates nothing and sends nothing.
    """

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
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_occasion")
        ]
        indexes = [
            # The unread badge in the page header.
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            # The user's notification list, newest first.
            models.Index(fields=["user", "-created_at"], name="notification_list"),
        ]

    def __str__(self):
        return self.subject
