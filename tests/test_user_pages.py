"""A signed-in user's pages are kept for a minute (core.pagecache.user_page), and never show
less than what changed: what anyone did to what the page shows, the user's roles and names,
their notifications. Each visit still checks who may see the page and logs the personal data
it shows; each hit carries tokens of its own."""

import logging
import re

import pytest
from django.contrib.staticfiles.storage import StaticFilesStorage
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.pagecache import app_pages_key, generation
from core.periods import Period
from core.storage import PlainStaticStorage
from members.models import CommunityStaff
from notifications.models import Notification
from reports.models import Evaluation, Rating
from tests import factories as f
from tests.projects.factories import NeedFactory
from tests.reports.factories import EvaluationFactory
from tests.wishes.factories import ResidentFactory, WishFactory

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"
TOKEN = re.compile(r'name="(?:submission|token)" value="([0-9a-f-]{32,36})" data-submit-once')


def _page(client, name, *args, **query) -> str:
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_visit_renders_nothing(login, staff, community, django_assert_max_num_queries):
    WishFactory(resident=ResidentFactory(community=community), title="一台电风扇")
    client = login(staff)
    first = client.get(reverse("wishes:staff_list"))
    assert first.templates  # rendered
    with django_assert_max_num_queries(3):  # the session, the user, the staff's community
        again = client.get(reverse("wishes:staff_list"))
    assert not again.templates  # served from the cache
    assert "一台电风扇" in again.content.decode()


def test_another_users_visit_is_rendered_for_them(login, staff, other_staff, other_community):
    login(staff).get(reverse("wishes:staff_list"))
    client = Client()
    client.force_login(other_staff, backend=BACKEND)
    response = client.get(reverse("wishes:staff_list"))
    assert response.templates
    assert other_community.name in response.content.decode()


def test_each_query_string_is_a_page_of_its_own(login, staff, community):
    resident = ResidentFactory(community=community)
    WishFactory(resident=resident, title="一台电风扇")
    client = login(staff)
    client.get(reverse("wishes:staff_list"))
    response = client.get(reverse("wishes:staff_list"), {"q": "老花镜"})
    assert response.templates
    assert "一台电风扇" not in response.content.decode()


