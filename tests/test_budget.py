"""The page budget, enforced: crawl every page reachable from / (anonymously, in English, and as
every demo role) and fail on a page over 14,000 bytes compressed (headers included), a 5xx, a broken
internal link, invalid HTML, a missing <title> or lang, or a form without method/action/CSRF.

GET forms are submitted too (first option of each select), so pickers and searches are reached.
"""
import pytest
from bs4 import BeautifulSoup

from tests.helpers import DEMO_ACCOUNTS, PAGE_BUDGET, crawl, page_problems, signed_in_client


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
