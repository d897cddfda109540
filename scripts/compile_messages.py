"""Compile the project's one catalogue, locale/*/LC_MESSAGES/*.po, into .mo with Babel (no GNU
gettext needed).

Apps keep no locale/ of their own. A compiled file that an older checkout left in an app's
locale/, whose .po is gone, would still translate at runtime: it is removed, with the folders it
leaves empty.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    for po_path in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as f:
            catalog = read_po(f)
        with mo_path.open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        print(f"compiled {po_path.relative_to(ROOT)}")
    for mo_path in sorted(ROOT.glob("*/locale/*/LC_MESSAGES/*.mo")):
        if mo_path.with_suffix(".po").exists():
            continue
        mo_path.unlink()
        print(f"removed {mo_path.relative_to(ROOT)}: its catalogue moved to locale/")
        for folder in mo_path.parents[:3]:
            if any(folder.iterdir()):
                break
            folder.rmdir()


if __name__ == "__main__":
    main()
