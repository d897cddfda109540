"""Template tags every app uses.

`{% state_badge obj %}` shows the state of any object with a `state` field as a badge, in the
colour this module gives the state: one map for the site and the admin.

`field|control_kind`, `{% bootstrap_widget field %}` and `{% bootstrap_choices field as choices %}`
are what templates/partials/field.html (the one field template, see core.forms) renders a field
with.
"""

from django import forms, template
from django.forms.boundfield import BoundWidget

register = template.Library()

# The badge colour of each state, by model ("app_label.model_name") and state value: a Bootstrap
# theme colour, whose `text-bg-*` class pairs it with a text colour of at least 4.5:1 contrast
# (dark text on "warning" and "info"). A state not listed here is shown in DEFAULT_COLOUR.
_REPORT_COLOURS = {"submitted": "primary", "returned": "warning", "approved": "success"}
STATE_COLOURS: dict[str, dict[str, str]] = {
    "wishes.wish": {
        "submitted": "warning",
        "published": "success",
        "claimed": "primary",
        "fulfilled": "info",
        "completed": "secondary",
        "cancelled": "dark",
        "expired": "dark",
        "rejected": "dark",
    },
    "wishes.claim": {"active": "primary", "fulfilled": "info", "completed": "success"},
    "members.communityregistration": {
        "pending": "warning",
        "confirmed": "success",
        "declined": "danger",
    },
    "reports.memberreport": _REPORT_COLOURS,
    "reports.organizationreport": _REPORT_COLOURS,
}
DEFAULT_COLOUR = "secondary"


def state_colour(obj) -> str:
    """The Bootstrap colour of `obj.state`'s badge."""
    return STATE_COLOURS.get(obj._meta.label_lower, {}).get(obj.state, DEFAULT_COLOUR)


@register.inclusion_tag("partials/state_badge.html")
def state_badge(obj, css: str = "", testid: str = "") -> dict:
    """`{% state_badge wish css="fs-6" testid="wish-state" %}`: the state's label in its colour,
    with extra classes and a `data-testid` if given. The admin renders the same template with
    this context."""
    return {
        "label": obj.get_state_display(),
        "colour": state_colour(obj),
        "css": css,
        "testid": testid,
    }


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
    `control_size = "lg"`. Django adds `required`, `aria-invalid` and `aria-describedby`."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = _classes(field, "form-check-input")
    else:
        base = "form-select" if isinstance(widget, forms.Select) else "form-control"
        size = getattr(field.form, "control_size", "")
        css = _classes(field, base, f"{base}-{size}" if size else "")
    return field.as_widget(attrs={"class": css})


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
