"""core.once: one submission, one object, whatever the browser sends again."""

import uuid

import pytest
from django.db import IntegrityError
from django.utils import translation

from core import once
from core.once import SubmitOnceForm, already_saved_message, create_once, saved_before
from tests.wishes.factories import WishFactory
from wishes.models import Wish


class _Form(SubmitOnceForm):
    pass


def test_an_empty_form_carries_a_new_token_each_time():
    assert _Form().initial["submission"] != _Form().initial["submission"]


def test_a_form_shown_again_with_its_errors_keeps_its_token():
    token = str(uuid.uuid4())
    form = _Form(data={"submission": token})
    assert form["submission"].value() == token


def test_a_form_without_its_token_says_to_reload():
    form = _Form(data={})
    assert not form.is_valid()
    with translation.override("en"):
        assert "Reload the page" in str(form.errors["submission"][0])
    with translation.override("zh-hans"):
        assert "刷新页面" in str(_Form(data={"submission": "x"}).errors["submission"][0])


@pytest.mark.django_db
def test_no_token_finds_nothing():
    assert saved_before(Wish, None) is None


@pytest.mark.django_db
def test_the_first_arrival_creates_and_a_second_finds_it():
    token = uuid.uuid4()
    made = []

    def create():
        made.append(WishFactory(submission=token))
        return made[-1]

    first, created = create_once(Wish, token, create)
    again, created_again = create_once(Wish, token, create)
    assert created and not created_again
    assert again == first and len(made) == 1 and Wish.objects.count() == 1


@pytest.mark.django_db
def test_two_arrivals_that_race_make_one_row(monkeypatch):
    """The second request looked before the first had inserted: its insert hits the unique
    constraint, and it is given the first one's row instead of an error."""
    token = uuid.uuid4()
    winner = WishFactory(submission=token)
    looks = []
    real = once.saved_before

    def late_look(model, t):
        looks.append(t)
        # The first look happened before the winner's insert was visible.
        return None if len(looks) == 1 else real(model, t)

    monkeypatch.setattr(once, "saved_before", late_look)
    row, created = create_once(
        Wish, token, lambda: WishFactory(submission=token, title="second copy")
    )
    assert (row, created) == (winner, False)
    assert Wish.objects.count() == 1 and not Wish.objects.filter(title="second copy").exists()


@pytest.mark.django_db
def test_an_integrity_error_of_another_kind_is_not_hidden():
    def create():
        raise IntegrityError("something else")

    with pytest.raises(IntegrityError):
        create_once(Wish, uuid.uuid4(), create)


@pytest.mark.django_db
def test_the_second_attempt_is_told_what_was_saved():
    wish = WishFactory(title="一台电风扇")
    with translation.override("zh-hans"):
        assert "一台电风扇" in already_saved_message(wish)
