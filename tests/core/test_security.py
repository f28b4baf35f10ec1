"""Identity at rest and the audit trail: what an attacker with a copy of the database would see."""
import pytest
from peewee import IntegrityError

from app.core import security
from app.core.db import db
from app.models import AuditLog, Participant, User
from tests.helpers import page, sign_in, signed_in_client

BUDI_NIK = "3201011708850001"


def raw_rows(table):
    return db.execute_sql(f"SELECT * FROM {table}").fetchall()


def test_nik_is_stored_only_encrypted_and_blind_indexed(app):
    with app.app_context():
        dump = repr(raw_rows("participant"))
        assert BUDI_NIK not in dump and "170885" not in dump
        budi = Participant.by_nik(BUDI_NIK)
        assert budi.card_number == "0001000000001" and budi.nik == BUDI_NIK
        assert budi.nik_encrypted.startswith("v2:") and len(budi.nik_index) == 64
        assert budi.masked_nik == "3201********0001"


def test_same_nik_encrypts_differently_but_indexes_the_same(app):
    with app.app_context():
        a, b = security.encrypt(BUDI_NIK, "nik"), security.encrypt(BUDI_NIK, "nik")
        assert a != b
        assert security.decrypt(a, "nik") == security.decrypt(b, "nik") == BUDI_NIK
        assert security.blind_index(BUDI_NIK, "nik") == security.blind_index(BUDI_NIK, "nik")


def test_a_ciphertext_cannot_be_moved_to_another_field(app):
    from cryptography.exceptions import InvalidTag

    with app.app_context():
        with pytest.raises(InvalidTag):
            security.decrypt(security.encrypt(BUDI_NIK, "nik"), "phone")


def test_a_nik_can_be_registered_only_once(app):
    with app.app_context():
        budi = Participant.by_nik(BUDI_NIK)
        twin = Participant(card_number="0001000000099", name="Kembar", sex="L",
                           birth_date=budi.birth_date, family=budi.family)
        twin.nik = BUDI_NIK
        with pytest.raises(IntegrityError), db.atomic():
            twin.save()


def test_passwords_are_argon2id_with_pepper(app):
    with app.app_context():
        user = User.for_identifier("admin")
        assert user.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
        assert security.verify_password(user.password_hash, "demo1234")
        app.extensions["jkn_keys"].pepper, pepper = b"another pepper", app.extensions["jkn_keys"].pepper
        try:
            assert not security.verify_password(user.password_hash, "demo1234")
        finally:
            app.extensions["jkn_keys"].pepper = pepper


def test_audit_log_records_sign_ins_and_never_secrets(app, client):
    sign_in(client, BUDI_NIK, "rahasia-yang-salah")
    sign_in(client, "0001999999999", "tebakan-lain")
    sign_in(client, BUDI_NIK)
    with app.app_context():
        budi = User.for_identifier(BUDI_NIK)
        actions = [(e.action, e.actor_id) for e in
                   AuditLog.select().where(AuditLog.subject == f"user:{budi.id}").order_by(AuditLog.id)]
        assert actions == [("sign_in_failed", None), ("sign_in", budi.id)]
        unknown = AuditLog.select().where(AuditLog.subject == "unknown").order_by(AuditLog.id.desc()).get()
        assert (unknown.action, unknown.detail) == ("sign_in_failed", '{"kind": "card"}')
        dump = repr(raw_rows("audit_log"))
    for secret in ("rahasia-yang-salah", "tebakan-lain", "demo1234", BUDI_NIK, "0001999999999"):
        assert secret not in dump


def test_audit_log_is_append_only(app):
    with app.app_context():
        entry = AuditLog.record(None, "test", "user:0")
        for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
            with pytest.raises(Exception, match="append-only"), db.atomic():
                db.execute_sql(statement)
        assert AuditLog.get_by_id(entry.id).action == "test"


def test_participant_reads_their_own_trail(client):
    sign_in(client, "0001000000001", "salah-salah-salah")
    sign_in(client, "0001000000001")
    items = [li.get_text(" ", strip=True) for li in page(client.get("/akun/riwayat-akses")).select("ol.list li")]
    assert "Masuk ke akun" in items[0] and "Percobaan masuk gagal" in items[1]


def test_no_page_shows_a_full_nik(client):
    sign_in(client, "0001000000001")
    for path in ("/beranda", "/akun/riwayat-akses", "/akun/kata-sandi"):
        text = client.get(path).get_data(as_text=True)
        for nik in (BUDI_NIK, "3201014203880002", "3201011001150003"):
            assert nik not in text, path


def test_a_session_cookie_opens_only_with_the_secret_key_or_one_of_its_fallbacks(app):
    """Sessions are signed cookies; the signer is made once per set of keys (app.core.auth), so a new
    SECRET_KEY must still refuse the old cookies, and a fallback key (a rotation) accept them."""
    cookie = signed_in_client(app, "peserta").get_cookie("jkn").value

    def status_page():
        client = app.test_client()
        client.set_cookie("jkn", cookie)
        response = client.get("/kepesertaan")
        return response.status_code, response.headers.get("Location", "").split("?")[0], \
            page(response).select_one("h1").get_text() if response.status_code == 200 else None

    key = app.config["SECRET_KEY"]
    assert status_page() == (200, "", "Status kepesertaan")
    try:
        app.config["SECRET_KEY"] = "another-secret-key"
        assert status_page() == (302, "/masuk", None)
        app.config["SECRET_KEY_FALLBACKS"] = [key]
        assert status_page() == (200, "", "Status kepesertaan")
    finally:
        app.config["SECRET_KEY"], app.config["SECRET_KEY_FALLBACKS"] = key, None
    assert status_page() == (200, "", "Status kepesertaan")
