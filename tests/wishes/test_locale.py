"""The wishes app's Chinese catalogue is complete."""

from pathlib import Path

from babel.messages.pofile import read_po

PO = Path(__file__).resolve().parents[2] / "wishes/locale/zh_Hans/LC_MESSAGES/django.po"


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
