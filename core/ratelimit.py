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


def rate_limit_reached(*, scope: str, client: str, rate: str) -> bool:
    """True when `client` has used up `rate` in the current window (counts nothing)."""
    limit, window = parse_rate(rate)
    return (cache.get(_key(scope, client, window)) or 0) >= limit


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
