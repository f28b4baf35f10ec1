"""What many tests share: the demo accounts, a signed-in client, CSRF posts, parsed pages, the
"error next to the field" look-up, the page-budget crawler, and the race harness. Tests import
from here, never from another test module.
"""
import gzip
import threading
import traceback
import uuid
from contextlib import contextmanager
from datetime import date, timedelta
from urllib.parse import urlencode, urljoin, urlsplit

import html5lib
from bs4 import BeautifulSoup

from app.core import clock, demo
from app.core.db import db
from app.models import AuditLog, Booking, Facility, Family, Participant, Poli, PoliDay
from app.rules.contributions import add_months, month_of

#: role → (identifier, password) of the demo accounts (README).
DEMO_ACCOUNTS = {
    "peserta": ("0001000000001", demo.PASSWORD),
    "peserta_lunas": ("0001000000002", demo.PASSWORD),
    "fasilitator": ("fasilitator", demo.PASSWORD),
    "petugas_faskes": ("faskes", demo.PASSWORD),
    "petugas_faskes_rs": ("faskesrs", demo.PASSWORD),  # at a hospital: the beds form
    "petugas_bpjs": ("petugas", demo.PASSWORD),
    "admin": ("admin", demo.PASSWORD),
}


def page(response):
    """Parsed HTML of a response."""
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def csrf_token(client, path="/masuk"):
    return page(client.get(path)).find("input", {"name": "csrf_token"})["value"]


def sign_in(client, identifier, password=demo.PASSWORD, **extra):
    return client.post("/masuk", data={"identifier": identifier, "password": password,
                                       "csrf_token": csrf_token(client), **extra})


def signed_in_client(app, role):
    client = app.test_client()
    response = sign_in(client, *DEMO_ACCOUNTS[role])
    assert response.status_code == 303, f"demo {role} could not sign in"
    return client


def text_of(soup, selector):
    """The visible text of the first element matching `selector`, spaces normalised."""
    return soup.select_one(selector).get_text(" ", strip=True)


def error_next_to(response, field_id):
    """The error texts the form macro shows next to the field with this id (`#<id>-error`)."""
    return [p.get_text(" ", strip=True) for p in page(response).select(f"#{field_id}-error")]


def csrf_post(client, path, data=None, form_page=None, **kwargs):
    """POST `data` to `path` with a fresh CSRF token (read from `form_page`, by default `path`)."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, form_page or path)}, **kwargs)


def field_error(response, name):
    """The error shown next to the field `name` (the macro's `<p class="error" id="<id>-error">`,
    which the field names in aria-describedby), or "" when there is none."""
    soup = page(response)
    field = soup.find(attrs={"name": name})
    assert field is not None, f"no field {name!r} on the page"
    errors = [soup.find(id=i) for i in (field.get("aria-describedby") or "").split() if i.endswith("-error")]
    return " ".join(e.get_text(" ", strip=True) for e in errors if e is not None)


def post(client, path, data=None):
    """POST `data` with the signed-in session's CSRF token (read from /beranda)."""
    return client.post(path, data={"csrf_token": csrf_token(client, "/beranda"), **(data or {})})


@contextmanager
def statements_run():
    """Every SQL statement the database runs inside the block, as (sql, params) (a hook on peewee's
    execute_sql): to count a page's queries or read their plans."""
    database, statements = db.obj, []
    real = database.execute_sql

    def spy(sql, params=None, *args, **kwargs):
        statements.append((sql, params))
        return real(sql, params, *args, **kwargs)

    database.execute_sql = spy
    try:
        yield statements
    finally:
        del database.execute_sql


def run_together(calls, timeout=60):
    """The race harness: run every zero-argument callable in its own thread, all released at the
    same moment; returns their results in order. An exception in any thread fails the test."""
    start = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(index, call):
        try:
            start.wait()
            results[index] = call()
        except Exception:  # noqa: BLE001 - collected and asserted below, with where it was raised
            errors.append(traceback.format_exc())

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert errors == [], "\n".join(errors)
    return results


