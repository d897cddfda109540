"""Query helpers shared by the apps' selectors and filters."""

from __future__ import annotations

from django.db.models import Func


class Unindexed(Func):
    """A column that SQLite must not look up through an index (SQLite's unary `+`), so that
    its planner keeps to the index that serves the ORDER BY. Other databases get the column."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra_context)
