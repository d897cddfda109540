"""What every form shares: one way to render a field (Django's form renderer with the project's
templates) and one way to read typed text (control characters left out)."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .images import image_check, image_process
from .widgets import SELECT_TEMPLATE, select_html


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

    def render(self, template_name, context, request=None):
        # A select of Django's (a filter's, a form's `{{ field }}`) drawn in Python: its
        # templates cost two includes per option, and a city's communities are hundreds.
        if template_name == SELECT_TEMPLATE:
            return select_html(context["widget"])
        return super().render(template_name, context, request)


def cached_choices(field: forms.ChoiceField, choices) -> None:
    """Offer `choices` (a list read from the cache) after the field's empty label, in place of
    reading its queryset on every page; what is sent is still checked against the queryset."""
    field.choices = [("", field.empty_label), *choices]


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


# ---------------------------------------------------------------------------------------------
# Photos: checked by their header in the field, decoded only once the rest of the form is valid
# ---------------------------------------------------------------------------------------------
IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"


class PhotoField(forms.FileField):
    """A photo upload (or None when nothing was sent), checked by its header; the form
    (`PhotosLast`) makes it a `ProcessedImage`."""

    widget = forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT})

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return None
        image_check(upload)
        return upload

    def process(self, upload):
        return image_process(upload) if upload else None


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos at once (at most `max_files`), each checked by its header; the form
    (`PhotosLast`) makes them `ProcessedImage`s."""

    def __init__(self, *args, max_files=6, **kwargs):
        self.max_files = max_files
        kwargs.setdefault(
            "widget", MultiplePhotoInput(attrs={"accept": IMAGE_ACCEPT, "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [f for f in files if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_files:
            raise ValidationError(
                _("Upload at most %(n)s photos.") % {"n": self.max_files}, code="too_many_files"
            )
        uploads = [super(MultiplePhotoField, self).clean(f, initial) for f in files]
        for upload in uploads:
            image_check(upload)
        return uploads

    def process(self, uploads):
        return [image_process(upload) for upload in uploads]


class PhotosLast:
    """A form whose photos are decoded and re-encoded (the costly part: a large photo takes
    half a second and a hundred megabytes or more) only once every other field is valid;
    `cleaned_data` then holds `ProcessedImage`s. A form sent back for a typo has read only the
    photos' headers, and the browser asks for the files again anyway."""

    def full_clean(self):
        super().full_clean()
        if self.errors or not hasattr(self, "cleaned_data"):
            return
        for name, field in self.fields.items():
            if isinstance(field, PhotoField | MultiplePhotoField) and name in self.cleaned_data:
                try:
                    self.cleaned_data[name] = field.process(self.cleaned_data[name])
                except ValidationError as error:
                    self.add_error(name, error)
