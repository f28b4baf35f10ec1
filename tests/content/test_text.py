"""Markdown → safe HTML (markdown-it-py, then nh3) on hostile input, and every content code has words."""
import time

import pytest
from bs4 import BeautifulSoup

from app.content import text
from app.core import labels
from app.models import Announcement, Article, PageVersion

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "[a](javascript:alert(1))",
    "[a](  JaVaScRiPt:alert(1))",
    "[a](java&#x73;cript:alert(1))",
    "[a](vbscript:msgbox(1))",
    "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src=https://evil.example></iframe>",
    "<img src=x onerror=alert(1)>",
    "![x](javascript:alert(1))",
    "<a href=\"https://evil.example\" onclick=\"alert(1)\">x</a>",
    "<svg onload=alert(1)>",
    "<style>body{display:none}</style>",
    "[a](https://example.org \"title\" onmouseover=alert(1))",
    "<details open ontoggle=alert(1)>",
    "<!-- <script>alert(1)</script> -->",
    "```html\n<script>alert(1)</script>\n```",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_never_becomes_active_html(source):
    html = BeautifulSoup(text.to_html(source), "html.parser")
    assert html.find(["script", "iframe", "img", "svg", "style", "details", "object", "embed"]) is None
    for tag in html.find_all(True):
        assert tag.name in text.TAGS
        for name, value in tag.attrs.items():
            assert not name.startswith("on"), (source, tag)
            if name == "href":
                assert value.split(":", 1)[0].lower() in ("http", "https", "mailto", "tel"), (source, value)


def test_links_get_noopener_nofollow_and_headings_move_down():
    html = BeautifulSoup(text.to_html("# Judul\n\n[BPJS](https://www.bpjs-kesehatan.go.id)"), "html.parser")
    assert html.find("h1") is None and html.find("h2").get_text() == "Judul"
    assert html.a["rel"] == ["noopener", "nofollow"]


@pytest.mark.parametrize("source", ["- " * 10_000 + "x", "> " * 10_000 + "x", "1. " * 5_000 + "x",
                                    "[a](" * 2_000, "*a" * 4_000])
def test_deep_nesting_and_pathological_input_render_quickly_and_bounded(source):
    started = time.perf_counter()
    html = text.to_html(source)
    assert time.perf_counter() - started < 3
    soup = BeautifulSoup(html, "html.parser")
    depth = max((len(list(tag.parents)) for tag in soup.find_all(True)), default=0)
    assert depth <= text.MAX_NESTING + 2


def test_plain_text_for_the_search():
    assert text.to_plain(text.to_html("**Halo** &amp; <b>dunia</b>\n\n- satu\n- dua")) == \
        "Halo & <b>dunia</b> satu dua"


@pytest.mark.parametrize(("codes", "table"), [
    (Article.KINDS, labels.ARTICLE_KIND_LABELS),
    (("draft", "scheduled", "published", "withdrawn"), labels.ARTICLE_STATE_LABELS),
    (Announcement.KINDS, labels.ANNOUNCEMENT_KIND_LABELS),
    (("tampil", "terjadwal", "selesai"), labels.ANNOUNCEMENT_STATE_LABELS),
    (PageVersion.SLUGS, labels.PAGE_LABELS),
])
def test_every_content_code_has_a_label(codes, table):
    assert set(codes) <= set(table)
