"""Form errors read plainly in Chinese, and an error shown away from its field names it."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import translation

from core.forms import errors_as_messages


class CommentForm(forms.Form):
    comment = forms.CharField(label="意见", max_length=5)
    hours = forms.DecimalField(label="时长", max_digits=3, decimal_places=1, min_value=0)


def _messages_of(form) -> list[str]:
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    errors_as_messages(request, form)
    return [str(m) for m in get_messages(request)]


def test_a_text_too_long_says_the_limit_and_the_length_in_plain_chinese():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        forms.CharField(max_length=5).clean("一二三四五六")
    assert error.value.messages == ["最多 5 个字，现在有 6 个字。"]


def test_no_stock_wording_of_django_is_left_in_a_number_fields_errors():
    with translation.override("zh-hans"):
        form = CommentForm({"comment": "好", "hours": "-1.25"})
        form.is_valid()
        text = " ".join(form.errors["hours"])
    assert "确保" not in text and "确认" not in text


def test_errors_away_from_their_field_name_it():
    with translation.override("zh-hans"):
        form = CommentForm({"comment": "太长太长太长", "hours": "1"})
        assert _messages_of(form) == ["意见：最多 5 个字，现在有 6 个字。"]


def test_errors_away_from_their_field_name_it_in_english():
    with translation.override("en"):
        form = CommentForm({"comment": "", "hours": "1"})
        assert _messages_of(form) == ["意见: This field is required."]
