"""The admin's add pages add one object per form: a second sending of the same form (a double
click, Back and send again) finds the first object instead of adding a copy."""

import uuid

import pytest
from django.urls import reverse

from members.models import Grid

pytestmark = pytest.mark.django_db

ADD = "admin:members_grid_add"


@pytest.fixture
def send(community):
    def send(client, token, name="一网格"):
        data = {"community": community.pk, "name": name, "_submission": str(token)}
        return client.post(reverse(ADD), data)

    return send


def test_the_add_form_carries_a_one_time_token(login, staff):
    html = login(staff).get(reverse(ADD)).content.decode()
    assert 'name="_submission"' in html and "data-submit-once" in html


def test_the_same_form_sent_twice_adds_one_object_and_says_where_it_is(login, staff, send):
    client, token = login(staff), uuid.uuid4()
    send(client, token)
    response = send(client, token)

    grid = Grid.objects.get()
    assert response.url == reverse("admin:members_grid_change", args=[grid.pk])
    assert "没有重复保存" in client.get(response.url).content.decode()


def test_two_forms_add_two_objects(login, staff, send):
    client = login(staff)
    send(client, uuid.uuid4(), "一网格")
    send(client, uuid.uuid4(), "二网格")
    assert Grid.objects.count() == 2


def test_a_form_refused_with_its_errors_may_be_corrected_and_sent_again(login, staff, send):
    client, token = login(staff), uuid.uuid4()
    refused = send(client, token, name="")
    assert refused.status_code == 200
    assert refused.context["submission_token"] == str(token)

    send(client, token)
    assert Grid.objects.count() == 1


def test_a_role_that_may_not_add_is_refused_whatever_the_token(login, member_user, send):
    response = send(login(member_user), uuid.uuid4())
    assert response.status_code in (302, 403)
    assert not Grid.objects.exists()
