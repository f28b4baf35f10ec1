"""Public pages kept for anonymous visitors (app/core/pagecache.py): only for them, per language and
htmx request, never a page that started a session; every hook still runs on a kept page."""
from datetime import timedelta

import pytest

from app.core import clock, pagecache
from app.models import Announcement, User
from tests.helpers import page, signed_in_client


@pytest.fixture
def cached(app):
    app.config["PAGE_CACHE_SECONDS"] = 60
    pagecache.clear()
    yield app
    app.config["PAGE_CACHE_SECONDS"] = 0
    pagecache.clear()


def text(response):
    return page(response).get_text(" ")


def _announce(app, title):
    with app.app_context():
        today = clock.today()
        Announcement.create(kind="info", title=title, body="Isi pengumuman.", shown_from=today,
                            shown_until=today + timedelta(days=2),
                            created_by=User.get(User.username == "petugas"))


def test_an_anonymous_visitor_gets_the_kept_page_until_it_expires(cached, client):
    first = client.get("/")
    _announce(cached, "Jadwal baru posyandu")
    kept = client.get("/")
    assert "Jadwal baru posyandu" not in text(kept) and kept.data == first.data
    pagecache.clear()  # as when PAGE_CACHE_SECONDS have passed
    assert "Jadwal baru posyandu" in text(client.get("/"))


def test_a_kept_page_still_passes_every_hook(cached, client):
    first, kept = (client.get("/", headers={"Accept-Encoding": "gzip"}) for _ in range(2))
    assert kept.headers["Content-Encoding"] == "gzip"
    assert kept.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert kept.headers["X-Request-Id"] != first.headers["X-Request-Id"]
    assert "Set-Cookie" not in kept.headers


def test_signed_in_users_and_visitors_with_a_session_get_a_fresh_page(cached, app, client):
    client.get("/faskes?nama=puskesmas")
    _announce(cached, "Pengumuman untuk semua")
    participant = signed_in_client(app, "peserta")
    assert "Pengumuman untuk semua" in text(participant.get("/beranda"))
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Pesan sekali tampil")]
    assert "Pesan sekali tampil" in text(client.get("/"))
    assert "Pengumuman untuk semua" in text(client.get("/"))  # the fresh page was not kept for others…
    anonymous = app.test_client()
    assert "Pengumuman untuk semua" in text(anonymous.get("/"))  # …and the one kept is the fresh one


def test_each_language_and_each_htmx_request_has_its_own_page(cached, app, client):
    indonesian = page(client.get("/faskes?nama=puskesmas"))
    english = app.test_client()
    english.set_cookie("lang", "en")
    assert page(english.get("/faskes?nama=puskesmas")).html["lang"] == "en"
    assert indonesian.html["lang"] == "id"
    fragment = client.get("/faskes?nama=puskesmas", headers={"HX-Request": "true"})
    assert b"<html" not in fragment.data and b"<html" in client.get("/faskes?nama=puskesmas").data


def test_no_visitor_gets_a_page_made_for_another_session(cached, app, client):
    """A visitor with a session (here a CSRF secret from the sign-in form) gets pages made for them,
    which are never kept: their token cannot reach anybody else."""
    token = page(client.get("/masuk")).find("input", attrs={"name": "csrf_token"})["value"]
    for path in ("/", "/faskes?nama=puskesmas", "/faskes?nama=puskesmas&provinsi=32"):
        mine = client.get(path, headers={"HX-Request": "true", "HX-Boosted": "true"})
        assert mine.status_code == 200
        others = app.test_client().get(path, headers={"HX-Request": "true", "HX-Boosted": "true"})
        assert token.encode() not in others.data and "Set-Cookie" not in others.headers


@pytest.mark.parametrize("encoding", ["br", "gzip", None])
def test_a_page_is_kept_as_sent_in_each_encoding(cached, app, client, encoding):
    """Kept compressed (compressing costs more than the rest of a kept page), one copy per encoding
    the visitor accepts: a visitor who accepts none gets the plain page."""
    headers = {"Accept-Encoding": encoding} if encoding else {}
    first = client.get("/", headers=headers)
    pagecache.clear()
    gzip_only = app.test_client().get("/", headers={"Accept-Encoding": "gzip"})  # kept first, in gzip
    kept = client.get("/", headers=headers)
    assert first.headers.get("Content-Encoding") == kept.headers.get("Content-Encoding") == encoding
    assert kept.data == client.get("/", headers=headers).data
    assert gzip_only.headers["Content-Encoding"] == "gzip" and kept.headers["Vary"] == first.headers["Vary"]
    assert "Accept-Encoding" in kept.headers["Vary"].split(", ")
    assert int(kept.headers["Content-Length"]) == len(kept.data)
    if encoding is None:
        assert page(kept).html["lang"] == "id"
