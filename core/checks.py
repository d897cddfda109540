"""Deploy checks (`manage.py check --deploy`) for settings that Django's own checks cannot judge.

Registered from CoreConfig.ready. `make check-deploy` fails on any warning, so a check here warns
only where the setting is wrong for the deployment the README describes, never as a reminder.
"""

from django.conf import settings
from django.core import checks

PROXY_HINT = (
    "Set PROXY_COUNT to the number of reverse proxies in front of the site (1 for the nginx "
    "of the README, which sets X-Forwarded-For and X-Forwarded-Proto): the client is the "
    "address the outermost of them saw."
)


def proxy_count_check(app_configs=None, **kwargs):
    """PROXY_COUNT (settings.TRUSTED_PROXY_COUNT) against the proxy the other settings expect.

    With 0, `core.http.client_ip` takes REMOTE_ADDR, which behind a proxy is the proxy's own
    address: every visitor shares one login lockout (axes) and one rate-limit bucket."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies < 0:
        return [
            checks.Error(
                f"PROXY_COUNT is {proxies}; it counts proxies and cannot be negative.",
                hint=PROXY_HINT,
                id="core.E001",
            )
        ]
    if proxies == 0 and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return [
            checks.Warning(
                "SECURE_PROXY_SSL_HEADER is set (the site expects a reverse proxy) but "
                "PROXY_COUNT is 0: every client would be seen as the proxy's address, so a few "
                "wrong passwords lock an account for everyone and one rate limit counts the "
                "whole city.",
                hint=PROXY_HINT,
                id="core.W001",
            )
        ]
    return []
