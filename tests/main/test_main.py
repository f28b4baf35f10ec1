"""Layout, language, errors, health check, security headers, static files and the htmx contract."""
import gzip

import pytest
from bs4 import BeautifulSoup

from app import create_app
from app.core import assets
from tests.helpers import csrf_token, page, sign_in, signed_in_client


def config_of(app, **overrides):
    return {**{k: v for k, v in app.config.items() if k.isupper()}, **overrides}


# --- layout ----------------------------------------------------------------------------------

def test_home_explains_the_site_with_a_numbered_keypad_menu(client):
    html = page(client.get("/"))
    assert html.html["lang"] == "id"
    assert html.title.get_text() == "Layanan JKN untuk semua ponsel – JKN Lite"
    assert "ponsel biasa, sinyal 2G" in html.main.get_text()
    menu = html.select("nav ol.menu a")
    keys = [" ".join(a.get("accesskey", [])) for a in menu]
    assert keys == [str(i) if i < 10 else "" for i in range(1, len(menu) + 1)]
    assert [a.b.get_text() for a in menu][:9] == keys[:9]
    assert html.find("link", rel="icon")["href"] == "data:,"
    assert not html.find("img") and not html.find("style") and not html.select("script:not([src])")


def test_signed_in_menu_and_sign_out_button(client):
    sign_in(client, "0001000000001")
    html = page(client.get("/beranda"))
    labels = [a.get_text(" ", strip=True) for a in html.select("nav ol.menu a")]
    assert labels[:3] == ["1 Beranda saya", "2 Status kepesertaan", "3 Kartu digital"]
    assert "Cari wilayah" in labels[-1]
    button = html.select_one("nav form button")
    assert button["accesskey"] == ["0"] and button.find_parent("form")["method"] == "post"


def test_healthz_answers_while_the_process_lives_even_without_the_database(client, monkeypatch):
    from app.core.db import make_database

    assert (client.get("/healthz").status_code, client.get("/healthz").get_data(as_text=True)) == (200, "ok")
    monkeypatch.setattr("app.main.service.db", make_database("postgresql://nobody@127.0.0.1:1/none"))
    assert client.get("/healthz").status_code == 200


def test_readyz_answers_after_a_database_round_trip(client):
    response = client.get("/readyz")
    assert (response.status_code, response.mimetype, response.get_data(as_text=True)) == (
        200, "text/plain", "database ok")


def test_readyz_is_503_when_the_database_is_gone(client, monkeypatch):
    from app.core.db import make_database

    monkeypatch.setattr("app.main.service.db", make_database("postgresql://nobody@127.0.0.1:1/none"))
    response = client.get("/readyz")
    assert (response.status_code, response.get_data(as_text=True)) == (503, "database down")


