"""Demo accounts made while DEBUG was on (DEMO_ACCOUNTS) are refused once it is off, on every
login path and with the answer of a wrong password; `check --deploy` tells operators they are
there, and `remove_demo_accounts` takes them out."""

import io
import re

import pytest
from django.conf import settings as django_settings
from django.core import checks
from django.core.management import call_command
from django.urls import reverse

from members import demo
from members.checks import demo_accounts_check
from members.models import User
from tests.factories import PASSWORD

ALLAUTH_LOGIN = reverse("account_login")
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def demo_made_in_debug(db, settings):
    """The demo data and accounts seeded while DEBUG was on, then DEBUG turned off."""
    settings.DEMO_ACCOUNTS = True
    call_command("seed_demo", size="small", stdout=io.StringIO())
    settings.DEMO_ACCOUNTS = False
    return User.objects.filter(username__in=demo.DEMO_USERNAMES)


def _login(client, path, name, password):
    field = "login" if path == ALLAUTH_LOGIN else "username"
    return client.post(path, {field: name, "password": password})


def _body(response):
    """The page without its per-request tokens and the name typed, for comparing two answers."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return re.sub(r'value="[^"]*"', 'value=""', html)


@pytest.mark.parametrize("name", ["demo_member", "demo_member@example.org", "Demo_Member"])
def test_allauth_refuses_a_demo_account_like_a_wrong_password(client, demo_made_in_debug, name):
    refused = _login(client, ALLAUTH_LOGIN, name, demo.DEMO_PASSWORD)
    wrong = _login(client, ALLAUTH_LOGIN, name, "not the password")
    assert refused.status_code == wrong.status_code == 200
    assert _body(refused) == _body(wrong)
    assert "_auth_user_id" not in client.session


def test_the_admin_refuses_the_demo_superuser_like_a_wrong_password(client, demo_made_in_debug):
    refused = _login(client, ADMIN_LOGIN, "demo_admin", demo.DEMO_PASSWORD)
    wrong = _login(client, ADMIN_LOGIN, "demo_admin", "not the password")
    assert refused.status_code == wrong.status_code == 200
    assert _body(refused) == _body(wrong)
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.parametrize("path", [ALLAUTH_LOGIN, ADMIN_LOGIN])
def test_refused_demo_logins_count_towards_the_lockout(client, demo_made_in_debug, path):
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, path, "demo_admin", demo.DEMO_PASSWORD).status_code == 200
    assert _login(client, path, "demo_admin", demo.DEMO_PASSWORD).status_code == 429


@pytest.mark.parametrize("path", [ALLAUTH_LOGIN, ADMIN_LOGIN])
def test_with_demo_accounts_on_they_log_in(client, demo_made_in_debug, settings, path):
    settings.DEMO_ACCOUNTS = True
    assert _login(client, path, "demo_admin", demo.DEMO_PASSWORD).status_code == 302
    assert "_auth_user_id" in client.session


def test_other_accounts_still_log_in(client, member_user):
    assert _login(client, ALLAUTH_LOGIN, "zhangwei", PASSWORD).status_code == 302


def test_sign_up_keeps_the_demo_names(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "someone@example.org",
            "username": "Demo_Admin",
            "password1": "Hongqi-2024-piao",
            "password2": "Hongqi-2024-piao",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username__iexact="demo_admin").exists()


def test_the_deploy_check_names_the_demo_accounts_left_in_the_database(demo_made_in_debug):
    [warning] = demo_accounts_check()
    assert warning.id == "members.W001"
    assert "demo_admin" in warning.msg
    assert "remove_demo_accounts" in warning.hint


def test_the_deploy_check_is_quiet_while_demo_accounts_are_on(demo_made_in_debug, settings):
    settings.DEMO_ACCOUNTS = True
    assert demo_accounts_check() == []


def test_the_deploy_check_is_quiet_without_demo_accounts(db):
    assert demo_accounts_check() == []


def test_remove_demo_accounts_deletes_or_disables_every_one(demo_made_in_debug, settings, client):
    out = io.StringIO()
    call_command("remove_demo_accounts", stdout=out)
    for user in demo_made_in_debug:
        assert not user.is_active and not user.has_usable_password()
        assert not user.is_staff and not user.is_superuser
    assert demo_accounts_check() == []
    assert all(name in out.getvalue() for name in demo.DEMO_USERNAMES)
    # Not even with demo accounts on again: what is left of them has no password.
    settings.DEMO_ACCOUNTS = True
    assert _login(client, ALLAUTH_LOGIN, "demo_member", demo.DEMO_PASSWORD).status_code == 200


def test_the_demo_accounts_check_runs_with_the_deploy_checks_only(demo_made_in_debug):
    deploy = [m.id for m in checks.run_checks(include_deployment_checks=True)]
    assert "members.W001" in deploy
    assert "members.W001" not in [m.id for m in checks.run_checks()]
