"""The Content-Security-Policy: every page of the site and of the admin, for every role, carries
the header, and no HTML answer holds what the policy would refuse: an inline <script> without
the page's nonce, an inline on* handler, a javascript: link, a style="" attribute or a <style>
block without the nonce, a script or style sheet from another site."""

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.template import engines
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from checkins import services as checkins_services
from members.models import ServiceTeam
from notifications.models import Notification
from projects import services as projects_services
from projects.models import ProjectResource
from records.models import Certificate
from tests import factories as f
from tests.checkins.factories import ActivityFactory, SessionFactory, SignupFactory, VenueFactory
from tests.orders.factories import MenuItemFactory, OrderFactory
from tests.projects.factories import NeedFactory, ProjectFactory, ResourceFactory
from tests.reports.factories import (
    EvaluationFactory,
    MemberReportFactory,
    OrganizationReportFactory,
    PointRuleFactory,
)
from tests.wishes.factories import ClaimFactory, ResidentFactory, WishFactory
from wishes.models import Claim, ContactAccessLog, ProofPhoto, Wish

ROLES = [
    "anonymous",
    "member_user",
    "staff",
    "org_admin",
    "committee_admin",
    "outsider",
    "superuser",
]
# Script types a browser does not run (data blocks): the policy does not apply to them.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}


class _Page(HTMLParser):
    """What a page holds that the policy refuses, given the nonce of its header."""

    def __init__(self, nonce):
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.refused = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        where = self.getpos()[0]
        for name, value in attrs.items():
            if name.startswith("on") or name.startswith("hx-on") or name.startswith("data-hx-on"):
                self.refused.append(f"line {where}: <{tag} {name}=…>, an inline handler")
            if name == "style":
                self.refused.append(f'line {where}: <{tag} style="{value}">')
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.refused.append(f"line {where}: <{tag} {name}={value!r}>")
        own_nonce = self.nonce is not None and attrs.get("nonce") == self.nonce
        if tag == "script":
            if "src" in attrs:
                if not _same_site(attrs["src"]):
                    self.refused.append(f"line {where}: <script src={attrs['src']!r}>")
            elif (attrs.get("type") or "").lower() not in DATA_SCRIPT_TYPES and not own_nonce:
                self.refused.append(f"line {where}: an inline <script> without the nonce")
        if tag == "style" and not own_nonce:
            self.refused.append(f"line {where}: a <style> block without the nonce")
        stylesheet = tag == "link" and "stylesheet" in (attrs.get("rel") or "").split()
        if stylesheet and not _same_site(attrs.get("href") or ""):
            self.refused.append(f"line {where}: <link href={attrs.get('href')!r}>")


def _same_site(url):
    return url.startswith("/") and not url.startswith("//")


def _nonce(policy):
    found = re.search(r"'nonce-([^']+)'", policy)
    return found.group(1) if found else None


def refused_in(response):
    """The policy's header (which must be there) and what the page holds that it refuses."""
    policy = response.get("Content-Security-Policy")
    assert policy, "no Content-Security-Policy header"
    if "text/html" not in response.get("Content-Type", "") or not response.content:
        return []
    page = _Page(_nonce(policy))
    page.feed(response.content.decode())
    return page.refused


@pytest.fixture
def a_bit_of_everything(member, other_member, community, branch, party_committee, staff):
    """Rows in every state a page shows differently, so that each page has something to draw."""
    resident = ResidentFactory(community=community)
    published = WishFactory(resident=resident)
    WishFactory(resident=resident, state=Wish.State.SUBMITTED)
    claimed = ClaimFactory(member=member, wish__resident=resident)
    fulfilled = ClaimFactory(
        member=member, wish__resident=resident, wish__state=Wish.State.FULFILLED
    )
    Claim.objects.filter(pk=fulfilled.pk).update(state=Claim.State.FULFILLED)
    photo = ProofPhoto.objects.create(
        claim=fulfilled, image="wishes/p.jpg", thumbnail="wishes/p_t.jpg", is_approved=True
    )
    ContactAccessLog.objects.create(
        user=staff, resident=resident, wish=claimed.wish, community=community
    )
    pending = f.RegistrationFactory(member=other_member, community=community)
    partnership = f.PartnershipFactory(organization=party_committee, community=community)
    f.ServiceRecordFactory(member=member, community=community)
    report = MemberReportFactory(member=member)
    EvaluationFactory(member=member, community=community)
    OrganizationReportFactory(organization=branch)
    PointRuleFactory()
    Notification.objects.create(user=member.user, key="csp:1", subject="通知", body="一行\n两行")
    activity = ActivityFactory(organizer_community=community)
    SessionFactory(activity=activity)
    venue = VenueFactory(activity=activity)
    signup = SignupFactory(venue=venue, member=member)
    secret = checkins_services.member_code_current(member=member).secret
    scan = checkins_services.scan_redeem(
        code=secret, kind="entry", venue=venue, nonce="csp", by=staff
    ).scan
    certificate = Certificate.objects.create(
        number="ZM1",
        verify_code="7K3M9Q2XR4TB",
        member=member,
        member_name=member.real_name,
        community=community,
        issuer_name=community.name,
        period_from=datetime.date(2026, 1, 1),
        period_to=datetime.date(2026, 1, 2),
        total_hours=2,
    )
    category = f.ServiceCategoryFactory(name="环境绿化")
    need = NeedFactory(community=community, category=category, title="小区缺少绿化")
    project = ProjectFactory(community=community, category=category, title="绿化老旧小区")
    project.needs.add(need)
    resource = ResourceFactory(
        community=community, category=category, organization=party_committee, title="苗木415株"
    )
    commitment = ProjectResource.objects.create(project=project, resource=resource, quantity=1)
    meeting = projects_services.meeting_schedule(
        community=community, by=staff, title="联席会议", held_on=datetime.date(2026, 12, 1)
    )
    item = MenuItemFactory(category__community=community)
    order = OrderFactory(item=item)
    team = ServiceTeam.objects.create(
        name="助老服务队", category=f.ServiceCategoryFactory(), captain=member
    )
    return {
        "activity": activity,
        "venue": venue,
        "signup": signup,
        "secret": secret,
        "scan": scan,
        "certificate": certificate,
        "team": team,
        "need": need,
        "project": project,
        "resource": resource,
        "commitment": commitment,
        "meeting": meeting,
        "item": item,
        "order": order,
        "wish": published,
        "claimed": claimed,
        "fulfilled": fulfilled,
        "photo": photo,
        "pending": pending,
        "partnership": partnership,
        "report": report,
        "member": member,
        "community": community,
    }


