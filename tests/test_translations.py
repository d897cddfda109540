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

    in_project = [
        a
        for a in apps.get_app_configs()
        if ROOT in Path(a.path).parents and "site-packages" not in Path(a.path).parts
    ]
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


# The project catalogue comes before every installed app's, so a msgid they share shows the
# project's words on the apps' pages too: these replacements are meant (same meaning).
REPLACES_AN_APPS_WORDS = {
    (None, "Page not found"): "页面不存在, not the admin's 页面没有找到",
    (None, "Log out"): "退出登录 everywhere, also in the admin (not 注销)",
    (None, "Edit"): "修改, not allauth's 编辑",
    (None, "Phone"): "电话, not allauth's 电话号码",
    (None, "active"): "启用 (of a user too), not auth's 有效",
    (None, "name"): "名称, not allauth's 名字 (of a social app, not installed)",
    # Django's form messages in plain words (tests/core/test_form_messages.py).
    (None, "Ensure this value is less than or equal to %(limit_value)s."): "不能大于…",
    (None, "Ensure this value is greater than or equal to %(limit_value)s."): "不能小于…",
    (None, "Enter a number."): "请输入数字",
    (None, "Enter a whole number."): "请输入整数",
    (None, "Enter a valid date."): "请输入有效的日期",
    (None, "Enter a valid time."): "请输入有效的时间",
    (None, "Enter a valid email address."): "请输入有效的邮箱地址, also in allauth",
    (
        None,
        "Select a valid choice. %(value)s is not one of the available choices.",
    ): "请从列表中选择",
    (
        None,
        "Select a valid choice. That choice is not one of the available choices.",
    ): "请从列表中选择",
}


def _installed_apps_catalogues():
    import gettext

    import django
    from django.apps import apps

    folders = [Path(django.__file__).parent / "conf"]
    folders += [
        Path(a.path)
        for a in apps.get_app_configs()
        if ROOT not in Path(a.path).parents or "site-packages" in Path(a.path).parts
    ]
    for folder in folders:
        mo = folder / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
        if mo.exists():
            with mo.open("rb") as f:
                yield folder, gettext.GNUTranslations(f)._catalog


def test_the_project_catalogue_replaces_no_installed_apps_words_unless_meant():
    """A word with another meaning in an installed app carries a context in the project (a
    person's 'Name' replaced django-celery-beat's task name 任务名, a report's 'History' the
    admin's 历史)."""
    with PROJECT_PO.open("rb") as f:
        ours = {
            (m.context, m.id): m.string
            for m in read_po(f)
            if m.id and isinstance(m.id, str) and m.string
        }
    seen, replaced = 0, {}
    for folder, catalog in _installed_apps_catalogues():
        seen += 1
        for (context, msgid), string in ours.items():
            theirs = catalog.get(f"{context}\x04{msgid}" if context else msgid)
            if theirs and theirs != string and (context, msgid) not in REPLACES_AN_APPS_WORDS:
                replaced[context, msgid] = (folder.name, theirs, string)
    assert seen > 5
    assert not replaced
