"""The wishes app's Chinese words, in the project's one catalogue, are complete."""

from pathlib import Path

from babel.messages.pofile import read_po

PO = Path(__file__).resolve().parents[2] / "locale/zh_Hans/LC_MESSAGES/django.po"


def test_every_message_is_translated_and_none_is_fuzzy():
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    assert len(catalog) > 200
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {message.id!r}"
        assert not message.fuzzy, f"fuzzy: {message.id!r}"


def test_the_wishes_words_are_in_it():
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    for context, msgid, msgstr in [
        ("wishes", "title", "标题"),
        ("wishes", "name", "姓名"),
        ("claimant", "organization", "单位"),
        ("bulk action", "Action", "操作"),
        (None, "Wish wall", "心愿墙"),
        (None, "Publish the selected submitted wishes", "发布选中的待审核心愿"),
    ]:
        message = catalog.get(msgid, context=context)
        assert message is not None, (context, msgid)
        assert message.string == msgstr
