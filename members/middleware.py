"""The signed-in user of a request, read from the cache instead of the database.

Every page a signed-in user opens needs their row. Where the web processes share the cache
(USER_ROW_CACHE_SECONDS, on with REDIS_URL) it is kept there under the role facts' generation
(members.access.ROLES_GENERATION), which every save or deletion of a user renews, now and once
the transaction commits (members.apps): a new password, a deactivated account or a new name is
read afresh by the next request of every session. A login drops the user's kept row (its
`last_login` save renews no generation). The key is taken before the row is read, so a row
read before a change is never kept under the generation after it.

A kept row stands in for the backend's read only when Django's own checks would pass with it:
the session names a configured backend and carries the hash of this row's password, and the
account is active. Anything else (a session hash made with an old SECRET_KEY, a password
changed elsewhere, no session) goes the way Django goes (`django.contrib.auth.get_user`),
which also flushes a session that no longer verifies. `request.auser()` (async views; there
are none) is Django's, uncached.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.cache import cache
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from core.pagecache import generation

from .access import ROLES_GENERATION

# Part of the key: a new version of the user model (a field added) never reads old pickles.
USER_ROW_VERSION = 1


def _seconds() -> int:
    return getattr(settings, "USER_ROW_CACHE_SECONDS", 0)


def _user_key(user_id) -> str:
    return f"user-row:v{USER_ROW_VERSION}:{generation(ROLES_GENERATION)}:{user_id}"


def forget_user_row(user) -> None:
    """Drop the kept row of `user` (a login: its `last_login` save renews no generation)."""
    cache.delete(_user_key(user.pk))


def _kept_user(request, key: str):
    """The user the session names, from the cache, if Django's checks pass with it; else None."""
    session = request.session
    session_hash = session.get(HASH_SESSION_KEY)
    if not session_hash or session.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = cache.get(key)
    if user is None or str(user.pk) != str(session[SESSION_KEY]) or not user.is_active:
        return None
    if not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return None
    return user


def get_user(request):
    if hasattr(request, "_cached_user"):
        return request._cached_user
    seconds = _seconds()
    user_id = request.session.get(SESSION_KEY) if seconds > 0 else None
    if not user_id:
        request._cached_user = auth.get_user(request)
        return request._cached_user
    key = _user_key(user_id)  # before the row is read (see above)
    user = _kept_user(request, key)
    if user is None:
        user = auth.get_user(request)
        if user.is_authenticated and str(user.pk) == str(user_id):
            cache.set(key, user, seconds)
    request._cached_user = user
    return user


class CachedUserAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, with `request.user` read through the cache."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))
