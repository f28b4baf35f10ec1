"""Pendampingan: a facilitator sees a resident only with their live consent, within its scope, for
30 minutes; every page viewed lands in the resident's own trail."""
import re
from datetime import timedelta

import pytest

from app import create_app
from app.assist import channels
from app.assist.demo import DEMO_PIN
from app.core import clock, security
from app.core.auth import ASSIST_SCOPES, in_scope
from app.core.config import TestConfig
from app.core.db import db
from app.models import AuditLog, Consent, Participant, User
from tests.helpers import csrf_post, field_error, page, post, signed_in_client

BUDI_CARD, BUDI_DOB = "0001000000001", "17-08-1985"
ROUTES_APP = create_app(TestConfig)
#: participant pages: open to residents, not to facilitators in their own right
PARTICIPANT_RULES = sorted(
    (rule for rule in ROUTES_APP.url_map.iter_rules()
     if (access := ROUTES_APP.view_functions[rule.endpoint].access) != "public"
     and "peserta" in access and "fasilitator" not in access),
    key=lambda rule: rule.rule)


def _path(rule):
    """The rule with every id 1 and every other parameter "x" (the role check comes before any look-up)."""
    return re.sub(r"<string:\w+>", "x", re.sub(r"<int:\w+>", "1", rule.rule))


def start(client, scope="lihat", pin=DEMO_PIN, number=BUDI_CARD, dob=BUDI_DOB):
    return csrf_post(client, "/pendampingan/mulai",
                     {"number": number, "birth_date": dob, "pin": pin, "scope": scope})


@pytest.fixture
def facilitator(app):
    return signed_in_client(app, "fasilitator")


@pytest.mark.parametrize("rule", PARTICIPANT_RULES, ids=lambda rule: f"{rule.endpoint}:{rule.rule}")
def test_a_facilitator_without_consent_gets_403_on_every_participant_url(facilitator, rule):
    method = "GET" if "GET" in rule.methods else "POST"
    response = facilitator.open(_path(rule), method=method,
                                data={"csrf_token": page(facilitator.get("/pendampingan")).find(
                                    "input", {"name": "csrf_token"})["value"]} if method == "POST" else None)
    assert response.status_code == 403, rule.rule


def test_the_pin_consent_shows_the_residents_pages_with_a_banner_and_audits_each_view(app, facilitator):
    response = start(facilitator)
    assert response.status_code == 303 and response.headers["Location"].endswith("/beranda")
    dashboard = page(facilitator.get("/beranda"))
    banner = dashboard.select_one("form.assist")
    assert "Budi Santoso" in banner.get_text() and "WIB" in banner.get_text()
    status = facilitator.get("/kepesertaan")
    assert status.status_code == 200 and "Budi Santoso" in page(status).select_one("main").get_text()
    assert status.headers["Cache-Control"] == "no-store"
    with app.app_context():
        budi = Participant.by_card(BUDI_CARD)
        views = list(AuditLog.select().where((AuditLog.action == "assisted_page_viewed")
                                             & (AuditLog.on_behalf_of == budi)).order_by(AuditLog.id))
        assert [entry.subject for entry in views][-2:] == ["/beranda", "/kepesertaan"]
        assert {entry.actor.username for entry in views} == {"fasilitator"}
    # Budi reads it in "Siapa yang melihat data saya"
    budi_client = signed_in_client(app, "peserta")
    trail = page(budi_client.get("/akun/riwayat-akses")).select("ol.list li")
    viewed = [li.get_text(" ", strip=True) for li in trail if "dibuka pendamping" in li.get_text()]
    assert any("/kepesertaan" in text and "fasilitator" in text for text in viewed)


def test_scope_limits_each_route(facilitator):
    start(facilitator, scope="lihat")
    assert facilitator.get("/iuran").status_code == 200
    assert facilitator.get("/antrean").status_code == 403  # booking is another scope
    assert facilitator.get("/perubahan-data").status_code == 403
    assert facilitator.get("/akun/data-saya").status_code == 403  # never: the resident's own rights
    assert facilitator.get("/akun/pin").status_code == 403
    # the facilitator's own account pages stay their own
    assert "fasilitator" in page(facilitator.get("/akun/riwayat-akses")).select_one("header").get_text()


def test_every_scope_names_existing_endpoints_or_a_missing_area(app):
    endpoints = set(app.view_functions)
    for scope, items in ASSIST_SCOPES.items():
        for item in items:
            assert item.endswith(".") or item in endpoints, (scope, item)
    assert in_scope("antrean", "queue.index") and not in_scope("lihat", "queue.index")