# The arguments of each page that takes some (a new page with arguments fails the walk until it
# is added here).
def _arguments(d):
    return {
        "wishes:detail": {"pk": d["wish"].pk},
        "wishes:claim": {"pk": d["wish"].pk},
        "wishes:photo": {"kind": "proof", "pk": d["photo"].pk, "size": "thumb"},
        "wishes:fulfil": {"pk": d["claimed"].pk},
        "wishes:release": {"pk": d["claimed"].pk},
        "wishes:review": {"pk": Wish.objects.filter(state=Wish.State.SUBMITTED).get().pk},
        "wishes:cancel": {"pk": d["wish"].pk},
        "wishes:confirm": {"pk": d["fulfilled"].wish.pk},
        "wishes:satisfaction": {"pk": d["fulfilled"].wish.pk},
        "reports:report_detail": {"pk": d["report"].pk},
        "reports:report_print": {"pk": d["report"].pk},
        "reports:report_draft": {"pk": d["report"].pk},
        "reports:evaluate": {"member_pk": d["member"].pk},
        "members:community_detail": {"pk": d["community"].pk},
        "wishes:community_wishes": {"pk": d["community"].pk},
        "members:registration_withdraw": {"pk": d["pending"].pk},
        "members:registration_confirm": {"pk": d["pending"].pk},
        "members:registration_decline": {"pk": d["pending"].pk},
        "members:partnership_detail": {"pk": d["partnership"].pk},
        "members:partnership_agreement": {"pk": d["partnership"].pk},
        **{
            f"checkins:{name}": {"pk": d["venue"].pk}
            for name in [
                "join",
                "team",
                "scanner",
                "scan",
                "sync",
                "roster_json",
                "recent",
                "search",
                "check_member",
                "roster",
                "roster_bulk",
                "venue_display",
                "sheet",
                "sheet_pdf",
                "sheet_enter",
                "host_add",
            ]
        },
        **{
            f"checkins:{name}": {"pk": d["activity"].pk}
            for name in [
                "activity",
                "signup",
                "manage",
                "venue_add",
                "review",
                "attendances",
                "dashboard",
                "dashboard_live",
                "export",
            ]
        },
        "checkins:activity_step": {"pk": d["activity"].pk, "step": "publish"},
        "checkins:signup_cancel": {"pk": d["signup"].pk},
        "checkins:code_landing": {"secret": d["secret"]},
        "checkins:scan_undo": {"pk": d["scan"].pk},
        "checkins:confirm": {"pk": d["scan"].attendance_id},
        "checkins:correct": {"pk": d["scan"].attendance_id},
        "records:certificate_pdf": {"pk": d["certificate"].pk},
        "records:certificate_revoke": {"pk": d["certificate"].pk},
        "certificate_verify": {"code": d["certificate"].verify_code},
        "portal:team_detail": {"pk": d["team"].pk},
        "portal:wish_to_need": {"pk": d["wish"].pk},
        "orders:menu": {"community_pk": d["community"].pk},
        "orders:new": {"community_pk": d["community"].pk},
        **{
            f"orders:{name}": {"pk": d["order"].pk}
            for name in [
                "detail",
                "accept",
                "reject",
                "cancel",
                "hold",
                "resume",
                "dispatch",
                "open_to_grab",
                "grab",
                "start_service",
                "complete",
                "confirm_hours",
                "record_rating",
            ]
        },
        "orders:photo": {"pk": 1, "size": "thumb"},
        **{
            f"orders:{name}": {"pk": 1}  # no offer: the walk sees their refusal
            for name in ["offer_accept", "offer_decline", "pass_on"]
        },
        "orders:menu_item_edit": {"pk": d["item"].pk},
        "projects:need_detail": {"pk": d["need"].pk},
        "projects:need_action": {"pk": d["need"].pk, "action": "list"},
        **{
            f"projects:{name}": {"pk": d["project"].pk}
            for name in ["project_detail", "claim", "release", "progress", "participants"]
        },
        "projects:project_action": {"pk": d["project"].pk, "action": "approve"},
        "projects:photo": {"pk": 1, "size": "thumb"},
        **{
            f"projects:{name}": {"pk": d["resource"].pk}
            for name in ["resource_detail", "resource_confirm", "resource_withdraw"]
        },
        "projects:delivery": {"pk": d["commitment"].pk},
        **{
            f"projects:{name}": {"pk": d["meeting"].pk}
            for name in [
                "meeting_detail",
                "meeting_minutes",
                "meeting_decision",
                "meeting_approve",
                "meeting_file",
            ]
        },
        "account_confirm_email": {"key": "no-such-key"},
        "account_reset_password_from_key": {"uidb36": "0", "key": "no-such-key"},
    }


