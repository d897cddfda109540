"""The client's address, one answer for the rate limiter and for django-axes.

Behind `settings.TRUSTED_PROXY_COUNT` reverse proxies, the client is the address the outermost
trusted proxy saw: the N-th entry from the right of `X-Forwarded-For`. Entries further left were
written by the client and are not believed. With no proxy configured the header is ignored.
"""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"
