"""What every form shares: one way to render a field (Django's form renderer with the project's
templates) and one way to read typed text (control characters left out)."""

from __future__ import annotations

import re

from django import forms
from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """`{{ form }}` and `{{ field.as_field_group }}` of every form (ours and allauth's) in
    Bootstrap's markup: templates/partials/form_fields.html lays out the form,
    templates/partials/field.html each field (its label, a required marker, the widget with
    Bootstrap's classes, the help text and the errors). A form whose controls should be large
    says `control_size = "lg"`; a field with a layout of its own names a `template_name`.

    Templates are found through settings.TEMPLATES, so `django.forms` is an installed app (its
    widget templates)."""

    form_template_name = "partials/form_fields.html"
    field_template_name = "partials/field.html"


# Control characters (Unicode's Cc: C0, DEL and C1) other than tab, line feed and carriage
# return. Nobody types or sees them; they come from a paste or a script, and Excel and XML refuse
# most of them. NUL is not here: every CharField refuses it with Django's own message (and
# core.middleware answers 400 to a request that carries one).
INVISIBLE_CONTROLS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINE_BREAKS = re.compile(r"[\t\n\r]+")


def clean_text(value: str, *, multiline: bool) -> str:
    """Typed text without control characters; in a single line, tabs and line breaks (a paste
    from a spreadsheet or a chat) become one space."""
    value = INVISIBLE_CONTROLS.sub("", value)
    return value if multiline else LINE_BREAKS.sub(" ", value)


_django_char_field_to_python = forms.CharField.to_python


def _char_field_to_python(field: forms.CharField, value):
    value = _django_char_field_to_python(field, value)
    if not isinstance(value, str) or isinstance(field.widget, forms.PasswordInput):
        # A password is checked against its hash, never shown: it stays exactly as typed.
        return value
    value = clean_text(value, multiline=isinstance(field.widget, forms.Textarea))
    if field.strip:
        value = value.strip()
    return value if value else field.empty_value


def clean_text_inputs() -> None:
    """Every text field of every form (ours, the admin's, allauth's, django-filter's) reads its
    value through `clean_text`: a textarea keeps its tabs and line breaks, a single-line input
    does not. Installed once by CoreConfig.ready(): a form mixin would miss the forms the project
    does not write, and each new form would have to remember it."""
    forms.CharField.to_python = _char_field_to_python


def errors_as_messages(request, form) -> None:
    """The errors of a form posted from another page (a claim box, a bulk bar, a row's
    buttons) travel as messages to the page the user is sent back to, each naming its field,
    since the field itself is not shown beside it."""
    from django.contrib import messages
    from django.utils.translation import gettext

    for name, errors in form.errors.items():
        field = form.fields.get(name)
        for error in errors:
            if field is None or not field.label:
                messages.error(request, error)
            else:
                messages.error(
                    request,
                    gettext("%(field)s: %(error)s") % {"field": field.label, "error": error},
                )
