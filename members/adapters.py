"""Hooks into django-allauth and django-axes."""

from allauth.account.adapter import DefaultAccountAdapter
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.http import client_ip

from .demo import is_demo_login


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return True

    def clean_username(self, username, shallow=False):
        """The demo accounts' names stay theirs: production refuses them at login."""
        if is_demo_login(username):
            raise self.validation_error("username_blacklisted")
        return super().clean_username(username, shallow=shallow)

    def send_mail(self, template_prefix, email, context):
        """Every account email names the site and its address (templates/account/email/), not
        the host the request came to."""
        context = {
            **context,
            "site_name": _("Community Volunteer Service"),
            "site_url": settings.SITE_URL,
        }
        return super().send_mail(template_prefix, email, context)

    def get_client_ip(self, request):
        """The client allauth's rate limits count: the same as axes' and the site's."""
        ip = client_ip(request)
        if ip is None:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def pre_authenticate(self, request, **credentials):
        """Ask django-axes first, so that a locked-out login name gets the one lockout page
        (the same for every name) instead of allauth's own rate-limit message."""
        if AxesProxyHandler.is_locked(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            raise self.validation_error("too_many_login_attempts")
        super().pre_authenticate(request, **credentials)


def axes_username(request, credentials=None) -> str:
    """The login name tried, whichever form sent it (allauth's `login`, the admin's `username`,
    or allauth's backend credentials `username`/`email`). Case-folded so that `Alice` and
    `alice` count as one account. Cut to what axes stores (255 characters): allauth's login
    field takes any length, and PostgreSQL refused a longer name with a 500."""
    value = ""
    if credentials:
        value = credentials.get("username") or credentials.get("email") or ""
    if not value and request is not None:
        value = request.POST.get("login") or request.POST.get("username") or ""
    return value.strip().casefold()[: AccessAttempt._meta.get_field("username").max_length]


def axes_lockout_response(request, original_response=None, credentials=None, *args, **kwargs):
    """The same page for every lockout, whether or not the account exists."""
    return render(request, "account/lockout.html", status=429)
