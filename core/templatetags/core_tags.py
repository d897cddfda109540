"""Template tags every app uses.

`{% state_badge obj %}` shows the state of any object with a `state` field as a badge, in the
colour its model gives the state (`core.badges`): the same for the site and the admin.

`field|control_kind`, `{% bootstrap_widget field %}` and `{% bootstrap_choices field as choices %}`
are what templates/partials/field.html (the one field template, see core.forms) renders a field
with.
"""

from django import forms, template
from django.forms.boundfield import BoundWidget

from core import badges
from core.widgets import plain_select

register = template.Library()


@register.inclusion_tag("partials/state_badge.html")
def state_badge(obj, css: str = "", testid: str = "") -> dict:
    """`{% state_badge wish css="fs-6" testid="wish-state" %}`: the state's label in its colour
    (`core.badges`), with extra classes and a `data-testid` if given."""
    return badges.state_badge_context(obj, css=css, testid=testid)


# ---------------------------------------------------------------------------------------------
# Form fields
# ---------------------------------------------------------------------------------------------
@register.filter
def control_kind(field) -> str:
    """How partials/field.html lays out a bound field: "hidden", "checkbox" (one box, its label
    beside it), "choices" (a list of radio buttons or checkboxes under a legend) or "control"."""
    widget = field.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple is one too
        return "choices"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "control"


def _classes(field, *extra: str) -> str:
    """The classes the form set on the widget, then `extra`, then `is-invalid` after a failed
    submission; each once."""
    names = [*field.field.widget.attrs.get("class", "").split(), *extra]
    if field.errors:
        names.append("is-invalid")
    return " ".join(dict.fromkeys(name for name in names if name))


@register.simple_tag
def bootstrap_widget(field):
    """The field's widget with Bootstrap's class for it: `form-select` for a select,
    `form-check-input` for a checkbox, else `form-control`; large if the form says
    `control_size = "lg"`. Django adds `required`, `aria-invalid` and `aria-describedby`. A
    select of Django's own is drawn in Python (core.widgets.plain_select)."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = _classes(field, "form-check-input")
    else:
        base = "form-select" if isinstance(widget, forms.Select) else "form-control"
        size = getattr(field.form, "control_size", "")
        css = _classes(field, base, f"{base}-{size}" if size else "")
    return field.as_widget(widget=plain_select(widget), attrs={"class": css})


@register.simple_tag
def bootstrap_choices(field) -> list[BoundWidget]:
    """The options of a radio or checkbox list (what `{% for choice in field %}` gives), each
    input with `form-check-input`. Built as `BoundField.subwidgets` builds them."""
    widget = field.field.widget
    id_ = widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs(
        {**({"id": id_} if id_ else {}), "class": _classes(field, "form-check-input")}
    )
    return [
        BoundWidget(widget, option, field.form.renderer)
        for option in widget.subwidgets(field.html_name, field.value(), attrs=attrs)
    ]
