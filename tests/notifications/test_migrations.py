"""The upgrade gives every notification made before it an email state, and sends none twice."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from notifications.models import Notification
from tests import factories as f

BEFORE = [("notifications", "0001_initial")]
State = Notification.EmailState


def _migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_sends_no_email_again_and_waits_only_for_the_recent_unsent(sweep, mailoutbox):
    executor = _migrate(BEFORE)
    try:
        Old = executor.loader.project_state(BEFORE).apps.get_model("notifications", "Notification")
        now = timezone.now()
        rows = {}
        for name, email, active, emailed_at, age in [
            ("claimed", "a@example.org", True, now, 0),  # sent, or lost by its worker
            ("claimed without address", "", True, now, 0),
            ("queued", "c@example.org", True, None, 0),  # a task may still be queued
            ("given up", "d@example.org", True, None, 2),  # the former retries gave up
            ("inactive", "e@example.org", False, None, 0),
        ]:
            user = f.UserFactory(email=email, is_active=active, verified=False)
            row = Old.objects.create(user_id=user.pk, key=name, subject=name, body="b")
            Old.objects.filter(pk=row.pk).update(
                emailed_at=emailed_at, created_at=now - datetime.timedelta(hours=age)
            )
            rows[name] = row.pk
    finally:
        _migrate()
    got = {}
    for name, pk in rows.items():
        row = Notification.objects.get(pk=pk)
        got[name] = (row.email_state, row.email_attempts, row.emailed_at is None, row.email_error)
    assert got["claimed"] == (State.SENT, 1, False, "")
    assert got["claimed without address"] == (State.UNSENDABLE, 0, True, "no email address")
    assert got["queued"] == (State.PENDING, 0, True, "")
    assert got["given up"][:3] == (State.FAILED, 0, True)
    assert "not retried on upgrade" in got["given up"][3]
    assert got["inactive"] == (State.UNSENDABLE, 0, True, "the user is inactive")
    # The first sweep after the upgrade sends the one still waited for, and only it.
    assert sweep(timezone.now())["queued"] == 1
    assert [m.subject for m in mailoutbox] == ["queued"]
