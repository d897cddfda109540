"""The account emails (allauth's) speak in the site's own words, in the user's language, and
name the site and its address, never the host the request came to."""

import pytest
from django.core import mail
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(db):
    user = f.UserFactory(username="wangfang", email="wangfang@example.com")
    return user


def _reset(client, email, language):
    client.post(reverse("account_reset_password"), {"email": email}, HTTP_ACCEPT_LANGUAGE=language)
    assert len(mail.outbox) == 1
    return mail.outbox[0]


def test_the_password_reset_email_in_chinese_names_the_site_and_its_address(
    client, account, settings
):
    settings.SITE_URL = "https://zyfw.example.cn"
    message = _reset(client, account.email, "zh-hans")

    assert message.subject.startswith("[双报到志愿服务]")
    assert "双报到志愿服务" in message.body
    assert "https://zyfw.example.cn" in message.body
    assert "您的登录名是 wangfang" in message.body
    assert "testserver" not in message.body.replace("http://testserver/", "")
    assert "Hello from" not in message.body and "来自" not in message.body


def test_the_password_reset_email_in_english_has_the_sites_own_words(client, account):
    message = _reset(client, account.email, "en")

    assert message.body.startswith("Hello,")
    assert "asked to set a new password for your account on Community Volunteer Service" in (
        message.body
    )
    assert "Thank you for using" not in message.body


def test_an_unknown_address_gets_the_sites_words_too(client, db):
    message = _reset(client, "nobody@example.com", "zh-hans")

    assert "没有账号使用这个邮箱地址" in message.body
    assert "database" not in message.body


def test_the_signup_confirmation_names_the_site(client, db, settings):
    settings.SITE_URL = "https://zyfw.example.cn"
    client.post(
        reverse("account_signup"),
        {
            "email": "li@example.com",
            "username": "lisi",
            "password1": "Kq8-vx3-Lm2-pz9",
            "password2": "Kq8-vx3-Lm2-pz9",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "有人（可能是您）用这个邮箱地址注册了双报到志愿服务" in body
    assert "https://zyfw.example.cn" in body
