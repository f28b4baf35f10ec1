"""Atom 1.0 (RFC 4287) feeds of the articles: ids that never change (urn:uuid from the article id),
`updated` from the last edit, the sanitised body as content, and a validator (ETag) and
Last-Modified for conditional GET."""
import hashlib
import uuid
from datetime import timezone
from xml.etree import ElementTree

ATOM = "http://www.w3.org/2005/Atom"
#: the namespace of our stable ids: urn:uuid:uuid5(NAMESPACE, "artikel:12")
NAMESPACE = uuid.UUID("5b0f6f1e-3a52-4d55-9a0e-6a4c1c0e2f11")


def stable_id(name):
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, name)}"


def rfc3339(moment):
    """A stored naive-UTC moment as Atom wants it: 2026-11-25T03:00:00Z."""
    return moment.replace(microsecond=0).isoformat() + "Z"


def http_moment(moment):
    """For Last-Modified: an aware UTC datetime, whole seconds."""
    return moment.replace(microsecond=0, tzinfo=timezone.utc)


def validator(*parts):
    """An ETag from whatever the feed's bytes depend on."""
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def build(feed_name, title, self_url, alternate_url, updated, entries):
    """The feed document (bytes). `entries`: dicts with name, title, url, published, updated,
    summary, content_html, category, category_label."""
    ElementTree.register_namespace("", ATOM)

    def sub(parent, tag, text=None, **attributes):
        element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    feed = ElementTree.Element(f"{{{ATOM}}}feed", {"xml:lang": "id"})
    sub(feed, "id", stable_id(f"feed:{feed_name}"))
    sub(feed, "title", title)
    sub(feed, "updated", rfc3339(updated))
    sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(feed, "link", rel="alternate", type="text/html", href=alternate_url)
    author = sub(feed, "author")
    sub(author, "name", "JKN Lite")
    for item in entries:
        entry = sub(feed, "entry")
        sub(entry, "id", stable_id(item["name"]))
        sub(entry, "title", item["title"])
        sub(entry, "link", rel="alternate", type="text/html", href=item["url"])
        sub(entry, "published", rfc3339(item["published"]))
        sub(entry, "updated", rfc3339(item["updated"]))
        sub(entry, "category", term=item["category"], label=item["category_label"])
        sub(entry, "summary", item["summary"])
        sub(entry, "content", item["content_html"], type="html")
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
