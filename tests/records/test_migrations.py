"""The ledger's move from reports to records keeps the admin history attached."""

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection

move = importlib.import_module("records.migrations.0001_initial")._move_content_types
EDITOR = SimpleNamespace(connection=connection)


def test_the_old_content_type_is_renamed_when_the_new_one_does_not_exist_yet(db):
    ContentType.objects.filter(app_label="records", model="pointrule").delete()
    old = ContentType.objects.create(app_label="reports", model="pointrule")
    move(apps, EDITOR, "reports", "records")
    old.refresh_from_db()
    assert old.app_label == "records"


def test_where_both_exist_the_admin_history_follows_the_new_one(db, superuser):
    new = ContentType.objects.get(app_label="records", model="pointrule")
    old = ContentType.objects.create(app_label="reports", model="pointrule")
    entry = LogEntry.objects.create(
        user=superuser, content_type=old, object_id="1", object_repr="rule", action_flag=ADDITION
    )
    move(apps, EDITOR, "reports", "records")
    entry.refresh_from_db()
    assert entry.content_type == new
    assert not ContentType.objects.filter(app_label="reports", model="pointrule").exists()
