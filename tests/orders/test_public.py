"""The resident's pages: the menu, the order form (the wish form's protections), the thanks page
with the tracking code, the tracking page and the rating at the end."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from orders import services
from orders.models import ServiceOrder
from tests import factories as f

pytestmark = pytest.mark.django_db


def _post(client, community, item, **extra):
    data = {
        "item": item.pk,
        "name": "李秀英",
        "phone": "13900001111",
        "address": "和平里3号",
        "description": "想理发",
        "preferred_time": "周六上午",
        "urgency": "normal",
        "submission": str(uuid.uuid4()),
        **extra,
    }
    return client.post(reverse("orders:new", args=[community.pk]), data)


def test_the_entry_page_lists_a_page_of_communities_and_finds_one_by_name(client, community):
    for i in range(35):
        f.CommunityFactory(name=f"幸福里{i:02d}社区")
    first = client.get(reverse("orders:start"))
    assert len(first.context["page"].object_list) == 30
    assert first.context["page"].paginator.num_pages == 2
    found = client.get(reverse("orders:start"), {"q": community.name})
    assert [c.pk for c in found.context["page"].object_list] == [community.pk]
    assert reverse("orders:menu", args=[community.pk]) in found.content.decode()


def test_the_entry_page_says_when_no_community_matches(client, community):
    html = client.get(reverse("orders:start"), {"q": "不存在的社区"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "No community matches." in html.content.decode()


def test_the_entry_page_is_served_from_the_public_cache(client, community, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    client.get(reverse("orders:start"))
    assert Client().get(reverse("orders:start"))["X-Public-Page-Cache"] == "hit"


def test_the_menu_lists_the_offered_services(client, item, community):
    page = client.get(reverse("orders:menu", args=[community.pk]))
    assert "上门理发" in page.content.decode()


def test_a_resident_orders_without_an_account_and_sees_the_code(client, item, community):
    response = _post(client, community, item)
    assert response.status_code == 302
    order = ServiceOrder.objects.get()
    thanks = client.get(response["Location"]).content.decode()
    assert order.display_code in thanks


def test_sending_the_same_form_twice_makes_one_order(client, item, community):
    token = str(uuid.uuid4())
    _post(client, community, item, submission=token)
    _post(client, community, item, submission=token)
    assert ServiceOrder.objects.count() == 1


def test_a_bot_filling_the_trap_is_thanked_and_nothing_is_stored(client, item, community):
    response = _post(client, community, item, website="http://spam")
    assert response.status_code == 302 and ServiceOrder.objects.count() == 0


def test_bad_input_keeps_what_was_typed(client, item, community):
    response = _post(client, community, item, phone="abc")
    body = response.content.decode()
    assert response.status_code == 200 and "想理发" in body and "周六上午" in body
    assert ServiceOrder.objects.count() == 0


def test_an_item_of_another_community_is_refused(client, item, community, other_item):
    response = _post(client, community, other_item)
    assert response.status_code == 200 and ServiceOrder.objects.count() == 0


def test_the_public_form_is_rate_limited_by_client_address(settings, client, item, community):
    settings.PUBLIC_FORM_RATE = "2/h"
    for _ in range(2):
        _post(client, community, item)
    response = _post(client, community, item)
    assert response.status_code == 429
    assert "想理发" in response.content.decode()  # what was typed is kept
    assert ServiceOrder.objects.count() == 2


def _track(client, code, last4):
    return client.post(reverse("orders:track"), {"code": code, "last4": last4})


def test_the_tracking_page_shows_the_state_but_no_personal_data(client, order):
    response = _track(client, order.display_code, "1111")
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="tracked-order"' in body
    assert "李秀英" not in body and "13900001111" not in body and "和平里" not in body


def test_a_wrong_code_and_wrong_digits_get_the_same_answer(client, order):
    wrong_code = _track(client, "ZZZZ-ZZZZ", "1111")
    wrong_digits = _track(client, order.code, "2222")
    assert wrong_code.status_code == wrong_digits.status_code == 404
    for response in (wrong_code, wrong_digits):
        body = response.content.decode()
        assert 'data-testid="not-found"' in body and 'data-testid="tracked-order"' not in body
        assert order.item.name not in body


def test_the_tracking_page_is_rate_limited(settings, client, order):
    settings.ORDERS_TRACK_RATE = "3/h"
    for _ in range(3):
        _track(client, "ZZZZ-ZZZZ", "0000")
    response = _track(client, order.code, "1111")
    assert response.status_code == 429
    assert 'data-testid="tracked-order"' not in response.content.decode()


def test_the_resident_rates_a_finished_order_by_code(client, done):
    page = _track(client, done.code, "1111").content.decode()
    assert 'name="rating"' in page
    client.post(
        reverse("orders:track"),
        {"code": done.code, "last4": "1111", "rating": 5, "comment": "很好"},
    )
    done.refresh_from_db()
    assert done.rating == 5 and done.rating_comment == "很好"


def test_a_rating_with_wrong_digits_is_not_stored(client, done):
    response = client.post(
        reverse("orders:track"), {"code": done.code, "last4": "9999", "rating": 1}
    )
    done.refresh_from_db()
    assert response.status_code == 404 and done.rating is None


def test_a_rejected_order_shows_the_reason(client, order, staff):
    services.order_reject(order=order, by=staff, reason="不在服务范围")
    assert "不在服务范围" in _track(client, order.code, "1111").content.decode()
