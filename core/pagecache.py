"""The public pages as anonymous visitors see them, cached for a short time; and figures that are
costly to count, cached with the time they were counted.

    @cache_public_page
    def wall(request): ...

A page is served from the cache only to an anonymous visitor's GET (or HEAD) with no message
waiting and no htmx request, and stored only when the view answered 200. Its key holds the path
with its query string, the language of the request and the public pages' generation: every
change to what they show (`public_pages_changed()`: each state move through
`core.transitions.state_move`, the saves and deletions of the models the portal watches, the
services' own bulk updates) starts a new generation, so no visitor sees a page older than the
change (where the cache is shared by the web processes: Redis in production; with the
local-memory cache of a trial, another process may serve its copy until it expires, at most
`PUBLIC_PAGE_CACHE_SECONDS`).

The CSRF token in a cached page (the language switcher's form, htmx's header) is the visitor's
own: every token of the stored page is replaced with `get_token(request)` on every hit, which
also sets the visitor's CSRF cookie when they have none; a creating form's one-time token
(core.once) is a new one on every hit. Logged-in users never get these pages: theirs carry their
name, menu and badge, and `Cache-Control: private` (core.http). Their own pages are kept apart,
per user, for a minute (`user_page`, below).
"""

from __future__ import annotations

import functools
import hashlib
import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .audit import views_again, views_recorded

GENERATION_KEY = "public-pages:generation"
# The CSRF tokens of a page (each `{% csrf_token %}` and htmx's header, each masked afresh) and
# a creating form's one-time token (core.once): a kept page is served with this request's CSRF
# token (one stored before a new login, or another visitor's, would be refused) and new
# one-time tokens, as on every fresh render, so that two forms shown within the minute make two
# objects.
_CSRF_TOKENS = (
    re.compile(r'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{32,64}(")'),
    re.compile(r'("X-CSRFToken": ")[A-Za-z0-9]{32,64}(")'),
)
_SUBMISSION_TOKEN = re.compile(
    r'(<input type="hidden" name="[\w-]+" value=")([0-9a-f-]{32,36})("[^>]*\sdata-submit-once)'
)


def _fresh_tokens(request, html: str) -> str:
    """`html` with this request's CSRF token and new one-time tokens (see above)."""
    token = None

    def csrf(match) -> str:
        nonlocal token
        token = token or get_token(request)  # (sets the visitor's CSRF cookie if they have none)
        return f"{match.group(1)}{token}{match.group(2)}"

    for pattern in _CSRF_TOKENS:
        html = pattern.sub(csrf, html)
    return _SUBMISSION_TOKEN.sub(lambda m: m.group(1) + _new_token(m.group(2)) + m.group(3), html)


def _new_token(old: str) -> str:
    """A token of the same form as `old` (a UUID, or its 32 hex digits)."""
    token = uuid.uuid4()
    return token.hex if len(old) == 32 else str(token)


def _timeout() -> int:
    return getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0)


def generation(key: str = GENERATION_KEY) -> int:
    """The current generation named `key` (the public pages' unless named): part of the cache
    keys of what it covers, so that a new one leaves every old entry unread."""
    value = cache.get(key)
    if value is None:
        # A new generation (not 0): a restarted cache must not bring back entries of an old 0.
        value = int(timezone.now().timestamp() * 1000)
        cache.add(key, value, None)
        value = cache.get(key, value)
    return value


def _generations(keys: list[str]) -> list[int]:
    """The current generations named `keys`, read in one round trip (each started if new)."""
    found = cache.get_many(keys)
    return [found[key] if key in found else generation(key) for key in keys]


def generation_bump(key: str = GENERATION_KEY) -> None:
    try:
        cache.incr(key)
    except ValueError:  # no generation yet: the next read starts one
        generation(key)


def generations_changed(*keys: str) -> None:
    """New generations named `keys`: now, and again once the transaction commits (a page
    rendered in between read the old rows)."""

    def bump():
        for key in keys:
            generation_bump(key)

    bump()
    transaction.on_commit(bump)


