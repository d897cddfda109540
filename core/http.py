"""The client's address, one answer for the rate limiter, django-axes and allauth; and the
caching of signed-in pages.

Behind `settings.TRUSTED_PROXY_COUNT` reverse proxies, the client is the address the outermost
trusted proxy saw: the N-th entry from the right of `X-Forwarded-For`. Entries further left were
written by the client and are not believed. With no proxy configured the header is ignored.
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings

log = logging.getLogger(__name__)
# Set once the warning below was logged: once per process is enough to be seen.
_warned_unconfigured_proxy = False


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
    if forwarded and not proxies:
        _warn_unconfigured_proxy()
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return _valid(hops[-proxies])
    return _valid(meta.get("REMOTE_ADDR", "") or "")


def _warn_unconfigured_proxy() -> None:
    """A request came through a proxy (it carries X-Forwarded-For) while PROXY_COUNT is 0:
    every client then looks like the proxy. Said once per process, in the log operators read."""
    global _warned_unconfigured_proxy
    if _warned_unconfigured_proxy:
        return
    _warned_unconfigured_proxy = True
    log.warning(
        "Requests carry X-Forwarded-For but PROXY_COUNT is 0: every client is taken for the "
        "proxy's address, so login lockouts and rate limits are shared by all. Set PROXY_COUNT "
        "to the number of reverse proxies in front of the site (see the README)."
    )


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
