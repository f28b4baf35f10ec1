"""Transparency pages, search and announcements: every version kept with "berlaku per" and its source,
the comparison of two versions, the tariff table from the same rate versions as bills, plain HTML; the
full-text search on either database; announcements only for those they target, in their window."""
from datetime import timedelta

import pytest

from app.core import clock
from app.core.formatting import rupiah
from app.models import Announcement, PageVersion, RateVersion
from app.rules import contributions
from tests.helpers import csrf_post, field_error, page, page_problems, signed_in_client


@pytest.fixture
def editor(app):
    return signed_in_client(app, "petugas_bpjs")


def test_the_four_pages_are_listed_and_show_their_date_and_source(client):
    index = page(client.get("/informasi"))
    links = [a["href"] for a in index.select("ul.list a")]
    assert links == ["/informasi/hak-dan-kewajiban", "/informasi/manfaat", "/informasi/prosedur", "/informasi/biaya"]
    for link in links:
        response = client.get(link)
        html = page(response)
        assert "Berlaku per" in html.find(class_="hint").get_text() and "Sumber:" in html.get_text()
        assert html.find("script", src=False) is None and not page_problems(link, response, html)
    assert client.get("/informasi/rahasia").status_code == 404


def test_the_cost_page_shows_the_tariff_table_bills_use(app, client):
    with app.app_context():
        table = contributions.rate_table_on(clock.today(), RateVersion.tables())
    html = page(client.get("/informasi/biaya"))
    cells = {row.th.get_text(): row.td.get_text() for row in html.select("#tabel-iuran + p + table tbody tr")}
    assert cells["Kelas 1"] == rupiah(table.class_rates[1])
    assert cells["Kelas 2"] == rupiah(table.class_rates[2])
    assert cells["Kelas 3"].startswith(rupiah(table.class_rates[3]))
    assert "kapitasi" in html.get_text() and "INA-CBG" in html.get_text()


def test_a_new_version_keeps_the_old_ones_and_can_be_compared(app, editor, client):
    form_page = "/petugas/konten/informasi/hak-dan-kewajiban"
    with app.app_context():
        before = PageVersion.latest("hak-dan-kewajiban")
    html = page(editor.get(form_page))
    body = html.find("textarea", {"name": "body"}).get_text().lstrip("\n")
    changed = body.replace("- Menjaga kartu agar tidak dipakai orang lain.\n",
                           "- Menjaga kartu agar tidak dipakai orang lain.\n- Ikut menjaga kesehatan sendiri.\n")
    fields = {"title": before.title, "body": changed, "source": before.source,
              "effective_from": f"{clock.today():%d-%m-%Y}", "note": ""}
    missing_note = csrf_post(editor, form_page, fields)
    assert "Wajib diisi" in field_error(missing_note, "note")
    future = csrf_post(editor, form_page, {**fields, "note": "x",
                                           "effective_from": f"{clock.today() + timedelta(days=3):%d-%m-%Y}"})
    assert "masa depan" in field_error(future, "effective_from")
    assert "2014" in field_error(csrf_post(editor, form_page, {**fields, "note": "x", "effective_from": "1-1-1900"}),
                                 "effective_from")
    response = csrf_post(editor, form_page, {**fields, "note": "Menambah kewajiban menjaga kesehatan."})
    assert response.status_code == 303
    shown = page(client.get("/informasi/hak-dan-kewajiban"))
    assert "Ikut menjaga kesehatan sendiri." in shown.get_text()
    assert f"versi {before.number + 1}" in shown.find(class_="hint").get_text()
    old = page(client.get(f"/informasi/hak-dan-kewajiban/versi/{before.number}"))
    assert "versi lama" in old.get_text() and "Ikut menjaga kesehatan sendiri." not in old.get_text()
    history = page(client.get("/informasi/hak-dan-kewajiban/riwayat"))
    assert len(history.select("ol.list li")) == before.number + 1
    diff = page(client.get(f"/informasi/hak-dan-kewajiban/bandingkan?dari={before.number}&ke={before.number + 1}"))
    assert [i.get_text() for i in diff.find_all("ins")] == ["+ - Ikut menjaga kesehatan sendiri."]
    assert diff.find_all("del") == []
    assert "Menambah kewajiban" in diff.get_text()


@pytest.mark.parametrize("query", ["dari=1", "dari=1&ke=99", "dari=abc&ke=2", "dari=99999999999999999999&ke=1", ""])
def test_a_comparison_of_missing_versions_is_a_404(client, query):
    assert client.get(f"/informasi/manfaat/bandingkan?{query}").status_code == 404


