"""`make bench` (reports): preparing half-year drafts and one reminder round, at 1,000 and 10,000
members. Prints the number of queries and the time of each job, and their ratios.

Each run creates its own organizations, communities, users, members, registrations and service
records with bulk_create inside a transaction that is rolled back at the end, so the database is
left as it was. Emails go to Django's in-memory backend.
"""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

SIZES = (1_000, 10_000)


class _Rollback(Exception):
    pass


def _populate(n: int) -> None:
    from django.utils import timezone

    from members.models import (
        Community,
        CommunityRegistration,
        District,
        Member,
        Organization,
        Subdistrict,
        User,
    )
    from records.models import ServiceRecord

    tag = f"bench{n}"
    district = District.objects.create(name=f"{tag}区")
    sub = Subdistrict.objects.create(district=district, name=f"{tag}街道")
    communities = Community.objects.bulk_create(
        [Community(subdistrict=sub, name=f"{tag}社区{i}") for i in range(max(1, n // 200))]
    )
    committee = Organization.objects.create(name=f"{tag}工委", kind=Organization.Kind.COMMITTEE)
    party = Organization.objects.create(
        name=f"{tag}机关党委", kind=Organization.Kind.PARTY_COMMITTEE, parent=committee
    )
    branches = [
        Organization.objects.create(
            name=f"{tag}第{i}支部", kind=Organization.Kind.BRANCH, parent=party
        )
        for i in range(max(1, n // 100))
    ]
    users = User.objects.bulk_create(
        [
            User(username=f"{tag}_{i}", email=f"{tag}_{i}@example.org", password="!")
            for i in range(n)
        ],
        batch_size=2000,
    )
    members = Member.objects.bulk_create(
        [
            Member(
                user=u,
                real_name=f"党员{i}",
                phone=f"139{i:08d}",
                branch=branches[i % len(branches)],
            )
            for i, u in enumerate(users)
        ],
        batch_size=2000,
    )
    since = timezone.make_aware(datetime.datetime(2025, 1, 1, 10))
    CommunityRegistration.objects.bulk_create(
        [
            CommunityRegistration(
                member=m,
                community=communities[i % len(communities)],
                state=CommunityRegistration.State.CONFIRMED,
                created_at=since,
                decided_at=since,
            )
            for i, m in enumerate(members)
        ],
        batch_size=2000,
    )
    ServiceRecord.objects.bulk_create(
        [
            ServiceRecord(
                member=m,
                community=communities[i % len(communities)],
                served_on=datetime.date(2026, 1 + i % 6, 1 + i % 28),
                hours=Decimal("2.0"),
                points=2,
                kind=ServiceRecord.Kind.WISH if i % 3 == 0 else ServiceRecord.Kind.OTHER,
                source=ServiceRecord.Source.STAFF,
                source_key=f"bench:{i}",
                title="入户走访",
            )
            for i, m in enumerate(members)
        ],
        batch_size=2000,
    )


def _measure(fn):
    """(result, queries, seconds) of fn(), with its after-commit work (the emails) included."""
    from django.db import connection
    from django.test import TestCase

    # Counted, not logged: a round of 10,000 emails runs more queries than Django's query log
    # keeps (9,000).
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        with TestCase.captureOnCommitCallbacks(execute=True):
            result = fn()
        seconds = time.perf_counter() - start
    return result, count, seconds


def run(n: int) -> dict:
    from django.core import mail
    from django.db import transaction
    from django.test import override_settings

    from core.periods import Period
    from reports.jobs import send_member_reminders
    from reports.services import member_reports_prepare

    period = Period(2026, 1)
    figures = {}
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", CELERY_TASK_ALWAYS_EAGER=True
    ):
        mail.outbox = []
        try:
            with transaction.atomic():
                _populate(n)
                created, q, s = _measure(lambda: member_reports_prepare(period=period))
                assert len(created) == n, (len(created), n)
                figures["prepare"] = (q, s, len(mail.outbox))
                mail.outbox = []
                due = period.due
                sent, q, s = _measure(
                    lambda: send_member_reminders(today=due - datetime.timedelta(days=7))
                )
                assert sent == n, (sent, n)
                figures["remind"] = (q, s, len(mail.outbox))
                raise _Rollback
        except _Rollback:
            pass
    return figures


def main() -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from config.celery_app import app

    app.conf.task_always_eager = True
    vendor = connection.vendor
    print(f"reports bench on {vendor} ({settings.DATABASES['default']['NAME']})")
    results = {n: run(n) for n in SIZES}
    small, large = SIZES
    for job, label in (("prepare", "prepare drafts"), ("remind", "reminder round")):
        qs, ss, es = results[small][job]
        ql, sl, el = results[large][job]
        print(
            f"  {label:15s} {small:>6,} members: {qs:4d} queries {ss:7.2f} s ({es:,} emails) | "
            f"{large:,} members: {ql:4d} queries {sl:7.2f} s ({el:,} emails) | "
            f"ratio ×{large // small}: queries {ql / qs:.2f}, time {sl / ss:.2f}"
        )


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")
    django.setup()
    main()
