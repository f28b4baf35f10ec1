"""Articles as editors and readers meet them: writing in Markdown (hostile Markdown included), the small
image, scheduling to the minute, withdrawal (410), the list with its filters, and who may edit."""
import io
import os
import random
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from app.core import clock
from app.models import Article, AuditLog, SearchEntry, User
from tests.helpers import (
    csrf_post,
    decoded,
    field_error,
    page,
    page_problems,
    signed_in_client,
    transfer_size,
)

NEW = "/petugas/konten/artikel-baru"


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path, monkeypatch):
    directory = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(directory))
    return directory


@pytest.fixture
def editor(app):
    return signed_in_client(app, "petugas_bpjs")


def article_fields(**changes):
    fields = {"kind": "hidup_sehat", "title": "Minum air putih", "summary": "Delapan gelas sehari.",
              "body": "Minum **air putih** cukup setiap hari.", "regions": "", "image_alt": "",
              "publish_date": "", "publish_time": "", "aksi": "terbitkan"}
    return {**fields, **changes}


def write(client, **changes):
    return csrf_post(client, NEW, article_fields(**changes))


def latest_article(app):
    with app.app_context():
        return Article.select().order_by(Article.id.desc()).first()


def count_articles(app):
    with app.app_context():
        return Article.select().count()


def png(width=40, height=30, noise=False):
    image = Image.new("RGB", (width, height), (20, 120, 60))
    if noise:
        image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


# --- writing and reading -----------------------------------------------------------------------

def test_an_editor_publishes_an_article_that_readers_find_in_the_list_and_the_search(app, editor, client):
    response = write(editor, regions="32.01, 32")
    assert response.status_code == 303
    article = latest_article(app)
    assert (article.status, article.kind, article.targets) == ("published", "hidup_sehat", ["32", "32.01"])
    shown = page(client.get(f"/artikel/{article.id}"))
    assert shown.h1.get_text() == "Minum air putih"
    assert shown.find("strong").get_text() == "air putih"
    assert "Kabupaten Bogor" in shown.get_text() or "BOGOR" in shown.get_text().upper()
    listed = page(client.get("/artikel"))
    assert listed.find("a", href=f"/artikel/{article.id}") is not None
    found = page(client.get("/cari?q=putih"))
    assert found.find("a", href=f"/artikel/{article.id}") is not None
    with app.app_context():
        assert AuditLog.select().where((AuditLog.action == "article_created")
                                       & (AuditLog.subject == f"article:{article.id}")).exists()


def test_a_draft_is_seen_only_by_editors(app, editor, client):
    write(editor, aksi="draf", title="Draf rahasia")
    article = latest_article(app)
    assert article.status == "draft" and article.published_at is None
    assert client.get(f"/artikel/{article.id}").status_code == 404
    assert "Pratinjau" in page(editor.get(f"/artikel/{article.id}")).get_text()
    assert "Draf rahasia" not in client.get("/artikel").get_data(as_text=True)
    assert "Draf rahasia" not in client.get("/cari?q=rahasia").get_data(as_text=True)


HOSTILE = (
    "Halo <script>alert('x')</script>\n\n"
    "[klik](javascript:alert(1)) [klik juga](JaVaScRiPt:alert(2)) [data](data:text/html;base64,PHNjcmlwdD4=)\n\n"
    "<iframe src=\"https://evil.example\"></iframe>\n\n"
    "<img src=x onerror=alert(3)>\n\n"
    "[aman](https://www.bpjs-kesehatan.go.id)\n\n"
    + "- " * 400 + "dalam\n\n"
    + "> " * 400 + "kutipan\n"
)


def test_hostile_markdown_comes_out_as_harmless_text(app, editor, client):
    assert write(editor, body=HOSTILE).status_code == 303
    article = latest_article(app)
    response = client.get(f"/artikel/{article.id}")
    assert response.status_code == 200
    body = page(response).find("article")
    assert body.find(["script", "iframe", "img", "object", "embed"]) is None
    assert all(not tag.attrs.get(name, "").lower().startswith(("javascript", "data"))
               for tag in body.find_all(True) for name in ("href", "src"))
    assert not any(name.startswith("on") for tag in body.find_all(True) for name in tag.attrs)
    links = body.find_all("a", href=True)
    outside = [a for a in links if a["href"].startswith("https://www.bpjs")]
    assert outside and all(a["rel"] == ["noopener", "nofollow"] for a in outside)
    assert "<script>" in body.get_text()  # the text is kept, as text
    assert not page_problems(f"/artikel/{article.id}", response, page(response))


def test_one_megabyte_of_markdown_is_refused_with_the_input_kept(app, editor):
    before = count_articles(app)
    huge = "kata " * 200_000
    response = write(editor, body=huge, title="Judul tetap")
    assert response.status_code == 200
    assert "paling banyak 6.000 karakter" in field_error(response, "body")
    assert page(response).find("input", {"name": "title"})["value"] == "Judul tetap"
    assert count_articles(app) == before


