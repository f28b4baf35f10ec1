"""Pendaftaran peserta baru (JS off and htmx), resume after a dropped connection, de-duplication,
bad input, the officer's review, and tambah anggota — as the people using them meet them."""
import io
import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from app.contributions.va import LocalVaIssuer
from app.core import clock, security
from app.models import AuditLog, Facility, Family, Participant, Registration, User
from app.rules import contributions
from tests.helpers import (
    decoded,
    error_next_to,
    page,
    page_problems,
    sign_in,
    signed_in_client,
    transfer_size,
)

KK = "3201012345678901"
CIBINONG = {"provinsi": "32", "kabupaten": "32.01", "kecamatan": "32.01.01"}
COBLONG = {"provinsi": "32", "kabupaten": "32.73", "kecamatan": "32.73.02"}
HEAD = {"nik": "3201011203900001", "name": "Andi Wijaya", "sex": "L", "birth_date": "12-03-1990",
        "relationship": "kepala"}
WIFE = {"nik": "3201015506920002", "name": "Rina Marlina", "sex": "P", "birth_date": "15-06-1992",
        "relationship": "istri"}
CHILD = {"nik": "3201010101150003", "name": "Bagas Wijaya", "sex": "L", "birth_date": "01-01-2015",
         "relationship": "anak"}
PASSWORD = "kopi-tubruk-99"
BUDI_NIK = "3201011708850001"  # demo: head of the Cibinong family (card 0001000000001)
SITI_NIK = "3201014203880002"  # demo: Budi's wife, born 2 Mar 1988, Cibinong
DEMO_KK = "3201010101190001"
HX = {"HX-Request": "true"}
HX_BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
NIK_REGISTERED = ("NIK ini sudah terdaftar sebagai peserta JKN. Masuk memakai NIK ini untuk melihat "
                  "statusnya, atau datangi kantor BPJS Kesehatan.")


# --- helpers -----------------------------------------------------------------------------------


def token_of(client):
    return page(client.get("/pendaftaran")).find("input", {"name": "csrf_token"})["value"]


def post(client, url, headers=None, **data):
    return client.post(url, data={"csrf_token": token_of(client), **data}, headers=headers or {})


def start(client):
    """A new draft; returns its URL prefix /pendaftaran/<code>."""
    response = post(client, "/pendaftaran")
    assert response.status_code == 303
    return response.headers["Location"].removesuffix("/keluarga")


def save_family(client, base, kk=KK, region=CIBINONG, **extra):
    fields = {"kk_number": kk, "address": "Kp. Sukamaju RT 01/RW 02", "phone": "0812 3456 7890",
              "lanjut": "1", **region, **extra}
    return post(client, f"{base}/keluarga", **fields)


def add(client, base, member, headers=None):
    return post(client, f"{base}/anggota/tambah", headers=headers, **member)


def facility_id(app, code):
    with app.app_context():
        return Facility.get(Facility.code == code).id


def choose_facility(app, client, base, code="DEMO-PKM-3201", segment="PBPU", care_class="3"):
    return post(client, f"{base}/faskes", fktp=str(facility_id(app, code)), segment=segment,
                care_class=care_class, lanjut="1")


def submit(client, base, password=PASSWORD, **extra):
    return post(client, f"{base}/periksa", **{"password": password, "confirm": password, "agree": "y", **extra})


def draft_up_to(app, client, step, members=(HEAD, WIFE, CHILD), region=CIBINONG, kk=KK):
    """A draft filled in up to (not including) `step`; returns its URL prefix."""
    base = start(client)
    if step == "keluarga":
        return base
    assert save_family(client, base, kk=kk, region=region).status_code == 303
    for member in members:
        response = add(client, base, member)
        assert response.status_code == 303, error_texts(response)
    if step == "anggota":
        return base
    assert post(client, f"{base}/anggota/lanjut").status_code == 303
    if step == "faskes":
        return base
    code = "DEMO-PKM-3201" if region == CIBINONG else "DEMO-PKM-3273"
    assert choose_facility(app, client, base, code).status_code == 303
    return base


def error_texts(response):
    return [p.get_text(" ", strip=True) for p in page(response).select(".error")]


def registration_at(app, base):
    """The stored draft behind a URL prefix, read in its own app context."""
    with app.app_context():
        registration = Registration.get(Registration.token == base.rsplit("/", 1)[1])
        return SimpleNamespace(id=registration.id, status=registration.status, data=registration.data,
                               flags=registration.flags, created_by=registration.created_by)


def nik_for(born, sex="L", serial="0009"):
    day = born.day + (40 if sex == "P" else 0)
    return f"320101{day:02d}{born.month:02d}{born.year % 100:02d}{serial}"


# --- the whole flow, JavaScript off ------------------------------------------------------------

def test_start_page_explains_and_offers_start_and_resume(client):
    response = client.get("/pendaftaran")
    html = page(response)
    assert response.status_code == 200
    assert html.h1.get_text() == "Daftar peserta JKN"
    assert "Kartu Keluarga" in html.main.get_text()
    forms = html.main.find_all("form")
    assert [f["action"] for f in forms] == ["/pendaftaran", "/pendaftaran/lanjutkan"]
    assert all(f["method"] == "post" and f.find("input", {"name": "csrf_token"}) for f in forms)
    assert html.find("a", href="/tambah-anggota")
    assert response.headers["Cache-Control"] == "no-store"


