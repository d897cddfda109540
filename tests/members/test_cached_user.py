"""The signed-in user's row is read from the cache on every request after the first
(members.middleware), and never outlives a change to it: a new password, a deactivated
account, a new name, a session that no longer verifies."""

import pytest
from django.contrib.auth import HASH_SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import User

pytestmark = pytest.mark.django_db

USER_TABLE = User._meta.db_table


def _user_reads(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return sum(f'FROM "{USER_TABLE}"' in q["sql"] for q in queries.captured_queries)


def test_a_second_request_reads_no_user_row(login, member_user):
    client = login(member_user)
    assert _user_reads(client, reverse("notifications:list")) >= 1
    assert _user_reads(client, reverse("notifications:list")) == 0


def test_a_new_password_signs_out_the_other_sessions_at_once(login, member_user):
    client = login(member_user)
    client.get(reverse("notifications:list"))
    member_user.set_password("a-new-secret-9137")
    member_user.save()
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_deactivated_account_is_signed_out_at_once(login, member_user):
    client = login(member_user)
    client.get(reverse("notifications:list"))
    member_user.is_active = False
    member_user.save()
    assert client.get(reverse("notifications:list")).status_code == 302


def test_a_session_that_no_longer_verifies_is_flushed(login, member_user):
    client = login(member_user)
    client.get(reverse("notifications:list"))
    session = client.session
    session[HASH_SESSION_KEY] = "0" * 64
    session.save()
    assert client.get(reverse("notifications:list")).status_code == 302
    assert client.get(reverse("notifications:list")).status_code == 302  # flushed, not kept


def test_the_next_request_has_the_saved_row(login, member_user):
    client = login(member_user)
    client.get(reverse("notifications:list"))
    member_user.display_name = "张卫东"
    member_user.save()
    response = client.get(reverse("notifications:list"))
    assert response.wsgi_request.user.display_name == "张卫东"


def test_without_a_shared_cache_every_request_reads_the_row(login, member_user, settings):
    settings.USER_ROW_CACHE_SECONDS = 0  # each process its own cache: none is kept
    client = login(member_user)
    client.get(reverse("notifications:list"))
    assert _user_reads(client, reverse("notifications:list")) >= 1


def test_a_row_read_before_a_change_is_not_kept_after_it(login, member_user, monkeypatch):
    """A change committed while the row is read renews the generation: the old row must not be
    kept under the new one."""
    from django.contrib import auth

    from members.access import roles_changed

    read = auth.get_user

    def read_then_changed(request):
        user = read(request)
        roles_changed()  # another request saved the user meanwhile
        return user

    client = login(member_user)
    monkeypatch.setattr(auth, "get_user", read_then_changed)
    client.get(reverse("notifications:list"))
    monkeypatch.setattr(auth, "get_user", read)
    assert _user_reads(client, reverse("notifications:list")) >= 1
