"""The one Celery task of every periodic job: a job's name in, the job run inside."""

from celery import shared_task

from . import jobs


@shared_task(name="core.run_job", autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def run_job(name: str):
    return jobs.run_job(name)
