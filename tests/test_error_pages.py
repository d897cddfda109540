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
    assert "内容尚未保存" in response.content.decode()


def test_the_error_page_renders_without_a_request_context():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "出错了" in response.content.decode()