def test_whole_flow_creates_a_family_waiting_for_its_first_payment(app, client):
    base = start(client)
    step1 = page(client.get(f"{base}/keluarga"))
    assert step1.h1.get_text() == "Keluarga"
    assert step1.find("select", {"name": "provinsi"})  # the region picker, inside the step's form
    assert step1.select_one("form select[name=provinsi]").find_parent("form")["action"] == f"{base}/keluarga"
    assert save_family(client, base).headers["Location"] == f"{base}/anggota"
    for member in (HEAD, WIFE, CHILD):
        assert add(client, base, member).headers["Location"] == f"{base}/anggota"
    listed = [li.b.get_text() for li in page(client.get(f"{base}/anggota")).select("ol.list > li")]
    assert listed == ["Andi Wijaya", "Rina Marlina", "Bagas Wijaya"]
    assert post(client, f"{base}/anggota/lanjut").headers["Location"] == f"{base}/faskes"

    step3 = page(client.get(f"{base}/faskes"))
    offered = [o.get_text() for o in step3.select("select[name=fktp] option") if o["value"]]
    assert offered[:2] == ["Klinik Pratama Harapan Sehat — Cibinong", "Puskesmas Cibinong — Cibinong"]
    assert not any("RSUD" in o or "Apotek" in o or "Tigaraksa" in o for o in offered)
    totals = [li.get_text(" ", strip=True) for li in step3.select("#step ul.list li")]
    assert totals == ["Kelas 1: Rp150.000 × 3 = Rp450.000", "Kelas 2: Rp100.000 × 3 = Rp300.000",
                      "Kelas 3: Rp35.000 × 3 = Rp105.000"]
    assert "Aturan berlaku per 1 Jan 2021." in step3.get_text()
    assert choose_facility(app, client, base).headers["Location"] == f"{base}/periksa"

    check = page(client.get(f"{base}/periksa"))
    text = check.main.get_text(" ", strip=True)
    assert "3201********0001" in text and HEAD["nik"] not in str(check)
    assert "Puskesmas Cibinong" in text and "Rp105.000" in text
    response = submit(client, base)
    assert response.headers["Location"] == f"{base}/selesai"

    done = page(client.get(f"{base}/selesai"))
    assert done.h1.get_text() == "Pendaftaran selesai"
    assert done.select_one(".big").get_text() == "MENUNGGU PEMBAYARAN PERTAMA"
    today = clock.today()
    with app.app_context():
        family = Family.get(Family.kk_number == KK)
        assert (family.segment, family.care_class, family.district_code) == ("PBPU", 3, "32.01.01")
        assert family.registered_on == today and family.cover_start == contributions.month_of(today)
        assert family.va_number == LocalVaIssuer().issue(family)
        assert family.fktp.code == "DEMO-PKM-3201"
        assert family.status_on(today).code == "menunggu_pembayaran"
        members = list(family.members.order_by(Participant.id))
        assert [(m.name, m.relationship) for m in members] == [
            ("Andi Wijaya", "kepala"), ("Rina Marlina", "istri"), ("Bagas Wijaya", "anak")]
        assert all(len(m.card_number) == 13 and m.card_number.isdigit() for m in members)
        assert members[0].phone == "081234567890" and members[0].nik == HEAD["nik"]
        assert f"Bayar Rp105.000 ke nomor VA {family.va_number}." in done.get_text()
        assert [li.get_text(" ", strip=True) for li in done.select("ol.list li")] == [
            f"{m.name} {m.card_number}" for m in members]
        assert registration_at(app, base).status == "done"
        entries = list(AuditLog.select())
        assert {"registration_started", "registration_saved", "registration_completed",
                "participant_registered"} <= {e.action for e in entries}
        assert not any(m.nik in f"{e.subject} {e.detail}" for e in entries for m in members)

    # the head signs in with the password chosen in the last step
    assert sign_in(client, HEAD["nik"], PASSWORD).status_code == 303
    status = page(client.get("/kepesertaan"))
    assert status.select_one("#status .big").get_text() == "MENUNGGU PEMBAYARAN PERTAMA"


def test_registered_by_a_facilitator_who_sets_the_initial_password(app):
    client = signed_in_client(app, "fasilitator")
    base = draft_up_to(app, client, "periksa")
    assert "Buat kata sandi awal untuk Andi Wijaya" in page(client.get(f"{base}/periksa")).get_text()
    assert submit(client, base).status_code == 303
    with app.app_context():
        registration = registration_at(app, base)
        assert registration.created_by.username == "fasilitator"
        assert AuditLog.get(AuditLog.action == "registration_completed").actor.username == "fasilitator"
    head = app.test_client()
    assert sign_in(head, HEAD["nik"], PASSWORD).status_code == 303


def test_picker_button_refreshes_the_picker_without_saving_and_keeps_the_input(app, client):
    base = start(client)
    response = post(client, f"{base}/keluarga", kk_number=KK, phone="081234567890", provinsi="32")
    html = page(response)
    assert response.status_code == 200
    assert html.find("select", {"name": "kabupaten"})  # the next level opened
    assert html.find("input", {"name": "kk_number"})["value"] == KK
    assert not html.select(".error")
    assert registration_at(app, base).data == {}


def test_a_member_can_be_removed(app, client):
    base = draft_up_to(app, client, "anggota", members=(HEAD, WIFE))
    assert post(client, f"{base}/anggota/hapus", hapus="1").status_code == 303
    listed = [li.b.get_text() for li in page(client.get(f"{base}/anggota")).select("ol.list > li")]
    assert listed == ["Andi Wijaya"]


def test_steps_cannot_be_skipped(app, client):
    base = start(client)
    assert client.get(f"{base}/faskes").headers["Location"] == f"{base}/keluarga"
    save_family(client, base)
    assert client.get(f"{base}/periksa").headers["Location"] == f"{base}/anggota"
    response = post(client, f"{base}/anggota/lanjut")
    assert error_next_to(response, "members") == ["Tambahkan dulu anggota keluarga, mulai dari kepala keluarga."]
    add(client, base, WIFE)
    response = post(client, f"{base}/anggota/lanjut")
    assert error_next_to(response, "members") == [
        "Belum ada kepala keluarga. Tambahkan anggota dengan hubungan Kepala keluarga."]