def _named_patterns(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def site_urls(data):
    """Every named page outside the admin (the admin is walked model by model below)."""
    arguments = _arguments(data)
    urls, unknown = [], []
    for name in dict.fromkeys(_named_patterns(get_resolver())):
        if name.startswith("admin:"):
            continue
        if name in arguments:
            urls.append(reverse(name, kwargs=arguments[name]))
            continue
        try:
            urls.append(reverse(name))
        except Exception:  # noqa: BLE001 - a page with arguments missing from the table
            unknown.append(name)
    assert unknown == [], "add these pages' arguments to _arguments()"
    return [*urls, "/no-such-page/"]


def admin_urls():
    """The admin's index, every app's index, and every model's list, add page, and change,
    history and delete pages of its first row (as tests/test_admin_pages.py opens them)."""
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for label in {model._meta.app_label for model in admin.site._registry}:
        urls.append(reverse("admin:app_list", args=[label]))
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls += [reverse(f"{prefix}_{verb}", args=[first.pk]) for verb in ("change", "history")]
            urls.append(reverse(f"{prefix}_delete", args=[first.pk]))
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_the_policy_and_nothing_it_refuses(
    request, client, login, role, a_bit_of_everything
):
    if role != "anonymous":
        client = login(request.getfixturevalue(role))
    urls = site_urls(a_bit_of_everything) + admin_urls()
    refused, shown = {}, 0
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        shown += response.status_code == 200
        if found := refused_in(response):
            refused[url] = found
    assert refused == {}
    assert shown > 10


def test_the_policy_is_the_one_intended(client, db):
    policy = client.get(reverse("account_login"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


def test_a_page_that_uses_the_nonce_gets_it_in_its_header(rf, db):
    request = rf.get("/")
    middleware = CSPMiddleware(lambda r: None)
    middleware.process_request(request)
    html = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}"></script>')
    response = middleware.process_response(request, HttpResponse(html.render({}, request=request)))
    assert refused_in(response) == []
    assert f"'nonce-{request.csp_nonce}'" in response["Content-Security-Policy"]


def test_the_checker_finds_what_the_policy_refuses():
    html = (
        '<script>alert(1)</script><script nonce="other">x()</script>'
        '<script type="application/json">{}</script><script src="https://cdn.example/x.js">'
        '</script><select onchange="go()"></select><p style="color:red"></p><style></style>'
        '<a href="javascript:go()"></a><button hx-on:click="go()"></button>'
    )
    response = HttpResponse(html)
    response["Content-Security-Policy"] = "script-src 'self' 'nonce-abc'"
    assert len(refused_in(response)) == 8


def _templates():
    folders = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    folders += [
        Path(settings.BASE_DIR) / app / "templates"
        for app in ("members", "notifications", "portal", "records", "reports", "wishes")
    ]
    for folder in folders:
        for path in sorted(folder.rglob("*.html")):
            # Emails are read in mail programs, which need inline styles and run no policy; PDFs
            # (`*_pdf.html`) are rendered by WeasyPrint on the server, which runs no script.
            mail = "email" in path.parts or "emails" in path.parts
            if not mail and not path.stem.endswith("_pdf"):
                yield path


def test_no_template_holds_inline_script_handlers_or_styles():
    """The same rules read in the templates themselves, partials (htmx answers) included."""
    found = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for rule in (
            r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)[^>]*>",
            r"<style(?![^>]*\bnonce=)[^>]*>",
            r"\son[a-z]+\s*=",
            r"\shx-on",
            r"\sstyle\s*=",
            r"javascript:",
        ):
            found += [f"{path}: {m.group(0)}" for m in re.finditer(rule, text, re.IGNORECASE)]
    assert found == []


def test_every_python_made_admin_value_is_free_of_inline_styles():
    found = []
    for app in ("members", "records", "reports", "wishes", "notifications", "config", "core"):
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            if "migrations" not in path.parts and re.search(
                r"""style=["']""", path.read_text(encoding="utf-8")
            ):
                found.append(str(path))
    assert found == []
