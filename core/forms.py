"""One way to render a form field: Django's form renderer with the project's templates."""

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
