"""Widgets rendered in Python: a select with a few hundred options (every community of a city)
costs one template include per option with Django's template-based widgets."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class PlainSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = []
        for _group, choices, _index in widget["optgroups"]:
            for option in choices:
                options.append(
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        option["value"] if option["value"] is not None else "",
                        mark_safe(" selected") if option["selected"] else "",
                        option["label"],
                    )
                )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(options)),  # noqa: S308 - each option was escaped above
        )


class DateInput(forms.DateInput):
    """An HTML date picker. Its value must be ISO (YYYY-MM-DD) whatever the language: with the
    localized format (2026/11/29 in Chinese) browsers show an empty picker, and a form saved
    from it would silently drop the date."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
