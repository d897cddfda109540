"""Selects drawn in Python (core.widgets): every field the site renders through its field
template whose widget is Django's own select comes out with the same options, the same choice
selected and the same attributes, without a template per option."""

from django import forms
from django.template import Context, Template

from core.widgets import PlainSelect, plain_select


class Choose(forms.Form):
    one = forms.ChoiceField(choices=[("", "---"), ("1", "和平 <社区>"), ("2", "友谊")])
    many = forms.MultipleChoiceField(choices=[("1", "x"), ("2", "y"), ("3", "z")], required=False)
    grouped = forms.ChoiceField(choices=[("和平街道", [("1", "和平社区")]), ("2", "友谊社区")])


class Own(forms.Select):
    template_name = "django/forms/widgets/select.html"


def _field_html(form, name):
    return Template("{% load core_tags %}{% bootstrap_widget field %}").render(
        Context({"field": form[name]})
    )


def test_a_djangos_select_is_drawn_in_python_with_the_same_options():
    form = Choose(initial={"one": "1"})
    html = _field_html(form, "one")
    # Django's option template puts each option on a line of its own; Python writes one line.
    assert "\n" not in html
    assert html.count("<option") == 3
    assert '<option value="1" selected>和平 &lt;社区&gt;</option>' in html
    assert "required" in html and 'class="form-select"' in html and 'id="id_one"' in html


def test_a_multiple_select_keeps_every_choice_selected():
    html = _field_html(Choose(initial={"many": ["1", "3"]}), "many")
    assert " multiple" in html
    assert '<option value="1" selected>' in html and '<option value="3" selected>' in html
    assert '<option value="2">' in html


def test_groups_keep_their_labels():
    html = _field_html(Choose(initial={"grouped": "1"}), "grouped")
    assert (
        '<optgroup label="和平街道"><option value="1" selected>和平社区</option></optgroup>' in html
    )
    assert '<option value="2">友谊社区</option>' in html


def test_a_submitted_value_is_shown_selected_after_an_error():
    form = Choose(data={"one": "2", "grouped": "nope"})
    assert not form.is_valid()
    assert '<option value="2" selected>友谊</option>' in _field_html(form, "one")


def test_other_widgets_are_left_as_they_are():
    own = Own(choices=[("1", "x")])
    assert plain_select(own) is own
    radios = forms.RadioSelect(choices=[("1", "x")])
    assert plain_select(radios) is radios
    assert type(plain_select(forms.Select(choices=[("1", "x")]))) is PlainSelect


class WithOptionAttrs(forms.Select):
    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        option["attrs"]["data-code"] = f"c{option['value']}"
        return option


class Filtered(forms.Form):
    state = forms.ChoiceField(
        choices=[("", "全部"), ("开放", [("open", "待认领"), ("claimed", "已认领")])],
        required=False,
    )
    coded = forms.ChoiceField(choices=[("1", "x")], widget=WithOptionAttrs)


def test_a_field_written_as_is_draws_its_select_in_python_too():
    html = str(Filtered(data={"state": "claimed"})["state"])
    assert "\n" not in html
    assert html.startswith('<select name="state" id="id_state">')
    assert '<optgroup label="开放"><option value="open">待认领</option>' in html
    assert '<option value="claimed" selected>已认领</option></optgroup>' in html


def test_the_attributes_a_widget_gives_its_options_are_kept():
    assert '<option value="1" data-code="c1">x</option>' in str(Filtered()["coded"])
