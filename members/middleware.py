"""The signed-in user of a request, read from the cache instead of the database.

Every page a signed-in user opens needs their row. It is kept in the cache under the role
facts' generation (members.access.ROLES_GENERATION), which every save or deletion of a user
renews (members.apps; a login's own `last_login` save excepted): a new password, a deactivated
account or a new name is read afresh at once. A kept row stands in for the backend's read
only when Django's own checks would pass with it: the session names a configured backend and
carries the hash of this row's password, and the account is active. Anything else (a session
hash made with an old SECRET_KEY, a password changed elsewhere, no session) goes the way
Django goes (`django.contrib.auth.get_user`), which also flushes a session that no longer
verifies.
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

USER_SECONDS = 300


def _user_key(user_id) -> str:
    return f"user:{generation(ROLES_GENERATION)}:{user_id}"


def _kept_user(request):
    """The user the session names, from the cache, if Django's checks pass with it; else None."""
    session = request.session
    user_id = session.get(SESSION_KEY)
    session_hash = session.get(HASH_SESSION_KEY)
    if not user_id or not session_hash:
        return None
    if session.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = cache.get(_user_key(user_id))
    if user is None or str(user.pk) != str(user_id) or not user.is_active:
        return None
    if not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return None
    return user


def get_user(request):
    if not hasattr(request, "_cached_user"):
        user = _kept_user(request)
        if user is None:
            user = auth.get_user(request)
            if user.is_authenticated:
                cache.set(_user_key(user.pk), user, USER_SECONDS)
        request._cached_user = user
    return request._cached_user


class CachedUserAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware, with `request.user` read through the cache."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))