def test_changing_the_district_drops_the_chosen_facility(app, client):
    base = draft_up_to(app, client, "periksa")
    save_family(client, base, region=COBLONG)
    assert client.get(f"{base}/periksa").headers["Location"] == f"{base}/faskes"
    offered = [o.get_text() for o in page(client.get(f"{base}/faskes")).select("select[name=fktp] option")]
    assert "Puskesmas Coblong — Coblong" in offered


# --- htmx: the same URLs answer with their fragment ----------------------------------------------

@pytest.mark.parametrize("step", ["keluarga", "anggota", "faskes", "periksa", "selesai"])
def test_each_step_is_a_full_page_and_an_htmx_fragment(app, client, step):
    base = draft_up_to(app, client, "selesai" if step == "selesai" else step)
    if step == "selesai":
        submit(client, base)
    url = f"{base}/{step}"
    full = client.get(url)
    assert full.status_code == 200 and page(full).html and page(full).title
    assert page(full).select_one("#step")["hx-history"] == "false"
    assert page(client.get(url, headers=HX_BOOSTED)).html is not None  # a boosted navigation: the page
    fragment = client.get(url, headers=HX)
    html = page(fragment)
    assert fragment.status_code == 200 and html.html is None and html.title is None
    assert html.find().name == "section" and html.find()["id"] == "step"
    assert "HX-Request" in fragment.headers["Vary"]
    assert fragment.headers["Cache-Control"] == "no-store"


def test_htmx_invalid_step_answers_with_the_fragment_and_success_with_hx_redirect(app, client):
    base = start(client)
    fragment = post(client, f"{base}/keluarga", headers=HX, kk_number="123", lanjut="1", **CIBINONG)
    assert fragment.status_code == 200 and page(fragment).html is None
    assert error_next_to(fragment, "kk_number") == ["Nomor KK harus 16 angka."]
    moved = post(client, f"{base}/keluarga", headers=HX, kk_number=KK, phone="081234567890", lanjut="1",
                 **CIBINONG)
    assert (moved.status_code, moved.headers["HX-Redirect"]) == (200, f"{base}/anggota")
    stays = add(client, base, HEAD, headers=HX)  # adding a member stays on its page: follow the 303
    assert (stays.status_code, stays.headers["Location"]) == (303, f"{base}/anggota")
    bad = add(client, base, dict(WIFE, nik="12"), headers=HX)
    assert page(bad).html is None and error_next_to(bad, "nik") == ["NIK harus 16 angka."]


def test_resume_and_start_page_fragments(client):
    fragment = client.post("/pendaftaran/lanjutkan", headers=HX,
                           data={"csrf_token": token_of(client), "code": "1", "kk_number": KK})
    html = page(fragment)
    assert html.html is None and html.find()["id"] == "resume"
    assert error_next_to(fragment, "code") == ["Kode pendaftaran terdiri dari 12 angka."]


# --- resume after a dropped connection -----------------------------------------------------------

def test_another_device_resumes_with_the_code_and_the_kk_number(app, client):
    base = draft_up_to(app, client, "anggota", members=(HEAD,))
    code = base.rsplit("/", 1)[1]
    other = app.test_client()
    assert other.get(f"{base}/anggota").status_code == 404  # the URL alone opens nothing
    spaced = f"{code[:4]} {code[4:8]} {code[8:]}"
    response = post(other, "/pendaftaran/lanjutkan", code=spaced, kk_number="3201-0123-4567-8901")
    assert response.headers["Location"] == f"{base}/faskes"  # the furthest step it may open
    listed = [li.b.get_text() for li in page(other.get(f"{base}/anggota")).select("ol.list > li")]
    assert listed == ["Andi Wijaya"]
    # and the start page of that device now lists it
    links = [a["href"] for a in page(other.get("/pendaftaran")).select("main ul.list a")]
    assert links == [f"{base}/faskes"]


def test_resume_htmx_success_loads_the_step_as_a_page(app, client):
    base = draft_up_to(app, client, "anggota", members=(HEAD,))
    other = app.test_client()
    response = post(other, "/pendaftaran/lanjutkan", headers=HX, code=base.rsplit("/", 1)[1], kk_number=KK)
    assert response.headers["HX-Redirect"] == f"{base}/faskes"


@pytest.mark.parametrize("code,kk,message", [
    ("999999999999", KK, "Kode pendaftaran atau nomor KK tidak cocok. Periksa lagi."),
    (None, "3201019999999999", "Kode pendaftaran atau nomor KK tidak cocok. Periksa lagi."),
    ("12345", KK, "Kode pendaftaran terdiri dari 12 angka."),
    ("<script>", KK, "Kode pendaftaran terdiri dari 12 angka."),
    ("", KK, "Wajib diisi."),
])
def test_unknown_or_forged_resume_code_is_refused(app, client, code, kk, message):
    base = draft_up_to(app, client, "anggota", members=(HEAD,))
    other = app.test_client()
    response = post(other, "/pendaftaran/lanjutkan", code=base.rsplit("/", 1)[1] if code is None else code,
                    kk_number=kk)
    assert response.status_code == 200
    assert error_next_to(response, "code") == [message]
    assert page(response).find("input", {"name": "kk_number"})["value"] == kk
    assert other.get(f"{base}/anggota").status_code == 404


def test_resume_failures_are_rate_limited_per_ip(client):
    answers = [post(client, "/pendaftaran/lanjutkan", code="999999999999", kk_number=KK).status_code
               for _ in range(11)]
    assert answers[:10] == [200] * 10 and answers[10] == 429


