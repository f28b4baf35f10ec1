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


def test_constant_texts_are_written_in_the_language_when_a_template_is_compiled(app):
    from flask_babel import force_locale

    from app.core.rendering import translated_environment

    source = '{{ _("Keluar") }}|{{ _("Sisa %(n)d", n=7) }}|{{ _("Bunga 2%%") }}|{{ _("Keluar")|upper }}|{{ _(x) }}'
    for language, expected, literal in (("en", "Sign out|Sisa 7|Bunga 2%|SIGN OUT|Sign out", "Sign out"),
                                        ("id", "Keluar|Sisa 7|Bunga 2%|KELUAR|Keluar", "Keluar")):
        with app.test_request_context(), force_locale(language):
            environment = translated_environment()
            assert environment.from_string(source).render(x="Keluar") == expected
            code = environment.compile(source, raw=True)
            assert f"yield '{literal}|'" in code  # the first text is in the compiled code, not looked up


def test_pages_are_the_same_with_their_texts_translated_when_compiled_or_when_rendered(app, monkeypatch):
    """Every view renders through app.core.rendering.render, whose environment translates constant
    texts at compile time; the pages must be byte for byte what `_()` at render time writes."""
    import re

    from flask import current_app

    from app.core import rendering
    from tests.helpers import signed_in_client

    urls = ("/kepesertaan", "/kepesertaan/kartu", "/iuran", "/iuran/riwayat", "/antrean", "/beranda",
            "/pesan", "/riwayat", "/kasus", "/kasus/baru", "/perubahan-data", "/faskes?nama=puskesmas",
            "/tarif-iuran", "/artikel", "/akun/kata-sandi")
    compiled = rendering.translated_environment
    for language in ("id", "en"):
        client = signed_in_client(app, "peserta")
        client.set_cookie("lang", language)
        for url in urls:
            pages = []
            for environment in (compiled, lambda: current_app.jinja_env):
                monkeypatch.setattr(rendering, "translated_environment", environment)
                response = client.get(url)
                assert response.status_code == 200, url
                # a form's request key (each drawing makes a new one) aside
                pages.append(re.sub(r'value="[0-9a-f]{32}"', 'value="…"', response.get_data(as_text=True)))
            assert pages[0] == pages[1], (language, url)
        assert ("Sign out" in pages[0]) == (language == "en")
