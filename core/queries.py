"""Query helpers shared by the apps' selectors and filters."""

from __future__ import annotations

from django.db.models import Func, IntegerField
from django.db.models.lookups import In


class Unindexed(Func):
    """A column that SQLite must not look up through an index (SQLite's unary `+`), so that
    its planner keeps to the index that serves the ORDER BY. Other databases get the column."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra_context)


class IntegerFieldIn(In):
    """`__in` on an integer column, without the values the column cannot hold: they match no
    row, and SQLite refuses to bind them (OverflowError), so `99999999999999999999` sent as a
    choice of a form's ModelMultipleChoiceField answered 500. Django's other integer lookups
    already do this (IntegerFieldExact, IntegerGreaterThan and the rest); PostgreSQL compares
    such values as numerics. Registered for every IntegerField by CoreConfig.ready()."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register_lookups() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
