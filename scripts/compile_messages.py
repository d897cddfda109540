"""Compile every locale/**/LC_MESSAGES/*.po into .mo with Babel (no GNU gettext needed)."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    for po_path in sorted(ROOT.glob("**/locale/*/LC_MESSAGES/*.po")):
        if ".venv" in po_path.parts:
            continue
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as f:
            catalog = read_po(f)
        with mo_path.open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        print(f"compiled {po_path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
