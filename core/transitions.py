"""Moving an object from one state to another, so that of two simultaneous moves one wins.

    left = state_move(wish, from_states=[S.SUBMITTED], to=S.PUBLISHED, published_at=now)
    if left is None:
        raise WishError("not_submitted")

The row is locked (PostgreSQL; SQLite serializes write transactions anyway) and moved with one
conditional UPDATE from the states it may leave. The caller records the step in its transition
table (a subclass of `core.models.TransitionRecord`) within the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction

from .pagecache import public_pages_changed


def state_move(
    obj: models.Model, *, from_states: Iterable[str], to: str, field: str = "state", **fields
) -> str | None:
    """Move `obj` to `to` (and set `fields`) if it is in one of `from_states`: the state it
    left, and `obj` updated in memory. None if it was in none of them (somebody else moved it
    first), and `obj`'s state refreshed from the database."""
    from_states = list(from_states)
    manager = type(obj)._default_manager
    in_state = {"pk": obj.pk, f"{field}__in": from_states}
    with transaction.atomic():
        current = (
            manager.select_for_update().filter(**in_state).values_list(field, flat=True).first()
        )
        updated = manager.filter(**in_state).update(**{field: to}, **fields) if current else 0
    if not updated:
        obj.refresh_from_db(fields=[field])
        return None
    # A state is what the public pages show first (the wall, a wish, a community's members).
    public_pages_changed()
    setattr(obj, field, to)
    for name, value in fields.items():
        setattr(obj, name, value)
    return current
