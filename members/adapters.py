"""Hooks into django-allauth and django-axes."""

from allauth.account.adapter import DefaultAccountAdapter
from django.shortcuts import render


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return True


def axes_username(request, credentials=None) -> str:
    """The login name tried, whichever form sent it (allauth's `login`, the admin's `username`,
    or allauth's backend credentials `username`/`email`). Case-folded so that `Alice` and
    `alice` count as one account."""
    value = ""
    if credentials:
        value = credentials.get("username") or credentials.get("email") or ""
    if not value and request is not None:
        value = request.POST.get("login") or request.POST.get("username") or ""
    return value.strip().casefold()


def axes_lockout_response(request, original_response=None, credentials=None, *args, **kwargs):
    """The same page for every lockout, whether or not the account exists."""
    return render(request, "account/lockout.html", status=429)