def test_a_draft_is_not_found_by_strangers_or_forged_codes(app, client):
    base = draft_up_to(app, client, "anggota", members=())
    assert app.test_client().get(f"{base}/keluarga").status_code == 404
    assert client.get("/pendaftaran/12ab/keluarga").status_code == 404
    assert client.get("/pendaftaran/000000000000/keluarga").status_code == 404
    petugas = signed_in_client(app, "petugas_bpjs")  # not its creator
    assert petugas.get(f"{base}/keluarga").status_code == 404


# --- de-duplication ------------------------------------------------------------------------------

def test_a_registered_nik_is_refused_with_where_to_go(app, client):
    base = draft_up_to(app, client, "anggota", members=(HEAD,))
    response = add(client, base, dict(WIFE, nik=SITI_NIK, birth_date="02-03-1988"))
    assert response.status_code == 200
    assert error_next_to(response, "nik") == [NIK_REGISTERED]
    assert page(response).find("input", {"name": "nik"})["value"] == SITI_NIK
    assert len(registration_at(app, base).data["members"]) == 1


def test_a_registered_kk_cannot_found_a_second_family(app, client):
    base = start(client)
    response = save_family(client, base, kk=DEMO_KK)
    assert response.status_code == 200
    [message] = error_next_to(response, "kk_number")
    assert "sudah terdaftar" in message and "Tambah anggota keluarga" in message
    assert registration_at(app, base).data == {}


def test_similar_name_and_same_birth_date_in_the_district_goes_to_an_officer(app, client):
    look_alike = {"nik": "3201014203880009", "name": "Siti Aminnah", "sex": "P", "birth_date": "02-03-1988",
                  "relationship": "istri"}
    base = draft_up_to(app, client, "periksa", members=(HEAD, look_alike))
    assert submit(client, base).headers["Location"] == f"{base}/selesai"
    done = page(client.get(f"{base}/selesai"))
    assert done.h1.get_text() == "Pendaftaran sedang diperiksa"
    assert "1×24 jam" in done.get_text()
    registration = registration_at(app, base)
    with app.app_context():
        siti = Participant.by_nik(SITI_NIK)
        assert registration.status == "review"
        assert json.loads(registration.flags) == [{"member": 1, "participant": siti.id}]
        assert "password_hash" in registration.data
        assert not Family.select().where(Family.kk_number == KK).exists()
    assert sign_in(app.test_client(), HEAD["nik"], PASSWORD).status_code == 200  # no account yet


def test_similar_name_in_another_district_is_not_flagged(app, client):
    look_alike = {"nik": "3273024203880009", "name": "Siti Aminnah", "sex": "P", "birth_date": "02-03-1988",
                  "relationship": "istri"}
    base = draft_up_to(app, client, "periksa", members=(dict(HEAD, nik="3273021203900001"), look_alike),
                       region=COBLONG, kk="3273021234567890")
    submit(client, base)
    assert registration_at(app, base).status == "done"


def test_a_nik_registered_meanwhile_is_refused_at_sending_and_nothing_is_half_saved(app, client):
    base = draft_up_to(app, client, "periksa")
    with app.app_context():  # someone else registered the child in the meantime
        other = Family.create(kk_number="3201019999999999", segment="PBPU", care_class=3, district="32.01.01",
                              registered_on=clock.today())
        child = Participant(card_number=Participant.new_card_number(), name="Bagas", sex="L",
                            birth_date=clock.today(), family=other, relationship="kepala")
        child.nik = CHILD["nik"]
        child.save()
    response = submit(client, base)
    assert response.status_code == 200
    assert error_next_to(response, "submit") == [f"Bagas Wijaya: {NIK_REGISTERED}"]
    with app.app_context():
        assert not Family.select().where(Family.kk_number == KK).exists()
        assert Participant.by_nik(HEAD["nik"]) is None
        assert registration_at(app, base).status == "draft"


# --- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize("nik,message", [
    ("12345", "NIK harus 16 angka."),
    ("32010112039000011", "NIK harus 16 angka."),
    ("320101120390000x", "NIK harus 16 angka."),
    ("0001011203900001", "NIK ini tidak sah: dua angka pertamanya bukan kode provinsi."),
    ("3201013203900001", "NIK ini tidak sah: angka ke-7 sampai ke-12 bukan tanggal lahir yang benar."),
    ("3201011203900000", "NIK ini tidak sah: empat angka terakhirnya tidak boleh 0000."),
    ("1" * 31, "Terlalu panjang (maksimal 30 karakter)."),
    ("", "Wajib diisi."),
])
def test_malformed_nik_is_explained_next_to_the_field(app, client, nik, message):
    base = draft_up_to(app, client, "anggota", members=())
    response = add(client, base, dict(HEAD, nik=nik))
    assert response.status_code == 200
    assert error_next_to(response, "nik") == [message]
    form = page(response).find("form", id="member")
    assert form.find("input", {"name": "nik"}).get("value", "") == nik[:30]  # only what fits is kept
    assert form.find("input", {"name": "name"})["value"] == HEAD["name"]


