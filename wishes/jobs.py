"""The periodic jobs of the wishes app (`core.jobs`): each calls a sweep in services, which
claims every row with a conditional UPDATE or a notification key, so a retry or an overlapping
run sends nothing twice."""

import datetime

from django.utils import timezone

from . import services


def remind_overdue_claims(*, today: datetime.date) -> int:
    return services.overdue_claims_remind(today=today)


def release_overdue_claims(*, today: datetime.date) -> int:
    # Run for another day by hand, the job acts as at this time of that day.
    now = timezone.now()
    if today != timezone.localdate():
        now = timezone.make_aware(datetime.datetime.combine(today, timezone.localtime().time()))
    return services.overdue_claims_release(now=now)


def expire_unclaimed_wishes(*, today: datetime.date) -> int:
    return services.unclaimed_wishes_expire(today=today)


def send_staff_digests(*, today: datetime.date) -> int:
    return services.staff_digests_send(today=today)


JOBS = {
    "remind_overdue_claims": remind_overdue_claims,
    "release_overdue_claims": release_overdue_claims,
    "expire_unclaimed_wishes": expire_unclaimed_wishes,
    "send_staff_digests": send_staff_digests,
}
