"""Trying to break authorization and CSRF across the whole app (SPEC §6).

The routes come from `app.url_map`, so a new route is attacked without anyone remembering to add it:

1. CSRF: every POST route (the HMAC-signed payment callback under /api/v1 aside), posted by a user of
   an allowed role with no token, another session's token, a forged token, or htmx's header with
   another session's token, answers 400 with the CSRF message and changes no row and no session.
2. Objects: every `<int:…>` route is tried with the ids of the OTHER family or OTHER facility
   (created here where the demo has none); the answer is 404/403 and shows none of their data.
   Every role outside a route's access rule gets 403, strangers go to /masuk.
3. Sign-in answers do not tell an unknown account from a wrong password or a locked account.
4. No full NIK in any page of any role, in the audit log, or in plain text anywhere in the database.
5. Every page of a signed-in user is `Cache-Control: no-store`.
6. Security headers on every response, static files, errors and redirects included.
7. Every route that reads `next` refuses off-site targets.
"""
import inspect
import io
import json
import re
import secrets
import uuid
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import quote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from app import create_app
from app.cases import service as cases_service
from app.core import clock, demo, security, uploads
from app.core.config import Config, TestConfig
from app.core.db import db
from app.models import (
    MODELS,
    ROLES,
    Allocation,
    Announcement,
    ApiClient,
    Article,
    AutoDebit,
    Booking,
    ChangeRequest,
    Consent,
    DataRequest,
    Facility,
    Family,
    Kiosk,
    MemberAddition,
    Participant,
    Payment,
    Poli,
    PoliDay,
    Referral,
    Region,
    Registration,
    RehabInstalment,
    RehabPlan,
    Reminder,
    User,
    Visit,
    VisitFeedback,
)
from app.queue import service as queue_service
from app.rules import contributions
from tests.helpers import crawl, decoded, sign_in, signed_in_client

PASSWORD = demo.PASSWORD
HX = {"HX-Request": "true"}
API_PREFIX = "/api/v1/"
OFFICER_ROLES = ("petugas_bpjs", "admin")
#: the model role → the demo account that has it (conftest.DEMO_ACCOUNTS)
DEMO_ACCOUNT_OF = {"peserta": "peserta", "fasilitator": "fasilitator", "petugas_faskes": "petugas_faskes",
                   "petugas_bpjs": "petugas_bpjs", "admin": "admin"}
#: which allowed role acts on a route in the CSRF test (the one with the most to lose first)
ACTING_PREFERENCE = ("peserta", "petugas_faskes", "petugas_bpjs", "admin", "fasilitator")
CSRF_TEXT = "Formulir ini sudah kedaluwarsa atau tidak sah"
DEMO_NIKS = tuple(member[1] for family in demo.FAMILIES for member in family[-1])
FAMILY_1_VA, FAMILY_2_VA = "8888800000000001", "8888800000000002"
#: what another person must never read: family 1 (Budi's) and family 2 (Dewi's), as shown on pages
FAMILY_1_MARKERS = ("Budi Santoso", "0001000000001", "3201********0001", "Siti Aminah", "0001000000003",
                    "3201********0002", "Rizky Pratama", "0001000000004", "3201010101190001", FAMILY_1_VA,
                    "Pabuaran", "081200000001")
FAMILY_2_MARKERS = ("Dewi Lestari", "0001000000002", "3273********0001", "Agus Wijaya", "0001000000005",
                    "3273********0002", "3273020202180002", FAMILY_2_VA, "Tubagus Ismail", "081200000002",
                    "Agus Rahasia", "****9876", "1.234.567")

# The routes, read from an app of their own at collection time (create_app connects to nothing).
ROUTES_APP = create_app(TestConfig)
RULES = sorted(ROUTES_APP.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))


def access_of(rule):
    return ROUTES_APP.view_functions[rule.endpoint].access


def rule_id(rule):
    return f"{rule.endpoint}:{rule.rule}"


POST_RULES = [r for r in RULES if "POST" in r.methods and not r.rule.startswith(API_PREFIX)]
RESTRICTED = [(rule, method) for rule in RULES for method in ("GET", "POST")
              if method in rule.methods and access_of(rule) != "public"]
ID_RULES = [r for r in RULES if any(type(c).__name__ == "DatabaseId" for c in r._converters.values())]
OFFICER_RULES = [r for r in RULES if r.rule.startswith("/petugas/")]
TOKEN_RULES = [r for r in RULES if "token" in r.arguments]


# --- the objects of both families, both facilities ------------------------------------------------

def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _booking(person, poli, number, status="aktif", key=None, by=None, referral=None):
    today = clock.today()
    day, _ = PoliDay.get_or_create(poli=poli, visit_date=today)
    day.issued, day.booked = max(day.issued, number), day.booked + 1
    day.save()
    return Booking.create(participant=person, poli=poli, visit_date=today, number=number,
                          code=f"T{uuid.uuid4().hex[:10].upper()}", status=status, request_key=key,
                          created_by=by, referral=referral)


def _change_request(person, by, kind, value, reason):
    change = ChangeRequest(participant=person, requested_by=by, kind=kind, reason=reason,
                           document=uploads.store(uploads.to_jpeg(png_bytes())))
    change.data = {"value": value}
    change.save()
    return change


def _case(person, by, facility, text):
    case, _ = cases_service.file_case(by, person, "pengaduan", "pelayanan_faskes", text, facility,
                                      images=[uploads.to_jpeg(png_bytes())])
    return case


