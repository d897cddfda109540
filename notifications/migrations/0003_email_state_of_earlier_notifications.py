"""The email state of the notifications made before each email had one.

The former sender set `emailed_at` when it claimed a chunk, before sending: a row with it may
have been sent or lost with its worker, and nothing tells which. Such rows are "sent", so that
the upgrade sends nothing twice (the lost ones stay lost, as before). A row without it is either
still waited for by a task queued before the upgrade (its retries ran for about a minute) or
given up, possibly after it went out with a chunk that failed later: only a recent one waits
again; an older one is "failed" with that reason, and is not sent. Rows whose user has no
address, or (not sent yet) is inactive, are "unsendable"; `emailed_at` then goes, as it never
meant sent for them.

A separate migration from 0002 and 0004: on PostgreSQL, updating rows and altering their table
in one transaction can fail on the pending foreign key checks.
"""

import datetime

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

# Rows younger than this still have a task of the former sender queued, or retrying.
STILL_QUEUED = datetime.timedelta(hours=1)


def set_email_states(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    now = timezone.now()
    rows = Notification.objects.all()
    no_address = Q(user__email="") | Q(user__email__isnull=True)
    rows.filter(no_address).update(
        email_state="unsendable", emailed_at=None, email_next_at=None, email_error="no email address"
    )
    rows = rows.exclude(email_state="unsendable")
    rows.filter(emailed_at__isnull=False).update(
        email_state="sent", email_attempts=1, email_next_at=None
    )
    unsent = rows.filter(emailed_at__isnull=True)
    unsent.filter(user__is_active=False).update(
        email_state="unsendable", email_next_at=None, email_error="the user is inactive"
    )
    unsent = unsent.exclude(email_state="unsendable")
    unsent.filter(created_at__lt=now - STILL_QUEUED).update(
        email_state="failed",
        email_next_at=None,
        email_error="not sent by the former sender, which had given it up; not retried on upgrade",
    )
    # The rest wait: a task queued before the upgrade, or else the sweep, sends each once.
    unsent.exclude(email_state="failed").update(email_state="pending", email_next_at=now)


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_email_state"),
    ]

    operations = [migrations.RunPython(set_email_states, migrations.RunPython.noop)]
