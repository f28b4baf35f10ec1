"""Markdown to safe HTML: markdown-it-py renders (raw HTML off: it comes out as text), nh3 (ammonia)
sanitises what it made against a short allow-list, so even a renderer bug cannot let a script, an
iframe, an event handler or a javascript: link through. Links get rel="noopener nofollow".

Headings move one level down (# → h2): the page has its own h1. Images in the text are off (the one
small image of an article is uploaded, re-encoded and checked apart).
"""
import html
import re

import nh3
from markdown_it import MarkdownIt

#: nesting deeper than this (lists in lists, quotes in quotes) is cut off, so the page stays shallow
MAX_NESTING = 8
TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "strong", "em", "blockquote", "code",
        "pre", "hr", "br", "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
LINK_REL = "noopener nofollow"

_markdown = (MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False,
                                       "maxNesting": MAX_NESTING})
             .enable("table").disable("image"))
_cleaner = nh3.Cleaner(tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=LINK_REL,
                       clean_content_tags={"script", "style"}, strip_comments=True)
_SPACES = re.compile(r"\s+")


def to_html(markdown):
    """Markdown source → sanitised HTML (a string that is safe to insert into a page)."""
    tokens = _markdown.parse(markdown or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
    return _cleaner.clean(_markdown.renderer.render(tokens, _markdown.options, {}))


def to_plain(safe_html):
    """The words of sanitised HTML, for the search index and the feed's summary."""
    text = nh3.clean(safe_html, tags=set())
    return _SPACES.sub(" ", html.unescape(text)).strip()
