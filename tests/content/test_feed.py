"""The Atom feeds: valid Atom 1.0 (parsed by feedparser), stable ids, `updated`, one feed per kind, and
conditional GET (ETag and Last-Modified → 304; a malformed If-Modified-Since is ignored)."""
from datetime import timedelta

import feedparser
import pytest

from app.core import clock
from app.models import Article
from tests.helpers import csrf_post, signed_in_client


def parsed(response):
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_the_feed_is_valid_atom_with_stable_ids_and_dates(app, client):
    feed = parsed(client.get("/artikel/atom"))
    assert feed.feed.title == "Artikel JKN Lite" and feed.feed.id.startswith("urn:uuid:")
    assert feed.feed.updated_parsed is not None
    with app.app_context():
        visible = list(Article.feed(clock.now()).limit(20))
    assert [e.title for e in feed.entries] == [a.title for a in visible]
    assert len(feed.entries) >= 6
    for entry in feed.entries:
        assert entry.id.startswith("urn:uuid:") and entry.updated_parsed and entry.published_parsed
        assert entry.link.startswith("http://localhost/artikel/")
        assert entry.content[0].type == "text/html" and entry.summary
    again = parsed(client.get("/artikel/atom"))
    assert [e.id for e in again.entries] == [e.id for e in feed.entries]
    assert len({e.id for e in feed.entries}) == len(feed.entries)


@pytest.mark.parametrize("kind,label", [("berita-daerah", "Berita daerah"), ("testimoni", "Testimoni peserta"),
                                        ("hidup-sehat", "Hidup sehat")])
def test_one_feed_per_kind(client, kind, label):
    feed = parsed(client.get(f"/artikel/atom/{kind}"))
    assert feed.feed.title.endswith(label)
    assert feed.entries and {t.label for e in feed.entries for t in e.tags} == {label}


def test_an_unknown_kind_is_a_404(client):
    assert client.get("/artikel/atom/gosip").status_code == 404


def test_conditional_get_answers_304_until_the_feed_changes(app, client):
    first = client.get("/artikel/atom")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag and modified
    assert client.get("/artikel/atom", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/artikel/atom", headers={"If-Modified-Since": modified}).status_code == 304
    for malformed in ("kemarin", "Mon, 99 Foo 2026 99:99:99 GMT", "", "\x00", "9" * 500, "Thu, 01 Jan 1970"):
        response = client.get("/artikel/atom", headers={"If-Modified-Since": malformed})
        assert response.status_code in (200, 304), malformed
        if response.status_code == 200:
            parsed(response)
    old = client.get("/artikel/atom", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert old.status_code == 200
    # a new article changes both validators
    editor = signed_in_client(app, "petugas_bpjs")
    response = csrf_post(editor, "/petugas/konten/artikel-baru", {
        "kind": "hidup_sehat", "title": "Baru di feed", "summary": "Ringkas.", "body": "Isi.", "aksi": "terbitkan"})
    assert response.status_code == 303
    changed = client.get("/artikel/atom", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert parsed(changed).entries[0].title == "Baru di feed"


def test_a_scheduled_article_changes_the_feed_when_its_time_comes(app, client, monkeypatch):
    editor = signed_in_client(app, "petugas_bpjs")
    later = clock.to_wib(clock.now() + timedelta(hours=3))
    csrf_post(editor, "/petugas/konten/artikel-baru", {
        "kind": "testimoni", "title": "Nanti di feed", "summary": "Ringkas.", "body": "Isi.", "aksi": "terbitkan",
        "publish_date": f"{later:%d-%m-%Y}", "publish_time": f"{later:%H.%M}"})
    etag = client.get("/artikel/atom").headers["ETag"]
    moment = clock.now() + timedelta(hours=3, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: moment)
    response = client.get("/artikel/atom", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert parsed(response).entries[0].title == "Nanti di feed"
