"""Template tags every app uses.

`{% state_badge obj %}` shows the state of any object with a `state` field as a badge, in the
colour this module gives the state: one map for the site and the admin.
"""

from django import template

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