def public_pages_changed() -> None:
    """What the public pages show has changed: the next visitor gets fresh pages."""
    generations_changed(GENERATION_KEY)


def _has_messages(request) -> bool:
    """A message waiting to be shown: stored by an earlier request, or added by this one's view
    (a page that shows one must not be kept, nor a kept page shown instead)."""
    if "messages" in request.COOKIES:
        return True
    storage = getattr(request, "_messages", None)
    if storage is not None:
        return len(storage) > 0  # counts them without marking them read
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return bool(request.session.get("_messages"))
    return False


def _cacheable(request) -> bool:
    return (
        _timeout() > 0
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and "HX-Request" not in request.headers
        and not _has_messages(request)
    )


def _address(request) -> str:
    """The request's full address (scheme, host, path and query: a page may name its own
    address), hashed for a cache key."""
    url = request.build_absolute_uri()
    return hashlib.sha256(url.encode("utf-8", "replace")).hexdigest()[:40]


def page_key(request, generations=()) -> str:
    """The page's key: its address, the language, the public pages' generation and the
    generations the view names besides (`cache_public_page(generations=[...])`)."""
    path = _address(request)
    parts = ":".join(map(str, _generations([GENERATION_KEY, *generations])))
    # v2: the page is kept as text (v1 held bytes), so neither version reads the other's.
    return f"public-page:v2:{parts}:{translation.get_language()}:{path}"


def cache_public_page(view=None, *, generations=()):
    """Serve the view's page to anonymous visitors from the cache (see the module's text).

    A page that shows rows the public pages' generation does not follow names the generations
    that do: `@cache_public_page(generations=[app_pages_key("projects")])`."""
    if view is None:
        return functools.partial(cache_public_page, generations=tuple(generations))

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = page_key(request, generations)
        stored = cache.get(key)
        if stored is not None:
            html, content_type = stored
            response = HttpResponse(_fresh_tokens(request, html), content_type=content_type)
            response["X-Public-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Cache-Control")
        ):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            html = response.content.decode(response.charset)
            cache.set(key, (html, response["Content-Type"]), _timeout())
            response["X-Public-Page-Cache"] = "miss"
        return response

    return wrapper


def cached_figures(key: str, compute, *, seconds: int = 300) -> dict:
    """`compute()` (a dict of figures), counted at most once every `seconds`, with `as_of`: the
    time it was counted, for the page to say how old its figures are."""
    stored = cache.get(key)
    if stored is None:
        stored = {**compute(), "as_of": timezone.now()}
        cache.set(key, stored, seconds)
    return stored


def until_public_change(key: str, compute, *, seconds: int = 300):
    """`compute()` (any picklable value, None included), kept until the public pages' next
    generation (any change to what they show) or `seconds` at most."""
    full_key = f"public-value:{key}:{generation()}"
    stored = cache.get(full_key)
    if stored is None:
        stored = (compute(),)  # in a tuple: a None computed is kept too
        cache.set(full_key, stored, seconds)
    return stored[0]


def cached_count(key: str, count) -> int:
    """`count()` (a number the public pages or the staff's show, such as a community's members),
    kept until the public pages' next generation (any change to what they show) or five minutes
    at most: a figure that grows with a table is counted once per change, not per request."""
    return until_public_change(f"count:{key}", count)


# ---------------------------------------------------------------------------------------------
# A logged-in user's own page, cached for a minute
# ---------------------------------------------------------------------------------------------
# A signed-in user's page (`user_page`: a member's home, the staff's lists and forms) is kept
# for at most USER_PAGE_CACHE_SECONDS, for them alone, under
# - the public pages' generation: any state move or watched save anywhere;
# - the user's own generation: each of their POSTs (core.middleware.UserPagesMiddleware), each
#   notification to them or read by them (notifications.services);
# - the generations the apps follow for every page (`follow_generation`: the role facts, which
#   every save of a user, member, post, organization, team or community renews);
# - the generations the page names itself (service records, a community's ratings).
# The view runs on every request all the same: who may see the page is checked, the personal
# data it shows logged (core.audit, again on each hit); only its rendering is skipped.
# What changes without any of these (a deadline passing, a page of others' counts) shows
# within the minute. Off (0) unless the web processes share the cache: settings.py.


