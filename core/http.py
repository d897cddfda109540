"""The client's address, one answer for the rate limiter, django-axes and allauth; and the
caching of signed-in pages.

Behind `settings.TRUSTED_PROXY_COUNT` reverse proxies, the client is the address the outermost
trusted proxy saw: the N-th entry from the right of `X-Forwarded-For`. Entries further left were
written by the client and are not believed. With no proxy configured the header is ignored.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's IP address, or None where there is none to be had (a request made in
    code, a header that holds no address): axes stores it in an address column."""
    meta = getattr(request, "META", None) or {}
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return _valid(hops[-proxies])
    return _valid(meta.get("REMOTE_ADDR", "") or "")


class PrivatePagesMiddleware:
    """Pages shown to a signed-in user may hold personal data (phones, addresses, residents'
    names): no shared cache or browser history keeps them. `Cache-Control: private, no-store`
    unless the view set a policy of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response
