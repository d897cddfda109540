"""The member home is kept for a minute (core.pagecache.user_page), and never
shows less than what the member did, what was done to what they do, what was recorded for them
or what they were told."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from records.models import ServiceRecord
from records.services import service_record_create
from tests.wishes.factories import ClaimFactory, WishFactory
from wishes.forms import claimant_choices
from wishes.models import Claim
from wishes.services import claim_release

pytestmark = pytest.mark.django_db
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _home(client) -> str:
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_visit_is_served_from_the_cache(login, member, django_assert_max_num_queries):
    client = login(member.user)
    first = _home(client)
    with django_assert_max_num_queries(3):
        again = _home(client)
    assert _without_tokens(again) == _without_tokens(first)


def _without_tokens(html: str) -> str:
    return re.sub(r'value="[A-Za-z0-9-]{32,64}"|"X-CSRFToken": "[A-Za-z0-9]{32,64}"', "", html)


def test_what_the_member_claims_shows_on_their_next_visit(login, member, community):
    client = login(member.user)
    wish = WishFactory(resident__community=community)
    assert wish.title not in _home(client)
    response = client.post(
        reverse("wishes:claim", args=[wish.pk]),
        {
            "promised_date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
            "claim_as": claimant_choices(member.user)[0][0],
        },
    )
    assert response.status_code == 302
    assert Claim.objects.filter(wish=wish, member=member).exists()
    assert wish.title in _home(client)


def test_a_claim_ended_by_someone_else_leaves_the_home_at_once(login, member, staff):
    claim = ClaimFactory(member=member)
    client = login(member.user)
    assert claim.wish.title in _home(client)
    claim_release(claim=claim, by=staff, reason="居民已搬走", automatic=True)
    assert claim.wish.title not in _home(client)


def _hours(html: str) -> Decimal:
    return Decimal(re.search(r'data-testid="home-hours">([0-9.]+)<', html).group(1))


def test_service_recorded_by_staff_shows_at_once(login, member, community, staff):
    client = login(member.user)
    assert _hours(_home(client)) == 0
    service_record_create(
        member=member,
        community=community,
        served_on=timezone.localdate(),
        hours=3,
        kind=ServiceRecord.Kind.OTHER,
        source=ServiceRecord.Source.STAFF,
        source_key="staff:test",
        title="打扫楼道",
        created_by=staff,
    )
    assert _hours(_home(client)) == 3


def test_a_notification_shows_at_once(login, member):
    client = login(member.user)
    assert "未读通知 1 条" not in _home(client)
    Notification.objects.create(user=member.user, key="test:1", subject="认领已确认", body="b")
    assert "未读通知 1 条" in _home(client)


def test_each_language_has_its_own(login, member):
    client = login(member.user)
    assert "我的服务" in _home(client)
    english = client.get(reverse("portal:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My service in" in english and "我的服务" not in english.split("<main")[1]


def test_what_changed_unseen_shows_within_the_minute(login, member, settings):
    # The local-memory cache, whose minute the travelling clock moves (Redis keeps its own).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    claim = ClaimFactory(member=member)
    client = login(member.user)
    assert claim.wish.title in _home(client)
    # A change that starts no generation (straight in the database).
    Claim.objects.filter(pk=claim.pk).update(state=Claim.State.RELEASED)
    assert claim.wish.title in _home(client)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        assert claim.wish.title not in _home(client)


def test_the_forms_of_a_cached_home_carry_this_sessions_token(member, community):
    member.registrations.all().delete()  # the home offers the registration form
    first = Client(enforce_csrf_checks=True)
    first.force_login(member.user, backend=BACKEND)
    _home(first)  # stored with the first session's tokens
    second = Client(enforce_csrf_checks=True)
    second.force_login(member.user, backend=BACKEND)
    html = _home(second)
    form = html[html.index(reverse("portal:registration_create")) :]
    hidden = dict(
        re.findall(r'type="hidden" name="(\w+)" value="([^"]+)"', form.split("</form>")[0])
    )
    assert set(hidden) == {"csrfmiddlewaretoken", "submission"}
    response = second.post(
        reverse("portal:registration_create"), {**hidden, "community": community.pk}
    )
    assert response.status_code == 302
    assert member.registrations.filter(community=community).exists()
