"""Every Indonesian text has its English translation (extracted from the source, as `make messages`)."""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from app.core.config import ROOT

CATALOG = ROOT / "app/translations/en/LC_MESSAGES/messages.po"


def test_every_source_text_is_translated_to_english(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run([Path(sys.executable).parent / "pybabel", "extract", "-F", "babel.cfg", "-k", "_l",
                    "-o", template, "."], cwd=ROOT, check=True, capture_output=True)
    source_ids = {m.id for m in read_po(template.open("rb")) if m.id}
    english = {m.id: m for m in read_po(CATALOG.open("rb")) if m.id}
    assert source_ids - set(english) == set(), "run `make messages` and translate"
    untranslated = [m.id for m in english.values() if m.id in source_ids and (not m.string or m.fuzzy)]
    assert untranslated == []
    placeholders = [m.id for m in english.values()
                    if m.string and sorted(_placeholders(m.id)) != sorted(_placeholders(m.string))]
    assert placeholders == []


def _placeholders(text):
    import re

    return re.findall(r"%\(\w+\)[sd]", text)
