"""A NUL anywhere in a request is answered with the 400 page, in the user's language, before
anything (PostgreSQL, which refuses NUL, above all) reads it (core.middleware)."""

import pytest
from django.urls import reverse

from wishes.models import Wish

pytestmark = pytest.mark.django_db

REFUSED_ZH = "无法处理这个请求"
REFUSED_EN = "This request cannot be read"


def assert_refused(response, words=REFUSED_ZH):
    assert response.status_code == 400
    assert words in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/communities/?q=%00",  # issue 8: a 500 on PostgreSQL, for anyone
        "/communities/?q=a%00b&page=2",
        "/wishes/?q=%00",
        "/wishes/?community=%00",
        "/communities/?%00=1",
        "/communities/?q=a&q=%00",
        "/communities/%00/",
    ],
)
def test_a_nul_in_the_address_is_refused_with_the_400_page(client, url):
    assert_refused(client.get(url))


def test_the_400_page_speaks_the_users_language(client):
    assert_refused(client.get("/communities/?q=%00", HTTP_ACCEPT_LANGUAGE="en"), REFUSED_EN)
    client.cookies["django_language"] = "en"
    assert_refused(client.get("/communities/?q=%00"), REFUSED_EN)


def test_staff_searches_are_refused_too(login, staff):
    assert_refused(login(staff).get(reverse("members:staff_members"), {"q": "张\x00"}))


def test_a_nul_in_a_form_field_is_refused_and_nothing_is_stored(client, community):
    data = {
        "community": community.pk,
        "name": "赵桂兰",
        "phone": "13700002222",
        "address": "和平里",
        "title": "上门\x00理发",
        "category": "home_service",
    }
    assert_refused(client.post(reverse("wishes:submit"), data))
    assert_refused(client.post(reverse("wishes:submit"), {**data, "title": "理发", "\x00": "1"}))
    assert not Wish.objects.exists()


def test_a_cookie_with_a_nul_is_dropped_and_the_page_is_answered(client, member_user):
    client.force_login(member_user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("portal:home"), HTTP_COOKIE='sessionid="abcdefgh\\000ijk"')
    assert response.status_code == 200
    response = client.get(reverse("portal:dashboard"), HTTP_COOKIE='sessionid="abc\\000defghijk"')
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_an_ordinary_request_passes(client, community):
    assert client.get("/communities/", {"q": "和平"}).status_code == 200


def test_any_bad_request_gets_the_same_page_before_the_user_is_known(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    assert_refused(client.get("/", HTTP_HOST="elsewhere.example"))
