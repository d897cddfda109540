"""The one Celery task of every periodic job: a job's name in, the job run inside."""

from celery import shared_task

from . import jobs


@shared_task(name="core.run_job", autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def run_job(name: str):
    return jobs.run_job(name)


# The periodic tasks' names before core.run_job. A worker of this release still runs what an older
# beat schedule, or a queue filled before the upgrade, sends under them (sync_schedules moves the
# stored schedules onto core.run_job). To be removed one release after.
FORMER_TASKS = {
    "wishes.tasks.remind_overdue_claims": "wishes.remind_overdue_claims",
    "wishes.tasks.release_overdue_claims": "wishes.release_overdue_claims",
    "wishes.tasks.expire_unclaimed_wishes": "wishes.expire_unclaimed_wishes",
    "wishes.tasks.send_staff_digests": "wishes.send_staff_digests",
    "reports.tasks.prepare_due_drafts": "reports.prepare_due_drafts",
    "reports.tasks.send_member_reminders": "reports.send_member_reminders",
    "reports.tasks.send_review_digests": "reports.send_review_digests",
    "reports.tasks.send_overdue_summaries": "reports.send_overdue_summaries",
}


def _former(job: str):
    def run_former():
        return jobs.run_job(job)

    return run_former


for _name, _job in FORMER_TASKS.items():
    shared_task(name=_name, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)(
        _former(_job)
    )