def test_the_consent_ends_after_30_minutes(facilitator, monkeypatch):
    start(facilitator)
    began = clock.now()

    def at(minutes):  # the facilitator keeps working (no idle sign-out) while the clock moves
        moment = began + timedelta(minutes=minutes)
        monkeypatch.setattr(clock, "now", lambda: moment)

    for minutes, expected in ((10, 200), (20, 200), (29.9, 200), (30.05, 403)):
        at(minutes)
        assert facilitator.get("/kepesertaan").status_code == expected, minutes
    assert page(facilitator.get("/pendampingan")).select_one("form.assist") is None


def test_the_facilitator_ends_it_and_the_resident_revokes_it(app, facilitator):
    start(facilitator)
    assert post(facilitator, "/pendampingan/akhiri").status_code == 303
    assert facilitator.get("/kepesertaan").status_code == 403
    start(facilitator)
    budi = signed_in_client(app, "peserta")
    my_data = page(budi.get("/akun/data-saya"))
    revoke = my_data.select_one("form[action*='/akun/izin/']")
    assert revoke is not None
    assert post(budi, revoke["action"]).status_code == 303
    assert facilitator.get("/kepesertaan").status_code == 403
    recent = page(facilitator.get("/pendampingan")).select("ol.list li")
    assert "dicabut warga" in recent[0].get_text() and "Budi" not in recent[0].get_text()


def test_a_wrong_pin_or_birth_date_gives_one_answer_and_no_consent(app, facilitator):
    for data in ({"pin": "135792"}, {"dob": "18-08-1985"}, {"number": "0001000000099"}):
        response = start(facilitator, **data)
        assert response.status_code == 200
        assert "PIN salah" in field_error(response, "pin")
        assert page(response).find("input", {"name": "pin"}).get("value") in (None, "")
    for pin in ("12345", "1234567"):
        assert "6 angka" in field_error(start(facilitator, pin=pin), "pin")
    assert "Pilih untuk apa" in page(start(facilitator, scope="")).get_text()
    with app.app_context():
        assert Consent.select().where(Consent.started_at.is_null(False)
                                      & (Consent.created_at > clock.now() - timedelta(minutes=5))).count() == 0
    assert facilitator.get("/kepesertaan").status_code == 403


class FakePhone(channels.PhoneChannel):
    name = "uji"

    def __init__(self):
        self.sent = []

    def send_consent_code(self, code, participant, minutes):
        self.sent.append((code, participant.id))
        return True


@pytest.fixture
def phone(monkeypatch):
    """The resident's phone, as the only channel (in place of the SMS one, which needs a verified phone)."""
    channel = FakePhone()
    monkeypatch.setattr(channels, "CHANNELS", {channel.name: channel})
    return channel


@pytest.fixture
def no_phone_channel(monkeypatch):
    monkeypatch.setattr(channels, "CHANNELS", {})


def _request_code(client):
    response = csrf_post(client, "/pendampingan/kode", {"number": BUDI_CARD, "scope": "antrean"})
    assert response.status_code == 303
    return response.headers["Location"]


def test_no_code_way_is_offered_without_a_phone_channel(facilitator, no_phone_channel):
    assert page(facilitator.get("/pendampingan")).select_one("a[href='/pendampingan/kode']") is None
    assert page(facilitator.get("/pendampingan/kode")).find("form", {"action": "/pendampingan/kode"}) is None


def test_a_code_sent_to_the_residents_phone_starts_the_consent_once(facilitator, phone):
    assert page(facilitator.get("/pendampingan")).select_one("a[href='/pendampingan/kode']") is not None
    target = _request_code(facilitator)
    code = phone.sent[-1][0]
    assert code not in facilitator.get(target).get_data(as_text=True)  # never shown to the facilitator
    assert csrf_post(facilitator, target, {"code": code}).status_code == 303
    assert facilitator.get("/antrean").status_code == 200
    assert facilitator.get("/iuran").status_code == 403
    # used: the same code again does nothing
    reused = csrf_post(facilitator, target, {"code": code})
    assert "Minta kode baru" in page(reused).get_text()


def test_a_guessed_code_is_burnt_after_five_tries(facilitator, phone):
    target = _request_code(facilitator)
    code = phone.sent[-1][0]
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert "Kode salah" in page(csrf_post(facilitator, target, {"code": wrong})).get_text()
    assert csrf_post(facilitator, target, {"code": code}).status_code == 200  # burnt
    assert facilitator.get("/antrean").status_code == 403


