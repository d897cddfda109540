"""Render any form field (ours or allauth's) with Bootstrap classes."""

from django import template

register = template.Library()

_CLASSES = {
    "select": "form-select",
    "selectmultiple": "form-select",
    "checkbox": "form-check-input",
    "radioselect": "form-check-input",
    "checkboxselectmultiple": "form-check-input",
    "clearablefile": "form-control",
    "file": "form-control",
}


@register.simple_tag
def widget(field):
    """The field's widget with the Bootstrap class, marked invalid when it has errors."""
    css = _CLASSES.get(field.widget_type, "form-control")
    if field.errors:
        css += " is-invalid"
    attrs = {"class": css}
    if field.errors:
        attrs["aria-invalid"] = "true"
    if field.field.required and field.widget_type not in ("checkbox",):
        attrs["required"] = True
    return field.as_widget(attrs=attrs)
