from celery import shared_task

from .services import notification_email


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int, template: str, language: str | None = None):
    return notification_email(notification_id=notification_id, template=template, language=language)