def test_another_facilitators_code_page_shows_nothing(app, facilitator, phone):
    target = _request_code(facilitator)
    with app.app_context(), db.connection_context():
        other = User.create(username="fasilitator2", role="fasilitator", password_hash="!")
        consent = Consent.get(Consent.id == int(target.rsplit("/", 1)[1]))
        assert consent.facilitator_id != other.id
    officer = signed_in_client(app, "petugas_bpjs")
    assert officer.get(target).status_code == 403


def test_consent_attempts_are_rate_limited(app, facilitator):
    app.config["CONSENT_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [start(facilitator, pin="135792").status_code for _ in range(4)]
    finally:
        app.config["CONSENT_RATE_LIMIT"] = TestConfig.CONSENT_RATE_LIMIT
    assert codes[:3] == [200, 200, 200] and codes[3] == 429


def test_the_demo_shows_a_past_session_to_both_sides(app, facilitator):
    recent = page(facilitator.get("/pendampingan")).select("ol.list li")
    assert any("…0001" in li.get_text() and "diakhiri" in li.get_text() for li in recent)
    budi = signed_in_client(app, "peserta")
    trail = [li.get_text(" ", strip=True) for li in page(budi.get("/akun/riwayat-akses")).select("ol.list li")]
    views = [text for text in trail if "dibuka pendamping" in text and "fasilitator" in text]
    assert {path for path in ("/kepesertaan", "/iuran") if any(path in text for text in views)} == {"/kepesertaan", "/iuran"}
    assert any("Pendampingan dimulai" in text for text in trail)


def test_an_action_in_scope_is_audited_as_the_facilitators_for_the_resident(app, facilitator, always_open):
    with app.app_context():  # Dewi's family is paid up (Budi's is in arrears: no booking form)
        dewi = Participant.by_card("0001000000002")
        User.update(pin_hash=security.hash_password("582047")).where(User.participant == dewi).execute()
        dob = dewi.birth_date.strftime("%d-%m-%Y")
    assert start(facilitator, scope="antrean", number="0001000000002", dob=dob, pin="582047").status_code == 303
    form = page(facilitator.get("/antrean")).select_one('form[method="post"][action="/antrean"]')
    data = {field["name"]: field.get("value", "") for field in form.find_all("input") if field.get("name")}
    for select in form.find_all("select"):
        options = [o for o in select.find_all("option") if o.get("value")]
        data[select["name"]] = options[1 if select["name"] == "visit_date" and len(options) > 1 else 0]["value"]
    response = facilitator.post("/antrean", data=data)
    assert response.status_code == 303, page(response).get_text(" ")[:400]
    with app.app_context():
        entry = AuditLog.select().where(AuditLog.action == "queue_booked").order_by(AuditLog.id.desc()).get()
        assert entry.actor.username == "fasilitator"
        assert entry.on_behalf_of.card_number == "0001000000002" and '"consent"' in entry.detail


def test_the_pin_locks_after_the_threshold_even_with_the_right_pin_then(app, facilitator):
    app.config["CONSENT_RATE_LIMIT"] = "100 per minute"
    try:
        for _ in range(app.config["LOCKOUT_THRESHOLD"]):
            start(facilitator, pin="135792")
        response = start(facilitator)  # the right PIN, but locked now
    finally:
        app.config["CONSENT_RATE_LIMIT"] = TestConfig.CONSENT_RATE_LIMIT
    assert response.status_code == 200 and "dikunci" in field_error(response, "pin")
    with app.app_context():
        budi = User.get(User.participant == Participant.by_card(BUDI_CARD))
        assert budi.pin_locked_until is not None and budi.failed_logins == 0  # the password still works
    assert signed_in_client(app, "peserta").get("/beranda").status_code == 200


def _menu(client):
    links = page(client.get("/beranda")).select("nav ol.menu a")
    return [a.get_text(" ", strip=True).split(" ", 1)[1] for a in links]  # without the digit


def test_the_menu_shows_the_residents_pages_only_while_a_consent_lasts(facilitator):
    alone = _menu(facilitator)  # first: the menu of a facilitator without a consent is kept
    assert "Status kepesertaan" not in alone and "Pendampingan" in alone
    start(facilitator, scope="lihat")
    assisting = _menu(facilitator)
    assert "Status kepesertaan" in assisting and "Tagihan iuran" in assisting
    assert "Antrean online" not in assisting  # booking is another scope
    csrf_post(facilitator, "/pendampingan/akhiri", {}, form_page="/beranda")
    assert _menu(facilitator) == alone