@pytest.mark.parametrize("field,value,message", [
    ("kk_number", "12345", "Nomor KK harus 16 angka."),
    ("kk_number", "1" * 31, "Terlalu panjang (maksimal 30 karakter)."),
    ("kk_number", "", "Wajib diisi."),
    ("phone", "12", "Nomor HP tidak sah. Contoh: 081234567890."),
    ("phone", "0" * 21, "Terlalu panjang (maksimal 20 karakter)."),
    ("address", "x" * 201, "Terlalu panjang (maksimal 200 karakter)."),
])
def test_bad_family_answers_are_explained_and_kept(app, client, field, value, message):
    base = start(client)
    response = save_family(client, base, **{field: value} if field != "kk_number" else {"kk": value})
    assert response.status_code == 200
    assert error_next_to(response, field) == [message]
    kept = page(response).find("input", {"name": field}).get("value", "")
    assert kept == (value[:len(kept)] if message.startswith("Terlalu panjang") else value)  # only what fits
    assert registration_at(app, base).data == {}


def test_missing_district_is_asked_for(app, client):
    base = start(client)
    response = save_family(client, base, region={"provinsi": "32"})
    assert error_next_to(response, "kecamatan") == [
        "Pilih kecamatan tempat tinggal. Tekan Pilih untuk membuka daftarnya."]
    assert page(response).find("input", {"name": "kk_number"})["value"] == KK
    forged = save_family(client, base, region={"provinsi": "32", "kabupaten": "36.03", "kecamatan": "36.03.03"})
    assert error_next_to(forged, "kecamatan")
    assert registration_at(app, base).data == {}


@pytest.mark.parametrize("member,field,message", [
    (dict(WIFE, birth_date="32-13-1992"), "birth_date", "Tulis tanggal lahir seperti 17-08-1985 (tanggal-bulan-tahun)."),
    (dict(WIFE, birth_date="kemarin"), "birth_date", "Tulis tanggal lahir seperti 17-08-1985 (tanggal-bulan-tahun)."),
    (dict(WIFE, name="A" * 101), "name", "Terlalu panjang (maksimal 100 karakter)."),
    (dict(WIFE, name="12345"), "name", "Nama harus berisi huruf."),
    (dict(WIFE, sex="X"), "sex", "Pilih salah satu."),
    (dict(WIFE, relationship="raja"), "relationship", "Pilih salah satu."),
    (dict(WIFE, relationship="kepala"), "relationship", "Sudah ada kepala keluarga. Pilih hubungan yang lain."),
    (dict(WIFE, nik=HEAD["nik"]), "nik", "NIK ini sudah dimasukkan untuk anggota lain di pendaftaran ini."),
    (dict(CHILD, birth_date="01-01-1985", nik="3201010101850003"), "birth_date",
     "Anak tidak mungkin lahir sebelum kepala keluarga. Periksa tanggal lahir atau hubungan."),
])
def test_bad_member_answers_are_explained_next_to_the_field(app, client, member, field, message):
    base = draft_up_to(app, client, "anggota", members=(HEAD,))
    response = add(client, base, member)
    assert response.status_code == 200
    assert error_next_to(response, field) == [message]
    assert len(registration_at(app, base).data["members"]) == 1


def test_a_birth_date_in_the_future_is_refused(app, client):
    base = draft_up_to(app, client, "anggota", members=(HEAD,))
    tomorrow = clock.today() + timedelta(days=1)
    response = add(client, base, dict(CHILD, birth_date=tomorrow.strftime("%d-%m-%Y")))
    assert error_next_to(response, "birth_date") == ["Tanggal lahir tidak boleh setelah hari ini."]


def test_a_head_younger_than_a_child_already_entered_is_refused(app, client):
    base = draft_up_to(app, client, "anggota", members=(CHILD,))
    response = add(client, base, dict(HEAD, birth_date="01-01-2016", nik="3201010101160001"))
    assert error_next_to(response, "birth_date") == [
        "Kepala keluarga tidak mungkin lahir setelah anaknya. Periksa tanggal lahir atau hubungan."]


def test_a_birth_date_that_disagrees_with_the_nik_is_only_warned_about(app, client):
    base = draft_up_to(app, client, "anggota", members=(HEAD,))
    response = add(client, base, dict(WIFE, birth_date="16-06-1992", sex="L", name=""))  # another error too
    assert error_next_to(response, "name") == ["Wajib diisi."]
    html = page(response)
    assert html.select_one("#birth_date-warning").get_text().startswith("Tanggal lahir ini berbeda dengan")
    assert html.select_one("#sex-warning")
    assert add(client, base, dict(WIFE, birth_date="16-06-1992")).status_code == 303  # not blocking
    listed = page(client.get(f"{base}/anggota"))
    assert "berbeda dengan yang tertulis di NIK" in listed.select_one("#member-1-warning").get_text()
    assert listed.select_one("#member-0-warning") is None


def test_a_facility_in_another_province_is_refused_even_when_forged(app, client):
    base = draft_up_to(app, client, "faskes")
    with app.app_context():
        banten = Facility.get(Facility.code == "DEMO-PKM-3603").id
        hospital = Facility.get(Facility.code == "DEMO-RS-3201").id
    cases = [(banten, "Faskes ini ada di provinsi lain. Pilih faskes di provinsi tempat tinggal Anda."),
             (hospital, "Faskes ini bukan faskes tingkat pertama mitra BPJS. Pilih dari daftar."),
             (987654, "Pilih salah satu faskes dari daftar."),
             ("1 OR 1=1", "Pilih salah satu faskes dari daftar."),
             ("", "Pilih salah satu.")]
    for facility_id, message in cases:
        response = post(client, f"{base}/faskes", fktp=str(facility_id), segment="PBPU", care_class="3", lanjut="1")
        assert response.status_code == 200
        assert error_next_to(response, "fktp") == [message], facility_id
    assert "fktp" not in registration_at(app, base).data


@pytest.mark.parametrize("segment,care_class,field", [("PBI", "3", "segment"), ("PBPU", "4", "care_class"),
                                                       ("PBPU", "", "care_class")])
