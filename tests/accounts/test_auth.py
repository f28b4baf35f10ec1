"""Sign-in, lockout, rate limit, sessions, sign-out and password change, as a user meets them."""
import itertools
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner

from app.core import clock
from app.models import AuditLog, User
from tests.helpers import csrf_token, error_next_to, page, sign_in, signed_in_client

BUDI_NIK = "3201011708850001"



def move_clock(monkeypatch, minutes):
    later = clock.now() + timedelta(minutes=minutes)
    monkeypatch.setattr(clock, "now", lambda: later)


# --- signing in ----------------------------------------------------------------------------

@pytest.mark.parametrize("identifier", ["0001000000001", BUDI_NIK, "3201 0117 0885 0001", "0001-0000-00001"])
def test_participant_signs_in_by_card_or_nik(client, identifier):
    response = sign_in(client, identifier)
    assert response.status_code == 303
    assert response.headers["Location"] == "/beranda"
    home = page(client.get("/beranda"))
    assert home.h1.get_text() == "Halo, Budi Santoso"
    facts = home.select_one("dl.facts").get_text(" ", strip=True)
    assert "0001000000001" in facts and "3201********0001" in facts
    assert BUDI_NIK not in home.get_text()
    members = [li.b.get_text() for li in home.select("ol.list li")]
    assert members == ["Budi Santoso", "Siti Aminah", "Rizky Pratama"]


def test_staff_signs_in_by_username_in_any_case(client):
    assert sign_in(client, "Petugas").status_code == 303
    facts = page(client.get("/beranda")).select_one("dl.facts").get_text(" ", strip=True)
    assert "Petugas BPJS Kesehatan" in facts


@pytest.mark.parametrize("identifier,password", [
    ("0001000000001", "salah-sekali"),      # wrong password
    ("0001999999999", "demo1234"),          # unknown card
    ("3201011708859999", "demo1234"),       # unknown NIK
    ("tidakada", "demo1234"),               # unknown username
])
def test_every_failure_gets_the_same_answer(client, identifier, password):
    response = sign_in(client, identifier, password)
    assert response.status_code == 200
    assert error_next_to(response, "password") == [
        "Nomor, nama pengguna atau kata sandi salah — atau akun dikunci sementara karena terlalu "
        "banyak percobaan. Periksa lagi, atau coba lagi setelah 15 menit."]
    form = page(response).find("form", id="sign-in")
    assert form.find("input", {"name": "identifier"})["value"] == identifier
    assert form.find("input", {"name": "password"}).get("value", "") == ""


@pytest.mark.parametrize("identifier,message", [
    ("12345", "Nomor kartu JKN terdiri dari 13 angka, NIK dari 16 angka. Periksa lagi."),
    ("3201013208850001", "NIK ini tidak sah: angka ke-7 sampai ke-12 bukan tanggal lahir yang benar."),
    ("0001011708850001", "NIK ini tidak sah: dua angka pertamanya bukan kode provinsi."),
    ("3201011708850000", "NIK ini tidak sah: empat angka terakhirnya tidak boleh 0000."),
    ("x" * 41, "Terlalu panjang (maksimal 40 karakter)."),
    ("²" * 16, "Nama pengguna petugas: 3–40 huruf kecil, angka, titik, garis bawah atau tanda hubung."),
    ("<script>", "Nama pengguna petugas: 3–40 huruf kecil, angka, titik, garis bawah atau tanda hubung."),
    ("", "Wajib diisi."),
])
def test_malformed_identifier_is_explained_next_to_the_field(client, identifier, message):
    response = sign_in(client, identifier)
    assert response.status_code == 200
    assert error_next_to(response, "identifier") == [message]
    kept = page(response).find("input", {"name": "identifier"}).get("value", "")
    assert kept == (identifier[:40] if message.startswith("Terlalu panjang") else identifier)


def test_missing_password_is_asked_for(client):
    response = sign_in(client, "0001000000001", "")
    assert error_next_to(response, "password") == ["Wajib diisi."]


@pytest.mark.parametrize("token", [None, "palsu"])
def test_missing_or_forged_csrf_token_is_refused(client, token):
    data = {"identifier": "0001000000001", "password": "demo1234"}
    if token:
        data["csrf_token"] = token
    response = client.post("/masuk", data=data)
    assert response.status_code == 400
    assert page(response).h1.get_text() == "Permintaan tidak dapat diproses"
    assert "kedaluwarsa" in page(response).main.get_text()
    assert client.get("/beranda").status_code == 302  # not signed in


# --- lockout and rate limit ----------------------------------------------------------------

def test_account_locks_after_ten_failures_and_recovers_after_the_window(app, client, monkeypatch):
    wrong = [sign_in(client, "0001000000001", f"salah{i:04d}") for i in range(10)]
    assert {r.status_code for r in wrong} == {200}
    locked = sign_in(client, "0001000000001")  # the right password, while locked
    assert locked.status_code == 200
    assert error_next_to(locked, "password") == error_next_to(wrong[0], "password")
    with app.app_context():
        user = User.for_identifier("0001000000001")
        actions = [e.action for e in AuditLog.select().where(AuditLog.subject == f"user:{user.id}")]
    assert actions.count("sign_in_failed") == 10 and actions.count("lockout") == 1
    assert "sign_in_refused" in actions

    move_clock(monkeypatch, 14)
    assert sign_in(client, "0001000000001").status_code == 200  # still locked
    move_clock(monkeypatch, 16)
    assert sign_in(client, "0001000000001").status_code == 303


