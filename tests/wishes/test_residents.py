"""群众点单 for the people who use it (issue 9): a resend stores nothing twice and says so; the
thanks page gives a tracking code and the number to call; the tracking page shows where the
wish is and nothing personal; the phone opens the phone's keypad; the 429 page says when to try
again and whom to call."""

import re

import pytest
from django.urls import reverse

from tests.factories import once
from tests.wishes.test_public_form import form_data
from wishes import services
from wishes.models import Resident, Wish

pytestmark = pytest.mark.django_db


@pytest.fixture
def community(community):
    community.phone = "010-62345678"
    community.save()
    return community


def _send(client, data):
    return client.post(reverse("wishes:submit"), data, follow=True)


def test_sending_the_same_form_twice_stores_one_wish_and_says_so(client, community):
    data = form_data(community)
    first = _send(client, data)
    second = _send(client, data)  # a double click, a resend, Back and send again
    assert Wish.objects.count() == 1 and Resident.objects.count() == 1
    code = Wish.objects.get().shown_tracking_code
    assert code in first.content.decode() and code in second.content.decode()
    shown = [str(m) for m in second.context["messages"]]
    assert any("已经送出过" in m and "没有重复保存" in m for m in shown)
    assert not [str(m) for m in first.context["messages"]]


def test_the_same_wish_sent_again_from_a_fresh_form_is_not_stored_twice(client, community):
    """A browser without script, or Back fetching the form anew, sends a new token: the same
    title from the same phone within the hour, not reviewed yet, is the same wish."""
    _send(client, form_data(community))
    second = _send(client, form_data(community))
    assert Wish.objects.count() == 1
    assert any("已经送出过" in str(m) for m in second.context["messages"])


def test_a_fresh_form_is_a_fresh_wish(client, community):
    _send(client, form_data(community))
    _send(client, form_data(community, title="第二个心愿"))
    assert Wish.objects.count() == 2


def test_a_form_corrected_after_an_error_still_makes_one_wish(client, community):
    data = form_data(community, phone="abc")
    response = client.post(reverse("wishes:submit"), data)
    assert response.status_code == 200
    assert data["submission"] in response.content.decode()  # the token is kept
    fixed = {**data, "phone": "13700002222"}
    _send(client, fixed)
    _send(client, fixed)
    assert Wish.objects.count() == 1


def test_the_thanks_page_gives_the_tracking_code_and_the_number_to_call(client, community):
    html = _send(client, form_data(community)).content.decode()
    wish = Wish.objects.get()
    assert len(wish.tracking_code) == 8
    assert wish.shown_tracking_code in html and "010-62345678" in html
    assert "记下" in html


def test_the_thanks_page_without_a_wish_shows_no_code(client):
    response = client.get(reverse("wishes:submit_done"))
    assert response.status_code == 200 and 'data-testid="tracking-code"' not in (
        response.content.decode()
    )


def _track(client, code, last4, **extra):
    return client.post(reverse("wishes:track"), {"code": code, "last4": last4}, **extra)


@pytest.fixture
def sent(client, community):
    _send(client, form_data(community))
    return Wish.objects.get()


@pytest.mark.parametrize(
    "move,words",
    [
        (None, "等待审核"),
        ("publish", "已发布"),
        ("reject", "未被受理"),
    ],
)
def test_the_code_and_four_digits_show_the_state(client, sent, staff, move, words):
    if move == "publish":
        services.wish_publish(wish=sent, by=staff)
    elif move == "reject":
        services.wish_reject(wish=sent, by=staff, reason="不在本社区范围")
    response = _track(client, sent.shown_tracking_code.lower(), "2222")
    html = response.content.decode()
    assert response.status_code == 200 and words in html and sent.title in html
    if move == "reject":
        assert "不在本社区范围" in html
    # Nothing personal: neither the name, the phone nor the address.
    assert "赵桂兰" not in html and "13700002222" not in html and "和平里5号楼" not in html


@pytest.mark.parametrize(
    "state,words",
    [
        (Wish.State.CLAIMED, "已被认领"),
        (Wish.State.FULFILLED, "社区确认中"),
        (Wish.State.COMPLETED, "已经实现"),
        (Wish.State.EXPIRED, "重新提交"),
    ],
)
def test_later_states_read_in_plain_words(client, sent, state, words):
    Wish.objects.filter(pk=sent.pk).update(state=state)
    assert words in _track(client, sent.tracking_code, "2222").content.decode()


