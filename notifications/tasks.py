"""Email tasks: primary keys in, a service call inside. Enqueued after commit by the services.

They raise nothing for a failed email: each email's outcome is written on its notification, and
what a task leaves undone (its worker died, a back-off) is taken up by the sweep job
(notifications.jobs). `template` and `language` are read from the notification; the arguments
remain for tasks queued before the upgrade.
"""

from celery import shared_task


@shared_task
def send_notification_email(
    notification_id: int, template: str | None = None, language: str | None = None
):
    from .services import notification_email  # services enqueue these tasks: a real cycle

    return notification_email(notification_id=notification_id, template=template, language=language)


@shared_task
def send_notification_emails(
    ids: list[int], template: str | None = None, language: str | None = None
):
    from .services import notifications_email_bulk  # services enqueue these tasks: a real cycle

    return notifications_email_bulk(ids=ids, template=template, language=language)


# The bulk email task's name before it moved here from the reports app: emails queued before the
# upgrade still go out. To be removed one release after.
shared_task(name="reports.tasks.email_notifications")(send_notification_emails.run)
