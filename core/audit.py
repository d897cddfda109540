"""Every view of personal data (residents' and members' names, phones, addresses, hardship,
agreements) is logged here, one line per page shown, on the logger `personal_data`:

    personal_data_viewed(user=request.user, what="member phones", ids=[3, 8])

Apps that also keep a queryable record (the wishes app's contact access log, shown to staff in
the admin) write it next to this call; the log line is the one trail every view leaves.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

log = logging.getLogger("personal_data")


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
