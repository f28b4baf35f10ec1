"""Tambah anggota checked like the office would: a newborn is a child with a birth letter; a
10-day-old "suami" or a stream of newborns never reaches the dues; the unusual waits for an officer."""
import io
from datetime import timedelta

import pytest
from PIL import Image

from app.core import clock, uploads
from app.core.db import db
from app.models import AuditLog, Family, MemberAddition, Participant, User
from app.registration import service as registration
from tests.helpers import csrf_post, new_family, page, run_together, signed_in_client

DEMO_KK = "3201010101190001"


def nik_for(born, sex="L", serial="0009"):
    day = born.day + (40 if sex == "P" else 0)
    return f"320101{day:02d}{born.month:02d}{born.year % 100:02d}{serial}"


def baby(days_old, sex="P", serial="0009", name="Putri Santoso", relationship="anak"):
    born = clock.today() - timedelta(days=days_old)
    return {"nik": nik_for(born, sex, serial), "name": name, "sex": sex,
            "birth_date": born.strftime("%d-%m-%Y"), "relationship": relationship}


def letter():
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (240, 240, 230)).save(out, "PNG")
    return (io.BytesIO(out.getvalue()), "akta.png")


def send(client, member, document=True):
    data = dict(member)
    if document:
        data["document"] = letter()
    return csrf_post(client, "/tambah-anggota", data, content_type="multipart/form-data")


def errors(response, field):
    return [p.get_text(" ", strip=True) for p in page(response).select(f"#{field}-error")]


def budis():
    """The additions of Budi's family (the demo data also has one of Dewi's, waiting)."""
    return MemberAddition.select().join(Family).where(Family.kk_number == DEMO_KK).order_by(MemberAddition.id)


def members_named(app, name):
    with app.app_context():
        return Participant.select().where(Participant.name == name).count()


def monthly_due(app):
    with app.app_context():
        return Family.get(Family.kk_number == DEMO_KK).monthly_due(clock.today())


def test_a_newborn_needs_the_photo_of_its_birth_letter(app):
    client = signed_in_client(app, "peserta")
    response = send(client, baby(5), document=False)
    assert response.status_code == 200
    assert errors(response, "document") == ["Lampirkan foto dokumen (KTP, KK, atau akta kelahiran)."]
    assert page(response).find("input", {"name": "name"})["value"] == "Putri Santoso"
    not_image = dict(baby(5), document=(io.BytesIO(b"%PDF-1.4 not a photo"), "akta.png"))
    refused = csrf_post(client, "/tambah-anggota", not_image, content_type="multipart/form-data")
    assert errors(refused, "document") == ["Berkas ini bukan foto JPEG atau PNG. Kirim foto dokumen."]
    assert members_named(app, "Putri Santoso") == 0


def test_a_ten_day_old_husband_is_impossible(app):
    client = signed_in_client(app, "peserta")
    before = monthly_due(app)
    attack = baby(10, sex="L", name="Bayi Suami", relationship="suami")
    response = send(client, attack)
    assert response.status_code == 200
    assert errors(response, "birth_date") == [
        "Suami atau istri harus berumur paling sedikit 16 tahun. Periksa tanggal lahir atau hubungan: "
        "bayi didaftarkan sebagai Anak."]
    # Budi is the (male) head: his family cannot have a husband at any age
    adult = dict(attack, birth_date="01-01-1980", nik="3201010101800009")
    assert errors(send(client, adult), "relationship") == [
        "Hubungan ini tidak mungkin untuk kepala keluarga ini. Periksa hubungan."]
    with app.app_context():
        assert not budis().exists()
    assert members_named(app, "Bayi Suami") == 0 and monthly_due(app) == before


def test_a_stream_of_newborns_stops_at_two_and_an_officer_sees_the_rest(app):
    client = signed_in_client(app, "peserta")
    before = monthly_due(app)
    outcomes = [send(client, baby(3, serial=f"{i + 1:04d}", name=f"Bayi {i}")).status_code for i in range(8)]
    assert outcomes[:5] == [303] * 5 and outcomes[5:] == [200] * 3
    with app.app_context():
        statuses = [a.status for a in budis()]
        assert statuses == ["disetujui"] * 2 + ["menunggu"] * 3
        assert all(a.reasons == "many_at_once" for a in budis().where(MemberAddition.status == "menunggu"))
    assert monthly_due(app) == before + 2 * 35_000  # two newborns count; three wait
    refused = send(client, baby(3, serial="0099", name="Bayi 99"))
    assert [p.get_text(strip=True) for p in page(refused).select("#form-error")] == [
        "Sudah ada 3 anggota baru yang menunggu pemeriksaan petugas. Tunggu keputusannya dulu."]
    assert "Menunggu pemeriksaan petugas: Bayi 2, Bayi 3, Bayi 4" in page(client.get("/tambah-anggota")).get_text()