@pytest.mark.parametrize("date_text,message", [
    ("1-1-1900", "sudah lewat"), ("31-2-2026", "Tulis tanggal"), ("kemarin", "Tulis tanggal"),
    ("1-1-2999", "satu tahun"),
])
def test_a_publish_date_out_of_range_is_refused(app, editor, date_text, message):
    before = count_articles(app)
    response = write(editor, publish_date=date_text, publish_time="07.00")
    assert response.status_code == 200
    assert message in field_error(response, "publish_date")
    assert count_articles(app) == before


def test_a_bad_time_and_unknown_regions_are_refused_next_to_their_fields(app, editor):
    tomorrow = clock.to_wib(clock.now()).date() + timedelta(days=1)
    response = write(editor, publish_date=f"{tomorrow:%d-%m-%Y}", publish_time="25.99", regions="99, 32.01, abc")
    assert "07.30" in field_error(response, "publish_time")
    assert "99" in field_error(response, "regions")


# --- scheduled articles appear exactly at their moment ------------------------------------------

def test_a_scheduled_article_appears_exactly_at_its_time(app, editor, client, monkeypatch):
    later = clock.to_wib(clock.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    response = write(editor, title="Terjadwal tepat waktu", publish_date=f"{later:%d-%m-%Y}",
                     publish_time=f"{later:%H.%M}")
    assert response.status_code == 303
    article = latest_article(app)
    moment = article.published_at
    assert article.state_at(clock.now()) == "scheduled"
    assert clock.to_wib(moment) == later

    def visible_at(when):
        monkeypatch.setattr(clock, "now", lambda: when)
        reader = app.test_client()
        return (reader.get(f"/artikel/{article.id}").status_code,
                "Terjadwal tepat waktu" in reader.get("/artikel").get_data(as_text=True),
                "Terjadwal tepat waktu" in reader.get("/artikel/atom").get_data(as_text=True),
                "Terjadwal tepat waktu" in reader.get("/cari?q=terjadwal").get_data(as_text=True))

    assert visible_at(moment - timedelta(seconds=1)) == (404, False, False, False)
    assert visible_at(moment) == (200, True, True, True)


# --- withdrawal ----------------------------------------------------------------------------------

def test_a_withdrawn_article_answers_410_with_a_kind_page_and_leaves_everywhere(app, editor, client):
    write(editor, title="Akan ditarik")
    article = latest_article(app)
    form_page = f"/petugas/konten/artikel/{article.id}"
    empty = csrf_post(editor, f"{form_page}/tarik", {"reason": ""}, form_page=form_page)
    assert "Wajib diisi" in field_error(empty, "reason")
    response = csrf_post(editor, f"{form_page}/tarik", {"reason": "Angka di artikel keliru."}, form_page=form_page)
    assert response.status_code == 303
    gone = client.get(f"/artikel/{article.id}")
    assert gone.status_code == 410
    html = page(gone)
    assert html.h1.get_text() == "Artikel sudah ditarik" and "Angka di artikel keliru." in html.get_text()
    assert not page_problems(f"/artikel/{article.id}", gone, html)
    assert client.get(f"/artikel/{article.id}", headers={"HX-Request": "true"}).status_code == 410
    assert "Akan ditarik" not in client.get("/artikel").get_data(as_text=True)
    assert "Akan ditarik" not in client.get("/artikel/atom").get_data(as_text=True)
    with app.app_context():
        assert not SearchEntry.select().where(SearchEntry.key == f"artikel:{article.id}").exists()
    # an edit of a withdrawn article changes nothing
    again = csrf_post(editor, form_page, article_fields(title="Dihidupkan lagi"), form_page="/petugas/konten")
    assert again.status_code == 200
    assert latest_article(app).title == "Akan ditarik"


# --- the image --------------------------------------------------------------------------------------

def test_a_large_photo_is_shrunk_to_30_kb_and_never_shown_on_the_list(app, editor, client, upload_dir):
    photo = png(900, 700, noise=True)
    assert len(photo) > 1_000_000
    response = write(editor, image=(io.BytesIO(photo), "foto.png"), image_alt="Air putih di gelas")
    assert response.status_code == 303, field_error(response, "image")
    article = latest_article(app)
    stored = upload_dir / article.image
    assert stored.stat().st_size <= 30_000
    with Image.open(stored) as image:
        assert image.format == "JPEG" and max(image.size) <= 480
    shown = page(client.get(f"/artikel/{article.id}"))
    assert shown.find("img")["alt"] == "Air putih di gelas"
    served = client.get(shown.find("img")["src"])
    assert served.status_code == 200 and served.mimetype == "image/jpeg" and len(served.data) <= 30_000
    assert page(client.get("/artikel")).find("img") is None


def test_an_image_needs_its_alt_text(app, editor):
    before = count_articles(app)
    response = write(editor, image=(io.BytesIO(png()), "foto.png"), image_alt="")
    assert "Wajib diisi" in field_error(response, "image_alt")
    assert count_articles(app) == before


def test_a_file_that_is_not_an_image_is_refused(app, editor):
    before = count_articles(app)
    fake = b"%PDF-1.4 this is not a picture" + os.urandom(200)
    response = write(editor, image=(io.BytesIO(fake), "foto.jpg"), image_alt="x", title="Tetap ada")
    assert response.status_code == 200
    assert "bukan gambar" in field_error(response, "image")
    assert page(response).find("input", {"name": "title"})["value"] == "Tetap ada"
    assert count_articles(app) == before


def test_an_image_over_the_upload_limit_is_refused_next_to_the_field(app, editor):
    before = count_articles(app)
    response = write(editor, image=(io.BytesIO(os.urandom(2_500_000)), "besar.png"), image_alt="x")
    assert "paling besar 2 MB" in field_error(response, "image")
    assert count_articles(app) == before


def test_a_30_mb_upload_gets_the_too_large_page_not_an_error(app, editor):
    before = count_articles(app)
    response = write(editor, image=(io.BytesIO(b"\0" * 30_000_000), "besar.png"), image_alt="x")
    assert response.status_code == 413
    assert page(response).h1.get_text() == "Kiriman terlalu besar"
    assert count_articles(app) == before


# --- the budget ----------------------------------------------------------------------------------

def test_the_longest_article_with_an_image_stays_under_10_kb(app, editor, client):
    words = ("peserta iuran rujukan puskesmas kartu kelas rawat obat dokter bidan posyandu imunisasi "
             "tekanan darah gula jantung ginjal rumah sakit antrean kontrol apotek").split()
    rng = random.Random(7)
    body = ""
    while len(body) < 5_900:
        body += " ".join(rng.choice(words) for _ in range(40)) + ".\n\n"
    body = body[:6_000]
    response = write(editor, body=body, title="J" * 150, summary="R" * 300, regions="32, 32.01, 32.73",
                     image=(io.BytesIO(png(800, 600)), "a.png"), image_alt="A" * 200)
    assert response.status_code == 303
    article = latest_article(app)
    for reader in (client, signed_in_client(app, "peserta")):
        shown = reader.get(f"/artikel/{article.id}", headers={"Accept-Encoding": "gzip"})
        assert transfer_size(shown) <= 10_000, transfer_size(shown)
        assert len(decoded(shown)) <= 10_240, len(decoded(shown))
        assert not page_problems(f"/artikel/{article.id}", shown, BeautifulSoup(decoded(shown), "html.parser"))


# --- who may write --------------------------------------------------------------------------------

def test_only_officers_with_the_editor_right_reach_the_desk(app, editor):
    with app.app_context():
        other = User(username="petugas2", role="petugas_bpjs")
        other.set_password("demo1234")
        other.save()
        other_id = other.id
    outsider = app.test_client()
    from tests.helpers import sign_in
    assert sign_in(outsider, "petugas2").status_code == 303
    assert outsider.get("/petugas/konten").status_code == 403
    assert write(outsider).status_code == 403
    admin = signed_in_client(app, "admin")
    listed = page(admin.get("/admin/penyunting"))
    assert listed.find("input", {"name": "user", "value": str(other_id)}) is not None
    response = csrf_post(admin, "/admin/penyunting", {"user": str(other_id), "aksi": "beri"})
    assert response.status_code == 303
    assert outsider.get("/petugas/konten").status_code == 200
    with app.app_context():
        assert AuditLog.select().where((AuditLog.action == "editor_granted")
                                       & (AuditLog.subject == f"user:{other_id}")).exists()
    csrf_post(admin, "/admin/penyunting", {"user": str(other_id), "aksi": "cabut"})
    assert outsider.get("/petugas/konten").status_code == 403
    # only officers can hold the right
    with app.app_context():
        budi = User.select().where(User.role == "peserta").first()
    assert csrf_post(admin, "/admin/penyunting", {"user": str(budi.id), "aksi": "beri"}).status_code == 404
    assert csrf_post(admin, "/admin/penyunting", {"user": "abc", "aksi": "beri"}).status_code == 404


def test_the_list_filters_by_kind_and_region_and_pages(app, client):
    by_kind = page(client.get("/artikel?jenis=testimoni"))
    kinds = {li.find(class_="hint").get_text().split(",")[0] for li in by_kind.select("#daftar li") if li.a}
    assert kinds == {"Testimoni peserta"}
    bogor = client.get("/artikel?wilayah=32.01").get_data(as_text=True)
    assert "Kabupaten Bogor buka layanan sore" in bogor and "Kota Bandung: kader" not in bogor
    province = client.get("/artikel?wilayah=32").get_data(as_text=True)
    assert "Kabupaten Bogor buka layanan sore" in province and "Kota Bandung: kader" in province
    for query in ("halaman=0", "halaman=-1", "halaman=99999999999999999999", "halaman=50", "wilayah=%27",
                  "jenis=%3Cscript%3E"):
        assert client.get(f"/artikel?{query}").status_code == 200, query


def test_a_participant_sees_their_region_offered_first(app):
    budi = signed_in_client(app, "peserta")
    options = page(budi.get("/artikel")).find("select", {"name": "wilayah"}).find_all("option")
    assert options[1]["value"] == "32.01" and "Wilayah saya" in options[1].get_text()
