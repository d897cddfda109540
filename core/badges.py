"""State badges: one partial (templates/partials/state_badge.html), one way to colour it.

A model with a `state` field gives each state its badge colour in `STATE_COLOURS` (state value ->
a Bootstrap theme colour, whose `text-bg-*` class pairs it with a text colour of at least 4.5:1
contrast: dark text on "warning" and "info"). A state it does not list is DEFAULT_COLOUR.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

DEFAULT_COLOUR = "secondary"


def state_colour(obj) -> str:
    """The Bootstrap colour of `obj.state`'s badge."""
    return getattr(type(obj), "STATE_COLOURS", {}).get(obj.state, DEFAULT_COLOUR)


def state_label(obj) -> str:
    """The state's label: an enum lookup where the model has its `State` (lists show one per
    row), else Django's display value."""
    states = getattr(type(obj), "State", None)
    if states is not None and obj.state in states.values:
        return states(obj.state).label
    return obj.get_state_display()


def state_badge_context(obj, *, css: str = "", testid: str = "") -> dict:
    return {"label": state_label(obj), "colour": state_colour(obj), "css": css, "testid": testid}


def state_badge_html(obj):
    """The badge as HTML, for Python that renders it (the admin's list columns)."""
    return mark_safe(  # noqa: S308 - rendered by the template engine, which escapes
        render_to_string("partials/state_badge.html", state_badge_context(obj))
    )
