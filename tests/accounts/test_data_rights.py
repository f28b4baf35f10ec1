"""The resident's PIN and data rights: a copy of everything (page and JSON), the whole trail,
consents, and a request to delete the phone number decided by an officer."""
import json
from datetime import timedelta

import pytest

from app.core import clock, security
from app.models import AuditLog, Booking, ChangeRequest, Consent, DataRequest, Participant, Payment, User
from tests.helpers import csrf_post, field_error, make_booking, page, poli, post, today

PASSWORD = "demo1234"


def _pin(client, pin, confirm=None, password=PASSWORD):
    return csrf_post(client, "/akun/pin", {"current_password": password, "pin": pin,
                                           "confirm": confirm if confirm is not None else pin})


@pytest.mark.parametrize(("pin", "message"), [
    ("12345", "tepat 6 angka"), ("1234567", "tepat 6 angka"), ("123456", "mudah ditebak"),
    ("170885", "tanggal lahir"), ("000001", "mudah ditebak"), ("12a456", "tepat 6 angka"),
])
def test_a_weak_or_wrong_length_pin_is_refused(budi, pin, message):
    response = _pin(budi, pin)
    assert response.status_code == 200 and message in field_error(response, "pin")


def test_the_pin_needs_the_password_and_is_hashed(app, budi):
    response = _pin(budi, "582047", password="salah-sekali")
    assert "Kata sandi sekarang salah" in field_error(response, "current_password")
    assert _pin(budi, "582047").status_code == 303
    with app.app_context():
        user = User.get(User.participant == Participant.by_card("0001000000001"))
        assert user.pin_hash.startswith("$argon2id$") and "582047" not in user.pin_hash
        assert security.verify_password(user.pin_hash, "582047")
        assert AuditLog.select().where((AuditLog.action == "pin_set") & (AuditLog.actor == user)).exists()


def test_my_data_page_links_every_right(budi):
    soup = page(budi.get("/akun/data-saya"))
    hrefs = {a["href"] for a in soup.select("main a")}
    assert {"/akun/data-saya/cetak", "/akun/data-saya/unduh", "/akun/riwayat-akses", "/akun/pin",
            "/perubahan-data"} <= hrefs
    assert "fasilitator" in soup.get_text()  # the demo consent


def test_the_copy_holds_the_family_and_the_trail(budi):
    printed = page(budi.get("/akun/data-saya/cetak")).select_one("main").get_text(" ")
    assert "Budi Santoso" in printed and "Siti Aminah" in printed and "3201********0001" in printed
    response = budi.get("/akun/data-saya/unduh")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert {m["nama"] for m in data["anggota"]} >= {"Budi Santoso", "Siti Aminah"}
    assert all("*" in m["nik"] for m in data["anggota"])
    assert any(e["kegiatan"] == "assisted_page_viewed" and e["oleh"] == "fasilitator" for e in data["riwayat_akses"])


def test_the_copy_holds_the_familys_newest_payments_bookings_and_requests(app, budi):
    with app.app_context():
        me = Participant.by_card("0001000000001")
        make_booking(me, poli(app, "DEMO-PKM-3273", "umum"), today(1), 4)
        ChangeRequest.create(participant=me, requested_by=User.get(User.participant == me), kind="name")
    data = json.loads(budi.get("/akun/data-saya/unduh").get_data(as_text=True))
    with app.app_context():
        family = me.family
        ids = [m.id for m in family.members]
        payments = family.payments.order_by(Payment.id.desc())
        bookings = Booking.select().where(Booking.participant.in_(ids)).order_by(Booking.id.desc())
        requests = (ChangeRequest.select().where(ChangeRequest.participant.in_(ids))
                    .order_by(ChangeRequest.id.desc()))
        assert data["pembayaran"] == [
            {"tanggal": p.paid_at.isoformat(), "jumlah": p.amount, "saluran": p.channel}
            for p in payments.limit(60)]
        assert data["antrean"] == [{"kode": b.code, "tanggal": b.visit_date.isoformat(), "nomor": b.number,
                                    "status": b.status} for b in bookings.limit(60)]
        assert data["permintaan_perubahan"] == [
            {"jenis": r.kind, "status": r.status, "dibuat": r.created_at.isoformat()}
            for r in requests.limit(60)]
        assert payments.count() and bookings.count() and requests.count()


def test_another_family_never_appears_in_the_copy(dewi):
    text = dewi.get("/akun/data-saya/unduh").get_data(as_text=True)
    assert "Budi Santoso" not in text and "0001000000001" not in text


def test_the_trail_pages_back_to_the_first_entry(app, budi):
    with app.app_context():
        user = User.get(User.participant == Participant.by_card("0001000000001"))
        for _ in range(60):
            AuditLog.record(user, "sign_in", f"user:{user.id}", user.participant_id)
    first = page(budi.get("/akun/riwayat-akses"))
    assert len(first.select("ol.list li")) == 50
    older = first.find("a", string="Catatan lebih lama")
    assert older is not None
    assert page(budi.get(older["href"])).select("ol.list li")


