"""Rules for the templates of every app: they read flags and never compare states; one state
badge with one colour map; one field template for every form."""

import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import smart_split

from core.badges import DEFAULT_COLOUR
from core.templatetags.core_tags import state_badge
from wishes.models import Wish

ROOT = Path(settings.BASE_DIR)
BOOTSTRAP_CSS = ROOT / "static" / "vendor" / "bootstrap" / "bootstrap.min.css"
ADMIN_CSS = ROOT / "static" / "css" / "admin.css"


def template_files():
    """Every template of the project: templates/ and each of our apps' templates/."""
    folders = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    folders += [
        Path(app.path) / "templates"
        for app in apps.get_app_configs()
        if Path(app.path).is_relative_to(ROOT) and ".venv" not in Path(app.path).parts
    ]
    return sorted(p for folder in folders if folder.is_dir() for p in folder.rglob("*.*"))


def _where(path: Path, text: str, index: int) -> str:
    return f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, index) + 1}"


def test_the_walk_finds_the_templates_of_every_app():
    found = {p.relative_to(ROOT).parts[0] for p in template_files()}
    assert {"templates", "members", "notifications", "wishes", "reports"} <= found


# ---------------------------------------------------------------------------------------------
# Flags, not states
# ---------------------------------------------------------------------------------------------
IF_TAG = re.compile(r"\{%-?\s*(?:el)?if\s+(.*?)\s*-?%\}")
# A state, a `from_state`, a list of `states`… with any filters after it.
STATE = re.compile(r"^[\w.]*?(?:^|[._])states?(?:\|.*)?$")
COMPARISONS = {"==", "!=", "in"}


def state_comparisons(text: str) -> list[int]:
    """The offsets of the `{% if %}` / `{% elif %}` tags in `text` that compare a state with
    ==, != or (not) in: a rule that belongs in a view, a selector or a model's property."""
    found = []
    for tag in IF_TAG.finditer(text):
        tokens = list(smart_split(tag.group(1)))
        for i, token in enumerate(tokens):
            if token not in COMPARISONS:
                continue
            before = tokens[:i]
            if token == "in" and before[-1:] == ["not"]:
                before = before[:-1]
            if any(STATE.match(operand) for operand in before[-1:] + tokens[i + 1 : i + 2]):
                found.append(tag.start())
                break
    return found


@pytest.mark.parametrize(
    "text",
    [
        '{% if wish.state == "published" %}',
        "{% elif r.state != 'pending' and x %}",
        '{% if "approved" == report.state %}',
        "{% if claim.state in open_states %}",
        "{% if claim.state not in open_states %}",
        '{% if a and t.to_state|lower == "claimed" %}',
        '{% if "draft" in allowed_states %}',
        '{% if state == "approved" %}',
    ],
)
def test_the_check_finds_a_state_comparison(text):
    assert state_comparisons(text) == [0]


@pytest.mark.parametrize(
    "text",
    [
        "{% if can_cancel %}",
        "{% if wish.awaits_review or report.is_editable %}",
        '{% if wish.state_label == "x" %}',
        '{% if statement == "x" %}',
        "{% if claim.promised_date < today %}",
        "{{ wish.state }} is {% translate 'state' %}",
    ],
)
def test_the_check_leaves_flags_alone(text):
    assert state_comparisons(text) == []


def test_templates_read_flags_and_never_compare_states():
    """A template that compares states restates a rule the services hold; the view (or a
    selector, or a model property such as `Claim.is_open`) computes a flag instead."""
    found = []
    for path in template_files():
        text = path.read_text()
        found += [_where(path, text, offset) for offset in state_comparisons(text)]
    assert not found, "compare states in the view, not in:\n" + "\n".join(found)


# ---------------------------------------------------------------------------------------------
# State badges
# ---------------------------------------------------------------------------------------------
def _bootstrap_colours(css: str) -> dict[str, tuple[str, str]]:
    """{"primary": (text colour, background colour)} of each `.text-bg-*` class, as hex."""
    rgb = dict(re.findall(r"--bs-([a-z]+)-rgb:(\d+,\d+,\d+)", css))
    colours = {}
    for name, text in re.findall(r"\.text-bg-([a-z]+)\{color:(#[0-9a-f]{3,6})!important", css):
        background = "#" + "".join(f"{int(c):02x}" for c in rgb[name].split(","))
        colours[name] = (_hex6(text), background)
    return colours


def _hex6(colour: str) -> str:
    colour = colour.lower()
    return "#" + "".join(c * 2 for c in colour[1:]) if len(colour) == 4 else colour


def _contrast(a: str, b: str) -> float:
    def luminance(colour):
        def channel(c):
            c = int(c, 16) / 255
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _colour_maps() -> dict:
    return {
        model._meta.label_lower: model.STATE_COLOURS
        for model in apps.get_models()
        if hasattr(model, "STATE_COLOURS")
    }


def test_every_badge_colour_keeps_its_text_readable():
    bootstrap = _bootstrap_colours(BOOTSTRAP_CSS.read_text())
    used = {DEFAULT_COLOUR} | {c for states in _colour_maps().values() for c in states.values()}
    for colour in used:
        text, background = bootstrap[colour]
        assert _contrast(text, background) >= 4.5, colour


