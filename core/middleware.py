"""Requests carrying a NUL character are refused before anything reads them.

PostgreSQL refuses NUL in a string ("PostgreSQL text fields cannot contain NUL (0x00) bytes"), so a
`%00` in a search (`/communities/?q=%00`), a filter or a form field turned every query made with it
into a 500. Nobody types a NUL and no page of the site sends one: the request is answered with the
400 page, in the user's language. A cookie holding one was not set by the site (the session cookie
reaches the database too): it is dropped, and the request goes on without it.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.defaults import bad_request

from core.pagecache import app_pages_changed, user_pages_changed

NUL = "\x00"


def _carries_nul(request) -> bool:
    """In the path, a parameter's name or value, a field's name or value (an uploaded file's
    name reaches no one with its unprintable characters: Django's parser removes them)."""
    if NUL in request.path:
        return True
    return any(
        NUL in key or any(NUL in value for value in values)
        for data in (request.GET, request.POST)
        for key, values in data.lists()
    )


class RefuseNulMiddleware:
    """Before the session middleware (a session key comes from a cookie); the 400 page is
    rendered in the language LocaleMiddleware would choose, since it has not run yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cookies = request.COOKIES
        for name in [name for name, value in cookies.items() if NUL in name or NUL in value]:
            del cookies[name]
        if _carries_nul(request):
            with translation.override(translation.get_language_from_request(request)):
                return bad_request(request, BadRequest("A NUL character in the request"))
        return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """A GET to an address that takes only POST (the address left in the bar after a refused
    form: reloading it, or opening it from the history) answered Django's blank 405: here the
    405 page, in the site's layout, says what happened and offers a way back. Only for the
    browser's requests without a body of their own (an htmx or API caller keeps its 405)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not response.content
            and request.method in ("GET", "HEAD")
            and "HX-Request" not in request.headers
        ):
            back = request.headers.get("Referer", "")
            if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                back = ""
            page = render(request, "405.html", {"back": back}, status=405)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response


class UserPagesMiddleware:
    """Whatever a signed-in user sends (a POST, PUT, PATCH or DELETE: a claim, a sign-up, a
    report, a form of any kind) may change what their own pages show: their cached pages
    (core.pagecache.user_page) are not read again, nor anyone's cached pages of the app that
    answered. A GET changes nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A request refused (not permitted, no CSRF token, the wrong method, too many) changed
        # nothing.
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE") and (
            response.status_code not in (403, 405, 429)
        ):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                user_pages_changed(user.pk)
            # And the pages of the app whose view it reached: its services may have changed
            # rows by UPDATE, which no signal tells (core.pagecache.watch_app_pages).
            match = getattr(request, "resolver_match", None)
            if match is not None:
                app_pages_changed(match.func.__module__.split(".", 1)[0])
        return response
