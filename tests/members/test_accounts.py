"""Accounts: sign-up, log-in by username or email, and brute force stopped on every login path
without revealing which accounts exist."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD

ADMIN_LOGIN = "/admin/login/"


def _login(client, path, name, password):
    field = "login" if path == reverse("account_login") else "username"
    return client.post(path, {field: name, "password": password})


def _body(response):
    """The page without its per-request tokens, for comparing two responses."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return re.sub(r"(zhangwei|nobody-here)", "NAME", html)


@pytest.mark.parametrize("name", ["zhangwei", "zhangwei@example.org", "ZhangWei"])
def test_log_in_by_username_or_email(client, member_user, name):
    response = client.post(reverse("account_login"), {"login": name, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("portal:dashboard")


def test_log_in_with_unverified_email_asks_for_verification(client, db, mailoutbox):
    from tests.factories import UserFactory

    UserFactory(username="newbie", verified=False)
    response = client.post(reverse("account_login"), {"login": "newbie", "password": PASSWORD})
    assert response.url == reverse("account_email_verification_sent")
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("path", [reverse("account_login"), ADMIN_LOGIN])
def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(client, member_user, path):
    known = _login(client, path, "zhangwei", "wrong password")
    unknown = _login(client, path, "nobody-here", "wrong password")
    assert known.status_code == unknown.status_code == 200
    assert _body(known) == _body(unknown)


@pytest.mark.parametrize("path", [reverse("account_login"), ADMIN_LOGIN])
@pytest.mark.parametrize("name", ["zhangwei", "nobody-here"])
def test_login_locks_out_after_the_limit(client, member_user, staff, path, name):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert _login(client, path, name, "wrong password").status_code == 200
    assert _login(client, path, name, "wrong password").status_code == 429
    # Even the right password is refused while locked out.
    locked = _login(client, path, name, PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # And it stays the lockout page, attempt after attempt.
    for _ in range(limit + 2):
        assert _login(client, path, name, "wrong password").status_code == 429


@pytest.mark.parametrize("path", [reverse("account_login"), ADMIN_LOGIN])
def test_lockout_page_is_the_same_for_known_and_unknown_names(client, member_user, path):
    pages = []
    for name in ("zhangwei", "nobody-here"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            response = _login(client, path, name, "wrong password")
        pages.append(response)
    assert pages[0].status_code == pages[1].status_code == 429
    assert _body(pages[0]) == _body(pages[1])


def test_lockout_in_allauth_also_closes_the_admin(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, reverse("account_login"), "wangfang", "wrong password")
    response = _login(client, ADMIN_LOGIN, "wangfang", PASSWORD)
    assert response.status_code == 429


def test_the_admin_refuses_a_plain_member_like_a_wrong_password(client, member_user):
    member = _login(client, ADMIN_LOGIN, "zhangwei", PASSWORD)
    unknown = _login(client, ADMIN_LOGIN, "nobody-here", PASSWORD)
    assert member.status_code == unknown.status_code == 200
    assert _body(member) == _body(unknown)


def test_staff_can_log_in_to_the_admin(client, staff):
    response = _login(client, ADMIN_LOGIN, "wangfang", PASSWORD)
    assert response.status_code == 302


def test_password_reset_does_not_reveal_accounts(client, member_user, mailoutbox):
    known = client.post(reverse("account_reset_password"), {"email": "zhangwei@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("account_reset_password_done")


def test_password_reset_sends_a_working_link(client, member_user, mailoutbox):
    client.post(reverse("account_reset_password"), {"email": "zhangwei@example.org"})
    link = re.search(r"https?://[^\s]+/password/reset/key/[^\s]+", mailoutbox[0].body).group(0)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    new = "a brand new password 2024"
    response = client.post(form_url, {"password1": new, "password2": new})
    assert response.status_code == 302
    member_user.refresh_from_db()
    assert member_user.check_password(new)


def test_signup_with_a_taken_email_looks_like_a_new_signup(client, member_user, mailoutbox):
    data = {"username": "newcomer", "password1": "qwe!rty-2024x", "password2": "qwe!rty-2024x"}
    taken = client.post(reverse("account_signup"), {**data, "email": "zhangwei@example.org"})
    client.logout()
    fresh = client.post(
        reverse("account_signup"), {**data, "username": "newcomer2", "email": "n2@example.org"}
    )
    assert taken.status_code == fresh.status_code == 302
    assert taken.url == fresh.url


def test_signup_accepts_a_chinese_username(client, db, mailoutbox):
    response = client.post(
        reverse("account_signup"),
        {
            "username": "王小明",
            "email": "wxm@example.org",
            "password1": "qwe!rty-2024x",
            "password2": "qwe!rty-2024x",
        },
    )
    assert response.status_code == 302
    from members.models import User

    assert User.objects.filter(username="王小明").exists()


@pytest.mark.parametrize(
    "name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_email_verification_sent",
    ],
)
def test_account_pages_use_the_site_layout(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert "navbar" in html and "bootstrap.min.css" in html


def test_confirming_the_email_in_the_same_browser_logs_in_and_asks_for_the_profile(
    client, db, mailoutbox
):
    client.post(
        reverse("account_signup"),
        {
            "username": "lixiaohong",
            "email": "lxh@example.org",
            "password1": "qwe!rty-2024x",
            "password2": "qwe!rty-2024x",
        },
    )
    link = re.search(r"https?://[^/]+(/accounts/confirm-email/\S+)", mailoutbox[0].body).group(1)
    response = client.post(link, follow=True)
    assert response.redirect_chain[-1][0] == reverse("members:profile_edit")
    assert response.context["user"].username == "lixiaohong"


def test_logging_in_greets_the_member_in_plain_chinese(client, member_user):
    response = client.post(
        reverse("account_login"), {"login": "zhangwei", "password": PASSWORD}, follow=True
    )
    shown = [str(m) for m in response.context["messages"]]
    assert any("您好，您已登录" in m for m in shown)


def test_the_admin_login_error_is_plain_chinese(client, db):
    response = client.post(ADMIN_LOGIN, {"username": "nobody-here", "password": "x"})
    assert "用户名或密码不正确" in response.content.decode()


def test_behind_a_proxy_one_clients_failures_do_not_lock_out_another(client, member_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.66"}
    owner = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    url = reverse("account_login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"login": "zhangwei", "password": "wrong"}, **attacker)
    assert (
        client.post(url, {"login": "zhangwei", "password": "wrong"}, **attacker).status_code == 429
    )
    response = client.post(url, {"login": "zhangwei", "password": PASSWORD}, **owner)
    assert response.status_code == 302


def test_a_login_with_fewer_proxy_hops_than_configured_is_answered(client, member_user, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    response = client.post(
        reverse("account_login"),
        {"login": "zhangwei", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert response.status_code == 302


def test_a_login_name_longer_than_axes_stores_is_a_wrong_login(client, db):
    """A 500 on PostgreSQL before: axes stored the whole name in a column of 255 characters."""
    from axes.models import AccessAttempt

    response = client.post(reverse("account_login"), {"login": "x" * 5000, "password": "p"})
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "x" * 255