def test_lockout_is_per_account(client):
    for i in range(10):
        sign_in(client, "0001000000001", f"salah{i:04d}")
    assert sign_in(client, "0001000000002").status_code == 303


def test_success_resets_the_failure_count(app, client):
    for i in range(9):
        sign_in(client, "0001000000002", f"salah{i:04d}")
    assert sign_in(client, "0001000000002").status_code == 303
    with app.app_context():
        assert User.for_identifier("0001000000002").failed_logins == 0


def test_too_many_failures_from_one_ip_get_429_in_indonesian(app):
    client = app.test_client()
    for i in range(20):
        assert sign_in(client, f"orang{i:02d}", "salah-salah").status_code == 200
    refused = sign_in(client, "0001000000001")
    assert refused.status_code == 429
    assert page(refused).h1.get_text() == "Terlalu banyak percobaan"
    other_ip = client.post("/masuk", environ_base={"REMOTE_ADDR": "10.9.8.7"},
                           data={"identifier": "0001000000001", "password": "demo1234",
                                 "csrf_token": csrf_token(client)})
    assert other_ip.status_code == 303


def test_successful_sign_ins_do_not_count_against_the_kiosk(app):
    """A puskesmas kiosk signs in a queue of residents from one IP."""
    for _ in range(25):
        client = app.test_client()
        assert sign_in(client, "0001000000002").status_code == 303


# --- next=, sessions, sign-out ---------------------------------------------------------------

@pytest.mark.parametrize("target,expected", [
    ("/akun/kata-sandi", "/akun/kata-sandi"),
    ("https://jahat.example/", "/beranda"),
    ("//jahat.example/", "/beranda"),
    ("/\\jahat.example", "/beranda"),
    ("javascript:alert(1)", "/beranda"),
])
def test_next_only_goes_to_our_own_pages(client, target, expected):
    response = sign_in(client, "0001000000001", next=target)
    assert response.headers["Location"] == expected


def test_a_protected_page_asks_for_sign_in_and_returns_there(client):
    response = client.get("/akun/riwayat-akses")
    assert response.headers["Location"] == "/masuk?next=/akun/riwayat-akses?"
    form = page(client.get(response.headers["Location"]))
    assert form.find("input", {"name": "next"})["value"] == "/akun/riwayat-akses?"


