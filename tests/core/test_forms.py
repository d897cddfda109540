"""Typed text, in every form: control characters left out, line breaks only where a textarea
allows them (core.forms.clean_text_inputs, installed for every CharField)."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.forms import clean_text
from members.models import User
from tests.wishes.factories import ResidentFactory


def test_clean_text_drops_control_characters_and_keeps_line_breaks_only_in_several_lines():
    typed = "上门\x01理发\x0b\x7f\x85\t第二\r\n行"
    assert clean_text(typed, multiline=True) == "上门理发\t第二\r\n行"
    assert clean_text(typed, multiline=False) == "上门理发 第二 行"


def test_a_single_line_input_reads_without_control_characters():
    assert forms.CharField().clean(" 上门\x01理发\x0b\n") == "上门理发"
    assert forms.CharField().clean("上门\t理发") == "上门 理发"


def test_a_textarea_keeps_its_tabs_and_line_breaks():
    field = forms.CharField(widget=forms.Textarea)
    assert field.clean("第一行\x07\r\n\t第二行") == "第一行\r\n\t第二行"


def test_a_value_of_control_characters_only_is_empty():
    with pytest.raises(ValidationError) as error:
        forms.CharField().clean("\x01\x0b")
    assert error.value.code == "required"
    assert forms.CharField(required=False, empty_value=None).clean("\x1f") is None


def test_nul_is_still_refused_with_djangos_message():
    with pytest.raises(ValidationError) as error:
        forms.CharField().clean("上门\x00理发")
    assert [e.code for e in error.value.error_list] == ["null_characters_not_allowed"]


def test_fields_built_on_charfield_read_the_same_way():
    assert forms.EmailField().clean("wxm\x01@example.org") == "wxm@example.org"
    assert forms.SlugField().clean("a\x0bb") == "ab"


def test_a_password_is_kept_exactly_as_typed():
    field = forms.CharField(widget=forms.PasswordInput, strip=False)
    assert field.clean(" pass\tword\x01 ") == " pass\tword\x01 "


@pytest.mark.django_db
def test_allauths_signup_form_reads_the_same_way(client, mailoutbox):
    password = "qwe!rty-2024x"
    client.post(
        reverse("account_signup"),
        {
            "username": "王小明\x01",
            "email": "wxm@example.org",
            "password1": password,
            "password2": password,
        },
    )
    assert User.objects.filter(username="王小明").exists()


@pytest.mark.django_db
def test_the_admins_forms_read_the_same_way(login, superuser, community):
    resident = ResidentFactory(community=community, name="李秀英")
    url = reverse("admin:wishes_resident_change", args=[resident.pk])
    response = login(superuser).post(
        url,
        {
            "community": community.pk,
            "name": "李\x0b秀英\n",
            "phone": "",
            "address": "",
            "note": "第一行\x01\r\n第二行",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    resident.refresh_from_db()
    assert (resident.name, resident.note) == ("李秀英", "第一行\r\n第二行")