def test_segment_and_class_must_be_offered_ones(app, client, segment, care_class, field):
    base = draft_up_to(app, client, "faskes")
    response = choose_facility(app, client, base, segment=segment, care_class=care_class)
    assert error_next_to(response, field) == ["Pilih salah satu."]


@pytest.mark.parametrize("password,confirm,agree,field,message", [
    ("pendek", "pendek", "y", "password", "Kata sandi minimal 8 karakter."),
    ("12031990x", "12031990x", "y", "password", "Jangan memakai tanggal lahir sebagai kata sandi."),
    ("bismillah123", "bismillah123", "y", "password", "Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain."),
    (PASSWORD, "lain-lain-99", "y", "confirm", "Tidak sama dengan kata sandi di atas."),
    (PASSWORD, PASSWORD, "", "agree", "Centang pernyataan ini untuk mengirim."),
])
def test_last_step_refuses_a_weak_or_unconfirmed_password(app, client, password, confirm, agree, field, message):
    base = draft_up_to(app, client, "periksa")
    data = {"password": password, "confirm": confirm}
    if agree:
        data["agree"] = agree
    response = post(client, f"{base}/periksa", **data)
    assert response.status_code == 200
    assert error_next_to(response, field) == [message]
    assert page(response).find("input", {"name": "password"}).get("value", "") == ""
    assert registration_at(app, base).status == "draft"


def test_a_step_posted_for_a_finished_registration_changes_nothing(app, client):
    base = draft_up_to(app, client, "periksa")
    submit(client, base)
    for step, data in (("keluarga", {"kk_number": "3201019999999999", "lanjut": "1", **CIBINONG}),
                       ("anggota/hapus", {"hapus": "0"}), ("anggota/tambah", CHILD),
                       ("anggota/lanjut", {}), ("faskes", {"lanjut": "1"}),
                       ("periksa", {"password": PASSWORD, "confirm": PASSWORD, "agree": "y"})):
        response = post(client, f"{base}/{step}", **data)
        assert response.headers["Location"] == f"{base}/selesai", step
    done = page(client.get(f"{base}/selesai"))
    assert "Pendaftaran ini sudah dikirim, jadi isinya tidak bisa diubah lagi." in done.select_one(".flash").get_text()
    with app.app_context():
        assert Family.get(Family.kk_number == KK).members.count() == 3


def test_a_finished_registration_can_be_forgotten_on_a_shared_device(app, client):
    base = draft_up_to(app, client, "periksa")
    submit(client, base)
    assert post(client, f"{base}/selesai").headers["Location"] == "/pendaftaran"
    assert client.get(f"{base}/selesai").status_code == 404


# --- officer review ------------------------------------------------------------------------------

LOOK_ALIKE = {"nik": "3201014203880009", "name": "Siti Aminnah", "sex": "P", "birth_date": "02-03-1988",
              "relationship": "istri"}


def flagged(app):
    client = app.test_client()
    base = draft_up_to(app, client, "periksa", members=(HEAD, LOOK_ALIKE))
    submit(client, base)
    registration = registration_at(app, base)
    return client, base, f"/petugas/pendaftaran/{registration.id}", registration


def test_officer_sees_the_draft_masked_and_why_it_was_flagged(app):
    _, _, url, registration = flagged(app)
    officer = signed_in_client(app, "petugas_bpjs")
    queue = page(officer.get("/petugas/antrean-kerja"))
    assert queue.find("a", href=url)
    response = officer.get(url)
    html = page(response)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    match = html.select_one("#matches li").get_text(" ", strip=True)
    assert "Siti Aminnah, lahir 2 Mar 1988" in match
    assert "Siti Aminah" in match and "3201********0002" in match and "Cibinong" in match
    assert "3201********0001" in html.get_text() and "3201********0009" in html.get_text()
    assert HEAD["nik"] not in str(html) and LOOK_ALIKE["nik"] not in str(html) and SITI_NIK not in str(html)
    with app.app_context():
        assert AuditLog.select().where((AuditLog.action == "registration_viewed")
                                       & (AuditLog.subject == f"registration:{registration.id}")).exists()


def test_officer_approves_and_the_family_is_created(app):
    applicant, base, url, registration = flagged(app)
    officer = signed_in_client(app, "petugas_bpjs")
    response = officer.post(url, data={"csrf_token": token_of(officer), "decision": "setujui", "reason": ""})
    assert response.headers["Location"] == url
    with app.app_context():
        family = Family.get(Family.kk_number == KK)
        assert family.cover_start == contributions.month_of(clock.today())
        assert family.va_number == LocalVaIssuer().issue(family)
        assert family.member_count() == 2
        decided = Registration.get_by_id(registration.id)
        assert (decided.status, decided.decided_by.username, decided.family_id) == ("done", "petugas", family.id)
        assert "password_hash" not in decided.data
        entry = AuditLog.get(AuditLog.action == "registration_approved")
        assert entry.subject == f"registration:{registration.id}" and entry.actor.username == "petugas"
    assert page(officer.get(url)).find("form", action=url) is None  # decided: no form any more
    assert page(applicant.get(f"{base}/selesai")).h1.get_text() == "Pendaftaran selesai"
    head = app.test_client()
    assert sign_in(head, HEAD["nik"], PASSWORD).status_code == 303
    assert page(head.get("/kepesertaan")).select_one("#status .big").get_text() == "MENUNGGU PEMBAYARAN PERTAMA"


