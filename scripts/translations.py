"""Work on the English catalogue after `make messages`.

    python scripts/translations.py todo            # every message with no English (or fuzzy), as JSON
    python scripts/translations.py apply FILE.json # {"Indonesian source": "English", ...} into the catalogue
"""
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOG = Path(__file__).resolve().parent.parent / "app/translations/en/LC_MESSAGES/messages.po"


def load():
    with CATALOG.open("rb") as fh:
        return read_po(fh)


def todo():
    catalog = load()
    return {m.id: "" for m in catalog if m.id and (not m.string or m.fuzzy)}


def apply(translations):
    catalog = load()
    for message in catalog:
        if message.id in translations:
            message.string = translations[message.id]
            message.flags.discard("fuzzy")
    with CATALOG.open("wb") as fh:
        write_po(fh, catalog)  # as `pybabel update` writes it


if __name__ == "__main__":
    if sys.argv[1:2] == ["todo"]:
        print(json.dumps(todo(), ensure_ascii=False, indent=1))
    elif sys.argv[1:2] == ["apply"]:
        apply(json.loads(Path(sys.argv[2]).read_text()))
    else:
        sys.exit(__doc__)
