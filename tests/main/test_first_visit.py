"""A light first visit (issue 10): the cold "check my status" path costs at most 15 KB with JavaScript
on, because htmx loads only on pages with a partial update; public pages set no cookie.

The path: home → sign-in page → sign in → the personal home page it lands on → status, with an empty
cache: every HTML response plus each stylesheet and script the pages reference, fetched once,
compressed as asked with `Accept-Encoding: gzip` (no brotli: the upper bound), headers included.
"""
import pytest
from bs4 import BeautifulSoup

from app.core import assets
from tests.helpers import DEMO_ACCOUNTS, crawl, csrf_post, decoded, page, sign_in, transfer_size

COLD_PATH_BUDGET = 15_000
GZIP = {"Accept-Encoding": "gzip"}
#: attributes that make htmx fetch and swap part of a page (hx-boost, hx-history, hx-headers do not)
PARTIAL_UPDATE = ("hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete", "hx-trigger")
#: pages every visitor sees the same way: no session, so no cookie
PUBLIC_PAGES = ("/", "/tarif-iuran", "/kalkulator-denda", "/wilayah", "/faskes?nama=puskesmas")

needs_htmx = pytest.mark.skipif(not assets.VENDOR["htmx.js"].exists(), reason="htmx is not installed (npm)")


def referenced(soup):
    """The stylesheets and scripts a page makes the browser fetch."""
    return ([link["href"] for link in soup.find_all("link", rel="stylesheet")]
            + [script["src"] for script in soup.find_all("script", src=True)])


def loads_htmx(soup):
    return any(src.startswith("/static/htmx.") for src in referenced(soup))


def has_partial_update(soup):
    return soup.find(lambda tag: any(tag.has_attr(name) for name in PARTIAL_UPDATE)) is not None


class ColdBrowser:
    """A client with an empty cache that adds up the bytes of what it fetches."""

    def __init__(self, client):
        self.client, self.cached, self.log = client, set(), []

    def fetch(self, response, label):
        self.log.append((label, transfer_size(response)))
        if response.mimetype != "text/html" or response.status_code != 200:
            return None
        soup = BeautifulSoup(decoded(response), "html.parser")
        for url in referenced(soup):
            if url not in self.cached:
                self.cached.add(url)
                asset = self.client.get(url, headers=GZIP)
                assert asset.status_code == 200, url
                self.log.append((url, transfer_size(asset)))
        return soup

    def get(self, path):
        return self.fetch(self.client.get(path, headers=GZIP), path)

    @property
    def total(self):
        return sum(size for _, size in self.log)


def walk_the_cold_status_path(app):
    browser = ColdBrowser(app.test_client())
    browser.get("/")
    sign_in_page = browser.get("/masuk")
    identifier, password = DEMO_ACCOUNTS["peserta"]
    token = sign_in_page.find("input", {"name": "csrf_token"})["value"]
    signed_in = browser.client.post("/masuk", headers=GZIP, data={
        "identifier": identifier, "password": password, "csrf_token": token})
    assert signed_in.status_code == 303
    browser.fetch(signed_in, "POST /masuk")
    landing = browser.get(signed_in.headers["Location"])
    status = browser.get("/kepesertaan")
    assert landing.h1 and status.select_one("#status .big"), "the path did not reach the status"
    return browser


@needs_htmx
def test_the_cold_status_path_with_javascript_fits_15_kb(app):
    browser = walk_the_cold_status_path(app)
    assert browser.total <= COLD_PATH_BUDGET, browser.log
    # none of its pages has a partial update, so none loads htmx (17 KB: more than the whole path)
    assert not any(label.startswith("/static/htmx.") for label, _ in browser.log), browser.log
    assert any(label.startswith("/static/app.") for label, _ in browser.log)  # the CSS is counted


@needs_htmx
def test_every_page_with_a_partial_update_loads_htmx(app):
    clients = [app.test_client()]
    for role in ("peserta", "fasilitator", "petugas_faskes"):
        client = app.test_client()
        assert sign_in(client, *DEMO_ACCOUNTS[role]).status_code == 303
        clients.append(client)
    partial_pages = set()
    for client in clients:
        for url, _response, soup in crawl(client):
            if soup is None or soup.html is None:
                continue
            if has_partial_update(soup):
                assert loads_htmx(soup), url
                partial_pages.add(url.split("?")[0])
    # the check is not empty: the pickers, searches, calculator and a queue ticket were among them
    assert {"/wilayah", "/faskes", "/kalkulator-denda", "/pendaftaran"} <= partial_pages, partial_pages


@needs_htmx
def test_a_queue_ticket_loads_htmx_for_its_now_serving_refresh(app):
    client = app.test_client()
    sign_in(client, *DEMO_ACCOUNTS["peserta_lunas"])  # Dewi: her family's contributions are paid
    form = page(client.get("/antrean")).select_one('form[method="post"][action="/antrean"]')
    data = {field["name"]: field.get("value", "") for field in form.find_all("input")}
    for select in form.find_all("select"):
        data[select["name"]] = next(o["value"] for o in select.find_all("option") if o.get("value"))
    days = ([o["value"] for o in form.select("[name=visit_date] option") if o.get("value")]
            or [data["visit_date"]])
    for day in days:  # the first day the poli is open
        response = client.post("/antrean", data={**data, "visit_date": day})
        if response.status_code == 303:
            break
    assert response.status_code == 303, page(response).get_text(" ", strip=True)[:300]
    ticket = page(client.get(response.headers["Location"]))
    assert has_partial_update(ticket) and loads_htmx(ticket)


@needs_htmx
def test_registration_steps_load_htmx(client):
    response = csrf_post(client, "/pendaftaran")
    assert response.status_code == 303
    step = page(client.get(response.headers["Location"]))
    assert has_partial_update(step) and loads_htmx(step)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_public_page_starts_no_session_and_sets_no_cookie(app, path):
    response = app.test_client().get(path)
    assert response.status_code == 200
    assert response.headers.getlist("Set-Cookie") == [], path
    assert not page(response).find(id="app").has_attr("hx-headers")


def test_a_page_with_a_form_still_starts_a_session_for_its_token(client):
    response = client.get("/masuk")
    assert [c.split("=")[0] for c in response.headers.getlist("Set-Cookie")] == ["jkn"]
    assert page(response).find("input", {"name": "csrf_token"})["value"]