# --- the queue: demo people, facilities, bookings and the audit trail ---------------------------

DEWI_CARD, AGUS_CARD, BUDI_CARD = "0001000000002", "0001000000005", "0001000000001"
COBLONG, CIBINONG, KLINIK_CIBINONG, RSUD = "DEMO-PKM-3273", "DEMO-PKM-3201", "DEMO-KLP-3201", "DEMO-RS-3201"


def today(offset=0):
    return clock.today() + timedelta(days=offset)


def person(card):
    return Participant.by_card(card)


def poli(app, facility_code, poli_code):
    with app.app_context():
        return Poli.select().join(Facility).where(Facility.code == facility_code, Poli.code == poli_code).get()


def make_booking(participant, poli_row, day, number, status="aktif", active=None):
    """A booking written straight to the database (as if taken earlier); `active=False` leaves it out
    of the one-active-booking index (test data with one person many times a day)."""
    active = status != "batal" if active is None else active
    poli_day, _ = PoliDay.get_or_create(poli=poli_row.id, visit_date=day)
    poli_day.issued = max(poli_day.issued, number)
    if status != "batal":
        poli_day.booked += 1
    poli_day.save()
    return Booking.create(participant=participant, poli=poli_row.id, visit_date=day, number=number,
                          code=uuid.uuid4().hex[:8].upper(), status=status,
                          active_key=1 if active else None)


def flashes(client):
    return [p.get_text(" ", strip=True) for p in page(client.get("/beranda")).select(".flash")]


def audit_entries(subject, since):
    return list(AuditLog.select().where(AuditLog.subject == subject, AuditLog.id > since).order_by(AuditLog.id))


def audit_actions(subject, since):
    return [entry.action for entry in audit_entries(subject, since)]


# --- families for money tests ------------------------------------------------------------------

#: the demo families' VAs; family 1 owes this much to be AKTIF again
FAMILY_1_VA, FAMILY_2_VA = "8888800000000001", "8888800000000002"
REACTIVATION = 420_000  # 3 months of arrears + the current month, 3 members × Rp35.000


def new_family(segment="PBPU", care_class=3, members=1, months_unpaid=3):
    """A family of its own (unique KK and VA), so committed tests leave the demo families alone."""
    cover = add_months(month_of(clock.today()), -months_unpaid)
    fam = Family.create(kk_number=f"99{uuid.uuid4().int % 10**14:014d}", segment=segment,
                        care_class=care_class if segment != "PPU" else None,
                        va_number=f"77777{uuid.uuid4().int % 10**11:011d}", registered_on=cover,
                        cover_start=cover)
    for _ in range(members):
        person = Participant(card_number=Participant.new_card_number(), name="Peserta Uji", sex="L",
                             birth_date=date(1990, 1, 1), family=fam, relationship="kepala")
        person.nik = f"32{uuid.uuid4().int % 10**14:014d}"
        person.save()
    return fam


# --- the page budget and the crawler ------------------------------------------------------------

PAGE_BUDGET = 14_000
MAX_PAGES = 400


#: what gunicorn adds to every response, which the test client does not
SERVER_HEADERS = {"Server": "gunicorn", "Date": "Wed, 02 Dec 2026 13:45:00 GMT", "Connection": "keep-alive"}


def transfer_size(response):
    """Bytes on the wire: status line, headers (the server's own too) and the (compressed) body."""
    added = [(name, value) for name, value in SERVER_HEADERS.items() if name not in response.headers]
    head = f"HTTP/1.1 {response.status}\r\n" + "".join(  # every header, repeated ones too (Set-Cookie)
        f"{name}: {value}\r\n" for name, value in [*added, *response.headers.items()]) + "\r\n"
    return len(head.encode()) + len(response.get_data())


def decoded(response):
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
    """Yield (url, response, soup) for every HTML page reachable from / (links marked rel=nofollow,
    such as the language switch, are not pages)."""
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
        links = [internal(url, a.get("href")) for a in soup.find_all("a")
                 if "nofollow" not in a.get("rel", [])]
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


