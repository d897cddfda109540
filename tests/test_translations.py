"""The project has one Chinese catalogue, in locale/, and it is complete: no untranslated, fuzzy
or obsolete entries, and no entry twice. Apps keep no locale/ of their own: catalogues side by
side share one runtime namespace, and the same msgid translated twice went silently to one of
them (`make messages` extracts every app into locale/)."""

import ast
import os
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _project_paths():
    """Every file and folder of the project, outside hidden folders (.venv, .git) and
    node_modules."""
    for folder, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "node_modules")
        for name in dirnames + filenames:
            yield Path(folder) / name


CATALOGUES = sorted(
    p
    for p in _project_paths()
    if p.suffix == ".po" and p.parent.name == "LC_MESSAGES" and p.parents[2].name == "locale"
)


def test_there_are_catalogues():
    assert any(p.parts[-4] == "locale" and p.parts[-5:-4] for p in CATALOGUES)
    assert PROJECT_PO in CATALOGUES


def test_the_project_has_exactly_one_django_catalogue():
    assert [p for p in _project_paths() if p.name == "django.po"] == [PROJECT_PO]


def test_no_app_has_a_locale_folder():
    """makemessages writes an app's strings into the app's own locale/ once it has one."""
    from django.apps import apps

    in_project = [a for a in apps.get_app_configs() if ROOT in Path(a.path).parents]
    assert in_project
    assert not [a.name for a in in_project if (Path(a.path) / "locale").exists()]
    stray = [p for p in _project_paths() if p.name == "locale" and p.is_dir()]
    assert stray == [ROOT / "locale"]


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
    assert not catalog.obsolete, f"obsolete in {path}: {list(catalog.obsolete)[:10]}"


def _raw_keys(path):
    """(msgctxt, msgid) of every entry, read line by line: Babel's reader silently keeps the
    last of two equal entries."""
    keys, entry, field = [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith('"'):
            entry[field] += ast.literal_eval(line)
            continue
        field, _, value = line.partition(" ")
        if field == "msgctxt" or (field == "msgid" and "msgid" in entry):
            if "msgid" in entry:
                keys.append((entry.get("msgctxt"), entry["msgid"]))
            entry = {}
        entry[field] = ast.literal_eval(value)
    if "msgid" in entry:
        keys.append((entry.get("msgctxt"), entry["msgid"]))
    return keys


def test_the_raw_reader_sees_every_entry():
    keys = [key for key in _raw_keys(PROJECT_PO) if key[1]]
    with PROJECT_PO.open("rb") as f:
        catalog = read_po(f)
    assert len(keys) == len(catalog) > 800
    assert ("job", "title") in keys and ("wishes", "title") in keys


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_msgid_appears_twice(path):
    """Within its context: a word with two meanings has one entry per context."""
    twice = [key for key, n in Counter(_raw_keys(path)).items() if n > 1]
    assert not twice


def test_the_admin_scripts_speak_chinese(login, superuser):
    # The many-to-many selector's words are new in Django 5.2 and missing from its catalogue.
    content = login(superuser).get("/admin/jsi18n/").content.decode()
    for words in ("全部选择%s", "选中要添加的%s"):
        assert words.encode("unicode_escape").decode() in content