def test_a_phone_deletion_request_is_decided_by_an_officer(app, budi, officer):
    assert post(budi, "/akun/data-saya/hapus-telepon").status_code == 303
    assert "menunggu petugas" in page(budi.get("/akun/data-saya")).get_text()
    post(budi, "/akun/data-saya/hapus-telepon")  # twice: still one request
    with app.app_context():
        assert DataRequest.select().where(DataRequest.state == "menunggu").count() == 1
    queue = page(officer.get("/petugas/antrean-kerja"))
    form = queue.select_one("form[action^='/petugas/permintaan-hapus/']")
    assert form is not None and "Budi Santoso" in form.parent.get_text()
    assert post(officer, form["action"], {"decision": "hapus"}).status_code == 303
    assert post(officer, form["action"], {"decision": "hapus"}).status_code == 404  # decided already
    with app.app_context():
        assert Participant.by_card("0001000000001").phone == ""
    assert "Tidak ada nomor HP" in page(budi.get("/akun/data-saya")).get_text()


def test_a_trail_holds_one_persons_entries_newest_first(app):
    with app.app_context():
        officer, admin = User.get(User.role == "petugas_bpjs"), User.get(User.role == "admin")
        budi = User.get(User.participant == Participant.by_card("0001000000001"))
        own = AuditLog.record(officer, "sign_in", f"user:{officer.id}")
        about = AuditLog.record(admin, "account_unlocked", f"user:{officer.id}")
        AuditLog.record(admin, "sign_in", f"user:{admin.id}")  # no one's data: in no one else's trail
        seen = AuditLog.record(officer, "family_viewed", "family:1", budi.participant_id)
        assert [e.id for e in AuditLog.trail(officer, limit=3)] == [seen.id, about.id, own.id]
        assert [e.id for e in AuditLog.trail(officer, limit=2, before=about.id)][0] == own.id
        assert seen.id in [e.id for e in AuditLog.trail(budi)]
        assert about.id not in [e.id for e in AuditLog.trail(budi)]
        own_view = AuditLog.record(budi, "data_exported", f"user:{budi.id}", budi.participant_id)
        names = {e.id: e.actor_name for e in AuditLog.trail(budi, limit=2)}
        assert names == {own_view.id: budi.display_name, seen.id: officer.display_name}
        assert budi.display_name == "Budi Santoso" and officer.display_name == officer.username


def test_every_page_of_a_long_trail_is_the_newest_of_all_three_kinds(app):
    """Each kind of entry is read newest first by its own index: when one kind far outnumbers the
    others (a facilitator's many assisted views), every page is still the newest entries of all."""
    import random

    with app.app_context():
        officer, admin = User.get(User.role == "petugas_bpjs"), User.get(User.role == "admin")
        budi = User.get(User.participant == Participant.by_card("0001000000001"))
        kinds = [(budi, "sign_in", f"user:{budi.id}", None),  # by the person
                 (admin, "account_unlocked", f"user:{budi.id}", None),  # about their account
                 (officer, "family_viewed", "family:1", budi.participant_id),  # with their data
                 (officer, "sign_in", f"user:{officer.id}", None)]  # none of theirs
        draw = random.Random(10)
        for _ in range(120):
            actor, action, subject, on_behalf_of = draw.choices(kinds, weights=(1, 1, 6, 2))[0]
            AuditLog.record(actor, action, subject, on_behalf_of)
        expected = [e.id for e in AuditLog.select().where(
            (AuditLog.actor == budi) | (AuditLog.subject == f"user:{budi.id}")
            | (AuditLog.on_behalf_of == budi.participant_id)).order_by(AuditLog.id.desc())]
        read, before = [], None
        while True:
            entries = AuditLog.trail(budi, limit=7, before=before)
            read += [e.id for e in entries]
            if len(entries) < 7:
                break
            before = entries[-1].id
        assert read == expected and len(expected) > 90


def test_the_copy_lists_the_consents_given_newest_first_with_the_facilitator(app, budi):
    with app.app_context():
        me = Participant.by_card("0001000000001")
        resident, facilitator = User.get(User.participant == me), User.get(User.role == "fasilitator")
        now = clock.now()
        for minutes, scope in ((90, "antrean"), (30, "iuran")):
            Consent.create(facilitator=facilitator, participant=me, resident=resident, scope=scope,
                           method="pin", started_at=now - timedelta(minutes=minutes),
                           expires_at=now - timedelta(minutes=minutes - 30))
        Consent.create(facilitator=facilitator, participant=me, resident=resident, scope="data",
                       method="kode")
        expected = [(c.facilitator.display_name, c.scope) for c in Consent.select().where(
            (Consent.participant == me) & Consent.started_at.is_null(False))
                    .order_by(Consent.started_at.desc())]
    data = json.loads(budi.get("/akun/data-saya/unduh").get_data(as_text=True))
    given = [(c["pendamping"], c["izin"]) for c in data["izin_pendampingan"]]
    assert given == expected and len(given) >= 2
    newest_first = [scope for _, scope in given]
    assert newest_first.index("iuran") < newest_first.index("antrean")
    assert "data" not in [scope for _, scope in given]  # a code never typed: no consent was given
