"""The periodic jobs of the orders app (`core.jobs`): the deadline sweep climbs the ladder by a
conditional UPDATE and a unique row per level, so a retried or overlapping run notifies nobody
twice; unanswered offers return to the dispatcher."""

import datetime

from django.utils import timezone

from . import services


def _now(today: datetime.date):
    """Run for another day by hand, a job acts as at this time of that day."""
    now = timezone.now()
    if today != timezone.localdate():
        now = timezone.make_aware(datetime.datetime.combine(today, timezone.localtime().time()))
    return now


def escalate_overdue_orders(*, today: datetime.date) -> int:
    return services.orders_escalate(now=_now(today))


def expire_unanswered_offers(*, today: datetime.date) -> int:
    return services.offers_expire(now=_now(today))


JOBS = {
    "escalate_overdue_orders": escalate_overdue_orders,
    "expire_unanswered_offers": expire_unanswered_offers,
}
