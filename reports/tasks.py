"""Celery tasks of the reports app: thin wrappers that call the jobs and services.

The periodic ones are scheduled in settings.CELERY_BEAT_SCHEDULE under these exact names.
"""

from celery import shared_task
from django.utils import timezone


@shared_task
def prepare_due_drafts():
    from .reminders import prepare_due_drafts as job

    return job(today=timezone.localdate())


@shared_task
def send_member_reminders():
    from .reminders import send_member_reminders as job

    return job(today=timezone.localdate())


@shared_task
def send_review_digests():
    from .reminders import send_review_digests as job

    return job(today=timezone.localdate())


@shared_task
def send_overdue_summaries():
    from .reminders import send_overdue_summaries as job

    return job(today=timezone.localdate())
