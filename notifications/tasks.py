"""Email tasks: primary keys in, a service call inside. Enqueued after commit by the services."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int, template: str, language: str | None = None):
    from .services import notification_email  # services enqueue these tasks: a real cycle

    return notification_email(notification_id=notification_id, template=template, language=language)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(ids: list[int], template: str, language: str | None = None):
    from .services import notifications_email_bulk  # services enqueue these tasks: a real cycle

    return notifications_email_bulk(ids=ids, template=template, language=language)


# The bulk email task's name before it moved here from the reports app: emails queued before the
# upgrade still go out. To be removed one release after.
shared_task(
    name="reports.tasks.email_notifications",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)(send_notification_emails.run)
