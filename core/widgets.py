"""Widgets rendered in Python: a select with a few hundred options (every community of a city)
costs one template include per option with Django's template-based widgets.

Every form field the site renders (templates/partials/field.html, `{% bootstrap_widget %}`)
whose widget is Django's own `Select` or `SelectMultiple` is drawn by `PlainSelect` instead
(`plain_select`): the same markup, without the two templates per option.
"""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class PlainSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        # Iterated, not list()-ed: list() asks a ModelChoiceIterator its length first, a COUNT.
        choices = [choice for choice in self.choices]  # noqa: C416
        if not any(isinstance(label, list | tuple) for _value, label in choices):
            return self._render_flat(name, value, attrs, choices)
        return select_html(self.get_context(name, value, attrs)["widget"])

    def _render_flat(self, name, value, attrs, choices):
        """Options without groups straight from the choices, one string each (no option
        dictionaries either: a city's communities are hundreds)."""
        selected = set(self.format_value(value))
        options = []
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            mark = ""
            if text in selected:
                mark = " selected"
                if not self.allow_multiple_selected:
                    selected = set()
            options.append(f'<option value="{escape(text)}"{mark}>{escape(str(label))}</option>')
        final = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final["multiple"] = True
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(final),
            mark_safe("".join(options)),  # noqa: S308 - each value and label was escaped above
        )


SELECT_TEMPLATE = forms.Select.template_name


def select_html(widget: dict) -> str:
    """What Django's select.html and select_option.html make of a select's context (its
    name, attributes and option groups), written in Python: core.forms.FormRenderer draws every
    select of Django's with it."""
    parts = []
    for group, options, _index in widget["optgroups"]:
        html = "".join(
            format_html(
                '<option value="{}"{}>{}</option>',
                "" if option["value"] is None else option["value"],
                flatatt(option["attrs"]),
                option["label"],
            )
            for option in options
        )
        html = mark_safe(html)  # noqa: S308 - each option was escaped above
        parts.append(
            format_html('<optgroup label="{}">{}</optgroup>', group, html) if group else html
        )
    return format_html(
        '<select name="{}"{}>{}</select>',
        widget["name"],
        flatatt(widget["attrs"]),
        mark_safe("".join(parts)),  # noqa: S308 - each option and group was escaped above
    )


class PlainSelectMultiple(PlainSelect, forms.SelectMultiple):
    pass


_PLAIN = {forms.Select: PlainSelect, forms.SelectMultiple: PlainSelectMultiple}


def plain_select(widget: forms.Widget) -> forms.Widget:
    """The widget drawn in Python where it is exactly Django's `Select` or `SelectMultiple`;
    any other widget as it is (a subclass may have templates of its own)."""
    plain_class = _PLAIN.get(type(widget))
    if plain_class is None:
        return widget
    plain = plain_class(attrs=widget.attrs, choices=widget.choices)
    plain.is_required = widget.is_required
    return plain


class DateInput(forms.DateInput):
    """An HTML date picker. Its value must be ISO (YYYY-MM-DD) whatever the language: with the
    localized format (2026/11/29 in Chinese) browsers show an empty picker, and a form saved
    from it would silently drop the date."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
