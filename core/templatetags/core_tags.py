"""Template tags every app uses.

`{% state_badge obj %}` shows the state of any object with a `state` field as a badge, in the
colour its model gives the state (`core.badges`): the same for the site and the admin.

`field|control_kind`, `{% bootstrap_widget field %}` and `{% bootstrap_choices field as choices %}`
are what templates/partials/field.html (the one field template, see core.forms) renders a field
with.

`{% menu "partials/nav_items.html" %}` is the site's menu for the user's role facts.
"""

from django import forms, template
from django.conf import settings
from django.forms.boundfield import BoundWidget
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils import translation
from django.utils.safestring import mark_safe

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


# What a menu may show by: the user's role facts (`roles`, members.context_processors).
MENU_FACTS = ("is_member", "is_staff", "is_org_admin", "is_committee_admin")
_menus: dict[tuple, str] = {}


@register.simple_tag(takes_context=True)
def menu(context, template_name: str):
    """`{% menu "partials/nav_items.html" %}`: the template rendered with `menu` (whether the
    user is signed in, a superuser, and each of MENU_FACTS) and nothing else, so that it is the
    same for everyone with the same facts: rendered once per process for each language and
    set of facts (two dozen links and labels on every page, otherwise)."""
    user = context.get("user")
    roles = context.get("roles")
    facts = {
        "is_authenticated": bool(user is not None and user.is_authenticated),
        "is_superuser": bool(user is not None and user.is_superuser),
        **{name: bool(getattr(roles, name, False)) for name in MENU_FACTS},
    }
    urls = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    key = (template_name, translation.get_language(), *urls, *facts.values())
    html = _menus.get(key)
    if html is None:
        html = _menus[key] = render_to_string(template_name, {"menu": facts})
    return mark_safe(html)  # noqa: S308 - our own template, rendered from facts alone