def test_readyz_checks_redis_when_it_is_configured(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/0")
    assert client.get("/readyz").get_data(as_text=True) == "database ok\nredis ok"
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    response = client.get("/readyz")
    assert (response.status_code, response.get_data(as_text=True)) == (503, "database ok\nredis down")


# --- language ----------------------------------------------------------------------------------

def test_english_is_selectable_and_sticks(client):
    switch = page(client.get("/tarif-iuran?x=1")).select_one("footer a[hreflang]")
    assert (switch["lang"], switch.get_text(), switch["rel"]) == ("en", "English", ["nofollow"])
    response = client.get(switch["href"])
    assert (response.status_code, response.headers["Location"]) == (303, "/tarif-iuran?x=1")
    assert response.headers["Cache-Control"] == "no-store"
    html = page(client.get("/masuk"))
    assert html.html["lang"] == "en"
    assert html.h1.get_text() == "Sign in"
    switch = html.select_one("footer a[hreflang]")
    assert (switch["hreflang"], switch.get_text()) == ("id", "Bahasa Indonesia")
    assert switch["href"] == "/bahasa?lang=id&next=/masuk"


TRICKY_PATHS = ["/", "/faskes?nama=rs+umum&kabupaten=32.01", "/faskes?nama=Sánchez%20&x=a%26b",
                "/artikel?cari=100%25+sehat;ya", "/kepesertaan/kartu/7", "/cari?q=ä#x"]


@pytest.mark.parametrize("path", TRICKY_PATHS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_language_switch_is_the_url_url_for_makes(app, path, method):
    from flask import request, url_for

    from app.core.navigation import language_switch

    with app.test_request_context(path, method=method):
        here = request.full_path.rstrip("?") if method == "GET" else request.path
        for locale, other in (("id", "en"), ("en", "id")):
            assert language_switch(locale) == url_for("main.language", lang=other, next=here)


def test_the_language_switch_is_a_link_that_needs_no_session(client):
    """Choosing a language changes only this browser's display: a GET link, no CSRF token, no session."""
    html = page(client.get("/"))
    assert not html.select("footer form") and html.select_one("footer a[hreflang]")
    response = client.get("/bahasa?lang=en&next=/")
    assert [c.split("=")[0] for c in response.headers.getlist("Set-Cookie")] == ["lang"]
    assert client.post("/bahasa", data={"lang": "id"}).status_code == 405


@pytest.mark.parametrize("lang", ["xx", "", "en-US", "<script>"])
def test_unknown_language_is_a_400_in_indonesian(client, lang):
    response = client.get("/bahasa", query_string={"lang": lang})
    assert response.status_code == 400
    assert page(response).html["lang"] == "id"


def test_language_switch_never_redirects_off_site(client):
    response = client.get("/bahasa", query_string={"lang": "en", "next": "https://jahat.example/"})
    assert response.headers["Location"] == "/"


def test_a_forged_language_cookie_falls_back_to_indonesian(client):
    client.set_cookie("lang", "zz")
    assert page(client.get("/")).html["lang"] == "id"


def test_dates_follow_the_language(app):
    from datetime import date

    from app.core.formatting import date_id

    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert date_id(date(2026, 5, 1)) == "1 May 2026"
    with app.test_request_context():
        assert date_id(date(2026, 5, 1)) == "1 Mei 2026"


# --- errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize("method,path,data,status,title", [
    ("get", "/tidak-ada", None, 404, "Halaman tidak ditemukan"),
    ("get", "/keluar", None, 405, "Cara membuka halaman salah"),
    ("post", "/masuk", {}, 400, "Permintaan tidak dapat diproses"),
    ("post", "/masuk", {"identifier": "x" * (4 * 1024 * 1024)}, 413, "Kiriman terlalu besar"),
])
def test_error_pages_are_indonesian_with_a_way_back(client, method, path, data, status, title):
    response = getattr(client, method)(path, data=data)
    assert response.status_code == status
    html = page(response)
    assert html.html["lang"] == "id" and html.h1.get_text() == title
    assert html.main.find("a", href="/").get_text() == "Kembali ke beranda"


def test_unexpected_errors_get_the_500_page(app):
    other = create_app(config_of(app))

    @other.get("/rusak")
    def broken():
        raise RuntimeError("boom")

    broken.access = "public"
    response = other.test_client().get("/rusak")
    assert response.status_code == 500
    assert page(response).h1.get_text() == "Terjadi gangguan"
    assert "boom" not in response.get_data(as_text=True)


