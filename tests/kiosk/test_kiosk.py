"""Kiosk mode: registered by an admin, residents sign in with number, date of birth and PIN, the
session ends after 2 minutes idle without JavaScript and on "Selesai", and the next visitor sees
nothing of the previous one."""
from datetime import timedelta

import pytest

from app.assist.demo import DEMO_PIN, KIOSK_NAME
from app.core import clock
from app.core.config import TestConfig
from app.kiosk import service
from app.models import AuditLog, Kiosk
from tests.helpers import csrf_post, field_error, page, post, signed_in_client

BUDI = {"number": "0001000000001", "birth_date": "17-08-1985", "pin": DEMO_PIN}
PERSONAL = ("Budi Santoso", "0001000000001", "Siti Aminah")


def _install(app, client):
    """The admin installs the demo kiosk on this browser (and is signed out)."""
    admin = signed_in_client(app, "admin")
    listing = page(admin.get("/admin/kios"))
    item = next(li for li in listing.select("ol.list li") if KIOSK_NAME in li.get_text())
    action = item.select_one("form[action$='/pasang']")["action"]
    response = post(admin, action)
    assert response.status_code == 303 and response.headers["Location"].endswith("/kios")
    cookie = admin.get_cookie(service.COOKIE)
    client.set_cookie(service.COOKIE, cookie.value)
    assert admin.get("/beranda").status_code == 302  # the admin was signed out
    return cookie.value


@pytest.fixture
def kiosk(app, client):
    _install(app, client)
    return client


def test_the_kiosk_sign_in_has_large_buttons_and_no_autocomplete(kiosk):
    response = kiosk.get("/kios")
    soup = page(response)
    assert "kiosk" in soup.body["class"] and response.headers["Cache-Control"] == "no-store"
    assert "Puskesmas Cibinong" in soup.select_one("main").get_text()
    for name in ("number", "birth_date", "pin"):
        assert soup.find("input", {"name": name})["autocomplete"] == "off"
    assert soup.select_one("#app")["hx-history"] == "false"


def test_a_resident_signs_in_and_selesai_leaves_nothing_for_the_next_visitor(kiosk):
    response = csrf_post(kiosk, "/kios", BUDI)
    assert response.status_code == 303
    dashboard = kiosk.get("/beranda")
    assert dashboard.headers["Cache-Control"] == "no-store"
    soup = page(dashboard)
    assert "Budi Santoso" in soup.get_text()
    refresh = soup.find("meta", {"http-equiv": "refresh"})
    assert refresh["content"] == "120;url=/kios/selesai"
    done = soup.select_one("form.done")
    assert done.button.get_text(strip=True) == "Selesai"
    finished = post(kiosk, done["action"])
    assert finished.status_code == 303
    confirmation = kiosk.get(finished.headers["Location"])
    assert confirmation.headers["Clear-Site-Data"] == '"cache", "storage"'
    # the next visitor: every page they can reach shows nothing of Budi
    for path in ("/kios", "/kios/selesai", "/", "/beranda", "/kepesertaan", "/iuran", "/akun/riwayat-akses"):
        text = kiosk.get(path, follow_redirects=True).get_data(as_text=True)
        assert not any(marker in text for marker in PERSONAL), path
    assert page(kiosk.get("/kios")).find("input", {"name": "number"}).get("value") in (None, "")


def test_two_idle_minutes_end_the_session_without_javascript(app, kiosk, monkeypatch):
    csrf_post(kiosk, "/kios", BUDI)
    assert kiosk.get("/kepesertaan").status_code == 200
    later = clock.now() + timedelta(seconds=TestConfig.KIOSK_IDLE_SECONDS + 1)
    monkeypatch.setattr(clock, "now", lambda: later)
    # what the meta refresh loads: the sign-out confirmation, and the session is gone
    confirmation = kiosk.get("/kios/selesai")
    assert "Anda sudah keluar" in page(confirmation).get_text()
    assert kiosk.get("/kepesertaan").status_code == 302


def test_the_meta_refresh_itself_signs_out_a_kiosk_session(kiosk):
    csrf_post(kiosk, "/kios", BUDI)
    kiosk.get("/kios/selesai")  # before the server's own idle check would
    assert kiosk.get("/beranda").status_code == 302


def test_a_wrong_pin_a_short_pin_and_a_birth_date_are_refused_alike(kiosk):
    for data, message in (({"pin": "135792"}, "PIN salah"), ({"birth_date": "18-08-1985"}, "PIN salah"),
                          ({"pin": "12345"}, "6 angka"), ({"number": "12345"}, "13 angka")):
        response = csrf_post(kiosk, "/kios", {**BUDI, **data})
        assert response.status_code == 200
        field = "number" if "number" in data else "pin"
        assert message in field_error(response, field)
        assert "Budi Santoso" not in response.get_data(as_text=True)
    assert kiosk.get("/beranda").status_code == 302


def test_a_revoked_kiosk_cookie_copied_elsewhere_is_not_a_kiosk(app, client):
    value = _install(app, client)
    admin = signed_in_client(app, "admin")
    listing = page(admin.get("/admin/kios"))
    item = next(li for li in listing.select("ol.list li") if KIOSK_NAME in li.get_text())
    assert post(admin, item.select_one("form[action$='/cabut']")["action"]).status_code == 303
    copy = app.test_client()
    copy.set_cookie(service.COOKIE, value)
    response = copy.get("/kios")
    assert response.status_code == 404 and "bukan kios" in page(response).get_text()
    assert "kiosk" not in (page(copy.get("/")).body.get("class") or [])
    forged = app.test_client()
    forged.set_cookie(service.COOKIE, value[:-3] + "abc")
    assert forged.get("/kios").status_code == 404


def test_kiosk_sign_in_hammered_from_one_terminal_is_rate_limited(app, kiosk):
    app.config["KIOSK_SIGN_IN_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [csrf_post(kiosk, "/kios", {**BUDI, "pin": "135792"}).status_code for _ in range(4)]
    finally:
        app.config["KIOSK_SIGN_IN_RATE_LIMIT"] = TestConfig.KIOSK_SIGN_IN_RATE_LIMIT
    assert codes == [200, 200, 200, 429]


def test_the_admin_registers_a_kiosk_of_a_facility(app, admin):
    response = csrf_post(admin, "/admin/kios", {"facility": "XX-NONE", "name": "Kios 2"})
    assert "Tidak ada faskes" in field_error(response, "facility")
    assert csrf_post(admin, "/admin/kios", {"facility": "DEMO-PKM-3273", "name": "Kios Coblong"}).status_code == 303
    with app.app_context():
        kiosk = Kiosk.get(Kiosk.name == "Kios Coblong")
        assert kiosk.facility.code == "DEMO-PKM-3273" and kiosk.revoked_at is None
        assert AuditLog.select().where(AuditLog.action == "kiosk_registered").exists()
