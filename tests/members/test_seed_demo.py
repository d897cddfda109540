"""`seed_demo`: realistic data, idempotent, demo accounts only where DEMO_ACCOUNTS is on."""

import io

import pytest
from django.core.management import call_command

from members import demo
from members.models import (
    Community,
    CommunityRegistration,
    Member,
    Organization,
    Partnership,
    ServiceTeam,
    User,
)

MODELS = [User, Community, Organization, Member, CommunityRegistration, Partnership, ServiceTeam]


def _counts():
    return {m.__name__: m.objects.count() for m in MODELS}


@pytest.mark.django_db
def test_seed_demo_small_creates_the_sized_data(settings):
    settings.DEMO_ACCOUNTS = False
    call_command("seed_demo", size="small", stdout=io.StringIO())
    spec = demo.SIZES["small"]
    assert Community.objects.count() == spec.communities
    assert Organization.objects.count() == 1 + spec.party_committees + spec.branches
    assert Member.objects.count() == spec.members
    # Every member serves or waits for a community; at most one of each kind.
    assert CommunityRegistration.objects.filter(state="confirmed").count() <= spec.members
    assert Partnership.objects.exists()


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing(settings):
    settings.DEMO_ACCOUNTS = True
    call_command("seed_demo", size="small", stdout=io.StringIO())
    first = _counts()
    call_command("seed_demo", size="small", stdout=io.StringIO())
    assert _counts() == first


@pytest.mark.django_db
def test_no_demo_accounts_without_debug(settings):
    settings.DEMO_ACCOUNTS = False
    call_command("seed_demo", size="small", stdout=io.StringIO())
    usernames = [u for _, u, _ in demo.DEMO_LOGINS]
    assert not User.objects.filter(username__in=usernames).exists()
    assert not User.objects.filter(password__startswith="pbkdf2").exists()


@pytest.mark.django_db
def test_demo_accounts_log_in_with_the_known_password(settings, client):
    settings.DEMO_ACCOUNTS = True
    call_command("seed_demo", size="small", stdout=io.StringIO())
    for _role, username, _label in demo.DEMO_LOGINS:
        assert User.objects.get(username=username).check_password(demo.DEMO_PASSWORD)
    response = client.post(
        "/accounts/login/", {"login": "demo_member", "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_demo_logins_prints_one_login_per_role(settings):
    settings.DEMO_ACCOUNTS = True
    call_command("seed_demo", size="small", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    for _role, username, _label in demo.DEMO_LOGINS:
        assert username in out.getvalue()


@pytest.mark.django_db
def test_demo_logins_says_none_without_debug(settings):
    settings.DEMO_ACCOUNTS = False
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "demo_member" not in out.getvalue()


@pytest.mark.django_db
def test_every_demo_registration_is_requested_before_it_is_decided(settings):
    from django.db.models import F

    settings.DEMO_ACCOUNTS = True
    call_command("seed_demo", size="small", stdout=io.StringIO())
    assert not CommunityRegistration.objects.filter(decided_at__lt=F("created_at")).exists()