def test_error_fragment_for_htmx(client):
    response = client.get("/tidak-ada", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert page(response).find("html") is None
    assert page(response).h1.get_text() == "Halaman tidak ditemukan"


# --- headers -----------------------------------------------------------------------------------

def assert_security_headers(headers):
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", ["/", "/masuk", "/wilayah", "/healthz", "/tidak-ada"])
def test_security_headers_and_vary_on_every_response(client, path):
    response = client.get(path)
    assert_security_headers(response.headers)
    vary = {v.strip() for v in response.headers["Vary"].split(",")}
    assert {"HX-Request", "HX-History-Restore-Request"} <= vary
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_personal_pages_are_not_stored_nor_kept_in_htmx_history(client):
    public = client.get("/")
    assert "no-store" not in public.headers.get("Cache-Control", "")
    assert not page(public).find(attrs={"hx-history": "false"})
    sign_in(client, "0001000000001")
    personal = client.get("/beranda")
    assert personal.headers["Cache-Control"] == "no-store"
    assert page(personal).find(id="app")["hx-history"] == "false"


# --- static files --------------------------------------------------------------------------------

def test_css_is_fingerprinted_immutable_and_secured(client):
    href = page(client.get("/")).find("link", rel="stylesheet")["href"]
    assert href.startswith("/static/app.") and href.endswith(".css") and len(href.split(".")[1]) == 12
    response = client.get(href)
    assert response.status_code == 200 and b"box-sizing" in response.get_data()
    assert response.headers["Cache-Control"] == "max-age=31536000, public, immutable"
    assert_security_headers(response.headers)
    assert client.get("/static/app.css").status_code == 404  # only the fingerprinted name


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_css_is_served_compressed_when_the_browser_accepts_it(client, encoding):
    href = page(client.get("/")).find("link", rel="stylesheet")["href"]
    plain = client.get(href).get_data()
    response = client.get(href, headers={"Accept-Encoding": encoding})
    assert response.headers["Content-Encoding"] == encoding and "Accept-Encoding" in response.headers["Vary"]
    assert len(response.get_data()) < len(plain) / 2
    assert response.headers["Cache-Control"] == "max-age=31536000, public, immutable"


def test_static_files_are_served_plain_where_no_compressed_copy_can_be_written(app, tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    path = assets.STATIC / "app.css"
    assert assets.compressed_copy(path, assets.fingerprinted("app.css", path), blocked) == path


def test_htmx_is_optional(app, monkeypatch):
    script = page(app.test_client().get("/wilayah")).find("script")
    if assets.VENDOR["htmx.js"].exists():
        assert script["defer"] is not None and script["src"].startswith("/static/htmx.")
        assert app.test_client().get(script["src"]).headers["Cache-Control"].endswith("immutable")
    monkeypatch.setitem(assets.VENDOR, "htmx.js", assets.ROOT / "no-such-file.js")
    bare = create_app(config_of(app)).test_client()
    html = page(bare.get("/wilayah"))
    assert html.find("script") is None and html.find("meta", attrs={"name": "htmx-config"}) is None
    assert sign_in(bare, "0001000000001").status_code == 303


# --- the htmx contract ---------------------------------------------------------------------------

def test_boosted_and_history_restore_requests_get_full_pages(client):
    for extra in ({"HX-Boosted": "true"}, {"HX-History-Restore-Request": "true"}):
        html = page(client.get("/wilayah?provinsi=32", headers={"HX-Request": "true", **extra}))
        assert html.find("html") and html.title


def test_csrf_token_rides_in_hx_headers(client):
    """On a page that loads htmx, once the session has a CSRF secret (a form page made one)."""
    import json

    assert not page(client.get("/wilayah")).find(id="app").has_attr("hx-headers")  # no session yet
    client.get("/masuk")
    wrapper = page(client.get("/wilayah")).find(id="app")
    assert wrapper["hx-boost"] == "true"
    token = json.loads(wrapper["hx-headers"])["X-CSRFToken"]
    response = client.post("/masuk", headers={"X-CSRFToken": token, "HX-Request": "true", "HX-Boosted": "true"},
                           data={"identifier": "0001000000001", "password": "demo1234"})
    assert response.status_code == 303


def test_a_session_has_one_csrf_token_on_every_page_and_form(app):
    """htmx's header and every form repeat the token signed for the session, not a new signature
    each page (tokens do not expire: WTF_CSRF_TIME_LIMIT is None)."""
    import json
    import time

    client = signed_in_client(app, "peserta")
    first = page(client.get("/kepesertaan"))  # the sign-out form: the session's CSRF secret is made
    time.sleep(1.05)  # a token signed now would carry another second than the first page's
    pages = [first, *(page(client.get(url)) for url in ("/wilayah?provinsi=32", "/wilayah", "/beranda"))]
    header = {json.loads(html.find(id="app")["hx-headers"])["X-CSRFToken"] for html in pages[1:3]}
    forms = {field["value"] for html in pages for field in html.select("input[name=csrf_token]")}
    assert len(header) == 1 and header == forms


def test_invalid_sign_in_via_htmx_returns_the_form_fragment_with_200(client):
    token = csrf_token(client)
    response = client.post("/masuk", headers={"HX-Request": "true", "X-CSRFToken": token},
                           data={"identifier": "12", "password": "x"})
    assert response.status_code == 200
    html = page(response)
    assert html.find("html") is None and html.find("form", id="sign-in")
    assert html.select_one("#identifier-error")
    assert len(response.get_data()) < 2048


@pytest.mark.parametrize(("role", "url", "status"), [
    (None, "/tidak-ada-halaman-ini", 404),
    ("peserta", "/petugas/antrean-kerja", 403),
    ("petugas_bpjs", "/kepesertaan", 403),
])
def test_error_pages_are_compressed_like_every_other_page(app, client, role, url, status):
    browser = signed_in_client(app, role) if role else client
    response = browser.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == status
    assert response.headers["Content-Encoding"] == "gzip"
    raw = gzip.decompress(response.get_data())
    assert BeautifulSoup(raw, "html.parser").find("h1").get_text(strip=True)
    assert len(response.get_data()) < len(raw) * 0.6  # today about half


def test_the_chosen_language_is_kept_on_the_account_for_reminders(app):
    from app.core.db import db
    from app.models import User

    client = signed_in_client(app, "peserta")
    response = client.get("/bahasa", query_string={"lang": "en", "next": "/beranda"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/beranda")
    with app.app_context(), db.connection_context():
        assert User.for_identifier("0001000000001").language == "en"
    assert page(client.get("/beranda")).html["lang"] == "en"
# --- behind a load balancer that ends HTTPS ------------------------------------------------------

def proxied_app(app, proxy_count):
    from app import create_app
    from app.core.config import TestConfig

    config = type("Proxied", (TestConfig,), {"DATABASE_URL": app.config["DATABASE_URL"],
                                              "PROXY_COUNT": proxy_count, "SESSION_COOKIE_SECURE": True})
    return create_app(config)


def test_behind_an_https_proxy_hsts_and_secure_cookies(app):
    client = proxied_app(app, 1).test_client()
    response = client.get("/masuk", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("jkn=") and "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_forwarded_headers_are_ignored_without_proxy_count(app):
    client = proxied_app(app, 0).test_client()
    response = client.get("/masuk", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_a_database_outage_is_a_503_page_with_retry_after(client, monkeypatch):
    from peewee import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("app.tariffs.views.render", down)
    response = client.get("/tarif-iuran")
    assert (response.status_code, response.headers["Retry-After"]) == (503, "30")
    assert page(response).h1.get_text() == "Layanan sedang sibuk"


def test_only_an_editor_gets_the_editors_menu_item(app):
    from app.core import security
    from app.models import User

    with app.app_context():
        User.create(username="petugasbiasa", role="petugas_bpjs", password_hash=security.hash_password("demo1234"))
    editor, officer = signed_in_client(app, "petugas_bpjs"), app.test_client()
    assert sign_in(officer, "petugasbiasa", "demo1234").status_code == 303

    def menu(client):
        return [a.get_text(" ", strip=True) for a in page(client.get("/beranda")).select("nav ol.menu a")]

    assert any("Penyuntingan" in label for label in menu(editor))  # first: the editor's menu is kept
    assert not any("Penyuntingan" in label for label in menu(officer))