def test_a_wrong_code_and_wrong_digits_read_the_same(client, sent):
    wrong_digits = _track(client, sent.tracking_code, "9999").content.decode()
    wrong_code = _track(client, "ZZZZ-ZZZZ", "2222").content.decode()
    for html in (wrong_digits, wrong_code):
        assert 'data-testid="not-found"' in html and sent.title not in html
    # The same words for both.
    alert = re.compile(r'data-testid="not-found">(.*?)</div>')
    assert alert.search(wrong_digits).group(1) == alert.search(wrong_code).group(1)


def test_bad_digits_are_explained_and_the_code_kept(client, sent):
    html = _track(client, sent.tracking_code, "22a").content.decode()
    assert "手机号码的后4位" in html and sent.tracking_code in html


def test_tracking_is_rate_limited_and_says_when_to_try_again(client, settings, sent):
    settings.TRACKING_RATE = "3/15m"
    for _ in range(3):
        assert _track(client, "ZZZZZZZZ", "0000").status_code == 200
    response = _track(client, sent.tracking_code, "2222")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "分钟后再试" in html and sent.title not in html


def test_the_submit_429_says_when_to_try_again_and_whom_to_call(client, settings, community):
    settings.PUBLIC_FORM_RATE = "1/h"
    _send(client, form_data(community))
    response = client.post(reverse("wishes:submit"), form_data(community, title="第二次"))
    html = response.content.decode()
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "分钟后重新提交" in html and "010-62345678" in html and community.name in html
    assert "第二次" in html and "赵桂兰" in html  # what was typed
    assert Wish.objects.count() == 1


def test_the_phone_field_opens_the_phone_keypad_and_names_autocomplete(client, login, staff):
    html = client.get(reverse("wishes:submit")).content.decode()
    assert 'inputmode="tel"' in html and 'autocomplete="tel"' in html
    assert 'autocomplete="name"' in html
    staff_html = login(staff).get(reverse("wishes:post")).content.decode()
    assert 'inputmode="tel"' in staff_html


def test_staff_posting_twice_makes_one_wish_and_one_resident(login, staff):
    client = login(staff)
    data = {**once(), "new_name": "周大爷", "title": "一副老花镜", "category": "daily"}
    first = client.post(reverse("wishes:post"), data)
    second = client.post(reverse("wishes:post"), data, follow=True)
    wish = Wish.objects.get()
    assert Resident.objects.count() == 1
    assert first.url == wish.get_absolute_url() and second.redirect_chain[-1][0] == first.url
    shown = [str(m) for m in second.context["messages"]]
    assert any("一副老花镜" in m and "已经保存过" in m for m in shown)


def test_the_home_page_leads_residents_to_the_form_and_the_tracking_page(client):
    html = client.get(reverse("portal:home")).content.decode()
    assert reverse("wishes:submit") in html and reverse("wishes:track") in html
    assert "需要帮忙吗" in html


def test_a_communitys_page_offers_help_and_shows_its_wishes(client, community, other_community):
    from tests.wishes.factories import ResidentFactory, WishFactory

    mine = WishFactory(resident=ResidentFactory(community=community), title="一台电风扇")
    WishFactory(resident=ResidentFactory(community=other_community), title="一副老花镜")
    WishFactory(resident=mine.resident, title="待审核的心愿", state=Wish.State.SUBMITTED)
    html = client.get(reverse("members:community_detail", args=[community.pk])).content.decode()
    assert f"{reverse('wishes:submit')}?community={community.pk}" in html
    assert reverse("wishes:community_wishes", args=[community.pk]) in html
    assert "010-62345678" in html
    fragment = client.get(reverse("wishes:community_wishes", args=[community.pk]))
    text = fragment.content.decode()
    assert "一台电风扇" in text and "一副老花镜" not in text and "待审核的心愿" not in text
    assert "<html" not in text


def test_the_form_opened_from_a_communitys_page_has_the_community_chosen(client, community):
    response = client.get(reverse("wishes:submit"), {"community": community.pk})
    assert response.context["form"]["community"].value() == str(community.pk)


def test_the_community_wishes_cost_a_fixed_number_of_queries(
    client, community, django_assert_max_num_queries
):
    from tests.wishes.factories import ResidentFactory, WishFactory

    resident = ResidentFactory(community=community)
    url = reverse("wishes:community_wishes", args=[community.pk])
    for n in (2, 12):
        WishFactory.create_batch(n, resident=resident)
        with django_assert_max_num_queries(4):
            client.get(url)
