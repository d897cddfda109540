"""The demo accounts, refused wherever demo accounts are off."""

from django.conf import settings
from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import PermissionDenied

from .demo import is_demo_login


class DemoAccountsBackend(BaseBackend):
    """With DEMO_ACCOUNTS off (production), a login as a demo account, whose password the README
    publishes, is refused before any password is checked, on every login path (allauth's pages
    and the admin). Listed before the backends that check passwords: PermissionDenied stops
    `django.contrib.auth.authenticate`, which reports a failed login, so the form answers as for
    a wrong password and django-axes counts the attempt like any other failure."""

    def authenticate(self, request, **credentials):
        if settings.DEMO_ACCOUNTS:
            return None
        if is_demo_login(credentials.get("username") or credentials.get("email")):
            raise PermissionDenied
        return None
