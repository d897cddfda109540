"""A small fixed-window rate limiter on the Django cache (shared by every web process when the
cache is Redis)."""

from __future__ import annotations

import time

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "5/h" -> (5, 3600); "10/15m" -> (10, 900)."""
    count, _, period = rate.partition("/")
    period = period.strip() or "h"
    unit = period[-1]
    multiplier = int(period[:-1]) if period[:-1] else 1
    return int(count), multiplier * UNITS[unit]


def client_ip(request) -> str:
    from django.conf import settings

    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(scope: str, client: str, window: int) -> str:
    return f"ratelimit:{scope}:{client}:{int(time.time() // window)}"


def rate_limit_reached(*, scope: str, client: str, rate: str) -> bool:
    """True when `client` has used up `rate` in the current window (counts nothing)."""
    from django.core.cache import cache

    limit, window = parse_rate(rate)
    return (cache.get(_key(scope, client, window)) or 0) >= limit


def rate_limit_count(*, scope: str, client: str, rate: str) -> int:
    """Count one use by `client` in the current window; return the uses so far."""
    from django.core.cache import cache

    _limit, window = parse_rate(rate)
    key = _key(scope, client, window)
    cache.add(key, 0, timeout=window + 5)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        return 1