def test_officer_rejects_only_with_a_reason(app):
    applicant, base, url, registration = flagged(app)
    officer = signed_in_client(app, "admin")
    missing = officer.post(url, data={"csrf_token": token_of(officer), "decision": "tolak", "reason": "  "})
    assert missing.status_code == 200
    assert error_next_to(missing, "reason") == ["Tulis alasan penolakan: peserta akan membacanya."]
    assert error_next_to(officer.post(url, data={"csrf_token": token_of(officer), "decision": "x"}),
                         "decision") == ["Pilih setujui atau tolak."]
    assert registration_at(app, base).status == "review"
    reason = "Orang yang sama dengan peserta Siti Aminah; NIK di KK salah ketik."
    response = officer.post(url, data={"csrf_token": token_of(officer), "decision": "tolak", "reason": reason})
    assert response.status_code == 303
    with app.app_context():
        decided = Registration.get_by_id(registration.id)
        assert (decided.status, decided.decision_reason) == ("rejected", reason)
        assert "password_hash" not in decided.data
        assert not Family.select().where(Family.kk_number == KK).exists()
        entry = AuditLog.get(AuditLog.action == "registration_rejected")
        assert entry.subject == f"registration:{registration.id}"
    done = page(applicant.get(f"{base}/selesai"))
    assert done.h1.get_text() == "Pendaftaran ditolak" and reason in done.get_text()
    again = officer.post(url, data={"csrf_token": token_of(officer), "decision": "setujui"})
    assert page(again).select_one("#decision-failed").get_text() == "Pendaftaran ini sudah diputuskan."


def test_officer_page_as_a_fragment(app):
    _, _, url, _ = flagged(app)
    officer = signed_in_client(app, "petugas_bpjs")
    html = page(officer.get(url, headers=HX))
    assert html.html is None and html.find()["id"] == "review"


def test_only_officers_reach_the_review(app, client):
    _, base, url, _ = flagged(app)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/masuk")
    for role in ("peserta", "fasilitator", "petugas_faskes"):
        assert signed_in_client(app, role).get(url).status_code == 403, role
    officer = signed_in_client(app, "petugas_bpjs")
    assert officer.get("/petugas/pendaftaran/999999").status_code == 404
    peserta = signed_in_client(app, "peserta")
    forbidden = peserta.post(url, data={"csrf_token": token_of(peserta), "decision": "setujui"})
    assert forbidden.status_code == 403
    assert registration_at(app, base).status == "review"


def test_a_draft_in_progress_is_not_shown_to_officers(app, client):
    base = draft_up_to(app, client, "anggota", members=(HEAD,))
    officer = signed_in_client(app, "petugas_bpjs")
    assert officer.get(f"/petugas/pendaftaran/{registration_at(app, base).id}").status_code == 404


# --- tambah anggota --------------------------------------------------------------------------------

def birth_letter():
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (240, 240, 230)).save(out, "PNG")
    return (io.BytesIO(out.getvalue()), "surat-lahir.png")


def add_to_family(client, member, headers=None, document=True, **extra):
    data = {"csrf_token": token_of(client), **member, **extra}
    if document:
        data["document"] = birth_letter()
    return client.post("/tambah-anggota", data=data, headers=headers, content_type="multipart/form-data")


def baby(days_old, sex="P"):
    born = clock.today() - timedelta(days=days_old)
    return {"nik": nik_for(born, sex), "name": "Putri Santoso", "sex": sex,
            "birth_date": born.strftime("%d-%m-%Y"), "relationship": "anak"}


def test_head_adds_a_newborn_in_time(app):
    client = signed_in_client(app, "peserta")
    form = page(client.get("/tambah-anggota")).find("form", id="member")
    assert form["method"] == "post" and form["action"] == "/tambah-anggota"
    assert "kepala" not in [o["value"] for o in form.select("select[name=relationship] option")]
    response = add_to_family(client, baby(10))
    assert response.headers["Location"] == "/kepesertaan"
    with app.app_context():
        added = Participant.get(Participant.name == "Putri Santoso")
        assert added.family.kk_number == DEMO_KK and added.registered_on == clock.today()
        assert AuditLog.select().where(AuditLog.action == "member_added").order_by(AuditLog.id.desc()).get().subject == f"participant:{added.id}"
        card = added.card_number
    status = page(client.get("/kepesertaan"))
    flash = status.select_one(".flash").get_text()
    assert f"Putri Santoso sudah ditambahkan. Nomor kartu JKN: {card}." in flash
    assert "Rp140.000 per bulan" in flash  # 4 members × Rp35.000 (kelas 3)
    assert "Putri Santoso" in [li.b.get_text() for li in status.select("ol.list li")]


def test_a_late_newborn_is_warned_about_and_needs_a_confirmation(app):
    client = signed_in_client(app, "peserta")
    late = baby(40)
    response = add_to_family(client, late)
    assert response.status_code == 200
    html = page(response)
    assert html.select_one("#birth_date-late").get_text() == (
        "Bayi didaftarkan lebih dari 28 hari setelah lahir (terlambat 12 hari). Jaminan untuk bayi berlaku "
        "setelah terdaftar dan iurannya dibayar; biaya berobat sebelum itu tidak ditanggung.")
    assert html.find("input", {"name": "confirm_late", "type": "checkbox"})
    assert error_next_to(response, "confirm_late") == [
        "Centang kotak ini untuk menyatakan Anda sudah membaca keterangan di atas."]
    assert html.find("input", {"name": "nik"})["value"] == late["nik"]
    with app.app_context():
        assert not Participant.select().where(Participant.name == "Putri Santoso").exists()
    assert add_to_family(client, late, confirm_late="y").headers["Location"] == "/kepesertaan"
    with app.app_context():
        assert AuditLog.select().where(AuditLog.action == "member_added").order_by(AuditLog.id.desc()).get().detail == '{"days_late": 12}'


