"""Error pages speak the site's language and keep its navigation."""

from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error


def test_a_forbidden_page_explains_in_chinese_and_offers_a_way_back(login, member_user):
    response = login(member_user).get(reverse("portal:staff_home"))
    assert response.status_code == 403
    content = response.content.decode()
    assert "您的账号无法打开此页面" in content
    assert reverse("portal:dashboard") in content


def test_a_missing_page_is_shown_in_the_site_layout(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_an_expired_form_says_nothing_was_saved(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "a", "password": "b"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "尚未保存" in html and "返回" in html and "不会丢失" in html


def test_the_error_page_renders_without_a_request_context():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "出错了" in response.content.decode()


def test_a_get_to_a_post_only_address_is_a_page_with_a_way_back(login, member_user):
    """Issue 9: the address left in the bar after a refused registration gave a blank 405."""
    client = login(member_user)
    response = client.get(
        reverse("portal:registration_create"), HTTP_REFERER="http://testserver/me/"
    )
    html = response.content.decode()
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "这个地址只接收表单" in html and 'href="http://testserver/me/"' in html
    assert reverse("portal:dashboard") in html  # the site's layout and a way home


def test_the_405_page_offers_no_link_to_another_site(login, member_user):
    response = login(member_user).get(
        reverse("portal:registration_create"), HTTP_REFERER="https://evil.example/"
    )
    assert response.status_code == 405
    assert "evil.example" not in response.content.decode()


def test_the_405_of_an_htmx_request_stays_short(login, staff):
    response = login(staff).get(reverse("portal:registration_create"), HTTP_HX_REQUEST="true")
    assert response.status_code == 405 and b"<html" not in response.content


def test_the_favicon_is_served_and_linked(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".svg")
    assert 'rel="icon"' in client.get("/").content.decode()