def test_the_admin_shows_the_badges_in_bootstraps_colours():
    admin = {
        name: (_hex6(text), _hex6(background))
        for name, text, background in re.findall(
            r"\.text-bg-([a-z]+) \{ color: (#[0-9a-f]+); background-color: (#[0-9a-f]+); \}",
            ADMIN_CSS.read_text(),
        )
    }
    bootstrap = _bootstrap_colours(BOOTSTRAP_CSS.read_text())
    assert admin == bootstrap


def test_the_colour_map_names_real_models_and_states():
    assert len(_colour_maps()) == 16  # with those of projects, orders, checkins and records
    for label, colours in _colour_maps().items():
        model = apps.get_model(label)
        states = {value for value, _label in model._meta.get_field("state").choices}
        assert set(colours) <= states, label


def test_the_badge_shows_the_state_label_in_its_colour():
    wish = Wish(state=Wish.State.SUBMITTED)
    html = render_to_string(
        "partials/state_badge.html", state_badge(wish, css="fs-6", testid="wish-state")
    )
    assert html == (
        f'<span class="badge text-bg-warning fs-6" data-testid="wish-state">'
        f"{wish.get_state_display()}</span>"
    )


def test_no_template_colours_a_badge_itself():
    """A colour chosen in a template (`text-bg-{% if … %}`, `text-bg-{{ … }}`) bypasses the
    map; only the badge partial fills in `text-bg-` from a variable."""
    partial = ROOT / "templates" / "partials" / "state_badge.html"
    found = []
    for path in template_files():
        if path == partial:
            continue
        text = path.read_text()
        found += [_where(path, text, m.start()) for m in re.finditer(r"text-bg-\{", text)]
    assert not found, found


# ---------------------------------------------------------------------------------------------
# Form fields
# ---------------------------------------------------------------------------------------------
FIELD_TEMPLATES = {
    ROOT / "templates" / "partials" / "field.html",
    # ConfirmForm.approved_photos: a thumbnail above each checkbox.
    ROOT / "wishes" / "templates" / "wishes" / "_photo_choices.html",
    # allauth's element for the fields its templates write out without a form field.
    ROOT / "templates" / "allauth" / "elements" / "field.html",
}


def test_only_the_field_templates_render_a_fields_errors():
    """A field's label, widget, help and errors come from the renderer's field template
    (`{{ form }}`, `{{ field.as_field_group }}`), not from markup written out page by page.
    The admin's pages keep the admin's own markup (it has no Bootstrap)."""
    found = []
    for path in template_files():
        text = path.read_text()
        if path in FIELD_TEMPLATES or '{% extends "admin/' in text:
            continue
        for m in re.finditer(r"invalid-feedback|\bfield\.errors\b|\b\w+\.\w+\.errors\b", text):
            found.append(_where(path, text, m.start()))
    assert not found, found


class Example(forms.Form):
    control_size = "lg"
    name = forms.CharField(label="Name", help_text="As on the ID card.")
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")])
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea)
    agree = forms.BooleanField(label="I agree", required=False)
    days = forms.MultipleChoiceField(
        label="Days", choices=[("mon", "Monday")], widget=forms.CheckboxSelectMultiple
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def _html(text: str) -> str:
    return " ".join(text.split()).replace("> <", "><")


def test_every_form_renders_through_the_projects_field_template():
    assert settings.FORM_RENDERER == "core.forms.FormRenderer"
    html = _html(str(Example()))
    assert (
        '<label class="form-label fw-semibold" for="id_name">Name</label>'
        '<span class="text-danger" aria-hidden="true">*</span>'
    ) in html
    assert 'class="form-control form-control-lg" required aria-describedby="id_name_helptext"' in (
        html
    )
    assert '<div class="form-text" id="id_name_helptext">As on the ID card.</div>' in html
    assert '<select name="kind" class="form-select form-select-lg"' in html
    assert 'for="id_note">Note</label>' in html  # no marker on an optional field
    assert (
        '<div class="form-check"><input type="checkbox" name="agree" class="form-check-input" '
        'id="id_agree"><label class="form-check-label" for="id_agree">I agree</label></div>'
    ) in html
    assert '<legend class="form-label fw-semibold fs-6">Days' in html
    assert 'id="id_days_0" class="form-check-input">' in html
    assert '<input type="hidden" name="token" id="id_token">' in html


def test_a_field_with_errors_is_marked_invalid_and_says_why():
    form = Example(data={"kind": "z", "days": ["x"]})
    html = _html(str(form))
    assert 'class="form-control form-control-lg is-invalid" required aria-invalid="true"' in html
    assert (
        '<div id="id_name_error"><div class="invalid-feedback d-block">'
        f"{form.errors['name'][0]}</div></div>"
    ) in html
    assert 'class="form-select form-select-lg is-invalid"' in html
    assert 'class="form-check-input is-invalid" aria-invalid="true"' in html
    assert html.count("invalid-feedback") == 3


def test_non_field_errors_come_first():
    form = Example(data={})
    form.add_error(None, "Nothing matches.")
    html = _html(str(form))
    assert html.startswith('<div class="alert alert-danger" role="alert"><div>Nothing matches.')
