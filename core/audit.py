"""Every view of personal data (residents' and members' names, phones, addresses, hardship,
agreements) is logged here, one line per page shown, on the logger `personal_data`:

    personal_data_viewed(user=request.user, what="member phones", ids=[3, 8])

Apps that also keep a queryable record (the wishes app's contact access log, shown to staff in
the admin) write it next to this call; the log line is the one trail every view leaves.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterable

log = logging.getLogger("personal_data")

# The views logged while a cached page is rendered (core.pagecache.user_page), to be logged
# again each time the page is served from the cache.
_recorded: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "personal_data_recorded", default=None
)


def personal_data_viewed(*, user, what: str, ids: Iterable[int], purpose: str = "") -> None:
    ids = sorted(set(ids))
    if not ids:
        return
    log.info(
        "user=%s viewed %s ids=%s%s",
        getattr(user, "pk", None),
        what,
        ids,
        f" purpose={purpose}" if purpose else "",
    )
    recorded = _recorded.get()
    if recorded is not None:
        recorded.append((what, ids, purpose))


@contextlib.contextmanager
def views_recorded():
    """The personal data views logged inside the block, as a list of (what, ids, purpose) for
    `views_again`: a page kept in a cache is shown again without being rendered again."""
    views: list = []
    token = _recorded.set(views)
    try:
        yield views
    finally:
        _recorded.reset(token)


def views_again(*, user, views) -> None:
    """Log the views a cached page recorded (views_recorded) once more: it is shown again."""
    for what, ids, purpose in views:
        personal_data_viewed(user=user, what=what, ids=ids, purpose=purpose)