@pytest.mark.committed
def test_newborns_sent_at_the_same_moment_meet_the_same_limits(app):
    """Five forms at once (threads, committed: a family of its own) meet the limits one by one."""
    with app.app_context(), db.connection_context():
        family = new_family(months_unpaid=0)
        head_user = User.create(participant=family.head(), role="peserta", password_hash="x")
        image = uploads.to_jpeg(letter()[0].getvalue())
    members = [dict(baby(2, serial=f"{i + 21:04d}", name=f"Kembar {i}"), birth_date=clock.today() - timedelta(days=2))
               for i in range(5)]

    def add(member):
        with app.test_request_context(), db.connection_context():
            try:
                return registration.request_addition(family, member, image, head_user, clock.today()).status
            except registration.RegistrationError as refused:
                return refused.code

    try:
        outcomes = run_together([lambda m=m: add(m) for m in members])
        assert sorted(outcomes) == ["disetujui"] * 2 + ["menunggu"] * 3
        with app.app_context(), db.connection_context():
            assert Participant.select().where(Participant.family == family.id).count() == 1 + 2
    finally:  # committed: decided, so later work queues stay as they were
        with app.app_context(), db.connection_context():
            MemberAddition.update(status="ditolak", decision_reason="uji").where(
                MemberAddition.family == family.id).execute()


def test_unusual_additions_wait_for_an_officer_who_decides(app):
    client = signed_in_client(app, "peserta")
    before = monthly_due(app)
    other = baby(400 * 12, sex="P", name="Ibu Mertua", relationship="lainnya")  # ~13 years: lainnya
    mismatch = dict(baby(4, name="Bayi Beda"), birth_date=(clock.today() - timedelta(days=9)).strftime("%d-%m-%Y"))
    assert send(client, other).status_code == 303
    assert send(client, mismatch).status_code == 303
    assert "menunggu pemeriksaan petugas BPJS" in page(client.get("/kepesertaan")).select_one(".flash").get_text()
    assert members_named(app, "Ibu Mertua") == 0 and monthly_due(app) == before
    officer = signed_in_client(app, "petugas_bpjs")
    queue = page(officer.get("/petugas/antrean-kerja")).select("#additions a")
    assert len(queue) == 3  # with the demo's waiting member of Dewi's family, first
    first, second = (a["href"] for a in queue[1:])
    review = page(officer.get(first))
    assert [li.get_text() for li in review.select("#reasons li")] == ["Hubungannya bukan anak"]
    assert "Tanggal lahir berbeda dengan yang tertulis di NIK" in page(officer.get(second)).select_one("#reasons").get_text()
    photo = officer.get(review.find("a", string="Buka foto surat keterangan lahir / akta")["href"])
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert client.get(first).status_code == 403 and client.get(f"{first}/dokumen").status_code == 403
    no_reason = csrf_post(officer, second, {"decision": "tolak", "reason": ""})
    assert "Tulis alasan penolakan" in page(no_reason).select_one("#reason-error").get_text()
    assert csrf_post(officer, second, {"decision": "tolak", "reason": "Akta tidak terbaca"}).status_code == 303
    assert csrf_post(officer, first, {"decision": "setujui"}).status_code == 303
    assert members_named(app, "Ibu Mertua") == 1 and members_named(app, "Bayi Beda") == 0
    assert monthly_due(app) == before + 35_000
    again = csrf_post(officer, first, {"decision": "tolak", "reason": "x"})
    assert page(again).select_one("#decision-error").get_text() == "Pendaftaran ini sudah diputuskan."
    with app.app_context():
        actions = {a.action for a in AuditLog.select()}
        assert {"member_addition_requested", "member_addition_approved", "member_addition_rejected",
                "member_addition_viewed", "member_addition_document_viewed"} <= actions
