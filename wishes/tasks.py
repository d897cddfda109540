"""Periodic jobs of the wishes app (scheduled in settings.CELERY_BEAT_SCHEDULE). Thin: each
calls a sweep in services, which claims every row with a conditional UPDATE or a notification
key, so a retry or an overlapping run sends nothing twice."""

from celery import shared_task

from . import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def remind_overdue_claims():
    return services.overdue_claims_remind()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def release_overdue_claims():
    return services.overdue_claims_release()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def expire_unclaimed_wishes():
    return services.unclaimed_wishes_expire()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def send_staff_digests():
    return services.staff_digests_send()