def test_the_comparison_of_the_demo_versions_is_plain_html(client):
    response = client.get("/informasi/manfaat/bandingkan?dari=1&ke=2")
    html = page(response)
    assert "Kacamata" in html.find("ins").get_text()
    assert not page_problems("/informasi/manfaat/bandingkan", response, html)


def test_hostile_markdown_in_a_page_is_harmless(app, editor, client):
    fields = {"title": "Manfaat", "body": "<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n<iframe></iframe>",
              "source": "Uji", "effective_from": f"{clock.today():%d-%m-%Y}", "note": "Uji."}
    assert csrf_post(editor, "/petugas/konten/informasi/manfaat", fields).status_code == 303
    article = page(client.get("/informasi/manfaat")).find("article")
    assert article.find(["script", "iframe"]) is None and article.find("a", href=True) is None


# --- search ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("query,expected", [
    ("kapitasi", "/informasi/biaya"),
    ("KAPITASI ina", "/informasi/biaya"),
    ("rujuk", "/informasi/prosedur"),  # a prefix finds "rujukan"
    ("hipertensi garam", "/artikel/"),
])
def test_search_finds_pages_and_articles_by_their_words(client, query, expected):
    results = page(client.get(f"/cari?q={query}")).select("#hasil + ol a")
    assert any(a["href"].startswith(expected) for a in results), (query, [a["href"] for a in results])


@pytest.mark.parametrize("query", ["\"", "' OR 1=1 --", "*", "NEAR(a b)", "a AND OR NOT", "x:*", "!!!", "%", "—",
                                   "kata " * 100, "\x00", "<script>"])
def test_hostile_search_words_never_break_the_page(client, query):
    response = client.get("/cari", query_string={"q": query})
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True).split("<main", 1)[1].split("</main>")[0].replace(
        "&lt;script&gt;", "")


def test_search_with_no_match_says_so(client):
    text = page(client.get("/cari?q=zzzyyyxxx")).get_text()
    assert "Tidak ada yang cocok" in text


# --- announcements ----------------------------------------------------------------------------------

def test_announcements_reach_only_those_they_target(app, client):
    budi, dewi = signed_in_client(app, "peserta"), signed_in_client(app, "peserta_lunas")

    def titles(response):
        section = page(response).find("section", attrs={"aria-labelledby": "pengumuman"})
        return {b.get_text() for b in section.find_all("b")} if section else set()

    everyone, bogor = "Bayar iuran sebelum tanggal 10", "Konsultasi cicilan tunggakan (REHAB) di Cibinong"
    assert titles(client.get("/")) == {everyone}
    assert titles(budi.get("/beranda")) == {everyone, bogor}  # PBPU in Kabupaten Bogor
    assert titles(dewi.get("/beranda")) == {everyone}  # PBPU in Kota Bandung
    assert titles(signed_in_client(app, "petugas_faskes").get("/beranda")) == {everyone}


def test_an_editor_targets_an_announcement_by_segment_and_window(app, editor):
    form = "/petugas/konten/pengumuman-baru"
    today = clock.today()
    fields = {"kind": "gangguan", "title": "Khusus PBI", "body": "Hanya untuk PBI.", "region_code": "32",
              "segment": "PBI", "shown_from": f"{today:%d-%m-%Y}", "shown_until": f"{today:%d-%m-%Y}"}
    assert "sudah lewat" in field_error(csrf_post(editor, form, {**fields, "shown_from": "1-1-1900"}), "shown_from")
    assert "tidak dikenal" in field_error(csrf_post(editor, form, {**fields, "region_code": "99.99"}), "region_code")
    assert "sesudah tanggal mulai" in field_error(
        csrf_post(editor, form, {**fields, "shown_until": f"{today - timedelta(days=1):%d-%m-%Y}"}), "shown_until")
    assert csrf_post(editor, form, fields).status_code == 303
    budi = signed_in_client(app, "peserta")
    assert "Khusus PBI" not in budi.get("/beranda").get_data(as_text=True)
    with app.app_context():
        notice = Announcement.get(Announcement.title == "Khusus PBI")
        assert notice.segment == "PBI" and notice.region_code == "32"
        assert "Khusus PBI" in [a.title for a in Announcement.for_family(today, "32.01.01", "PBI")]
        assert "Khusus PBI" not in [a.title for a in Announcement.for_family(today, "36.03.03", "PBI")]
        assert "Khusus PBI" not in [a.title for a in Announcement.for_family(today + timedelta(days=1), "32.01.01", "PBI")]
    stopped = csrf_post(editor, f"/petugas/konten/pengumuman/{notice.id}/hentikan", form_page="/petugas/konten")
    assert stopped.status_code == 303
    with app.app_context():
        assert "Khusus PBI" not in [a.title for a in Announcement.for_family(today, "32.01.01", "PBI")]