def build_world():
    """Bookings, change requests with photos, payments with allocations, a REHAB plan, an auto-debit and
    registrations for both families (call inside an app context). Returns their ids."""
    by_card = Participant.by_card
    budi, siti, rizky = by_card("0001000000001"), by_card("0001000000003"), by_card("0001000000004")
    dewi, agus = by_card("0001000000002"), by_card("0001000000005")
    budi_user, dewi_user = User.get(User.participant == budi), User.get(User.participant == dewi)
    family_1, family_2 = Family.get_by_id(budi.family_id), Family.get_by_id(dewi.family_id)
    cibinong, coblong, rsud = (Facility.get(Facility.code == code)
                               for code in ("DEMO-PKM-3201", "DEMO-PKM-3273", "DEMO-RS-3201"))
    cib_poli = queue_service.polis_of(cibinong)[0]  # the staff board shows the first poli by default
    cob_poli = queue_service.polis_of(coblong)[0]
    rs_poli = Poli.get((Poli.facility == rsud) & (Poli.code == "penyakit_dalam"))
    referral = Referral.get(Referral.participant == dewi)
    now = clock.now()

    budi_booking = _booking(budi, cib_poli, 1, by=budi_user)
    dewi_booking = _booking(dewi, cob_poli, 1, key=f"dewi-{uuid.uuid4().hex}", by=dewi_user)
    agus_waiting = _booking(agus, cob_poli, 2, status="hadir", by=dewi_user)
    dewi_rs_booking = _booking(dewi, rs_poli, 1, status="hadir", by=dewi_user, referral=referral)

    budi_request = _change_request(budi, budi_user, "name", "Budi Santosa", "Salah ketik di KK.")
    agus_request = _change_request(agus, dewi_user, "name", "Agus Rahasia Wijaya", "Salah ketik (keluarga 2).")

    def applied(family, amount, month, reference):
        payment = Payment.create(family=family, va_number=family.va_number, amount=amount, channel="demo",
                                 reference=reference, paid_at=now - timedelta(days=1))
        Allocation.create(payment=payment, family=family, month=month, amount=amount)
        return payment

    next_month = contributions.add_months(contributions.month_of(clock.today()), 1)
    dewi_payment = applied(family_2, family_2.monthly_due(next_month), next_month, f"ACC-F2-{uuid.uuid4().hex[:8]}")
    dewi_demo_payment = Payment.select().where(Payment.family == family_2).order_by(Payment.id).first()
    budi_payment = Payment.select().where(Payment.family == family_1).order_by(Payment.id.desc()).first()
    unmatched = Payment.create(family=None, va_number="9999900000000001", amount=420_000, channel="demo",
                               reference=f"U-{uuid.uuid4().hex[:12]}", paid_at=now - timedelta(hours=2),
                               status="unmatched", unmatched_reason="unknown_va")
    mismatch_2 = Payment.create(family=family_2, va_number=FAMILY_2_VA, amount=1_000, channel="demo",
                                reference=f"M-{uuid.uuid4().hex[:12]}", paid_at=now - timedelta(hours=1),
                                status="unmatched", unmatched_reason="amount_mismatch")

    plan = RehabPlan.create(family=family_2, created_by=dewi_user, arrears_months=5, total=1_234_567)
    RehabInstalment.create(plan=plan, number=1, due_on=contributions.due_date(next_month), amount=1_234_567)
    AutoDebit.create(family=family_2, channel="BCA", account_hint="****9876", debit_day=20, created_by=dewi_user)
    AutoDebit.create(family=family_1, channel="BRI", account_hint="****1111", debit_day=5, created_by=budi_user)

    budi_case = _case(budi, budi_user, cibinong, "Antre lama di puskesmas (keluarga 1).")
    dewi_case = _case(dewi, dewi_user, coblong, "Agus Rahasia diminta membayar (keluarga 2).")

    review = Registration(token=f"{secrets.randbelow(10 ** 12):012d}", status="review", step="selesai",
                          flags=json.dumps([{"member": 0, "participant": agus.id}]))
    review.data = {"kk_number": "3273020202189999", "district": "32.73.02", "address": "Jl. Dago Uji No. 1",
                   "phone": "081200000099", "fktp": coblong.id, "segment": "PBPU", "care_class": 2,
                   "members": [{"nik": "3273020511760009", "name": "Agus Wijayah", "sex": "L",
                                "birth_date": "1976-11-05", "relationship": "kepala"}],
                   "password_hash": security.hash_password("kopi-tubruk-99")}
    review.save()
    done_2 = Registration(token=f"{secrets.randbelow(10 ** 12):012d}", status="done", step="selesai",
                          family=family_2)
    done_2.data = {"kk_number": family_2.kk_number}
    done_2.save()
    visits = {}
    for person, facility in ((budi, cibinong), (dewi, coblong)):
        visit = Visit(participant=person, facility=facility, service_type="RJTP", visit_date=clock.today())
        visit.data = {"diagnoses": [["I10", "Essential (primary) hypertension"]], "medicines": []}
        visit.save()
        VisitFeedback.create(visit=visit, participant=person)  # its feedback question (app/cases)
        visits[person.id] = visit.id
    reminders = {person.id: Reminder.create(participant=person, kind="queue", about_on=clock.today(),
                                            event_key=f"test:{uuid.uuid4().hex}", number=1).id
                 for person in (budi, dewi)}
    facilitator = User.get(User.username == "fasilitator")
    # live consents belong to another facilitator: the demo one holds none (its pages show no names)
    other_facilitator = User.create(username=f"fas{uuid.uuid4().hex[:8]}", role="fasilitator", password_hash="!")
    later = now + timedelta(minutes=20)
    budi_consent = Consent.create(facilitator=other_facilitator, participant=budi, resident=budi_user, scope="lihat",
                                  method="pin", created_at=now, started_at=now, expires_at=later)
    waiting_consent = Consent.create(facilitator=facilitator, participant=budi, resident=budi_user, scope="lihat",
                                     method="kode", created_at=now, code_hash="0" * 64, code_expires_at=later)
    dewi_consent = Consent.create(facilitator=other_facilitator, participant=dewi, resident=dewi_user, scope="lihat",
                                  method="pin", created_at=now, started_at=now, expires_at=later)
    other_consent = Consent.create(facilitator=other_facilitator, participant=dewi, resident=dewi_user, scope="lihat",
                                   method="kode", created_at=now, code_hash="0" * 64, code_expires_at=later)
    budi_data_request = DataRequest.create(participant=budi, kind="hapus_telepon", requested_by=budi_user)
    return SimpleNamespace(
        kiosk=Kiosk.select().order_by(Kiosk.id).first().id, budi_consent=budi_consent.id,
        waiting_consent=waiting_consent.id, dewi_consent=dewi_consent.id, other_consent=other_consent.id, budi_data_request=budi_data_request.id,
        article=Article.select().order_by(Article.id).first().id,
        announcement=Announcement.select().order_by(Announcement.id).first().id,
        budi_visit=visits[budi.id], dewi_visit=visits[dewi.id],
        budi_reminder=reminders[budi.id], dewi_reminder=reminders[dewi.id],
        budi=budi.id, siti=siti.id, rizky=rizky.id, dewi=dewi.id, agus=agus.id,
        cibinong=cibinong.id, coblong=coblong.id, rsud=rsud.id,
        cib_poli=cib_poli.id, cob_poli=cob_poli.id, rs_poli=rs_poli.id,
        budi_booking=budi_booking.id, dewi_booking=dewi_booking.id, agus_waiting=agus_waiting.id,
        dewi_rs_booking=dewi_rs_booking.id, dewi_booking_code=dewi_booking.code,
        dewi_request_key=dewi_booking.request_key,
        budi_request=budi_request.id, agus_request=agus_request.id,
        dewi_payment=dewi_payment.id, dewi_payment_reference=dewi_payment.reference,
        dewi_demo_payment=dewi_demo_payment.id, budi_payment=budi_payment.id,
        unmatched_payment=unmatched.id, mismatch_payment_2=mismatch_2.id,
        review_registration=review.id, done_token_2=done_2.token,
        budi_family=Participant.get_by_id(budi.id).family_id,
        faskes_user=User.get(User.username == "faskes").id,
        budi_case=budi_case.id, dewi_case=dewi_case.id,
        addition=MemberAddition.select().where(MemberAddition.status == "menunggu").first().id,
        api_client=ApiClient.get(ApiClient.name == "demo").id,
    )


