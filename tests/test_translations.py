"""Every catalogue in the repository is complete: no untranslated and no fuzzy entries."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(
    p
    for p in ROOT.glob("**/locale/*/LC_MESSAGES/*.po")
    if ".venv" not in p.parts and "node_modules" not in p.parts
)


def test_there_are_catalogues():
    assert any(p.parts[-4] == "locale" and p.parts[-5:-4] for p in CATALOGUES)
    assert (ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po") in CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete(path):
    with path.open("rb") as f:
        catalog = read_po(f)
    untranslated, fuzzy = [], []
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            fuzzy.append(message.id)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(message.id)
    assert not untranslated, f"untranslated in {path}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {path}: {fuzzy[:10]}"


def test_the_admin_scripts_speak_chinese(login, superuser):
    # The many-to-many selector's words are new in Django 5.2 and missing from its catalogue.
    content = login(superuser).get("/admin/jsi18n/").content.decode()
    for words in ("全部选择%s", "选中要添加的%s"):
        assert words.encode("unicode_escape").decode() in content


def _entries(path):
    with path.open("rb") as f:
        return {
            (m.context, m.id if isinstance(m.id, str) else m.id[0]): m.string
            for m in read_po(f)
            if m.id
        }


@pytest.mark.parametrize(
    "path",
    [p for p in CATALOGUES if p.parts[-5] != ROOT.name and p.name == "django.po"],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_the_project_catalogue_does_not_overrule_an_apps_words(path):
    """LOCALE_PATHS comes first, so the same msgid with another translation at the top level
    would replace the app's (a wish's 'title' read 职务). Common words carry a context."""
    top = _entries(ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    app = _entries(path)
    clashes = {k: (top[k], app[k]) for k in top.keys() & app.keys() if top[k] != app[k]}
    assert not clashes
