"""A small fixed-window rate limiter on the Django cache (shared by every web process when the
cache is Redis). Clients are told apart by `core.http.client_ip`."""

from __future__ import annotations

import time

from django.core.cache import cache

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "5/h" -> (5, 3600); "10/15m" -> (10, 900)."""
    count, _, period = rate.partition("/")
    period = period.strip() or "h"
    unit = period[-1]
    multiplier = int(period[:-1]) if period[:-1] else 1
    return int(count), multiplier * UNITS[unit]


def _key(scope: str, client: str, window: int) -> str:
    return f"ratelimit:{scope}:{client}:{int(time.time() // window)}"


def rate_limit_count(*, scope: str, client: str, rate: str) -> int:
    """Count one use by `client` in the current window; return the uses so far."""
    _limit, window = parse_rate(rate)
    key = _key(scope, client, window)
    cache.add(key, 0, timeout=window + 5)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        return 1


def rate_limit_take(*, scope: str, client: str, rate: str) -> bool:
    """Count one use by `client`; True while the uses so far are within `rate`.

    Counting comes first, in one atomic increment (on Redis and on the local-memory cache
    alike), so of any number of simultaneous requests exactly the limit get True. Checking the
    count first and counting after the work let a burst through: twelve simultaneous public
    submissions stored 6 or 7 against a limit of 5."""
    limit, _window = parse_rate(rate)
    return rate_limit_count(scope=scope, client=client, rate=rate) <= limit


def rate_limit_retry_after(*, rate: str) -> int:
    """Seconds until the current window of `rate` ends (when a refused client may try again)."""
    _limit, window = parse_rate(rate)
    return max(1, int(window - time.time() % window))
