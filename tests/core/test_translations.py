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


def test_template_gettext_formats_as_jinjas_newstyle_gettext(app):
    """`_()` in a template: the translation, marked safe, with its variables escaped, and "%%" a
    percent sign whether or not there are variables (what Jinja's newstyle gettext does)."""
    from flask import render_template_string
    from flask_babel import force_locale

    source = ('{{ _("Bunga 2%%") }}|{{ _("Sisa %(n)d%%", n=7) }}|{{ _("Halo %(name)s", name=name) }}|'
              '{{ _("Keluar") }}|{{ _("Status kepesertaan") }}')
    with app.test_request_context():
        assert render_template_string(source, name="<b>") == (
            "Bunga 2%|Sisa 7%|Halo &lt;b&gt;|Keluar|Status kepesertaan")
    with app.test_request_context(), force_locale("en"):
        assert render_template_string('{{ _("Keluar") }}|{{ _("Bunga 2%%") }}') == "Sign out|Bunga 2%"