def test_adding_a_member_refuses_bad_input(app):
    client = signed_in_client(app, "peserta")
    cases = [
        (dict(baby(10), nik=SITI_NIK), "nik", "NIK ini sudah terdaftar di keluarga Anda."),
        (dict(baby(10), nik="3273026104790001"), "nik", NIK_REGISTERED),  # Dewi, another family
        (dict(baby(10), nik="123"), "nik", "NIK harus 16 angka."),
        (dict(baby(10), relationship="kepala"), "relationship", "Pilih salah satu."),
        (dict(baby(10), birth_date=(clock.today() + timedelta(days=3)).strftime("%d-%m-%Y")), "birth_date",
         "Tanggal lahir tidak boleh setelah hari ini."),
        (dict(baby(10), birth_date="01-01-1980", nik="3201014101800009"), "birth_date",
         "Anak tidak mungkin lahir sebelum kepala keluarga. Periksa tanggal lahir atau hubungan."),
        (dict(baby(10), name="x" * 101), "name", "Terlalu panjang (maksimal 100 karakter)."),
    ]
    for member, field, message in cases:
        response = add_to_family(client, member)
        assert response.status_code == 200, member
        assert error_next_to(response, field) == [message], member
    with app.app_context():
        assert Participant.select().where(Participant.name == "Putri Santoso").count() == 0


def test_adding_a_member_whose_nik_disagrees_warns_but_saves(app):
    client = signed_in_client(app, "peserta")
    member = dict(baby(10), sex="L")  # the NIK says a girl
    response = add_to_family(client, member)
    assert response.status_code == 303
    flashes = [p.get_text() for p in page(client.get("/kepesertaan")).select(".flash")]
    assert any(f.startswith("Jenis kelamin ini berbeda dengan yang tertulis di NIK") for f in flashes)
    assert not any(member["nik"] in f for f in flashes)


def test_families_paid_for_by_others_add_members_elsewhere(app):
    with app.app_context():
        Family.update(segment="PPU").where(Family.kk_number == DEMO_KK).execute()
    client = signed_in_client(app, "peserta")
    html = page(client.get("/tambah-anggota"))
    assert "didaftarkan oleh pemberi kerja" in html.main.get_text() and html.find("form", id="member") is None
    assert add_to_family(client, baby(10)).status_code == 200
    with app.app_context():
        assert not Participant.select().where(Participant.name == "Putri Santoso").exists()


def test_add_member_htmx_fragment(app):
    client = signed_in_client(app, "peserta")
    html = page(client.get("/tambah-anggota", headers=HX))
    assert html.html is None and html.find()["id"] == "add-member"
    moved = add_to_family(client, baby(10), headers=HX)
    assert moved.headers["HX-Redirect"] == "/kepesertaan"


def test_only_the_head_adds_members(app, client):
    with app.app_context():
        siti = Participant.by_nik(SITI_NIK)
        User.create(participant=siti, role="peserta", password_hash=security.hash_password("demo1234"))
    wife = app.test_client()
    assert sign_in(wife, SITI_NIK).status_code == 303
    refused = wife.get("/tambah-anggota")
    assert refused.status_code == 403
    assert "Hanya kepala keluarga yang bisa menambah anggota." in page(refused).main.get_text()
    assert page(refused).find("form", id="member") is None
    assert add_to_family(wife, baby(10)).status_code == 403
    assert client.get("/tambah-anggota").headers["Location"].startswith("/masuk")
    assert signed_in_client(app, "fasilitator").get("/tambah-anggota").status_code == 403
    with app.app_context():
        assert not Participant.select().where(Participant.name == "Putri Santoso").exists()


# --- budgets ---------------------------------------------------------------------------------------

def test_registration_pages_stay_within_the_core_budget(app, client):
    review_url = flagged(app)[2]  # first: it uses the same KK and NIKs, still unregistered
    base = draft_up_to(app, client, "anggota", members=(HEAD, WIFE))
    add(client, base, CHILD)
    urls = ["/pendaftaran", f"{base}/keluarga", f"{base}/anggota", f"{base}/faskes"]
    post(client, f"{base}/anggota/lanjut")
    choose_facility(app, client, base)
    urls.append(f"{base}/periksa")
    pages = [(url, client.get(url, headers={"Accept-Encoding": "gzip"})) for url in urls]
    pages.append(("invalid member", client.post(f"{base}/anggota/tambah", headers={"Accept-Encoding": "gzip"}, data={
        "csrf_token": token_of(client), "nik": "1", "name": "", "birth_date": "x"})))
    submit(client, base)
    pages.append(("selesai", client.get(f"{base}/selesai", headers={"Accept-Encoding": "gzip"})))
    for role, url in (("peserta", "/tambah-anggota"), ("petugas_bpjs", review_url)):
        pages.append((url, signed_in_client(app, role).get(url, headers={"Accept-Encoding": "gzip"})))
    for url, response in pages:
        assert page_problems(url, response, BeautifulSoup(decoded(response), "html.parser")) == [], url
        assert transfer_size(response) <= 10_000, (url, transfer_size(response))
    fragment = client.get(f"{base}/selesai", headers={"Accept-Encoding": "gzip", **HX})
    assert transfer_size(fragment) <= 2_048


def test_step_fragments_stay_within_the_fragment_budget(app, client):
    base = draft_up_to(app, client, "faskes", members=(HEAD, WIFE, CHILD))
    gzip_htmx = {"Accept-Encoding": "gzip", **HX}
    # the largest regency (most districts) makes the family step's picker the longest
    save_family(client, base, region={"provinsi": "32", "kabupaten": "32.02", "kecamatan": "32.02.01"})
    sizes = {step: len(client.get(f"{base}/{step}", headers=gzip_htmx).get_data())
             for step in ("keluarga", "anggota", "faskes")}
    assert all(size <= 2_048 for size in sizes.values()), sizes
