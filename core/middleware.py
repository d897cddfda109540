"""Requests carrying a NUL character are refused before anything reads them.

PostgreSQL refuses NUL in a string ("PostgreSQL text fields cannot contain NUL (0x00) bytes"), so a
`%00` in a search (`/communities/?q=%00`), a filter or a form field turned every query made with it
into a 500. Nobody types a NUL and no page of the site sends one: the request is answered with the
400 page, in the user's language. A cookie holding one was not set by the site (the session cookie
reaches the database too): it is dropped, and the request goes on without it.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.utils import translation
from django.views.defaults import bad_request

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