def _user_page_seconds() -> int:
    return getattr(settings, "USER_PAGE_CACHE_SECONDS", 0)


def user_pages_key(user_id: int) -> str:
    return f"user-pages:{user_id}"


def user_pages_changed(*user_ids: int) -> None:
    """What these users' own pages show has changed (now, and once the transaction commits)."""
    keys = [user_pages_key(pk) for pk in set(user_ids) if pk]
    if keys:
        generations_changed(*keys)


# Generations every user's page follows besides the public pages' and their own: the apps
# name them once ready (members: the role facts, which every save of a user, member, post,
# organization, team or community renews). A page shows its menu by the roles, and the names
# and phones of members.
_FOLLOWED: list[str] = []


def follow_generation(key: str) -> None:
    """Every cached user page is read afresh once the generation `key` changes."""
    if key not in _FOLLOWED:
        _FOLLOWED.append(key)


def app_pages_key(label: str) -> str:
    """The generation of an app's cached user pages (`user_page(..., generations=[...])`)."""
    return f"app-pages:{label}"


def app_pages_changed(label: str) -> None:
    """What the app's pages show has changed (now, and once the transaction commits)."""
    generations_changed(app_pages_key(label))


def watch_app_pages(app_config) -> None:
    """The app's pages follow every save and deletion of its models and every change of their
    many-to-many links; its services' UPDATEs (which send no signal) are covered by the form
    that made them: every POST to one of the app's views starts its pages afresh too
    (core.middleware.UserPagesMiddleware). What a scheduled job changes by UPDATE shows within
    the minute."""
    label = app_config.label

    def changed(sender, action="post_save", **kwargs):
        if action.startswith("post_"):  # (a many-to-many change also sends a pre_ signal)
            app_pages_changed(label)

    for model in app_config.get_models():
        uid = f"app-pages-{label}-{model.__name__}"
        post_save.connect(changed, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}-del", weak=False)
        for field in model._meta.local_many_to_many:  # (a venue's hosts: no save is sent)
            m2m_changed.connect(
                changed,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}-{field.name}",
                weak=False,
            )


def user_page(request, template_name: str, context, *, generations=()) -> HttpResponse:
    """`render(request, template_name, context)` (a dict, or a function that gives it: it is
    called only when the page is rendered) for a signed-in user's GET, kept for
    USER_PAGE_CACHE_SECONDS at most, in their language, under the page's address and the
    generations above (and `generations`, keys of more). What the view does before (its
    permission checks, the personal data it logs as shown) runs on every request; the queries
    its context leaves lazy run only when the page is rendered. On a hit, its forms' CSRF
    tokens are this request's (a token stored before a new login would be refused) and their
    one-time submission tokens new ones, and the personal data it showed is logged again
    (core.audit). A form sent, an htmx request, a visitor or a message waiting get the page
    rendered afresh, as does everyone where USER_PAGE_CACHE_SECONDS is 0."""

    def page() -> str:
        return render_to_string(template_name, context() if callable(context) else context, request)

    seconds = _user_page_seconds()
    if (
        seconds <= 0
        or request.method not in ("GET", "HEAD")
        or not request.user.is_authenticated
        or "HX-Request" in request.headers
        or _has_messages(request)
    ):
        return HttpResponse(page())
    keys = [GENERATION_KEY, user_pages_key(request.user.pk), *_FOLLOWED, *generations]
    parts = [
        template_name,
        request.user.pk,
        translation.get_language(),
        *_generations(keys),
        _address(request),
    ]
    key = ":".join(["user-page", *map(str, parts)])
    stored = cache.get(key)
    if stored is None:
        with views_recorded() as views:
            html = page()
        cache.set(key, (html, views), seconds)
        return HttpResponse(html)
    html, views = stored
    views_again(user=request.user, views=views)  # shown again: logged again (core.audit)
    return HttpResponse(_fresh_tokens(request, html))
