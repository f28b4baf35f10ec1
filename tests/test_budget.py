"""The page budget, enforced: crawl every page reachable from / (anonymously, in English, and as
every demo role) and fail on a page over 14,000 bytes compressed (headers included), a 5xx, a broken
internal link, invalid HTML, a missing <title> or lang, or a form without method/action/CSRF.

GET forms are submitted too (first option of each select), so pickers and searches are reached.
"""
from urllib.parse import urlencode, urljoin, urlsplit

import html5lib
import pytest
from bs4 import BeautifulSoup

from tests.conftest import DEMO_ACCOUNTS, signed_in_client

PAGE_BUDGET = 14_000
MAX_PAGES = 400


def transfer_size(response):
    """Bytes on the wire: status line, headers and the (compressed) body."""
    head = f"HTTP/1.1 {response.status}\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in response.headers.items()) + "\r\n"
    return len(head.encode()) + len(response.get_data())


def decoded(response):
    import gzip

    body = response.get_data()
    return gzip.decompress(body) if response.headers.get("Content-Encoding") == "gzip" else body


def internal(base, href):
    if not href or href.startswith(("#", "tel:", "mailto:", "sms:", "data:")):
        return None
    target = urlsplit(urljoin(base, href))
    if target.netloc not in ("", "localhost"):
        return None
    return target.path + (f"?{target.query}" if target.query else "")


def get_form_urls(base, soup):
    for form in soup.find_all("form", method=lambda m: (m or "").lower() == "get"):
        fields = {}
        for select in form.find_all("select"):
            options = [o.get("value") for o in select.find_all("option") if o.get("value")]
            if options:
                fields[select["name"]] = options[0]
        for field in form.find_all("input", attrs={"name": True}):
            if field.get("type") not in ("submit", "button"):
                fields[field["name"]] = field.get("value", "")
        action = internal(base, form.get("action"))
        if action:
            yield f"{action.split('?')[0]}?{urlencode(fields)}"


def crawl(client):
    """Yield (url, response, soup) for every HTML page reachable from /."""
    queue, seen = ["/"], set()
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        if response.status_code in (301, 302, 303, 307, 308):
            queue.append(internal(url, response.headers["Location"]))
            continue
        if not response.mimetype == "text/html":
            yield url, response, None
            continue
        soup = BeautifulSoup(decoded(response), "html.parser")
        yield url, response, soup
        links = [internal(url, a.get("href")) for a in soup.find_all("a")]
        queue.extend(link for link in links + list(get_form_urls(url, soup)) if link and link not in seen)


def page_problems(url, response, soup):
    problems = []
    if response.status_code >= 500 or response.status_code == 404:
        problems.append(f"status {response.status_code}")
    if soup is None:
        return problems
    size = transfer_size(response)
    if size > PAGE_BUDGET:
        problems.append(f"{size} bytes > {PAGE_BUDGET}")
    try:
        html5lib.HTMLParser(strict=True).parse(decoded(response))
    except html5lib.html5parser.ParseError as error:
        problems.append(f"invalid HTML: {error}")
    if not (soup.title and soup.title.get_text(strip=True)):
        problems.append("no <title>")
    if not (soup.html and soup.html.get("lang")):
        problems.append("no lang")
    for form in soup.find_all("form"):
        if not form.get("method") or not form.get("action"):
            problems.append(f"form without method/action: {form.get('id') or form.get('action')}")
        if (form.get("method") or "").lower() == "post" and not form.find("input", {"name": "csrf_token"}):
            problems.append(f"POST form without CSRF field: {form.get('action')}")
    return problems


def assert_crawl_clean(client, minimum_pages):
    pages, problems = 0, {}
    for url, response, soup in crawl(client):
        pages += soup is not None
        found = page_problems(url, response, soup)
        if found:
            problems[url] = found
    assert not problems, problems
    assert pages >= minimum_pages, f"crawled only {pages} pages"


def test_crawl_anonymous(client):
    assert_crawl_clean(client, minimum_pages=5)


def test_crawl_anonymous_in_english(client):
    client.set_cookie("lang", "en")
    assert_crawl_clean(client, minimum_pages=5)


@pytest.mark.parametrize("role", sorted(DEMO_ACCOUNTS))
def test_crawl_as_every_role(app, role):
    assert_crawl_clean(signed_in_client(app, role), minimum_pages=6)


def test_the_checks_themselves_fail_on_a_bad_page():
    import os

    from werkzeug.wrappers import Response

    body = ("<html><body><form method=post action=/x></form><p>"
            + os.urandom(PAGE_BUDGET).hex() + "</p></body></html>")
    response = Response(body, mimetype="text/html")
    problems = " | ".join(page_problems("/bad", response, BeautifulSoup(body, "html.parser")))
    for expected in ("bytes >", "invalid HTML", "no <title>", "no lang", "POST form without CSRF"):
        assert expected in problems
