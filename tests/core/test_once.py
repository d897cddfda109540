import pytest
from django.utils import translation

from core.once import SubmitOnceForm, saved_before
from wishes.models import Wish


class _Form(SubmitOnceForm):
    pass


def test_an_empty_form_carries_a_new_token_each_time():
    assert _Form().initial["submission"] != _Form().initial["submission"]


def test_a_form_without_its_token_says_to_reload():
    form = _Form(data={})
    with translation.override("en"):
        assert not form.is_valid()
        assert "Reload the page" in str(form.errors["submission"])


@pytest.mark.django_db
def test_no_token_finds_nothing():
    assert saved_before(Wish, None) is None