def test_htmx_request_without_session_gets_hx_redirect(client):
    response = client.get("/beranda", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith("/masuk")


def test_session_cookie_is_httponly_and_lax(client):
    response = sign_in(client, "0001000000001")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(app):
    from app import create_app
    from app.core.config import Config

    production = create_app({**{k: v for k, v in app.config.items() if k.isupper()},
                             "SESSION_COOKIE_SECURE": Config.SESSION_COOKIE_SECURE})
    client = production.test_client()
    cookie = client.get("/masuk", base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in cookie
    assert Config.SESSION_COOKIE_SECURE is True


def test_idle_session_ends_after_fifteen_minutes(client, monkeypatch):
    sign_in(client, "0001000000001")
    move_clock(monkeypatch, 14)
    assert client.get("/beranda").status_code == 200
    move_clock(monkeypatch, 14 + 16)
    response = client.get("/beranda")
    assert response.status_code == 302
    notice = page(client.get(response.headers["Location"])).select_one("p.flash").get_text()
    assert notice == "Sesi Anda berakhir karena lama tidak aktif. Silakan masuk lagi."


def test_sign_out_is_post_only_and_ends_the_session(app, client):
    sign_in(client, "0001000000001")
    assert client.get("/keluar").status_code == 405
    assert client.post("/keluar").status_code == 400  # no CSRF token
    assert client.get("/beranda").status_code == 200
    response = client.post("/keluar", data={"csrf_token": csrf_token(client, "/beranda")})
    assert response.status_code == 303
    assert client.get("/beranda").status_code == 302
    with app.app_context():
        user = User.for_identifier("0001000000001")
        assert AuditLog.select().where((AuditLog.actor == user) & (AuditLog.action == "sign_out")).count() == 1


def test_signed_in_user_visiting_sign_in_goes_home(client):
    sign_in(client, "fasilitator")
    assert client.get("/masuk").headers["Location"] == "/beranda"


# --- password change ---------------------------------------------------------------------------

def change(client, current, new, confirm=None):
    return client.post("/akun/kata-sandi", data={
        "current_password": current, "new_password": new,
        "confirm": new if confirm is None else confirm,
        "csrf_token": csrf_token(client, "/akun/kata-sandi")})


@pytest.mark.parametrize("new,message", [
    ("pendek", "Kata sandi minimal 8 karakter."),
    ("Bismillah123", "Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain."),
    ("12345678", "Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain."),
    ("budi17081985", "Jangan memakai tanggal lahir sebagai kata sandi."),
    ("kopi850001tubruk", "Jangan memakai bagian dari NIK sebagai kata sandi."),
    ("kartu000000001", "Jangan memakai nomor kartu JKN sebagai kata sandi."),
])
def test_guessable_passwords_are_refused(client, new, message):
    sign_in(client, "0001000000001")
    response = change(client, "demo1234", new)
    assert response.status_code == 200
    assert error_next_to(response, "new_password") == [message]


def test_wrong_current_password_or_mismatch_is_refused(client):
    sign_in(client, "0001000000001")
    assert error_next_to(change(client, "salah-salah", "kopi-pagi-di-sawah"), "current_password") == [
        "Kata sandi sekarang salah, atau akun dikunci sementara karena terlalu banyak percobaan."]
    assert error_next_to(change(client, "demo1234", "kopi-pagi-di-sawah", "lain"), "confirm") == [
        "Tidak sama dengan kata sandi baru."]


def test_password_change_signs_out_other_devices(app, client):
    other_device = signed_in_client(app, "peserta")
    sign_in(client, "0001000000001")
    response = change(client, "demo1234", "kopi-pagi-di-sawah")
    assert response.status_code == 303
    assert client.get("/beranda").status_code == 200
    assert other_device.get("/beranda").status_code == 302
    fresh = app.test_client()
    assert sign_in(fresh, "0001000000001", "demo1234").status_code == 200
    assert sign_in(fresh, "0001000000001", "kopi-pagi-di-sawah").status_code == 303


def test_five_wrong_current_passwords_end_the_session_not_the_owners_sign_in(app, client):
    """A stolen session is no password-guessing oracle, and cannot lock the owner out either."""
    sign_in(client, "0001000000002")
    mark = AuditLog.select(AuditLog.id).order_by(AuditLog.id.desc()).scalar()
    for i in range(4):
        refused = change(client, f"tebak{i:04d}", "kopi-pagi-di-sawah")
        assert refused.status_code == 200 and error_next_to(refused, "current_password")
    ended = change(client, "tebak0004", "kopi-pagi-di-sawah")
    assert ended.status_code == 303 and ended.headers["Location"].endswith("/masuk")
    sign_in_page = page(client.get("/masuk"))
    assert [p.get_text(" ", strip=True) for p in sign_in_page.select(".flash")] == [
        "Anda dikeluarkan karena kata sandi salah 5 kali. Masuk lagi dengan kata sandi Anda."]
    assert client.get("/beranda").status_code == 302
    actions = [e.action for e in AuditLog.select().where(AuditLog.id > mark).order_by(AuditLog.id)]
    assert actions.count("reauthenticated_failed") == 5 and actions.count("reauth_session_ended") == 1
    assert "lockout" not in actions
    with app.app_context():
        account = User.for_identifier("0001000000002")
        assert (account.failed_logins, account.locked_until, account.reauth_failures) == (0, None, 0)
    assert sign_in(app.test_client(), "0001000000002").status_code == 303  # the owner signs in at once


def test_a_right_current_password_resets_the_count(app, client):
    sign_in(client, "0001000000002")
    for i in range(4):
        change(client, f"tebak{i:04d}", "kopi-pagi-di-sawah")
    assert change(client, "demo1234", "pendek").status_code == 200  # the form refuses: no check made
    assert client.post("/akun/kata-sandi", data={  # the right password resets the count
        "current_password": "demo1234", "new_password": "kopi-pagi-di-sawah",
        "confirm": "kopi-pagi-di-sawah", "csrf_token": csrf_token(client, "/akun/kata-sandi")}).status_code == 303
    with app.app_context():
        assert User.for_identifier("0001000000002").reauth_failures == 0


def test_a_session_keeps_one_csrf_token_which_no_other_session_can_use(app, monkeypatch):
    """The token is signed once per session (app.core.extensions.csrf_token): the same on every page
    of the session, the first one too however many seconds apart, accepted there, refused in another
    session."""
    ticks = itertools.count(1_800_000_000)  # every signature a second later than the one before
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: next(ticks))
    budi, dewi = signed_in_client(app, "peserta"), signed_in_client(app, "peserta_lunas")
    mine = {page(budi.get(path)).find("input", {"name": "csrf_token"})["value"]
            for path in ("/beranda", "/kepesertaan", "/iuran")}
    assert len(mine) == 1
    theirs = page(dewi.get("/beranda")).find("input", {"name": "csrf_token"})["value"]
    assert theirs not in mine
    assert dewi.post("/keluar", data={"csrf_token": mine.pop()}).status_code == 400
    assert dewi.get("/beranda").status_code == 200  # still signed in
    assert budi.post("/keluar", data={"csrf_token": page(budi.get("/beranda")).find(
        "input", {"name": "csrf_token"})["value"]}).status_code in (302, 303)
    assert budi.get("/beranda").status_code in (302, 303)  # signed out