def test_the_page_is_kept_per_language(login, staff):
    client = login(staff)
    assert (
        "心愿"
        in client.get(reverse("wishes:staff_list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    )
    english = client.get(reverse("wishes:staff_list"), HTTP_ACCEPT_LANGUAGE="en")
    assert english.templates
    assert "Wishes of" in english.content.decode()


def test_a_message_waiting_gets_the_page_rendered(login, staff):
    client = login(staff)
    client.get(reverse("wishes:staff_list"))
    client.cookies["messages"] = "anything"
    assert client.get(reverse("wishes:staff_list")).templates


def test_an_htmx_request_gets_the_page_rendered(login, staff):
    client = login(staff)
    client.get(reverse("wishes:staff_list"))
    assert client.get(reverse("wishes:staff_list"), HTTP_HX_REQUEST="true").templates


def test_who_may_see_the_page_is_checked_on_every_visit(login, staff, monkeypatch):
    """The kept page is the view's last step: its checks run first, every time."""
    client = login(staff)
    client.get(reverse("wishes:staff_list"))

    def refused(user):
        raise PermissionDenied

    monkeypatch.setattr("wishes.views.staff_community_or_403", refused)
    assert client.get(reverse("wishes:staff_list")).status_code == 403


def test_a_user_who_lost_the_role_is_refused(login, staff):
    client = login(staff)
    client.get(reverse("wishes:staff_list"))
    CommunityStaff.objects.filter(user=staff).delete()
    assert client.get(reverse("wishes:staff_list")).status_code == 403


@pytest.mark.parametrize(
    "name, length", [("wishes:post", 36), ("records:staff_records", 32)], ids=["uuid", "hex"]
)
def test_each_hit_carries_a_submission_token_of_its_own(login, staff, name, length):
    client = login(staff)
    first = TOKEN.findall(_page(client, name))
    response = client.get(reverse(name))
    assert not response.templates  # from the cache
    again = TOKEN.findall(response.content.decode())
    assert len(first) == len(again) == 1 and len(again[0]) == length
    assert first != again


def test_each_hit_carries_the_csrf_token_of_the_session(login, staff):
    client = login(staff)
    client.get(reverse("wishes:staff_list"))
    login(staff)  # a new login: a new CSRF secret, the page still kept
    client.handler.enforce_csrf_checks = True
    response = client.get(reverse("wishes:staff_list"))
    assert not response.templates  # from the cache
    token = re.search(r'"X-CSRFToken": "([A-Za-z0-9]+)"', response.content.decode()).group(1)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/"}, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 302  # not the CSRF failure page


# ---------------------------------------------------------------------------------------------
# What changes shows at once
# ---------------------------------------------------------------------------------------------
def test_a_record_entered_anywhere_shows_on_the_staff_records_page(login, staff, community, member):
    client = login(staff)
    assert "修剪绿化带" not in _page(client, "records:staff_records")
    f.ServiceRecordFactory(member=member, community=community, title="修剪绿化带")
    assert "修剪绿化带" in _page(client, "records:staff_records")


def test_a_rating_saved_in_the_admin_shows_on_the_evaluations_page(login, staff, community, member):
    period = Period.containing(timezone.localdate())
    client = login(staff)
    before = _page(client, "reports:evaluations", period=period.code)
    EvaluationFactory(
        member=member,
        community=community,
        year=period.year,
        half=period.half,
        rating=Rating.UNQUALIFIED,
    )
    after = _page(client, "reports:evaluations", period=period.code)
    label = Evaluation.objects.get(member=member).get_rating_display()
    badge = f'badge text-bg-success fs-6">{label}<'
    assert badge not in before
    assert badge in after


def test_a_member_renamed_shows_on_the_staff_members_page(login, staff, community, member):
    client = login(staff)
    assert member.real_name in _page(client, "members:staff_members")
    member.real_name = "王建国"
    member.save()
    assert "王建国" in _page(client, "members:staff_members")


def test_a_new_notification_shows_on_the_notifications_page(login, member_user):
    client = login(member_user)
    assert "停水通知" not in _page(client, "notifications:list")
    Notification.objects.create(user=member_user, key="k1", subject="停水通知", body="b")
    assert "停水通知" in _page(client, "notifications:list")


def test_the_member_home_follows_a_role_given(login, member_user, community):
    client = login(member_user)
    assert reverse("portal:staff_home") not in _page(client, "portal:dashboard")
    f.CommunityStaffFactory(user=member_user, community=community)
    assert reverse("portal:staff_home") in _page(client, "portal:dashboard")


# ---------------------------------------------------------------------------------------------
# Personal data shown from the cache is logged all the same
# ---------------------------------------------------------------------------------------------
def test_phones_shown_from_the_cache_are_logged_again(login, staff, community, member, caplog):
    client = login(staff)
    with caplog.at_level(logging.INFO, logger="personal_data"):
        client.get(reverse("members:staff_members"))
        again = client.get(reverse("members:staff_members"))
    assert not again.templates  # from the cache
    lines = [r.getMessage() for r in caplog.records if r.name == "personal_data"]
    assert lines == [f"user={staff.pk} viewed member phones ids=[{member.pk}]"] * 2


def test_a_residents_contact_shown_from_the_cache_is_logged_again(login, staff, community):
    wish = WishFactory(resident=ResidentFactory(community=community))
    client = login(staff)
    client.get(wish.get_absolute_url())
    again = client.get(wish.get_absolute_url())
    assert not again.templates  # from the cache
    assert wish.resident.access_logs.filter(user=staff).count() == 2


# ---------------------------------------------------------------------------------------------
# Static files' URLs
# ---------------------------------------------------------------------------------------------
def test_a_static_files_url_is_worked_out_once(monkeypatch):
    worked_out = []
    plain = StaticFilesStorage.url
    monkeypatch.setattr(
        StaticFilesStorage,
        "url",
        lambda self, name, force=False: worked_out.append(name) or plain(self, name),
    )
    storage = PlainStaticStorage()
    assert storage.url("css/site.css") == storage.url("css/site.css") == "/static/css/site.css"
    assert worked_out == ["css/site.css"]


# ---------------------------------------------------------------------------------------------
# The other apps' pages follow their rows, and every form sent to them
# ---------------------------------------------------------------------------------------------
def test_a_need_saved_by_anyone_shows_on_the_staff_needs_page(login, staff, community):
    client = login(staff)
    assert "加装楼道扶手" not in _page(client, "projects:staff_needs")
    NeedFactory(community=community, title="加装楼道扶手")
    assert "加装楼道扶手" in _page(client, "projects:staff_needs")


def test_a_form_sent_to_an_app_renews_its_pages(login, staff, other_staff):
    """Its services may change rows by UPDATE, which sends no signal."""
    before = generation(app_pages_key("orders"))
    login(other_staff).post(reverse("orders:enter"), {})  # refused: the form is empty
    assert generation(app_pages_key("orders")) != before


def test_a_form_sent_elsewhere_leaves_an_apps_pages_be(login, staff):
    before = generation(app_pages_key("orders"))
    login(staff).post(reverse("records:staff_records"), {})
    assert generation(app_pages_key("orders")) == before


def test_a_message_the_view_adds_is_not_kept_with_the_page(rf, staff):
    """A view that says something and shows the page (not a redirect) shows it once."""
    from django.contrib import messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.cache import SessionStore

    from core.pagecache import user_page

    def view():
        request = rf.get("/somewhere/")
        request.user, request.session = staff, SessionStore()
        request._messages = FallbackStorage(request)
        messages.info(request, "只说一次")
        return user_page(request, "base.html", {})

    assert "只说一次" in view().content.decode()
    request = rf.get("/somewhere/")
    request.user, request.session = staff, SessionStore()
    request._messages = FallbackStorage(request)
    assert "只说一次" not in user_page(request, "base.html", {}).content.decode()


def test_without_a_shared_cache_every_visit_is_rendered(login, staff, settings):
    settings.USER_PAGE_CACHE_SECONDS = 0  # the default without REDIS_URL
    client = login(staff)
    client.get(reverse("wishes:staff_list"))
    assert client.get(reverse("wishes:staff_list")).templates


def test_a_login_elsewhere_leaves_the_pages_kept(login, staff, member_user):
    client = login(staff)
    client.get(reverse("wishes:staff_list"))
    Client().force_login(member_user, backend=BACKEND)  # saves their last_login
    assert not client.get(reverse("wishes:staff_list")).templates