@pytest.fixture
def world(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    with app.app_context():
        return build_world()


def family_2_markers(world):
    return FAMILY_2_MARKERS + (world.dewi_booking_code, world.dewi_payment_reference)


# --- helpers --------------------------------------------------------------------------------------

TABLES = [model._meta.table_name for model in MODELS if model is not Region]


def snapshot(app):
    """Every row of every table (the regions aside: nothing writes them)."""
    with app.app_context():
        return {table: db.execute_sql(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in TABLES}


def changed_tables(before, after):
    return sorted(table for table in before if before[table] != after[table])


def client_for(app, role):
    return app.test_client() if role is None else signed_in_client(app, role)


def session_token(client):
    """A CSRF token of this client's own session (the sign-in page, or the signed-in home page)."""
    html = BeautifulSoup(client.get("/masuk", follow_redirects=True).get_data(as_text=True), "html.parser")
    return html.find("input", {"name": "csrf_token"})["value"]


def session_state(client):
    """What a session holds, apart from the CSRF secret and the idle-timeout clock."""
    with client.session_transaction() as session:
        state = {k: v for k, v in session.items() if k not in ("csrf_token", "seen", "_fresh", "_id")}
    cookie = client.get_cookie("lang")
    return state, cookie.value if cookie else None


def text_of(response):
    return decoded(response).decode("utf-8", "replace")


def start_draft(client):
    """A registration draft started by (and remembered in the session of) `client`; its token."""
    response = client.post("/pendaftaran", data={"csrf_token": session_token(client)})
    assert response.status_code == 303, response.status_code
    return response.headers["Location"].split("/")[2]


def own_id(world, name, role):
    """An id of the acting role's own (or freely reachable) objects for the parameter `name`."""
    officer = role in OFFICER_ROLES
    ids = {
        "booking_id": world.budi_booking,  # Budi's booking at Puskesmas Cibinong: his and its staff's
        "poli_id": world.cib_poli,
        "payment_id": world.unmatched_payment if officer else world.budi_payment,
        "participant_id": world.siti,
        "request_id": world.budi_request,
        "registration_id": world.review_registration,
        "addition_id": world.addition,
        "facility_id": world.cibinong,
        "article_id": world.article,
        "announcement_id": world.announcement,
        "slug": "manfaat",
        "kind": "hidup-sehat",
        "number": 1,
        "family_id": world.budi_family,
        "user_id": world.faskes_user,
        "visit_id": world.budi_visit,
        "reminder_id": world.budi_reminder,
        "card": "0001000000003",
        "case_id": world.budi_case,  # Budi's complaint about Puskesmas Cibinong: his, its staff's, officers'
        "kiosk_id": world.kiosk,
        "consent_id": world.waiting_consent if role == "fasilitator" else world.budi_consent,
        "data_request_id": world.budi_data_request,
        "client_id": world.api_client,
    }
    if name not in ids:
        pytest.fail(f"no id known for <{name}>: add one to own_id() in tests/test_access.py")
    return ids[name]


#: query strings a route needs to show its form
QUERIES = {"changes.new_request": lambda w: f"?peserta={w.budi}&jenis=birth_date"}


def build_url(world, rule, role, client):
    values = {name: start_draft(client) if name == "token" else own_id(world, name, role)
              for name in rule.arguments}
    path = rule.build(values, append_unknown=False)[1]
    return path + QUERIES.get(rule.endpoint, lambda w: "")(world)


class Upload:
    """A file field: a fresh stream for every request."""

    def __init__(self, content, filename):
        self.content, self.filename = content, filename

    def __repr__(self):
        return f"<upload {self.filename}>"


def materialize(data):
    return {k: (io.BytesIO(v.content), v.filename) if isinstance(v, Upload) else v for k, v in data.items()}


def fields_of(form):
    """What a browser sends for `form` (the first option, the first button, every box ticked)."""
    data = {}
    for field in form.find_all(["input", "select", "textarea", "button"]):
        name = field.get("name")
        if not name or field.has_attr("disabled") or name in data:
            continue
        if field.name == "select":
            options = field.find_all("option")
            chosen = (next((o for o in options if o.has_attr("selected")), None)
                      or next((o for o in options if o.get("value")), None))
            if chosen is not None:
                data[name] = chosen.get("value", chosen.get_text())
        elif field.name == "textarea":  # a browser drops the newline right after <textarea>
            text = field.get_text()
            data[name] = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
        elif field.name == "button":
            data[name] = field.get("value", "")
        else:
            kind = (field.get("type") or "text").lower()
            if kind in ("reset", "image"):
                continue
            if kind == "password":
                data[name] = PASSWORD
            elif kind == "file":
                data[name] = Upload(png_bytes(), "dokumen.png")
            elif kind in ("checkbox", "radio"):
                data[name] = field.get("value", "y")
            else:
                data[name] = field.get("value", "")
    return data


def form_payload(client, url):
    """The fields of the POST form that targets `url`, found on the page itself, a parent page or the
    home page (forms posted from elsewhere: sign out, language, cancel, staff actions)."""
    path = urlsplit(url).path
    parts = path.strip("/").split("/")
    sources = [url] + ["/" + "/".join(parts[:n]) for n in range(len(parts) - 1, 0, -1)] + ["/"]
    for source in sources:
        response = client.get(source, follow_redirects=True)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = BeautifulSoup(text_of(response), "html.parser")
        for form in html.find_all("form", method=lambda m: (m or "").lower() == "post"):
            if urlsplit(urljoin(source, form.get("action") or source)).path == path:
                data = fields_of(form)
                data.pop("csrf_token", None)
                return data
    return {}


def first_of_next_month():
    return contributions.add_months(contributions.month_of(clock.today()), 1)


#: values that make a route's form valid, so that without CSRF protection the request would write
OVERRIDES = {
    "accounts.sign_in": lambda w: {"identifier": "0001000000001", "password": PASSWORD},
    "accounts.password": lambda w: {"new_password": "kopi-tubruk-baru-77", "confirm": "kopi-tubruk-baru-77"},
    "changes.contact": lambda w: {"phone": "081299990000"},
    "changes.new_request": lambda w: {"value": "17-08-1986", "reason": "Salah ketik di KK."},
    "changes.review": lambda w: {"decision": "setujui"},
    "cases.new": lambda w: {"kind": "pengaduan", "category": "obat", "text": "Obat habis."},
    "cases.review": lambda w: {"action": "jawab", "note": "Sedang kami periksa."},
    "cases.reopen": lambda w: {"text": "Belum selesai."},
    "cases.rate": lambda w: {"rating": "4"},
    "cases.feedback": lambda w: {"treated": "ya", "asked_to_pay": "tidak", "all_medicines": "ya", "satisfaction": "4"},
    "cases.reply": lambda w: {"text": "Ini fotonya."},
    "registration.review": lambda w: {"decision": "setujui"},
    "registration.review_addition": lambda w: {"decision": "setujui"},
    "officer.payment": lambda w: {"decision": "assign", "number": FAMILY_1_VA},
    "contributions.auto_debit": lambda w: {"bank": "BNI", "account": "1234567890", "debit_day": "20"},
    "registration.family": lambda w: {"kk_number": "3201012345678901", "address": "Kp. Uji", "lanjut": "1",
                                      "phone": "081234567890", "provinsi": "32", "kabupaten": "32.01",
                                      "kecamatan": "32.01.01"},
    "staff.act": lambda w: {"aksi": "hadir"},
    "accounts.activate": lambda w: {"identifier": "0001000000003", "code": "12345678"},
    "officer.look_up": lambda w: {"number": "0001000000001"},
    "accounts.issue_code": lambda w: {"number": "0001000000003", "birth_date": "02-03-1988", "checked": "y"},
    "officer.set_inactive": lambda w: {"target": "keluarga", "reason": "pindah_luar_negeri",
                                       "effective_from": clock.today().strftime("%d-%m-%Y")},
    "admin.new_user": lambda w: {"username": "uji.baru", "role": "petugas_bpjs"},
    "admin.edit_user": lambda w: {"role": "petugas_faskes", "facility": "DEMO-PKM-3201", "active": "y"},
    "admin.add_rate_version": lambda w: {"effective_from": f"1-{first_of_next_month().month}-"
                                                            f"{first_of_next_month().year}"},
    "content.new_article": lambda w: {"title": "Artikel uji", "summary": "Ringkasan uji", "body": "Isi uji.",
                                      "image_alt": "Gambar uji"},
    "content.edit_article": lambda w: {"image_alt": "Gambar uji"},
    "content.withdraw": lambda w: {"reason": "Data di artikel keliru."},
    "content.new_announcement": lambda w: {"title": "Pengumuman uji", "body": "Isi uji.",
                                           "shown_until": f"{clock.today():%d-%m-%Y}"},
    "content.edit_page": lambda w: {"note": "Perubahan uji."},
    "admin.add_denda_version": lambda w: {"effective_from": f"{first_of_next_month():%d-%m-%Y}", "percent": "4",
                                          "max_months": "10", "cap": "25000000", "window_days": "30"},
    "accounts.pin": lambda w: {"current_password": PASSWORD, "pin": "582047", "confirm": "582047"},
    "officer.data_request": lambda w: {"decision": "hapus"},
    "admin.kiosks_page": lambda w: {"facility": "DEMO-PKM-3273", "name": "Kios uji"},
}
#: routes whose request, with the session's token, writes a row: the control that the payload mattered
WRITES_WITH_A_TOKEN = {
    "accounts.sign_in", "accounts.sign_out", "accounts.password", "changes.contact", "changes.new_request",
    "changes.review", "registration.review", "registration.start", "registration.family",
    "registration.review_addition",
    "officer.payment", "contributions.auto_debit", "contributions.stop_auto_debit", "queue.cancel", "staff.act",
    "staff.hours", "staff.services", "changes.fktp", "changes.care_class", "admin.add_rate_version",
    "content.new_article", "content.edit_article", "content.withdraw", "content.new_announcement",
    "content.stop_announcement", "content.edit_page", "admin.editors",
    "accounts.activate", "officer.look_up", "accounts.issue_code", "officer.set_inactive", "admin.new_user",
    "admin.edit_user", "admin.user_code",
    "cases.new", "cases.review", "cases.assign",
    "admin.add_denda_version",
    "admin.edit_user", "admin.user_code", "accounts.pin", "accounts.revoke_consent", "officer.data_request",
    "admin.kiosks_page", "admin.revoke_kiosk",
}


def bad_token_variants(payload, foreign):
    return (
        ("no token", payload, {}),
        ("no token, htmx", payload, HX),
        ("another session's token", {**payload, "csrf_token": foreign}, {}),
        ("another session's token in htmx's header", payload, {**HX, "X-CSRFToken": foreign}),
        ("a forged token", {**payload, "csrf_token": "IjAwMDAi.forged.0000000000000000000000"}, {}),
    )


# --- 1. CSRF on every state-changing route -----------------------------------------------------------

def test_the_route_lists_are_not_empty():
    assert len(POST_RULES) >= 25 and len(RESTRICTED) >= 40 and len(ID_RULES) >= 10
    assert len(OFFICER_RULES) >= 4 and len(TOKEN_RULES) >= 5
    # under /api/v1 the caller proves itself by a signature (callback, SMS gateway) or a bearer token
    assert sorted(r.rule for r in RULES if "POST" in r.methods and r.rule.startswith(API_PREFIX)) == [
        "/api/v1/facilities", "/api/v1/participants", "/api/v1/payments", "/api/v1/payments/callback",
        "/api/v1/sms/delivery-report", "/api/v1/sms/masuk", "/api/v1/visits"]


@pytest.mark.parametrize("rule", POST_RULES, ids=rule_id)
def test_a_post_without_a_valid_csrf_token_is_refused_and_changes_nothing(app, world, rule):
    access = access_of(rule)
    roles = [None, "peserta"] if access == "public" else [next(r for r in ACTING_PREFERENCE if r in access)]
    for role in roles:
        client = client_for(app, role)
        url = build_url(world, rule, role, client)
        payload = {**form_payload(client, url), **OVERRIDES.get(rule.endpoint, lambda w: {})(world)}
        foreign = session_token(app.test_client())
        for label, data, headers in bad_token_variants(payload, foreign):
            before, state = snapshot(app), session_state(client)
            response = client.post(url, data=materialize(data), headers=headers)
            where = f"POST {url} as {role or 'stranger'}, {label}"
            assert response.status_code == 400, f"{where}: {response.status_code}"
            assert CSRF_TEXT in text_of(response), where
            assert changed_tables(before, snapshot(app)) == [], where
            assert session_state(client) == state, where
        # the control: the same request with the session's own token is not refused for CSRF
        before = snapshot(app)
        response = client.post(url, data=materialize({**payload, "csrf_token": session_token(client)}))
        assert CSRF_TEXT not in text_of(response), f"POST {url} as {role}: refused with a valid token"
        if rule.endpoint in WRITES_WITH_A_TOKEN and role == roles[0]:
            assert changed_tables(before, snapshot(app)), f"POST {url} with a token wrote nothing: {payload}"


def test_over_https_a_cross_site_or_missing_referer_is_refused_even_with_a_token(app, world):
    """WTF_CSRF_SSL_STRICT: over HTTPS the token must come with a same-origin Referer."""
    budi = signed_in_client(app, "peserta")
    data = {"phone": "081299990000", "current_password": PASSWORD, "address": "Kp. Uji"}
    for referer in ("https://evil.example/perubahan-data/kontak", "http://localhost/perubahan-data/kontak", None):
        before = snapshot(app)
        headers = {"Referer": referer} if referer else {}
        response = budi.post("/perubahan-data/kontak", base_url="https://localhost", headers=headers,
                             data={**data, "csrf_token": session_token(budi)})
        assert response.status_code == 400 and CSRF_TEXT in text_of(response), referer
        assert changed_tables(before, snapshot(app)) == [], referer
    response = budi.post("/perubahan-data/kontak", base_url="https://localhost",
                         headers={"Referer": "https://localhost/perubahan-data/kontak"},
                         data={**data, "csrf_token": session_token(budi)})
    assert response.status_code == 303  # the control: same origin passes


# --- 2. roles and objects ----------------------------------------------------------------------------

@pytest.mark.parametrize("rule,method", RESTRICTED, ids=lambda v: v if isinstance(v, str) else rule_id(v))
def test_every_role_outside_the_rule_is_refused_and_strangers_sign_in(app, world, rule, method):
    access = access_of(rule)
    for role in [r for r in ROLES if r not in access]:
        client = signed_in_client(app, DEMO_ACCOUNT_OF[role])
        url = build_url(world, rule, role, client)
        before = snapshot(app)
        if method == "GET":
            responses = [client.get(url), client.get(url, headers=HX)]
        else:
            payload = OVERRIDES.get(rule.endpoint, lambda w: {})(world)
            responses = [client.post(url, data={**payload, "csrf_token": session_token(client)})]
        for response in responses:
            assert response.status_code == 403, f"{method} {url} as {role}: {response.status_code}"
        assert changed_tables(before, snapshot(app)) == [], f"{method} {url} as {role}"
    stranger = app.test_client()
    url = build_url(world, rule, None, stranger)
    before = snapshot(app)
    if method == "GET":
        response = stranger.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/masuk?next="), url
        htmx = stranger.get(url, headers=HX)
        assert htmx.headers.get("HX-Redirect", "").startswith("/masuk?next="), url
    else:
        response = stranger.post(url, data={"csrf_token": session_token(stranger)})
        assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/masuk", url
    assert changed_tables(before, snapshot(app)) == [], f"{method} {url} as a stranger"


EVERYONE_SIGNED_IN = tuple(ROLES)
#: the reviewed access policy: who may open each endpoint at all (objects are checked inside). A new route,
#: or a changed access rule, fails here until someone has looked at it.
ACCESS_POLICY = {
    **dict.fromkeys(("main.home", "main.language", "main.healthz", "main.readyz", "accounts.sign_in", "facilities.search",
                     "facilities.detail", "tariffs.tariff", "tariffs.denda_calculator", "regions.picker", "cases.dashboard",
                     "registration.start", "registration.resume", "registration.family", "registration.members",
                     "registration.members_add", "registration.members_remove", "registration.members_done",
                     "registration.facility", "registration.check", "registration.done",
                     "api.payment_callback", "api.sms_inbound", "api.upsert_participant", "api.push_payment",
                     "api.update_facility", "api.list_changes", "api.export_changes", "api.openapi",
                     "api.push_visit", "api.list_cases", "api.export_cases",
                     "api.reference", "content.articles", "content.article", "content.article_image",
                     "content.feed", "content.pages", "content.page", "content.page_version",
                     "content.page_history", "content.page_compare", "content.search",
                     "accounts.activate", "accounts.choose_password", "api.sms_delivery_report",
                     # a kiosk's sign-in answers 404 on a browser that is not a kiosk
                     "kiosk.sign_in", "kiosk.finished"), "public"),
    # changes.document: officers, or the requester's family; 404 for everyone else (checked inside)
    **dict.fromkeys(("main.dashboard", "accounts.sign_out", "accounts.password", "accounts.trail",
                     "changes.document", "cases.photo", "kiosk.finish"), EVERYONE_SIGNED_IN),
    **dict.fromkeys(("membership.status", "membership.card", "contributions.bill", "contributions.history", "contributions.receipt",
                     "contributions.rehab", "contributions.auto_debit", "contributions.stop_auto_debit", "queue.index",
                     "queue.booking", "queue.cancel", "changes.index", "changes.contact", "changes.fktp",
                     "changes.care_class", "changes.new_request", "changes.request_detail",
                     "registration.add_member", "health.history", "health.visit", "inbox.index",
                     "inbox.message", "inbox.mark_read", "inbox.sms", "inbox.consent", "inbox.send_code",
                     "inbox.verify", "cases.index", "cases.new", "cases.detail", "cases.reply",
                     "cases.feedback", "cases.rate", "cases.reopen", "registration.add_member_send", "accounts.pin",
                     "accounts.my_data", "accounts.my_data_print", "accounts.my_data_json",
                     "accounts.revoke_consent", "accounts.delete_phone"), ("peserta",)),
    **dict.fromkeys(("assist.index", "assist.start", "assist.request_code", "assist.enter_code", "assist.end"),
                    ("fasilitator",)),
    **dict.fromkeys(("staff.board", "staff.act", "staff.call_next", "staff.beds", "staff.hours",
                     "staff.services", "health.patient_search", "health.record_visit", "health.icd10",
                     "health.referral", "health.prb", "cases.facility_cases", "cases.facility_case",
                     "staff.polis", "staff.add_poli", "staff.edit_poli"),
                    ("petugas_faskes",)),
    **dict.fromkeys(("officer.queue", "officer.payments", "officer.payment", "registration.review",
                     "changes.review", "officer.look_up", "officer.family", "officer.set_inactive", "cases.queue",
                     "cases.review", "cases.assign", "cases.report", "cases.report_csv", "cases.phone",
                     "registration.review_addition", "registration.addition_document", "officer.partnership",
                     "officer.data_request"),
                    OFFICER_ROLES),
    "accounts.issue_code": ("fasilitator", *OFFICER_ROLES),
    **dict.fromkeys(("admin.add_rate_version", "admin.users", "admin.new_user", "admin.edit_user",
                     "admin.user_code", "admin.editors", "admin.add_denda_version", "admin.kiosks_page",
                     "admin.install_kiosk", "admin.revoke_kiosk", "admin.api_clients", "admin.revoke_api_client"),
                    ("admin",)),
    # editors: officers (petugas_bpjs) an admin gave the editor right; other officers get 403 inside
    **dict.fromkeys(("content.desk", "content.new_article", "content.edit_article", "content.withdraw",
                     "content.new_announcement", "content.stop_announcement", "content.edit_page"),
                    ("petugas_bpjs",)),
}


def test_every_route_has_the_reviewed_access_rule():
    for rule in RULES:
        assert rule.endpoint in ACCESS_POLICY, f"{rule.rule}: review who may open it and add it to ACCESS_POLICY"
        expected, declared = ACCESS_POLICY[rule.endpoint], access_of(rule)
        assert (declared == "public") == (expected == "public"), rule.rule
        if expected != "public":
            assert set(declared) == set(expected), f"{rule.rule}: {declared} is not the reviewed {expected}"


def test_officer_pages_are_for_officers_only(app, world):
    """Everything under /petugas/: peserta, fasilitator and petugas_faskes get 403, strangers /masuk."""
    outsiders = {role: signed_in_client(app, role) for role in ("peserta", "fasilitator", "petugas_faskes")}
    stranger = app.test_client()
    checked = 0
    for rule in OFFICER_RULES:
        assert set(access_of(rule)) <= set(OFFICER_ROLES), rule.rule
        url = build_url(world, rule, "petugas_bpjs", stranger)
        for role, client in outsiders.items():
            if "GET" in rule.methods:
                response = client.get(url)
                assert response.status_code == 403, f"GET {url} as {role}"
                assert not any(m in text_of(response) for m in family_2_markers(world)), url
            if "POST" in rule.methods:
                before = snapshot(app)
                response = client.post(url, data={"csrf_token": session_token(client), "decision": "setujui",
                                                  "number": FAMILY_1_VA})
                assert response.status_code == 403, f"POST {url} as {role}"
                assert changed_tables(before, snapshot(app)) == []
            checked += 1
        if "GET" in rule.methods:
            response = stranger.get(url)
            assert response.status_code == 302 and response.headers["Location"].startswith("/masuk?next="), url
    assert checked >= 4 * 3


#: the route → [(role, {parameter: attribute of `world`})]: another family's or another
#: facility's objects, which that role must not reach by any URL
FOREIGN = {
    "queue.booking": [("peserta", {"booking_id": "dewi_booking"}), ("peserta", {"booking_id": "agus_waiting"}),
                      ("peserta_lunas", {"booking_id": "budi_booking"})],
    "queue.cancel": [("peserta", {"booking_id": "dewi_booking"}),
                     ("peserta_lunas", {"booking_id": "budi_booking"})],
    "staff.act": [("petugas_faskes", {"booking_id": "dewi_booking"}),
                  ("petugas_faskes", {"booking_id": "dewi_rs_booking"})],
    "staff.call_next": [("petugas_faskes", {"poli_id": "cob_poli"}), ("petugas_faskes", {"poli_id": "rs_poli"})],
    "health.visit": [("peserta", {"visit_id": "dewi_visit"}), ("peserta_lunas", {"visit_id": "budi_visit"})],
    "inbox.message": [("peserta", {"reminder_id": "dewi_reminder"}),
                      ("peserta_lunas", {"reminder_id": "budi_reminder"})],
    "staff.edit_poli": [("petugas_faskes", {"poli_id": "cob_poli"}), ("petugas_faskes", {"poli_id": "rs_poli"})],
    "contributions.receipt": [("peserta", {"payment_id": "dewi_payment"}),
                        ("peserta", {"payment_id": "dewi_demo_payment"}),
                        ("peserta", {"payment_id": "mismatch_payment_2"}),
                        ("peserta", {"payment_id": "unmatched_payment"}),
                        ("peserta_lunas", {"payment_id": "budi_payment"})],
    "membership.card": [("peserta", {"participant_id": "dewi"}), ("peserta", {"participant_id": "agus"}),
                        ("peserta_lunas", {"participant_id": "budi"})],
    "changes.request_detail": [("peserta", {"request_id": "agus_request"}),
                               ("peserta_lunas", {"request_id": "budi_request"})],
    "cases.detail": [("peserta", {"case_id": "dewi_case"}), ("peserta_lunas", {"case_id": "budi_case"})],
    "cases.feedback": [("peserta", {"visit_id": "dewi_visit"}), ("peserta_lunas", {"visit_id": "budi_visit"})],
    "cases.reply": [("peserta", {"case_id": "dewi_case"}), ("peserta_lunas", {"case_id": "budi_case"})],
    "cases.rate": [("peserta", {"case_id": "dewi_case"}), ("peserta_lunas", {"case_id": "budi_case"})],
    "cases.reopen": [("peserta", {"case_id": "dewi_case"}), ("peserta_lunas", {"case_id": "budi_case"})],
    "cases.photo": [("peserta", {"case_id": "dewi_case"}), ("peserta_lunas", {"case_id": "budi_case"}),
                    ("fasilitator", {"case_id": "budi_case"}), ("petugas_faskes", {"case_id": "dewi_case"}),
                    ("petugas_faskes", {"case_id": "budi_case"})],  # not shared with the facility
    "cases.facility_case": [("petugas_faskes", {"case_id": "dewi_case"})],
    "assist.enter_code": [("fasilitator", {"consent_id": "other_consent"})],
    "accounts.revoke_consent": [("peserta", {"consent_id": "dewi_consent"}),
                                ("peserta_lunas", {"consent_id": "budi_consent"})],
    "changes.document": [("peserta", {"request_id": "agus_request"}),
                         ("peserta_lunas", {"request_id": "budi_request"}),
                         ("fasilitator", {"request_id": "budi_request"}),
                         ("petugas_faskes", {"request_id": "budi_request"})],
}
#: <int:…> routes that are not another person's data: officers decide on every family by design (their
#: reads are audited); a facility's public page is public
NOT_PERSONAL_OR_OFFICER_SCOPE = {"facilities.detail", "content.article", "content.article_image",
                                 "content.page_version"}
POST_FIELDS = {"staff.act": {"aksi": "hadir"}}


def test_every_id_route_has_an_object_level_case():
    for rule in ID_RULES:
        access = access_of(rule)
        officer_scope = access != "public" and set(access) <= set(OFFICER_ROLES)
        assert rule.endpoint in FOREIGN or officer_scope or rule.endpoint in NOT_PERSONAL_OR_OFFICER_SCOPE, (
            f"{rule.rule}: say whose objects it shows and add them to FOREIGN in tests/test_access.py")


def markers_against(role, world):
    """What `role` must not read: the other family's data (for staff: both families')."""
    if role == "peserta_lunas":
        return FAMILY_1_MARKERS
    if role == "peserta":
        return family_2_markers(world)
    return FAMILY_1_MARKERS + family_2_markers(world)


FOREIGN_CASES = [(endpoint, role, ids) for endpoint, cases in FOREIGN.items() for role, ids in cases]


@pytest.mark.parametrize("endpoint,role,ids", FOREIGN_CASES,
                         ids=[f"{e}-{r}-{'-'.join(i.values())}" for e, r, i in FOREIGN_CASES])
def test_objects_of_another_family_or_facility_are_not_found(app, world, endpoint, role, ids):
    client = signed_in_client(app, role)
    token = session_token(client)
    markers = markers_against(role, world)
    tried = 0
    for rule in [r for r in RULES if r.endpoint == endpoint and set(ids) <= set(r._converters)]:
        url = rule.build({name: getattr(world, attr) for name, attr in ids.items()}, append_unknown=False)[1]
        attempts = []
        if "GET" in rule.methods:
            attempts += [("GET", {}), ("GET", HX)]
        if "POST" in rule.methods:
            attempts += [("POST", {}), ("POST", HX)]
        for method, headers in attempts:
            before = snapshot(app)
            if method == "GET":
                response = client.get(url, headers=headers)
            else:
                response = client.post(url, headers=headers,
                                       data={**POST_FIELDS.get(endpoint, {}), "csrf_token": token})
            where = f"{method} {url} as {role}{' (htmx)' if headers else ''}"
            assert response.status_code in (403, 404), f"{where}: {response.status_code}"
            body = text_of(response)
            leaked = [m for m in markers if m in body]
            assert not leaked, f"{where} shows {leaked}"
            assert changed_tables(before, snapshot(app)) == [], where
            tried += 1
    assert tried >= 2, endpoint


def test_foreign_ids_in_query_strings_and_forms_are_refused(app, world):
    """The same objects reached through ?peserta=, ?sebelum=, ?poli= and posted form fields."""
    budi, faskes = signed_in_client(app, "peserta"), signed_in_client(app, "petugas_faskes")
    markers = family_2_markers(world)

    def check(client, method, url, expected, data=None):
        before = snapshot(app)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={**(data or {}), "csrf_token": session_token(client)})
        assert response.status_code in expected, f"{method} {url}: {response.status_code}"
        leaked = [m for m in markers if m in text_of(response)]
        assert not leaked, f"{method} {url} shows {leaked}"
        assert changed_tables(before, snapshot(app)) == [], f"{method} {url}"
        return response

    for person in (world.dewi, world.agus):
        for kind in ("name", "nik", ""):
            url = f"/perubahan-data/permintaan?peserta={person}" + (f"&jenis={kind}" if kind else "")
            check(budi, "GET", url, (404,))
            check(budi, "POST", url, (404,), {"value": "Nama Palsu", "reason": "Nama saya salah ketik.",
                                              "current_password": PASSWORD})
    history = check(budi, "GET", f"/iuran/riwayat?sebelum={world.dewi_payment}", (200,))
    assert "Nama Palsu" not in text_of(history)
    for poli in (world.cob_poli, world.rs_poli):
        check(faskes, "GET", f"/faskes-saya?poli={poli}", (404,))
    # taking a number for another family's member, or replaying another family's one-time form key
    with app.app_context():
        cib_poli = Poli.get_by_id(world.cib_poli)
    booking = {"faskes": "DEMO-PKM-3201", "poli": str(cib_poli.id), "visit_date": clock.today().isoformat(),
               "request_key": uuid.uuid4().hex}
    for member in (world.dewi, world.agus):
        check(budi, "POST", "/antrean", (200, 404), {**booking, "member": str(member)})
    check(budi, "POST", "/antrean", (200, 404),
          {**booking, "member": str(world.budi), "request_key": world.dewi_request_key})


def test_a_family_member_who_is_not_the_head_sees_only_their_own_bookings(app, world):
    with app.app_context():
        user = User(participant=world.siti, role="peserta")
        user.set_password(PASSWORD)
        user.save()
    siti = app.test_client()
    assert sign_in(siti, "0001000000003").status_code == 303
    for url in (f"/antrean/{world.budi_booking}",):
        response = siti.get(url)
        assert response.status_code == 404, url
    response = siti.post(f"/antrean/{world.budi_booking}/batal", data={"csrf_token": session_token(siti)})
    assert response.status_code == 404
    with app.app_context():
        assert Booking.get_by_id(world.budi_booking).status == "aktif"


@pytest.mark.parametrize("rule", TOKEN_RULES, ids=rule_id)
def test_a_registration_is_reachable_only_from_the_browser_that_holds_it(app, world, rule):
    """Drafts hold NIKs and names; a token guessed or seen elsewhere opens nothing."""
    owner = app.test_client()
    token = start_draft(owner)
    fields = {"kk_number": "3201012345678901", "address": "Kp. Rahasia Sekali", "phone": "081234567890",
              "provinsi": "32", "kabupaten": "32.01", "kecamatan": "32.01.01", "lanjut": "1"}
    assert owner.post(f"/pendaftaran/{token}/keluarga",
                      data={**fields, "csrf_token": session_token(owner)}).status_code == 303
    methods = [m for m in ("GET", "POST") if m in rule.methods]
    if "GET" in methods:
        own = owner.get(rule.build({"token": token}, append_unknown=False)[1], follow_redirects=True)
        assert own.status_code == 200 and "no-store" in own.headers.get("Cache-Control", "")
    intruders = {"stranger": app.test_client(), "peserta": signed_in_client(app, "peserta"),
                 "fasilitator": signed_in_client(app, "fasilitator")}
    for who, client in intruders.items():
        for each, secret in ((token, "Kp. Rahasia Sekali"), (world.done_token_2, "Dewi Lestari")):
            url = rule.build({"token": each}, append_unknown=False)[1]
            for method in methods:
                before = snapshot(app)
                if method == "GET":
                    response = client.get(url)
                else:
                    response = client.post(url, data={**fields, "csrf_token": session_token(client)})
                assert response.status_code == 404, f"{method} {url} as {who}: {response.status_code}"
                body = text_of(response)
                assert secret not in body and "3201012345678901" not in body and FAMILY_2_VA not in body
                assert changed_tables(before, snapshot(app)) == [], f"{method} {url} as {who}"


# --- 3. no enumeration at sign-in ------------------------------------------------------------------

def _sign_in_answer(app, identifier, password):
    client = app.test_client()
    response = sign_in(client, identifier, password)
    body = response.get_data(as_text=True)
    html = BeautifulSoup(body, "html.parser")
    for token in {i["value"] for i in html.find_all("input", {"name": "csrf_token"})}:
        body = body.replace(token, "CSRF")
    body = body.replace(f'value="{identifier}"', 'value="IDENTIFIER"')
    headers = {k: v for k, v in response.headers.items()
               if k not in ("Set-Cookie", "Content-Length", "X-Request-Id")}  # the id is per request
    return response.status_code, body, headers


@pytest.mark.parametrize("unknown,known", [
    ("0001999999999", "0001000000001"),  # card numbers
    ("3201011708850009", "3201011708850001"),  # NIKs
    ("petugax", "petugas"),  # staff user names
])
def test_unknown_account_and_wrong_password_answer_the_same(app, unknown, known):
    missing = _sign_in_answer(app, unknown, "salah-sekali-123")
    wrong = _sign_in_answer(app, known, "salah-sekali-123")
    assert missing[0] == wrong[0] == 200
    assert "kata sandi salah" in missing[1]
    assert missing[1] == wrong[1]
    assert missing[2] == wrong[2]


def test_a_locked_account_answers_like_an_unknown_one(app):
    with app.app_context():
        user = User.for_identifier("0001000000002")
        user.locked_until = clock.now() + timedelta(minutes=10)
        user.save()
    locked = _sign_in_answer(app, "0001000000002", PASSWORD)  # the right password, but locked
    missing = _sign_in_answer(app, "0001999999998", PASSWORD)
    assert locked[0] == missing[0] == 200 and locked[1] == missing[1] and locked[2] == missing[2]


def test_the_session_cookie_is_httponly_samesite_and_secure_in_production(app):
    client = app.test_client()
    response = sign_in(client, "0001000000001")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("jkn="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert Config.SESSION_COOKIE_SECURE is True


def test_the_per_ip_sign_in_limit_ignores_forwarded_for_headers(app):
    """Without PROXY_COUNT no X-Forwarded-For is trusted: rotating it does not reset the limit."""
    client = app.test_client()
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    codes = []
    for n in range(limit + 2):
        response = client.post("/masuk", headers={"X-Forwarded-For": f"10.0.0.{n}", "X-Real-IP": f"10.0.1.{n}"},
                               data={"identifier": f"000100000{n:04d}", "password": "salah-sekali-123",
                                     "csrf_token": session_token(client)})
        codes.append(response.status_code)
    assert codes[-1] == 429, codes


def test_a_signed_out_session_cannot_be_replayed(app):
    """Signing out (the kiosk's "Selesai") must end the session itself, not only delete this browser's
    cookie: a copy of the cookie taken before (another tab, a proxy, malware, a shared profile) must not
    keep the account open (OWASP ASVS 3.3.1)."""
    kiosk = signed_in_client(app, "peserta")
    copied = kiosk.get_cookie("jkn").value
    assert kiosk.post("/keluar", data={"csrf_token": session_token(kiosk)}).status_code == 303
    assert kiosk.get("/beranda").status_code == 302
    replay = app.test_client()
    replay.set_cookie("jkn", copied)
    response = replay.get("/beranda")
    assert response.status_code == 302 and "Budi Santoso" not in text_of(response), (
        "GET /beranda with the session cookie copied before POST /keluar still shows Budi's home page")


# --- 4, 5, 6. every page of every role: no full NIK, no-store, security headers ---------------------

SAFE_REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}


def csp_of(response):
    directives = {}
    for part in response.headers.get("Content-Security-Policy", "").split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def header_problems(response):
    problems = []
    csp = csp_of(response)
    scripts = csp.get("script-src", csp.get("default-src"))
    if scripts is None:
        problems.append("no script-src or default-src")
    elif set(scripts) & {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:"}:
        problems.append(f"script-src {scripts}")
    if csp.get("frame-ancestors") != ["'none'"]:
        problems.append(f"frame-ancestors {csp.get('frame-ancestors')}")
    if csp.get("object-src", csp.get("default-src")) not in (["'none'"], ["'self'"]):
        problems.append(f"object-src {csp.get('object-src')}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if response.headers.get("Referrer-Policy") not in SAFE_REFERRER_POLICIES:
        problems.append(f"Referrer-Policy {response.headers.get('Referrer-Policy')}")
    return problems


def inline_script_problems(soup):
    problems = [f"inline <script> {str(s)[:60]}" for s in soup.find_all("script") if not s.get("src")]
    for tag in soup.find_all(True):
        handlers = [name for name in tag.attrs if name.lower().startswith("on")]
        if handlers:
            problems.append(f"<{tag.name} {handlers}>")
        if str(tag.get("href", "")).strip().lower().startswith("javascript:"):
            problems.append(f"<{tag.name} href=javascript:>")
    return problems


#: role → what must not appear in any page it reaches (None: the anonymous visitor)
CRAWL_ROLES = [None, "peserta", "peserta_lunas", "fasilitator", "petugas_faskes", "petugas_bpjs", "admin"]


@pytest.mark.parametrize("role", CRAWL_ROLES, ids=lambda r: r or "anonymous")
def test_every_page_of_every_role_is_safe_to_show(app, world, role):
    """Crawl everything reachable from / (links and GET forms) plus the static files the pages load."""
    client = client_for(app, role)
    forbidden_markers = {
        None: FAMILY_1_MARKERS + family_2_markers(world), "fasilitator": FAMILY_1_MARKERS + family_2_markers(world),
        "peserta": family_2_markers(world), "petugas_faskes": family_2_markers(world),
        "peserta_lunas": FAMILY_1_MARKERS, "petugas_bpjs": (), "admin": (),  # officers: every family, audited
    }[role]
    problems = {"full NIK": [], "not no-store": [], "headers": [], "inline script": [],
                "another family's data": []}
    static, pages = set(), 0
    before = snapshot(app)
    for url, response, soup in crawl(client):
        body = text_of(response)
        pages += 1
        niks = [nik for nik in DEMO_NIKS if nik in body]
        if niks:
            problems["full NIK"].append((url, niks))
        if role is not None and "no-store" not in response.headers.get("Cache-Control", ""):
            problems["not no-store"].append((url, response.headers.get("Cache-Control")))
        found = header_problems(response)
        if found:
            problems["headers"].append((url, found))
        leaked = [m for m in forbidden_markers if m in body]
        if leaked:
            problems["another family's data"].append((url, leaked))
        if soup is not None:
            found = inline_script_problems(soup)
            if found:
                problems["inline script"].append((url, found))
            for tag in soup.find_all(["link", "script"]):
                ref = tag.get("href") or tag.get("src") or ""
                if ref.startswith("/static/"):
                    static.add(ref)
    for url in sorted(static):
        response = client.get(url)
        assert response.status_code == 200, url
        found = header_problems(response)
        if found:
            problems["headers"].append((url, found))
    # a GET is safe: a cross-site <img> or link may trigger it (reads of others' data are audited)
    problems["a GET changed data"] = [t for t in changed_tables(before, snapshot(app)) if t != "audit_log"]
    assert not any(problems.values()), {k: v for k, v in problems.items() if v}
    assert pages >= 5 and static, (pages, static)


def test_static_errors_redirects_and_api_answers_carry_the_security_headers(app, world):
    stranger, budi = app.test_client(), signed_in_client(app, "peserta")
    assets = sorted(app.extensions["assets"].values())
    assert assets
    checks = [(stranger, "GET", url, 200) for url in assets] + [
        (stranger, "GET", "/static/app.css", 404),  # not fingerprinted: not served
        (stranger, "GET", "/static/../app/__init__.py", 404),
        (stranger, "GET", "/tidak-ada", 404),
        (stranger, "GET", "/keluar", 405),
        (stranger, "POST", "/masuk", 400),
        (stranger, "GET", "/beranda", 302),
        (stranger, "GET", "/healthz", 200),
        (stranger, "POST", "/api/v1/payments/callback", 401),
        (stranger, "POST", "/api/v1/participants", 401),
        (stranger, "GET", "/api/v1/changes", 401),
        (stranger, "POST", "/api/v1/sms/masuk", 401),
        (budi, "GET", "/petugas/antrean-kerja", 403),
        (budi, "GET", "/", 302),
        (budi, "GET", f"/antrean/{world.dewi_booking}", 404),
        (budi, "POST", "/keluar", 400),
    ]
    for client, method, url, status in checks:
        response = client.open(url, method=method)
        assert response.status_code == status, (method, url, response.status_code)
        assert not header_problems(response), (method, url, header_problems(response))
        if client is budi:
            assert "no-store" in response.headers.get("Cache-Control", ""), (method, url)
    for url in assets:
        assert "immutable" in stranger.get(url).headers.get("Cache-Control", ""), url


def test_hsts_is_sent_over_https_only(client):
    assert "max-age=" in client.get("/", base_url="https://localhost").headers["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in client.get("/").headers


def _touch_every_nik_path(app, world):
    """Sign-ins by NIK (right, wrong, unknown, with the demo password as a wrong identifier's password),
    a NIK correction approved by an officer, a registration sent with NIKs: everything that handles a
    NIK or a password."""
    new_niks = ["3201011001150009", "3201012003900001", "3201016506920002"]
    for identifier, password in (("3201011708850001", PASSWORD), ("3201011708850001", "salah-sekali-123"),
                                 ("3201014203880002", PASSWORD), ("3273026104790009", PASSWORD),
                                 (PASSWORD, PASSWORD), ("0001000000001", "3201011708850001")):
        sign_in(app.test_client(), identifier, password)
    budi, officer = signed_in_client(app, "peserta"), signed_in_client(app, "petugas_bpjs")
    response = budi.post(f"/perubahan-data/permintaan?peserta={world.rizky}&jenis=nik",
                         data={"value": new_niks[0], "reason": "NIK salah ketik di KK.", "current_password": PASSWORD,
                               "document": (io.BytesIO(png_bytes()), "kk.png"), "csrf_token": session_token(budi)})
    assert response.status_code == 303, text_of(response)[:500]
    request_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert officer.get(f"/petugas/perubahan/{request_id}").status_code == 200
    response = officer.post(f"/petugas/perubahan/{request_id}",
                            data={"decision": "setujui", "csrf_token": session_token(officer)})
    assert response.status_code == 303
    # a password change attempt with a wrong current password, and the draft of a new family
    budi.post("/akun/kata-sandi", data={"current_password": "3201011708850001", "new_password": PASSWORD,
                                        "confirm": PASSWORD, "csrf_token": session_token(budi)})
    applicant = app.test_client()
    token = start_draft(applicant)
    base = f"/pendaftaran/{token}"
    applicant.post(f"{base}/keluarga", data={"kk_number": "3201012345678901", "address": "Kp. Uji", "lanjut": "1",
                                             "phone": "081234567890", "provinsi": "32", "kabupaten": "32.01",
                                             "kecamatan": "32.01.01", "csrf_token": session_token(applicant)})
    for nik, name, sex, born, relationship in ((new_niks[1], "Andi Uji", "L", "20-03-1990", "kepala"),
                                               (new_niks[2], "Rina Uji", "P", "25-06-1992", "istri")):
        response = applicant.post(f"{base}/anggota/tambah", data={
            "nik": nik, "name": name, "sex": sex, "birth_date": born,
            "relationship": relationship, "csrf_token": session_token(applicant)})
        assert response.status_code == 303, text_of(response)[:300]
    return new_niks + [DEMO_NIKS[2]]  # Rizky's old NIK went through the correction


def test_the_audit_log_never_holds_a_full_nik_or_a_password(app, world):
    touched = _touch_every_nik_path(app, world)
    for role in CRAWL_ROLES[1:]:
        for _ in crawl(client_for(app, role)):
            pass
    with app.app_context():
        rows = db.execute_sql("SELECT * FROM audit_log").fetchall()
    assert len(rows) > 30
    dump = repr(rows)
    found = [secret for secret in (*DEMO_NIKS, *touched, PASSWORD, "salah-sekali-123") if secret in dump]
    assert not found, found


def test_no_table_holds_a_nik_or_a_password_in_plain_text(app, world):
    touched = _touch_every_nik_path(app, world)
    with app.app_context():
        dumps = {table: repr(db.execute_sql(f"SELECT * FROM {table}").fetchall()) for table in TABLES}
    found = {table: [s for s in (*DEMO_NIKS, *touched, PASSWORD, "kopi-tubruk-99") if s in dump]
             for table, dump in dumps.items()}
    assert not any(found.values()), {table: secrets_ for table, secrets_ in found.items() if secrets_}


# --- 7. open redirects ---------------------------------------------------------------------------

OFF_SITE = (
    "https://evil.example/", "http://evil.example", "//evil.example", "///evil.example", "////evil.example",
    "/\\evil.example", "\\\\evil.example", "\\/evil.example", "/\t/evil.example", " //evil.example",
    "\t//evil.example", "https:evil.example", "https:/evil.example", "javascript:alert(1)",
    "//evil.example@localhost", "http://localhost.evil.example/", "/%0d%0aSet-Cookie:x=1",
    "/\r\nSet-Cookie: injected=1", "\x00//evil.example", "%2F%2Fevil.example",
)


def lands_on_this_site(location):
    """Where a browser goes for this Location (it strips C0 and spaces at the ends, drops tabs and
    newlines, and reads a backslash as a slash)."""
    cleaned = location.strip("".join(chr(c) for c in range(33)))
    cleaned = re.sub(r"[\t\n\r]", "", cleaned).replace("\\", "/")
    target = urlsplit(urljoin("http://localhost/masuk", cleaned))
    return target.scheme in ("http", "https") and target.hostname == "localhost" and target.port is None


def reads_next(rule):
    source = inspect.getsource(inspect.unwrap(ROUTES_APP.view_functions[rule.endpoint]))
    return re.search(r"""["']next["']|\.next\b""", source) is not None


def _sign_in_with_next(app, target, through_the_page):
    client = app.test_client()
    if through_the_page:  # the link /masuk?next=… as a browser follows it: the page's hidden field
        html = BeautifulSoup(client.get("/masuk?next=" + quote(target, safe="")).get_data(as_text=True),
                             "html.parser")
        form = html.find("form", id="sign-in")
        data = {**fields_of(form), "identifier": "0001000000001", "password": PASSWORD}
        return client.post("/masuk?next=" + quote(target, safe=""), data=data)
    return sign_in(client, "0001000000001", next=target)


def _language_with_next(app, target, through_the_page):
    client = app.test_client()
    if through_the_page:  # the footer's link, as a page with this `next` in its own query string builds it
        html = BeautifulSoup(client.get("/tarif-iuran?next=" + quote(target, safe="")).get_data(as_text=True),
                             "html.parser")
        link = html.select_one("footer a[hreflang]")["href"]
        assert "next=" in link
        return client.get(link)
    return client.get("/bahasa", query_string={"lang": "en", "next": target})


#: how to drive each route that reads `next` (a new one fails until it is added here)
NEXT_DRIVERS = {"accounts.sign_in": _sign_in_with_next, "main.language": _language_with_next}
NEXT_RULES = [r for r in RULES if reads_next(r)]


def test_the_routes_that_read_next_are_all_driven():
    assert {r.endpoint for r in NEXT_RULES} == set(NEXT_DRIVERS)


@pytest.mark.parametrize("rule", NEXT_RULES, ids=rule_id)
def test_off_site_next_targets_are_refused(app, rule):
    drive = NEXT_DRIVERS[rule.endpoint]
    for target in OFF_SITE:
        for through_the_page in (False, True):
            response = drive(app, target, through_the_page)
            where = f"{rule.rule} next={target!r}{' (via the page)' if through_the_page else ''}"
            assert response.status_code == 303, f"{where}: {response.status_code}"
            location = response.headers["Location"]
            assert lands_on_this_site(location), f"{where} → {location!r}"
            assert not any("injected" in c or c.startswith("x=") for c in response.headers.getlist("Set-Cookie"))
    # a same-site path is kept (the check is not simply "always go home")
    response = drive(app, "/tarif-iuran?x=1", False)
    assert response.headers["Location"] == "/tarif-iuran?x=1"


def test_the_next_field_is_escaped_on_the_sign_in_page(client):
    body = client.get('/masuk?next=%22%3E%3Cscript%3Ealert(1)%3C/script%3E').get_data(as_text=True)
    assert "<script>alert(1)" not in body


def test_the_lands_on_this_site_check_can_fail():
    assert lands_on_this_site("/beranda") and lands_on_this_site("http://localhost/x")
    for target in ("//evil.example", "/\\evil.example", " //evil.example", "https:evil.example",
                   "javascript:alert(1)", "\t/\t/evil.example"):
        assert not lands_on_this_site(target), target
