"""Hostile input in every form and filter of the site, as every role: no answer is a 500.

The forms are found, not listed. For each role the test walks the site from every address the
URLconf reverses without arguments, following links and reading the forms of the pages it
reaches: at most PER_ROUTE addresses of a URL pattern from the pages of each other pattern (a
wish reached from the wall and from the staff's list is opened in the states each shows) and
MAX_PER_ROUTE in all, so a list of a thousand rows costs a few pages. Every GET form and every
link with a query string (filters, pagination) of a URL pattern becomes one set of parameters,
every POST form one form. Each gets every kind of hostile value in KINDS (NUL and other control
characters, very long text, bytes that are not UTF-8, huge and negative numbers, 0000-00-00 and
9999-12-31, several values where one is expected, broken files), then EXAMPLES cases drawn by
hypothesis that mix hostile values with the ones the page offers, so that one wrong field
reaches the checks behind the others. Every page also gets the parameters found anywhere on the
site, for views that read one without a form (once, by the first role that reaches it). A new
form or filter is covered as soon as a page shows it; a new URL pattern that no role reaches
fails `test_every_url_pattern_is_reached`.

In the admin, the walk covers the index, the login and every changelist (and its export): its
search, paging and ordering get hostile values (once, by the first role that reaches it), its
filters the values it offers. Its add and change forms, and hostile values in its date
hierarchy, reach defects of Django's own admin (autocomplete widgets, `_to_field`, dates outside
1-9999), not covered here.

Deterministic and bounded: the demo data set, hypothesis derandomized with no example database,
a fixed number of examples per form.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, quote_from_bytes, urljoin, urlsplit

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import BaseForm
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django_filters import FilterSet
from hypothesis import HealthCheck, Phase, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from core.discovery import project_modules
from members.models import CommunityRegistration, CommunityStaff, Member, User
from notifications.models import Notification

ROLES = {
    "anonymous": None,
    "member": "demo_member",
    "applicant": "fuzz_applicant",  # a member whose registration waits for the staff
    "staff": "demo_staff",
    "org_admin": "demo_orgadmin",
    "committee_admin": "demo_committee",
    "superuser": "demo_admin",
}
PER_ROUTE = 3
MAX_PER_ROUTE = 6
MAX_PAGES = 400
# Drawn examples per form, after the explicit ones (see KINDS); pages that only get the site's
# parameters get the explicit ones alone.
EXAMPLES = 2

# URL patterns whose forms are not sent: they end the session.
NOT_POSTED = re.compile(r"(^|/)logout/$")
# The admin's pages that are walked, and the parameters of a changelist that get hostile values.
ADMIN_PAGES = re.compile(r"^(index|app_list|login|.+_changelist|.+_export)$")
ADMIN_HOSTILE = {"q", "p", "o"}
# URL patterns no role reaches by links, and why (the admin's other pages are not walked).
NOT_REACHED = {
    "favicon.ico": "the old address of the icon, linked from no page (a browser asks for it)",
    "wishes/community/<int:pk>/": "an htmx fragment, loaded by a community's page",
    "reports/staff/records/members/": "an htmx fragment: the member field's suggestions",
    "reports/<int:pk>/draft/": "posted by drafts.js as one types (the form's save is walked)",
    "wishes/<int:pk>/satisfaction/": "posted from a completed wish's page, past the walk's budget",
    "^admin/reports/(?P<model>servicerecord|pointrule)/(?P<rest>.*)$": "old links, a redirect",
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": "reached from an email",
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": "from an email",
    "accounts/password/reset/key/done/": "after a reset from an email",
    "accounts/login/code/confirm/": "login by code is off",
    "accounts/reauthenticate/": "asked for by sensitive account pages only",
    "accounts/inactive/": "shown to an inactive account at login",
    "accounts/password/set/": "for an account without a password",
    "wishes/photos/<str:kind>/<int:pk>/<str:size>/": "photos: the demo data has none",
    "partnerships/<int:pk>/agreement/": "agreement files: the demo data has none",
    "orders/photos/<int:pk>/<str:size>/": "photos: the demo data has none",
    "checkins/host/sw.js": "the scanner's Service Worker, registered by scanner.js",
    "checkins/host/venues/<int:pk>/sync/": "posted by scanner.js with the offline queue",
    "checkins/host/venues/<int:pk>/roster.json": "read by scanner.js for the offline roster",
    "checkins/host/venues/<int:pk>/recent/": "an htmx fragment of the scanner page",
    "checkins/host/venues/<int:pk>/check/": "shown with the members a search found",
    "checkins/host/scans/<int:pk>/undo/": "shown for two minutes after the device's own scan",
    "checkins/organize/<int:pk>/dashboard/live/": "an htmx fragment of the dashboard",
    "checkins/c/<str:secret>/": "the URL inside a member's QR code, opened by a camera",
    "checkins/venues/<int:pk>/join/": "the URL inside the venue's QR code, opened by a camera",
    "checkins/venues/<int:pk>/team/": "linked for a captain whose team signed up at the venue",
    "projects/photos/<int:pk>/<str:size>/": "progress photos: the demo data has none",
    "projects/meetings/<int:pk>/file/": "minutes files: the demo data has none",
}


# ---------------------------------------------------------------------------------------------
# Reading pages
# ---------------------------------------------------------------------------------------------
@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    choices: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    files: list[str] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # typed in: text inputs and textareas


class Page(HTMLParser):
    """The links and forms of a page, with the values a browser would send unchanged."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._by_id: dict[str, Form] = {}
        self._form: Form | None = None
        self._select: tuple[Form, str, bool, list[str]] | None = None
        self._option: dict | None = None
        self._textarea: tuple[Form, str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = Form(
                method=(a.get("method") or "get").lower(),
                action=a.get("action", ""),
            )
            self.forms.append(self._form)
            if a.get("id"):
                self._by_id[a["id"]] = self._form
        elif tag in ("input", "button", "select", "textarea"):
            form = self._by_id.get(a["form"]) if a.get("form") else self._form
            name = a.get("name")
            if form is None or not name or "disabled" in a:
                return
            kind = a.get("type", "submit" if tag == "button" else "text").lower()
            if tag == "select":
                self._select = (form, name, "multiple" in a, [])
            elif tag == "textarea":
                self._textarea = (form, name, [])
                form.texts.append(name)
            elif kind == "file":
                form.files.append(name)
            elif kind in ("checkbox", "radio"):
                form.choices[name].append(a.get("value", "on"))
                if "checked" in a:
                    form.fields[name].append(a.get("value", "on"))
                else:
                    form.fields.setdefault(name, [])
            elif kind == "submit":
                form.buttons.append((name, a.get("value", "")))
            elif kind not in ("button", "reset", "image"):
                form.fields[name].append(a.get("value", ""))
                if kind in ("text", "search", "email", "tel", "url"):
                    form.texts.append(name)
        elif tag == "option" and self._select:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        elif self._textarea is not None:
            self._textarea[2].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option" and self._select and self._option is not None:
            option, self._option = self._option, None
            value = option["value"] if option["value"] is not None else option["text"].strip()
            form, name, _multiple, selected = self._select
            form.choices[name].append(value)
            if option["selected"]:
                selected.append(value)
        elif tag == "select" and self._select:
            form, name, multiple, selected = self._select
            self._select = None
            offered = form.choices[name]
            form.fields[name] = selected or ([] if multiple or not offered else offered[:1])
        elif tag == "textarea" and self._textarea:
            form, name, text = self._textarea
            self._textarea = None
            form.fields[name].append("".join(text).lstrip("\n"))


# ---------------------------------------------------------------------------------------------
# Walking the site
# ---------------------------------------------------------------------------------------------
@dataclass
class Target:
    """One URL pattern's parameters (GET) or one form (POST), with the values offered."""

    method: str
    url: str
    route: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    examples: int = EXAMPLES
    # The fields that get hostile values (None: all of them); the others get offered values.
    hostile: set[str] | None = None
    # Sent by the first role that reaches it only: code that does not depend on the role.
    once: bool = False

    def __str__(self):
        return f"{self.method} {self.url} {sorted(self.fields) + self.files}"


@dataclass
class Site:
    reached: set[str] = field(default_factory=set)
    pages: dict[str, str] = field(default_factory=dict)  # route -> one address of it
    get: dict[str, Target] = field(default_factory=dict)  # route -> its parameters
    post: dict[tuple, Target] = field(default_factory=dict)


def all_routes(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from all_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def routes_to_reach() -> set[str]:
    """Every URL pattern outside the admin, and the changelist of every model in the admin."""
    routes = {r for r in all_routes() if not r.startswith("admin/")}
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        routes.add(resolve(url).route)
    return routes


def start_urls() -> list[str]:
    """Every address the URLconf can build without arguments, and the admin's index."""
    resolver = get_resolver()
    names = [n for n in resolver.reverse_dict if isinstance(n, str)]
    for namespace, (_prefix, sub) in resolver.namespace_dict.items():
        names += [f"{namespace}:{n}" for n in sub.reverse_dict if isinstance(n, str)]
    urls = {"/", "/admin/"}
    for name in names:
        with contextlib.suppress(NoReverseMatch):
            urls.add(reverse(name))
    return sorted(urls)


def _route(path: str) -> str | None:
    """The URL pattern of `path`, or None where the walk does not go."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.namespace == "admin" and not ADMIN_PAGES.match(match.url_name or ""):
        return None
    return match.route


def _is_admin(route: str) -> bool:
    return route.startswith("admin/")


def _local(base: str, href: str) -> str | None:
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def admin_search(route: str, path: str) -> Target:
    """A changelist: hostile values in its search, paging and ordering, the explicit ones only,
    once (Django's code, the same for every role but for the rows)."""
    return Target("get", path, route, {"q": [""]}, hostile=ADMIN_HOSTILE, examples=0, once=True)


def _merge_get(site: Site, route: str, path: str, params: dict[str, list[str]], choices=None):
    target = site.get.get(route)
    if target is None:
        target = site.get[route] = (
            admin_search(route, path) if _is_admin(route) else Target("get", path, route)
        )
    for name, values in params.items():
        target.fields.setdefault(name, values)
        target.choices.setdefault(name, [])
        target.choices[name] += [v for v in values if v not in target.choices[name]]
    for name, values in (choices or {}).items():
        target.choices.setdefault(name, [])
        target.choices[name] += [v for v in values if v not in target.choices[name]]


def crawl(client: Client) -> Site:
    site = Site()
    queue = deque((url, None) for url in start_urls())
    queued = {url for url, _from in queue}
    per_route = Counter()
    pages = 0
    while queue and pages < MAX_PAGES:
        url, found_on = queue.popleft()
        path, _, query = url.partition("?")
        route = _route(path)
        if route is None:
            continue
        if query:
            params = defaultdict(list)
            for name, value in parse_qsl(query, keep_blank_values=True):
                params[name].append(value)
            _merge_get(site, route, path, params)
        if per_route[route, found_on] >= PER_ROUTE or per_route[route] >= (
            1 if _is_admin(route) else MAX_PER_ROUTE
        ):
            continue
        per_route[route, found_on] += 1
        per_route[route] += 1
        pages += 1
        response = client.get(url)
        assert response.status_code < 500, f"GET {url} as found: {response.status_code}"
        if response.status_code == 200:
            site.reached.add(route)
            site.pages.setdefault(route, path)
        if response.status_code in (301, 302) and response.get("Location"):
            found = [response["Location"]]
            forms = []
        elif "text/html" in response.get("Content-Type", ""):
            page = Page()
            page.feed(response.content.decode(errors="replace"))
            found, forms = page.links, page.forms
        else:
            continue
        for href in found:
            link = _local(url, href)
            if link and link not in queued:
                queued.add(link)
                queue.append((link, route))
        for form in forms:
            action = _local(url, form.action) or url
            action_path = action.partition("?")[0]
            action_route = _route(action_path)
            if action_route is None:
                continue
            if form.method == "get":
                _merge_get(site, action_route, action_path, form.fields, form.choices)
                continue
            site.reached.add(action_route)
            if NOT_POSTED.search(action_route) or (
                _is_admin(action_route) and not action_route.endswith("login/")
            ):
                continue
            key = (action_route, frozenset(form.fields), frozenset(form.files))
            site.post.setdefault(
                key,
                Target(
                    "post",
                    action,
                    action_route,
                    dict(form.fields),
                    dict(form.choices),
                    form.files,
                    form.buttons,
                    form.texts,
                ),
            )
    return site


# ---------------------------------------------------------------------------------------------
# Hostile values
# ---------------------------------------------------------------------------------------------
KEEP = object()
# Sent as these bytes (percent-encoded in a query or a urlencoded body).
NOT_UTF8 = [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf0\x28\x8c\xbc", b"\x80abc", b"\xe4\xb8"]
HOSTILE_TEXT = [
    "\x00",
    "a\x00b",
    "\x01\x0b\x1f\x7f\x85",
    "\u202e\ufeff\ufffe",
    "\r\n\t",
    "x" * 20_000,
    "很" * 3_000,
    "9" * 40,
    "9223372036854775808",
    "-9223372036854775809",
    "1e309",
    "-1",
    "-0.5",
    "0",
    "NaN",
    "Infinity",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "10000-01-01",
    "9999-12-31 23:59:59",
    "2026H9",
    "",
    " ",
    "[]",
    "null",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%",
]


def _png(size) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


_SMALL_PNG = _png((40, 30))
FILES = [
    ("photo.png", _SMALL_PNG),
    ("empty.jpg", b""),
    ("text.jpg", b"not an image at all"),
    ("truncated.png", _SMALL_PNG[: len(_SMALL_PNG) // 2]),
    ("huge.png", _png((9000, 9000))),  # 81 megapixels declared, a few hundred kilobytes
    ("agreement.pdf", b"%PDF-1.4 not really"),
]

hostile_scalar = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.sampled_from(NOT_UTF8),
    st.text(st.characters(codec="utf-8"), max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


def value_strategy(offered: list[str]):
    """Most often the page's own value (so that the others reach deeper checks), else a
    hostile one, another offered one, or several values where one is expected."""
    options = [st.just(KEEP), hostile_scalar.map(lambda v: [v])]
    if offered:
        options.append(st.sampled_from(offered).map(lambda v: [v]))
    options.append(
        st.lists(hostile_scalar | st.sampled_from(offered or [""]), min_size=2, max_size=3)
    )
    return st.one_of(*options)


def offered_strategy(offered: list[str]):
    return st.one_of(
        st.just(KEEP), *([st.sampled_from(offered).map(lambda v: [v])] * bool(offered))
    )


def case_strategy(target: Target, extra_names: list[str]):
    fields = {
        name: (
            value_strategy(target.choices.get(name, []))
            if target.hostile is None or name in target.hostile
            else offered_strategy(target.choices.get(name, []))
        )
        for name in target.fields
    }
    return st.fixed_dictionaries(
        {
            "fields": st.fixed_dictionaries(fields),
            "files": st.fixed_dictionaries(
                {name: st.sampled_from(range(len(FILES) + 1)) for name in target.files}
            ),
            "button": st.sampled_from(range(len(target.buttons) or 1)),
            "extra": (
                st.none() | st.tuples(st.sampled_from(extra_names), hostile_scalar)
                if extra_names and target.hostile is None
                else st.none()
            ),
        }
    )


def _encode(pairs) -> str:
    return "&".join(
        f"{quote(name, safe='')}="
        + (quote_from_bytes(value, safe="") if isinstance(value, bytes) else quote(value, safe=""))
        for name, value in pairs
    )


def send(client: Client, target: Target, case) -> int:
    pairs = []
    for name, choice in case["fields"].items():
        values = target.fields[name] if choice is KEEP else choice
        pairs += [(name, v) for v in values]
    if target.buttons and case["button"] is not None:
        pairs.append(target.buttons[case["button"]])
    if case["extra"]:
        pairs.append(case["extra"])
    if target.method == "get":
        path = target.url.partition("?")[0]
        return client.get(f"{path}?{_encode(pairs)}").status_code
    if not target.files:
        body = _encode(pairs)
        content_type = "application/x-www-form-urlencoded"
        return client.post(target.url, body, content_type=content_type).status_code
    data = defaultdict(list)
    for name, value in pairs:
        data[name].append(value)  # bytes go as they are
    for name, index in case["files"].items():
        if index < len(FILES):
            filename, content = FILES[index]
            data[name].append(SimpleUploadedFile(filename, content))
    return client.post(target.url, dict(data)).status_code


# Sent before the drawn examples, whatever hypothesis draws: the values the page offers (and a
# list without its parameters), then each kind of hostile value in every field at once: NUL
# alone (it is refused before anything reads the rest), the others turned round the fields so
# that each field gets each kind.
NUL_CASE = ["a\x00b"]
KINDS = [
    ["上门\x01理发\x0b\x1f\x7f"],
    ["x" * 20_000],
    [b"\xff\xfe"],
    ["9" * 40],
    ["-1"],
    ["0000-00-00"],
    ["9999-12-31"],
    ["1", "2"],  # several values where one is expected
]


def bare(target: Target) -> dict:
    """A page without any parameter: a list shows everything."""
    return {"fields": dict.fromkeys(target.fields, []), "files": {}, "button": 0, "extra": None}


def explicit_cases(target: Target) -> list[dict]:
    eligible = [n for n in target.fields if target.hostile is None or n in target.hostile]

    def case(fields, files=None):
        return {"fields": fields, "files": files or {}, "button": 0, "extra": None}

    offered = dict.fromkeys(target.fields, KEEP)
    cases = [case(offered, dict.fromkeys(target.files, 0))]
    if target.method == "get" and any(any(v) for v in target.fields.values()):
        cases.append(bare(target))
    for k in range(len(KINDS) + 1):
        fields = dict(offered)
        for i, name in enumerate(eligible):
            fields[name] = NUL_CASE if k == 0 else KINDS[(i + k) % len(KINDS)]
        files = {name: (j + k) % len(FILES) for j, name in enumerate(target.files)}
        cases.append(case(fields, files))
    return cases


def store_typed(client: Client, targets: list[Target], relogin) -> None:
    """Every form as the page offers it, but with control characters inside each typed value it
    offers, and no button pressed (saved, not sent on): stored wherever a form accepts them,
    then shown and exported by the pages sent after. Before anything else, which could close
    the forms (a wish rejected can no longer be edited)."""
    for target in targets:
        fields = dict.fromkeys(target.fields, KEEP)
        for name in target.texts:
            if name in fields and any(target.fields[name]):
                fields[name] = [f"{v[:1]}\x01{v[1:]}\x0b" for v in target.fields[name]]
        relogin()
        case = {"fields": fields, "files": {}, "button": None, "extra": None}
        status = send(client, target, case)
        assert status < 500, f"{target} with control characters in its text: {status}"


def fuzz(client: Client, target: Target, relogin, extra_names: list[str], examples: int) -> None:
    @hypothesis_settings(
        max_examples=max(examples, 1),
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink] if examples else [Phase.explicit],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=case_strategy(target, extra_names))
    def run(case):
        relogin()
        status = send(client, target, case)
        assert status < 500, f"{target}: {status}"

    for case in explicit_cases(target):
        run = example(case=case)(run)
    run()


# ---------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------
WALKED: dict[str, Site] = {}  # role -> what its walk found, for the coverage tests
SENT_ONCE: set[str] = set()


def _world(settings):
    """The demo data set, and what shows the last forms the demo data does not: a member whose
    registration waits for the staff's decision (he may withdraw it, they may decide), an
    unread notification for everyone."""
    settings.DEMO_ACCOUNTS = True
    for _label, module in project_modules("demo"):
        module.seed(size="small", stdout=io.StringIO())
    staff_community = CommunityStaff.objects.get(user__username=ROLES["staff"]).community
    applicant = Member.objects.exclude(registrations__community=staff_community).first()
    applicant.user.username = ROLES["applicant"]
    applicant.user.save()
    CommunityRegistration.objects.create(member=applicant, community=staff_community)
    for user in User.objects.filter(username__in=[u for u in ROLES.values() if u]):
        Notification.objects.create(user=user, key="fuzz", subject="通知", body="通知")


def _client(role) -> tuple[Client, callable]:
    client = Client()
    user = User.objects.get(username=ROLES[role]) if ROLES[role] else None

    def relogin():
        if user is not None and "_auth_user_id" not in client.session:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    relogin()
    return client, relogin


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_no_hostile_input_gets_a_500(role, settings):
    _world(settings)
    client, relogin = _client(role)
    site = crawl(client)
    WALKED[role] = site
    # Views that read a parameter no form of theirs shows: every page gets the site's.
    names = sorted(
        {
            name
            for route, target in site.get.items()
            if not _is_admin(route)
            for name in target.fields
        }
    )
    forms = list(site.post.values())
    pages = list(site.get.values())
    for route, path in sorted(site.pages.items()):
        if route in site.get:
            continue
        if not _is_admin(route):
            stray = {name: [""] for name in names}
            pages.append(Target("get", path, route, stray, examples=0, once=True))
        else:  # an admin page with nothing to filter
            pages.append(admin_search(route, path))
    assert len(forms) > 3 and len(pages) > 10
    # Text with control characters stored first, then shown by the pages (lists, exports);
    # then the forms, and the pages again without parameters, showing what they stored.
    store_typed(client, forms, relogin)
    for target in pages + forms:
        if target.once:
            if target.route in SENT_ONCE:
                continue
            SENT_ONCE.add(target.route)
        fuzz(client, target, relogin, names, target.examples)
    for target in pages:
        relogin()
        status = send(client, target, bare(target))
        assert status < 500, f"{target} after the forms: {status}"


def _walked(settings) -> list[Site]:
    """Every role's walk: the fuzz tests' (run before), or walked here when run alone."""
    missing = [role for role in ROLES if role not in WALKED]
    if missing:
        _world(settings)
        for role in missing:
            WALKED[role] = crawl(_client(role)[0])
    return list(WALKED.values())


@pytest.mark.django_db
def test_every_url_pattern_is_reached(settings):
    """By a link or a form of some page for some role (the hostile values go wherever the walk
    goes), or named in NOT_REACHED with the reason."""
    reached = set().union(*(site.reached for site in _walked(settings)))
    routes = routes_to_reach()
    missing = sorted(routes - reached - set(NOT_REACHED))
    assert missing == [], missing
    assert sorted(set(NOT_REACHED) - routes) == []


def project_forms() -> list[type]:
    """Every form and filter set of the apps' forms.py and filters.py but the admin's (a
    ModelAdmin's `form`: the admin's add and change forms are not walked)."""
    admin_forms = {model_admin.form for model_admin in admin.site._registry.values()}
    found = []
    for module_name in ("forms", "filters"):
        for _label, module in project_modules(module_name):
            found += [
                cls
                for cls in vars(module).values()
                if isinstance(cls, type)
                and cls.__module__ == module.__name__
                and issubclass(cls, BaseForm | FilterSet)
                and cls not in admin_forms
            ]
    return found


def _names(cls) -> set[str]:
    """The fields a page showing `cls` sends: its required fields (a form may drop others as it
    is built), or all of them where none is required (a filter set)."""
    if issubclass(cls, FilterSet):
        return set(cls.base_filters)
    required = {name for name, f in cls.base_fields.items() if f.required}
    return required or set(cls.base_fields)


@pytest.mark.django_db
def test_every_form_class_is_filled_in(settings):
    """Each form and filter set of the project is one the walk found on a page (so it got the
    hostile values): a new form that no page shows fails here."""
    sent = [
        set(target.fields) | set(target.files)
        for site in _walked(settings)
        for target in [*site.post.values(), *site.get.values()]
    ]
    forms = project_forms()
    assert len(forms) > 10
    missing = [cls.__qualname__ for cls in forms if not any(_names(cls) <= s for s in sent)]
    assert missing == [], missing
