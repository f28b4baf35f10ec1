"""Perubahan data as participants and officers meet it: contact, FKTP and class changes, requests with a
document photo, the officer's decision, uploads, and nothing of another family by any URL."""
import gzip
import io
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from app.core import clock, demo
from app.models import (
    AuditLog,
    ChangeRequest,
    Facility,
    Family,
    MembershipChange,
    Participant,
    RateVersion,
    User,
)
from tests.helpers import (
    PAGE_BUDGET,
    error_next_to,
    page,
    page_problems,
    sign_in,
    signed_in_client,
    transfer_size,
)

BUDI_CARD, SITI_CARD, RIZKY_CARD, DEWI_CARD, AGUS_CARD = (
    "0001000000001", "0001000000003", "0001000000004", "0001000000002", "0001000000005")
BUDI_NIK, SITI_NIK = "3201011708850001", "3201014203880002"
NEW_NIK = "3201011708850009"
PASSWORD = demo.PASSWORD


# --- helpers and fixtures -------------------------------------------------------------------

@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path, monkeypatch):
    """Uploads of this test land in its own directory (never the instance folder)."""
    directory = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(directory))
    return directory


def on_day(monkeypatch, day):
    """Move today's date (WIB) without moving the session clock."""
    monkeypatch.setattr(clock, "today", lambda: day)


def token(client):
    return page(client.get("/beranda")).find("input", {"name": "csrf_token"})["value"]


def post(client, path, data, **kwargs):
    return client.post(path, data={"csrf_token": token(client), **data}, **kwargs)



def flash_text(client, response):
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return page(client.get(response.headers["Location"])).select_one(".flash").get_text(" ", strip=True)


def person(app, card):
    with app.app_context():
        return Participant.by_card(card)


def family_of(app, card):
    with app.app_context():
        return Family.get_by_id(Participant.by_card(card).family_id)


def update_family(app, card, **fields):
    with app.app_context():
        Family.update(**fields).where(Family.id == Participant.by_card(card).family_id).execute()


def member_client(app, card):
    """Sign in a family member who is not the head (the demo gives them no account)."""
    with app.app_context():
        user = User(participant=Participant.by_card(card), role="peserta")
        user.set_password(PASSWORD)
        user.save()
    client = app.test_client()
    assert sign_in(client, card).status_code == 303
    return client


def facility_id(app, code):
    with app.app_context():
        return Facility.get(Facility.code == code).id


def png_bytes(size=(60, 40)):
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def jpeg_with_exif(size=(80, 60)):
    image = Image.new("RGB", size, (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"  # Make
    exif[0x0131] = "Editor 1.0"  # Software
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"lokasi rumah")
    return out.getvalue()


def request_data(value, reason="Salah ketik saat pendaftaran.", document=None, password=PASSWORD,
                 filename="ktp.png"):
    data = {"value": value, "reason": reason, "current_password": password}
    if document is not False:
        data["document"] = (io.BytesIO(document if document is not None else png_bytes()), filename)
    return data


def ask(client, participant_id, kind, value, **kwargs):
    return post(client, f"/perubahan-data/permintaan?peserta={participant_id}&jenis={kind}",
                request_data(value, **kwargs))


def requests_of(app, card):
    """The participant's requests, each with its (decrypted) `value`."""
    with app.app_context():
        found = list(ChangeRequest.select().where(ChangeRequest.participant == Participant.by_card(card).id)
                     .order_by(ChangeRequest.id))
        for change in found:
            change.value = change.data["value"]
        return found


def latest_request(app, card):
    found = requests_of(app, card)
    return found[-1] if found else None


# --- the overview ---------------------------------------------------------------------------

def test_overview_shows_what_can_change_now_the_rules_and_empty_history(budi):
    html = page(budi.get("/perubahan-data"))
    assert html.h1.get_text() == "Perubahan data"
    links = {a["href"] for a in html.select("#choices a")}
    assert links == {"/perubahan-data/kontak", "/perubahan-data/faskes", "/perubahan-data/kelas",
                     "/perubahan-data/permintaan"}
    facts = html.select_one("dl.facts").get_text(" ", strip=True)
    assert "081200000001" in facts and "Puskesmas Cibinong" in facts and "Kelas 3" in facts
    assert "paling cepat 3 bulan" in html.get_text()
    assert html.select_one("#requests").get_text(strip=True) == "Belum ada permintaan."
    assert html.select_one("#history").get_text(strip=True) == "Belum ada perubahan."


def test_overview_says_when_fktp_and_class_become_possible(app, budi, monkeypatch):
    on_day(monkeypatch, date(2026, 5, 20))
    update_family(app, BUDI_CARD, fktp_changed_on=date(2026, 4, 1), class_changed_on=date(2026, 1, 10))
    html = page(budi.get("/perubahan-data"))
    assert html.select_one("#fktp-choice a") is None
    assert "FKTP bisa diubah lagi mulai 1 Jul 2026" in html.select_one("#fktp-choice").get_text()
    assert "Kelas bisa diubah lagi mulai 10 Jan 2027" in html.select_one("#class-choice").get_text()


# --- phone and address ----------------------------------------------------------------------

def test_phone_and_address_change_at_once_and_show_in_history(app, budi):
    form = page(budi.get("/perubahan-data/kontak")).find("form", action="/perubahan-data/kontak")
    assert form.find("input", {"name": "phone"})["value"] == "081200000001"
    response = post(budi, "/perubahan-data/kontak", {
        "phone": "+62 812-3456-7890", "address": "Jl. Melati No. 3, Cibinong",
        "current_password": PASSWORD})
    assert flash_text(budi, response) == "Nomor HP dan alamat domisili sudah diubah dan langsung berlaku."
    assert person(app, BUDI_CARD).phone == "081234567890"
    assert family_of(app, BUDI_CARD).address == "Jl. Melati No. 3, Cibinong"
    history = page(budi.get("/perubahan-data")).select("#history li")
    texts = [li.get_text(" ", strip=True) for li in history]
    assert any("Nomor HP — Budi Santoso" in t and "081200000001 → 081234567890" in t for t in texts)
    assert any("Alamat domisili" in t and "Jl. Melati No. 3, Cibinong" in t for t in texts)
    with app.app_context():
        entry = AuditLog.select().where(AuditLog.action == "contact_changed").order_by(AuditLog.id.desc()).get()
        assert entry.on_behalf_of_id == person(app, BUDI_CARD).id and "081234567890" not in entry.detail


def test_unchanged_contact_writes_nothing(app, budi):
    response = post(budi, "/perubahan-data/kontak", {
        "phone": "081200000001", "address": family_of(app, BUDI_CARD).address, "current_password": PASSWORD})
    assert flash_text(budi, response) == "Tidak ada yang berubah."
    with app.app_context():
        assert not MembershipChange.select().where(MembershipChange.family == family_of(app, BUDI_CARD).id).exists()


def test_wrong_password_keeps_input_saves_nothing_and_leaves_the_sign_in_counter_alone(app, budi):
    response = post(budi, "/perubahan-data/kontak", {
        "phone": "081299998888", "address": "Alamat baru", "current_password": "salah-sekali"})
    assert response.status_code == 200
    assert error_next_to(response, "current_password") == [
        "Kata sandi salah, atau akun dikunci sementara karena terlalu banyak percobaan."]
    html = page(response)
    assert html.find("input", {"name": "phone"})["value"] == "081299998888"
    assert html.find("textarea", {"name": "address"}).get_text(strip=True) == "Alamat baru"
    assert html.find("input", {"name": "current_password"}).get("value", "") == ""
    assert person(app, BUDI_CARD).phone == "081200000001"
    with app.app_context():
        account = User.for_identifier(BUDI_CARD)
        assert (account.failed_logins, account.reauth_failures) == (0, 1)


@pytest.mark.parametrize("phone", [
    "12345", "0712345678", "081234567", "08123456789012", "+62712345678", "+6208123456789", "62812345678",
    "08abc1234567", "",
])
def test_malformed_phone_is_explained_next_to_the_field(app, budi, phone):
    response = post(budi, "/perubahan-data/kontak", {"phone": phone, "address": "Alamat",
                                                     "current_password": PASSWORD})
    assert response.status_code == 200
    expected = "Tulis nomor HP Anda." if not phone else (
        "Nomor HP tidak sah. Tulis nomor seluler 10–13 angka yang diawali 08, atau diawali +628. "
        "Contoh: 081234567890.")
    assert error_next_to(response, "phone") == [expected]
    assert page(response).find("input", {"name": "phone"}).get("value", "") == phone
    assert person(app, BUDI_CARD).phone == "081200000001"
    assert family_of(app, BUDI_CARD).address != "Alamat"


@pytest.mark.parametrize("phone,stored", [("0812 3456 789", "08123456789"), ("0812345678901", "0812345678901"),
                                          ("+628123456789", "08123456789"), ("(0812) 3456.7890", "081234567890")])
def test_accepted_phone_formats(app, budi, phone, stored):
    response = post(budi, "/perubahan-data/kontak", {"phone": phone, "address": family_of(app, BUDI_CARD).address,
                                                     "current_password": PASSWORD})
    assert response.status_code == 303
    assert person(app, BUDI_CARD).phone == stored


def test_over_long_address_is_refused_and_kept(app, budi):
    address = "Jl. Panjang " + "x" * 200
    response = post(budi, "/perubahan-data/kontak", {"phone": "081299998888", "address": address,
                                                     "current_password": PASSWORD})
    assert error_next_to(response, "address") == [
        f"Alamat terlalu panjang: maksimal 200 karakter (sekarang {len(address)})."]
    assert page(response).find("textarea", {"name": "address"}).get_text().strip() == address
    assert person(app, BUDI_CARD).phone == "081200000001"  # nothing half-saved


def test_control_characters_are_dropped_from_the_address(app, budi):
    response = post(budi, "/perubahan-data/kontak", {"phone": "081200000001", "address": "Jl. Mawar\x00 No. 1\x07",
                                                     "current_password": PASSWORD})
    assert response.status_code == 303
    assert family_of(app, BUDI_CARD).address == "Jl. Mawar No. 1"


# --- who may change what --------------------------------------------------------------------

def test_member_who_is_not_head_changes_own_phone_only(app):
    siti = member_client(app, SITI_CARD)
    html = page(siti.get("/perubahan-data"))
    assert {a["href"] for a in html.select("#choices a")} == {"/perubahan-data/kontak", "/perubahan-data/permintaan"}
    assert "hanya bisa diubah oleh kepala keluarga" in html.get_text()
    form = page(siti.get("/perubahan-data/kontak"))
    assert form.find("textarea", {"name": "address"}) is None
    response = post(siti, "/perubahan-data/kontak", {"phone": "081355554444", "address": "Dipalsukan",
                                                     "current_password": PASSWORD})
    assert response.status_code == 303
    assert person(app, SITI_CARD).phone == "081355554444"
    assert family_of(app, SITI_CARD).address == "Kp. Pabuaran RT 02/RW 05, Cibinong"
    assert person(app, BUDI_CARD).phone == "081200000001"
    for path in ("/perubahan-data/faskes", "/perubahan-data/kelas"):
        assert siti.get(path).status_code == 403
        assert post(siti, path, {"facility": "1", "care_class": "1", "current_password": PASSWORD}).status_code == 403


def test_member_requests_for_self_but_not_for_another_member(app):
    siti = member_client(app, SITI_CARD)
    choose = page(siti.get("/perubahan-data/permintaan"))
    assert [li.b.get_text() for li in choose.select("#members li")] == ["Siti Aminah"]
    rizky = person(app, RIZKY_CARD)
    assert siti.get(f"/perubahan-data/permintaan?peserta={rizky.id}&jenis=name").status_code == 403
    assert ask(siti, rizky.id, "name", "Rizky Pratama Putra").status_code == 403
    assert ask(siti, person(app, SITI_CARD).id, "name", "Siti Aminah Lestari").status_code == 303
    assert requests_of(app, RIZKY_CARD) == []


def test_head_requests_for_every_member_of_the_family(app, budi):
    choose = page(budi.get("/perubahan-data/permintaan"))
    assert [li.b.get_text() for li in choose.select("#members li")] == ["Budi Santoso", "Siti Aminah", "Rizky Pratama"]
    rizky = person(app, RIZKY_CARD)
    assert ask(budi, rizky.id, "birth_date", "11-01-2015").status_code == 303
    assert latest_request(app, RIZKY_CARD).value == "2015-01-11"


def test_no_other_familys_data_by_any_url(app, budi, officer):
    dewi = signed_in_client(app, "peserta_lunas")
    agus = person(app, AGUS_CARD)
    assert ask(dewi, agus.id, "name", "Agus Wijayakusuma").status_code == 303
    theirs = latest_request(app, AGUS_CARD)
    for path in (f"/perubahan-data/permintaan?peserta={agus.id}&jenis=name",
                 f"/perubahan-data/permintaan?peserta={agus.id}",
                 f"/perubahan-data/permintaan/{theirs.id}",
                 f"/perubahan-data/dokumen/{theirs.id}",
                 "/perubahan-data/permintaan/999999", "/perubahan-data/dokumen/999999"):
        assert budi.get(path).status_code == 404, path
    assert ask(budi, agus.id, "name", "Agus Palsu").status_code == 404
    assert len(requests_of(app, AGUS_CARD)) == 1
    index = page(budi.get("/perubahan-data")).get_text()
    assert "Agus" not in index
    assert officer.get(f"/petugas/perubahan/{theirs.id}").status_code == 200
    assert officer.get("/petugas/perubahan/999999").status_code == 404


@pytest.mark.parametrize("path", [
    "/perubahan-data/permintaan/99999999999999999999999", "/perubahan-data/dokumen/99999999999999999999999",
    "/perubahan-data/permintaan?peserta=99999999999999999999999&jenis=name",
    "/perubahan-data/permintaan?peserta=abc&jenis=name", "/perubahan-data/permintaan?peserta=-1",
])
def test_impossible_ids_are_404_not_500(budi, path):
    assert budi.get(path).status_code == 404


def test_impossible_request_id_for_officer_is_404(officer):
    assert officer.get("/petugas/perubahan/99999999999999999999999").status_code == 404


def test_roles_and_strangers(app, budi):
    assert ask(budi, person(app, BUDI_CARD).id, "name", "Budi Santosa").status_code == 303
    budi_request = latest_request(app, BUDI_CARD)
    assert budi.get(f"/petugas/perubahan/{budi_request.id}").status_code == 403
    assert post(budi, f"/petugas/perubahan/{budi_request.id}", {"decision": "setujui"}).status_code == 403
    for role in ("fasilitator", "petugas_faskes"):
        staff = signed_in_client(app, role)
        assert staff.get(f"/perubahan-data/dokumen/{budi_request.id}").status_code == 404
        assert staff.get(f"/petugas/perubahan/{budi_request.id}").status_code == 403
        assert staff.get("/perubahan-data").status_code == 403
    stranger = app.test_client()
    for path in ("/perubahan-data", "/perubahan-data/kontak", "/perubahan-data/faskes", "/perubahan-data/kelas",
                 "/perubahan-data/permintaan", f"/perubahan-data/permintaan/{budi_request.id}",
                 f"/perubahan-data/dokumen/{budi_request.id}", f"/petugas/perubahan/{budi_request.id}"):
        response = stranger.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/masuk?next="), path


# --- FKTP -----------------------------------------------------------------------------------

def test_fktp_choices_nearest_first_only_fktp_kinds_never_another_province(app, budi):
    html = page(budi.get("/perubahan-data/faskes"))
    options = [o.get_text() for o in html.select("select#facility option") if o.get("value")]
    assert options == ["Klinik Pratama Harapan Sehat — Cibinong"]  # own regency; RS, apotek, current left out
    province = page(budi.get("/perubahan-data/faskes?kabupaten="))
    options = [o.get_text() for o in province.select("select#facility option") if o.get("value")]
    assert options[0] == "Klinik Pratama Harapan Sehat — Cibinong"
    assert set(options[1:]) == {"Klinik Pratama Dago Medika — Coblong", "Puskesmas Coblong — Coblong"}
    assert not any("Tigaraksa" in o for o in options)
    regency = page(budi.get("/perubahan-data/faskes?kabupaten=32.73&kecamatan=32.73.02"))
    assert regency.select_one("select#kecamatan option[selected]")["value"] == "32.73.02"
    other_province = page(budi.get("/perubahan-data/faskes?kabupaten=36.03"))
    assert not any("Tigaraksa" in o.get_text() for o in other_province.select("select#facility option"))


def test_fktp_picker_fragment_for_htmx(budi):
    response = budi.get("/perubahan-data/faskes?kabupaten=", headers={"HX-Request": "true", "Accept-Encoding": "gzip"})
    assert len(response.get_data()) <= 2048
    fragment = page(budi.get("/perubahan-data/faskes?kabupaten=", headers={"HX-Request": "true"}))
    assert fragment.find("html") is None and fragment.select_one("div#fktp-choices select#facility")
    boosted = page(budi.get("/perubahan-data/faskes", headers={"HX-Request": "true", "HX-Boosted": "true"}))
    assert boosted.title and boosted.h1.get_text() == "Pindah faskes tingkat pertama"


def test_fktp_change_applies_today_and_starts_the_wait(app, budi, monkeypatch):
    on_day(monkeypatch, date(2026, 5, 20))
    klinik = facility_id(app, "DEMO-KLP-3201")
    response = post(budi, "/perubahan-data/faskes", {"facility": str(klinik), "current_password": PASSWORD})
    assert flash_text(budi, response) == "FKTP Anda sekarang Klinik Pratama Harapan Sehat, berlaku mulai hari ini."
    family = family_of(app, BUDI_CARD)
    assert family.fktp_id == klinik and family.fktp_changed_on == date(2026, 5, 20)
    with app.app_context():
        change = MembershipChange.get(MembershipChange.family == family.id, MembershipChange.field == "fktp")
        assert (change.old_value, change.new_value) == ("Puskesmas Cibinong", "Klinik Pratama Harapan Sehat")
        assert AuditLog.select().where(AuditLog.action == "fktp_changed", AuditLog.subject == f"family:{family.id}").exists()
    again = page(budi.get("/perubahan-data/faskes"))
    assert again.select_one("#refused").get_text() == "FKTP bisa diubah lagi mulai 20 Agu 2026 (3 bulan setelah perubahan terakhir)."
    assert again.find("form", method="post", action=lambda a: a and a.startswith("/perubahan-data/faskes")) is None
    history = page(budi.get("/perubahan-data")).select_one("#history").get_text(" ", strip=True)
    assert "Puskesmas Cibinong → Klinik Pratama Harapan Sehat" in history


def test_fktp_in_another_regency_of_the_province_is_allowed(app, budi):
    coblong = facility_id(app, "DEMO-PKM-3273")
    response = post(budi, "/perubahan-data/faskes?kabupaten=32.73", {"facility": str(coblong), "current_password": PASSWORD})
    assert response.status_code == 303
    assert family_of(app, BUDI_CARD).fktp_id == coblong


@pytest.mark.parametrize("code", ["DEMO-PKM-3603", "DEMO-RS-3201", "DEMO-APT-3201"])
def test_forged_fktp_outside_the_province_or_not_first_level_is_refused(app, budi, code):
    response = post(budi, "/perubahan-data/faskes", {"facility": str(facility_id(app, code)), "current_password": PASSWORD})
    assert response.status_code == 200
    assert error_next_to(response, "facility") == [
        "Faskes ini tidak bisa dipilih. Pilih FKTP di provinsi tempat tinggal Anda."]
    assert family_of(app, BUDI_CARD).fktp_id == facility_id(app, "DEMO-PKM-3201")


@pytest.mark.parametrize("value,message", [
    ("", "Pilih salah satu faskes."), ("abc", "Pilih salah satu faskes dari daftar."),
    ("999999", "Faskes ini tidak bisa dipilih. Pilih FKTP di provinsi tempat tinggal Anda."),
])
def test_fktp_choice_must_be_a_listed_facility(app, budi, value, message):
    response = post(budi, "/perubahan-data/faskes", {"facility": value, "current_password": PASSWORD})
    assert error_next_to(response, "facility") == [message]


def test_current_fktp_cannot_be_chosen_again(app, budi):
    response = post(budi, "/perubahan-data/faskes", {"facility": str(facility_id(app, "DEMO-PKM-3201")),
                                                     "current_password": PASSWORD})
    assert error_next_to(response, "facility") == ["Ini FKTP Anda sekarang. Pilih faskes lain."]


def test_fktp_wrong_password_changes_nothing(app, budi):
    klinik = facility_id(app, "DEMO-KLP-3201")
    response = post(budi, "/perubahan-data/faskes", {"facility": str(klinik), "current_password": "keliru123"})
    assert error_next_to(response, "current_password")
    assert page(response).select_one("select#facility option[selected]")["value"] == str(klinik)
    assert family_of(app, BUDI_CARD).fktp_changed_on is None


@pytest.mark.parametrize("today,allowed", [(date(2026, 2, 27), False), (date(2026, 2, 28), True)])
def test_fktp_three_months_edge(app, budi, monkeypatch, today, allowed):
    """30 Nov + 3 months is 28 Feb (no 30 Feb)."""
    update_family(app, BUDI_CARD, fktp_changed_on=date(2025, 11, 30))
    on_day(monkeypatch, today)
    html = page(budi.get("/perubahan-data/faskes"))
    assert (html.select_one("#refused") is None) == allowed
    response = post(budi, "/perubahan-data/faskes", {"facility": str(facility_id(app, "DEMO-KLP-3201")),
                                                     "current_password": PASSWORD})
    if allowed:
        assert response.status_code == 303
        assert family_of(app, BUDI_CARD).fktp_changed_on == today
    else:
        assert response.status_code == 200
        assert page(response).select_one("#refused").get_text() == (
            "FKTP bisa diubah lagi mulai 28 Feb 2026 (3 bulan setelah perubahan terakhir).")
        assert family_of(app, BUDI_CARD).fktp_changed_on == date(2025, 11, 30)


def test_pbi_family_cannot_change_fktp(app, budi):
    update_family(app, BUDI_CARD, segment="PBI")
    assert page(budi.get("/perubahan-data/faskes")).select_one("#refused").get_text() == "Peserta PBI tidak bisa pindah FKTP."
    response = post(budi, "/perubahan-data/faskes", {"facility": str(facility_id(app, "DEMO-KLP-3201")),
                                                     "current_password": PASSWORD})
    assert page(response).select_one("#refused").get_text() == "Peserta PBI tidak bisa pindah FKTP."
    assert family_of(app, BUDI_CARD).fktp_changed_on is None


# --- class ----------------------------------------------------------------------------------

def test_class_change_from_next_month_with_the_new_total(app, budi, monkeypatch):
    on_day(monkeypatch, date(2026, 5, 20))
    html = page(budi.get("/perubahan-data/kelas"))
    prices = [li.get_text(" ", strip=True) for li in html.select("#prices li")]
    assert prices == ["Kelas 1: Rp450.000", "Kelas 2: Rp300.000", "Kelas 3: Rp105.000 (sekarang)"]
    assert "Aturan berlaku per 1 Jan 2021." in html.get_text()
    assert "berlaku mulai 1 Jun 2026" in html.get_text()
    assert [o["value"] for o in html.select("select#care_class option") if o.get("value")] == ["1", "2"]
    response = post(budi, "/perubahan-data/kelas", {"care_class": "2", "current_password": PASSWORD})
    assert flash_text(budi, response) == (
        "Kelas rawat menjadi Kelas 2 mulai 1 Jun 2026. Iuran keluarga mulai bulan itu Rp300.000 per bulan "
        "(aturan berlaku per 1 Jan 2021).")
    family = family_of(app, BUDI_CARD)
    assert (family.care_class, family.next_care_class, family.next_care_class_from, family.class_changed_on) == (
        3, 2, date(2026, 6, 1), date(2026, 5, 20))
    index = page(budi.get("/perubahan-data"))
    assert "menjadi Kelas 2 mulai 1 Jun 2026" in index.select_one("dl.facts").get_text()
    assert "Kelas 3 → Kelas 2" in index.select_one("#history").get_text(" ", strip=True)
    again = post(budi, "/perubahan-data/kelas", {"care_class": "1", "current_password": PASSWORD})
    assert page(again).select_one("#refused").get_text().startswith("Kelas bisa diubah lagi mulai 20 Mei 2027")
    assert family_of(app, BUDI_CARD).next_care_class == 2


def test_class_prices_follow_a_newer_rate_version(app, budi, monkeypatch):
    """A version an admin added for next month prices the new class, and says so."""
    on_day(monkeypatch, date(2026, 5, 20))
    with app.app_context():
        RateVersion.create(effective_from=date(2026, 6, 1), class1=160_000, class2=110_000, class3=42_000,
                           class3_government_share=7_000, pbi_rate=42_000)
    html = page(budi.get("/perubahan-data/kelas"))
    assert html.select_one("#prices li").get_text(" ", strip=True) == "Kelas 1: Rp480.000"
    assert "Aturan berlaku per 1 Jun 2026." in html.get_text()
    response = post(budi, "/perubahan-data/kelas", {"care_class": "1", "current_password": PASSWORD})
    assert "Rp480.000 per bulan (aturan berlaku per 1 Jun 2026)" in flash_text(budi, response)


@pytest.mark.parametrize("today,allowed,effective", [
    (date(2026, 3, 14), False, None), (date(2026, 3, 15), True, date(2026, 4, 1)),
    (date(2026, 12, 31), True, date(2027, 1, 1)),
])
def test_class_one_year_edge_and_year_end(app, budi, monkeypatch, today, allowed, effective):
    update_family(app, BUDI_CARD, class_changed_on=date(2025, 3, 15))
    on_day(monkeypatch, today)
    response = post(budi, "/perubahan-data/kelas", {"care_class": "1", "current_password": PASSWORD})
    family = family_of(app, BUDI_CARD)
    if allowed:
        assert response.status_code == 303
        assert (family.next_care_class, family.next_care_class_from) == (1, effective)
    else:
        assert page(response).select_one("#refused").get_text() == (
            "Kelas bisa diubah lagi mulai 15 Mar 2026 (1 tahun setelah terdaftar dan setelah pindah kelas terakhir).")
        assert family.next_care_class is None


def test_class_one_year_after_registration(app, budi, monkeypatch):
    update_family(app, BUDI_CARD, registered_on=date(2025, 8, 31))
    on_day(monkeypatch, date(2026, 8, 30))
    assert "mulai 31 Agu 2026" in page(budi.get("/perubahan-data/kelas")).select_one("#refused").get_text()


@pytest.mark.parametrize("segment", ["PPU", "PBI"])
def test_class_change_only_for_pbpu_and_bp(app, budi, segment):
    update_family(app, BUDI_CARD, segment=segment)
    response = post(budi, "/perubahan-data/kelas", {"care_class": "1", "current_password": PASSWORD})
    assert page(response).select_one("#refused").get_text() == (
        "Pindah kelas hanya untuk peserta mandiri (PBPU) dan bukan pekerja (BP).")
    assert family_of(app, BUDI_CARD).next_care_class is None


def test_bp_family_may_change_class(app, budi):
    update_family(app, BUDI_CARD, segment="BP")
    assert post(budi, "/perubahan-data/kelas", {"care_class": "1", "current_password": PASSWORD}).status_code == 303


@pytest.mark.parametrize("value,message", [
    ("", "Pilih kelas rawat."), ("4", "Pilih Kelas 1, Kelas 2 atau Kelas 3."),
    ("3", "Ini kelas Anda sekarang. Pilih kelas lain."),
])
def test_class_choice_errors(app, budi, value, message):
    response = post(budi, "/perubahan-data/kelas", {"care_class": value, "current_password": PASSWORD})
    assert error_next_to(response, "care_class") == [message]
    assert family_of(app, BUDI_CARD).class_changed_on is None


def test_class_wrong_password(app, budi):
    response = post(budi, "/perubahan-data/kelas", {"care_class": "2", "current_password": "salah"})
    assert error_next_to(response, "current_password")
    assert page(response).select_one("select#care_class option[selected]")["value"] == "2"
    assert family_of(app, BUDI_CARD).class_changed_on is None


# --- civil-registry requests and the officer ------------------------------------------------

def test_name_request_approved_by_officer_and_shown_to_the_participant(app, budi, officer):
    budi_id = person(app, BUDI_CARD).id
    form = page(budi.get(f"/perubahan-data/permintaan?peserta={budi_id}&jenis=name"))
    upload = form.find("form", enctype="multipart/form-data")
    assert upload["method"] == "post" and upload.find("input", {"name": "csrf_token"})
    response = ask(budi, budi_id, "name", "  Budi   Santosa ")
    assert flash_text(budi, response).startswith("Permintaan terkirim.")
    change = latest_request(app, BUDI_CARD)
    assert change.value == "Budi Santosa" and change.status == "menunggu"
    detail = page(budi.get(f"/perubahan-data/permintaan/{change.id}"))
    assert detail.select_one("#request-status").get_text() == "Menunggu keputusan petugas"
    queue = page(officer.get("/petugas/antrean-kerja"))
    link = queue.find("a", href=f"/petugas/perubahan/{change.id}")
    assert link.get_text(" ", strip=True) == "Nama — Budi Santoso"
    review = page(officer.get(link["href"]))
    assert review.select_one("#old-value").get_text() == "Budi Santoso"
    assert review.select_one("#new-value").get_text() == "Budi Santosa"
    assert review.find("img", src=f"/perubahan-data/dokumen/{change.id}")
    assert review.find("a", href="/petugas/antrean-kerja")
    response = post(officer, f"/petugas/perubahan/{change.id}", {"decision": "setujui", "reason": ""})
    assert flash_text(officer, response) == "Permintaan untuk Budi Santoso (Nama) disetujui; datanya sudah diubah."
    assert person(app, BUDI_CARD).name == "Budi Santosa"
    index = page(budi.get("/perubahan-data"))
    assert index.select_one("#requests li").get_text(" ", strip=True).startswith("Nama — Budi Santosa Disetujui")
    assert "Budi Santoso → Budi Santosa" in index.select_one("#history").get_text(" ", strip=True)
    with app.app_context():
        actions = [e.action for e in AuditLog.select().where(AuditLog.subject == f"change_request:{change.id}")
                   .order_by(AuditLog.id)]
    assert actions[0] == "change_requested" and "change_request_viewed" in actions
    assert actions[-1] == "change_request_approved"


def test_nik_request_full_for_officer_masked_elsewhere_and_reindexed(app, budi, officer):
    budi_id = person(app, BUDI_CARD).id
    assert ask(budi, budi_id, "nik", "3201 0117 0885 0009").status_code == 303
    change = latest_request(app, BUDI_CARD)
    detail = page(budi.get(f"/perubahan-data/permintaan/{change.id}"))
    assert NEW_NIK not in detail.get_text() and "3201********0009" in detail.get_text()
    review = page(officer.get(f"/petugas/perubahan/{change.id}"))
    assert review.select_one("#new-value").get_text() == NEW_NIK
    assert review.select_one("#old-value").get_text() == "3201********0001"
    with app.app_context():
        viewed = AuditLog.select().where(AuditLog.action == "change_request_viewed").order_by(AuditLog.id.desc()).get()
        assert viewed.subject == f"change_request:{change.id}" and viewed.on_behalf_of_id == budi_id
        assert viewed.actor.username == "petugas" and NEW_NIK not in viewed.detail
    assert post(officer, f"/petugas/perubahan/{change.id}", {"decision": "setujui"}).status_code == 303
    with app.app_context():
        assert Participant.by_nik(NEW_NIK).id == budi_id and Participant.by_nik(BUDI_NIK) is None
        row = MembershipChange.get(MembershipChange.participant == budi_id, MembershipChange.field == "nik")
        assert (row.old_value, row.new_value) == ("3201********0001", "3201********0009")
    assert sign_in(app.test_client(), NEW_NIK).status_code == 303
    assert NEW_NIK not in page(budi.get("/perubahan-data")).get_text()


def test_nik_of_another_participant_cannot_be_approved(app, budi, officer):
    budi_id = person(app, BUDI_CARD).id
    assert ask(budi, budi_id, "nik", SITI_NIK).status_code == 303  # no hint to the participant
    change = latest_request(app, BUDI_CARD)
    review = page(officer.get(f"/petugas/perubahan/{change.id}"))
    assert review.select_one("#nik-taken")
    response = post(officer, f"/petugas/perubahan/{change.id}", {"decision": "setujui"})
    assert response.status_code == 200
    assert error_next_to(response, "decision") == [
        "Tidak bisa disetujui: NIK ini sudah terdaftar atas peserta lain. Tolak permintaan ini dengan alasannya."]
    assert latest_request(app, BUDI_CARD).status == "menunggu"
    with app.app_context():
        assert Participant.by_nik(BUDI_NIK).id == budi_id
    response = post(officer, f"/petugas/perubahan/{change.id}", {"decision": "tolak", "reason": "NIK milik orang lain."})
    assert response.status_code == 303


def test_reject_needs_a_reason_and_the_participant_reads_it(app, budi, officer):
    siti_id = person(app, SITI_CARD).id
    assert ask(budi, siti_id, "sex", "L").status_code == 303
    change = latest_request(app, SITI_CARD)
    review = page(officer.get(f"/petugas/perubahan/{change.id}"))
    assert "NIK tidak cocok dengan jenis kelamin" in review.select_one("#warnings").get_text()
    response = post(officer, f"/petugas/perubahan/{change.id}", {"decision": "tolak", "reason": "  "})
    assert error_next_to(response, "reason") == ["Tulis alasan penolakan: peserta akan membacanya."]
    assert page(response).select_one("select#decision option[selected]")["value"] == "tolak"
    response = post(officer, f"/petugas/perubahan/{change.id}", {"decision": "tolak", "reason": "Foto KK buram."})
    assert flash_text(officer, response) == "Permintaan untuk Siti Aminah (Jenis kelamin) ditolak."
    assert person(app, SITI_CARD).sex == "P"
    detail = page(budi.get(f"/perubahan-data/permintaan/{change.id}"))
    assert detail.select_one("#request-status").get_text() == "Ditolak"
    assert detail.select_one("#decision-reason").get_text() == "Foto KK buram."
    assert "Ditolak: Foto KK buram." in page(budi.get("/perubahan-data")).select_one("#requests").get_text()
    with app.app_context():
        assert not MembershipChange.select().where(MembershipChange.participant == siti_id).exists()


@pytest.mark.parametrize("data,field,message", [
    ({}, "decision", "Pilih setujui atau tolak."),
    ({"decision": "hapus"}, "decision", "Pilih setujui atau tolak."),
    ({"decision": "tolak", "reason": "x" * 501}, "reason", "Alasan terlalu panjang: maksimal 500 karakter."),
])
def test_decision_form_errors(app, budi, officer, data, field, message):
    assert ask(budi, person(app, BUDI_CARD).id, "name", "Budi Santosa").status_code == 303
    change = latest_request(app, BUDI_CARD)
    response = post(officer, f"/petugas/perubahan/{change.id}", data)
    assert error_next_to(response, field) == [message]
    assert latest_request(app, BUDI_CARD).status == "menunggu"


def test_a_decided_request_cannot_be_decided_again(app, budi):
    admin = signed_in_client(app, "admin")
    assert ask(budi, person(app, BUDI_CARD).id, "birth_date", "1985-08-18").status_code == 303
    change = latest_request(app, BUDI_CARD)
    assert post(admin, f"/petugas/perubahan/{change.id}", {"decision": "setujui"}).status_code == 303
    assert person(app, BUDI_CARD).birth_date == date(1985, 8, 18)
    response = post(admin, f"/petugas/perubahan/{change.id}", {"decision": "tolak", "reason": "Berubah pikiran"})
    assert response.status_code == 200
    html = page(response)
    assert html.select_one("#decided").get_text() == "Permintaan ini sudah diputuskan dan tidak bisa diputuskan lagi."
    assert html.find("form", action=f"/petugas/perubahan/{change.id}") is None
    assert latest_request(app, BUDI_CARD).status == "disetujui"
    assert person(app, BUDI_CARD).birth_date == date(1985, 8, 18)


def test_a_second_request_waits_for_the_first(app, budi):
    budi_id = person(app, BUDI_CARD).id
    assert ask(budi, budi_id, "name", "Budi Santosa").status_code == 303
    html = page(budi.get(f"/perubahan-data/permintaan?peserta={budi_id}&jenis=name"))
    assert html.select_one("#pending") and html.find("form", enctype="multipart/form-data") is None
    assert ask(budi, budi_id, "name", "Budi S.").status_code == 200
    assert len(requests_of(app, BUDI_CARD)) == 1
    assert ask(budi, budi_id, "sex", "P").status_code == 303  # another field is another request


@pytest.mark.parametrize("kind,value,message", [
    ("nik", "12345", "NIK harus 16 angka."),
    ("nik", "0001011708850001", "NIK ini tidak sah: dua angka pertamanya bukan kode provinsi."),
    ("nik", "3201013208850001", "NIK ini tidak sah: angka ke-7 sampai ke-12 bukan tanggal lahir yang benar."),
    ("nik", "3201011708850000", "NIK ini tidak sah: empat angka terakhirnya tidak boleh 0000."),
    ("nik", BUDI_NIK, "Sama dengan data sekarang. Tulis data yang baru."),
    ("birth_date", "2099-01-01", "Tanggal lahir tidak boleh di masa depan."),
    ("birth_date", "31-02-1985", "Tanggal tidak dikenal. Tulis seperti 17-08-1985."),
    ("birth_date", "kemarin", "Tanggal tidak dikenal. Tulis seperti 17-08-1985."),
    ("birth_date", "01-01-1850", "Periksa tahun lahir: tidak boleh sebelum 1900."),
    ("birth_date", "17081985", "Sama dengan data sekarang. Tulis data yang baru."),
    ("sex", "X", "Pilih Laki-laki (L) atau Perempuan (P)."),
    ("sex", "L", "Sama dengan data sekarang. Tulis data yang baru."),
    ("name", "Budi <script>", "Nama hanya boleh berisi huruf, spasi, titik, koma, tanda petik (') dan tanda hubung."),
    ("name", "B" * 101, "Nama terlalu panjang: maksimal 100 karakter."),
    ("name", "", "Tulis nama yang benar."),
])
def test_malformed_request_values_are_explained_and_kept(app, budi, upload_dir, kind, value, message):
    budi_id = person(app, BUDI_CARD).id
    response = ask(budi, budi_id, kind, value)
    assert response.status_code == 200
    assert error_next_to(response, "value") == [message]
    html = page(response)
    if kind == "sex":
        selected = html.select_one("select#value option[selected]")
        assert (selected["value"] if selected else "") == ("L" if value == "L" else "")
    else:
        assert html.find("input", {"name": "value"}).get("value", "") == value
    assert html.find("textarea", {"name": "reason"}).get_text(strip=True) == "Salah ketik saat pendaftaran."
    assert requests_of(app, BUDI_CARD) == []
    assert not upload_dir.exists() or not any(upload_dir.iterdir())


@pytest.mark.parametrize("kwargs,field,message", [
    ({"reason": "   "}, "reason", "Tulis alasan perubahan, misalnya: salah ketik saat pendaftaran."),
    ({"reason": "x" * 501}, "reason", "Alasan terlalu panjang: maksimal 500 karakter."),
    ({"document": False}, "document", "Lampirkan foto dokumen (KTP, KK, atau akta kelahiran)."),
    ({"document": b"", "filename": ""}, "document", "Lampirkan foto dokumen (KTP, KK, atau akta kelahiran)."),
    ({"document": b"Ini bukan foto, hanya teks.\n", "filename": "foto.jpg"}, "document",
     "Berkas ini bukan foto JPEG atau PNG. Kirim foto dokumen."),
    ({"document": b"GIF89a" + b"\x00" * 40, "filename": "ktp.png"}, "document",
     "Berkas ini bukan foto JPEG atau PNG. Kirim foto dokumen."),
    ({"document": png_bytes()[:60], "filename": "ktp.png"}, "document",
     "Berkas ini bukan foto JPEG atau PNG. Kirim foto dokumen."),
    ({"document": b"\x89PNG" + b"\x00" * (2 * 1024 * 1024), "filename": "besar.png"}, "document",
     "Foto terlalu besar: maksimal 2 MB. Kirim foto yang lebih kecil."),
    ({"password": "salah-sekali"}, "current_password",
     "Kata sandi salah, atau akun dikunci sementara karena terlalu banyak percobaan."),
    ({"password": ""}, "current_password", "Wajib diisi."),
])
def test_bad_request_inputs_save_nothing(app, budi, upload_dir, kwargs, field, message):
    response = ask(budi, person(app, BUDI_CARD).id, "name", "Budi Santosa", **kwargs)
    assert response.status_code == 200
    assert error_next_to(response, field) == [message]
    assert page(response).find("input", {"name": "value"})["value"] == "Budi Santosa"
    assert requests_of(app, BUDI_CARD) == []
    assert not upload_dir.exists() or not any(upload_dir.iterdir())


def test_upload_beyond_the_request_limit_gets_the_friendly_413_page(app, budi):
    response = ask(budi, person(app, BUDI_CARD).id, "name", "Budi Santosa", document=b"\x00" * (3 * 1024 * 1024 + 10))
    assert response.status_code == 413
    assert page(response).h1.get_text() == "Kiriman terlalu besar"
    assert requests_of(app, BUDI_CARD) == []


def test_gif_or_giant_dimensions_are_refused(app, budi, monkeypatch):
    from app.core import uploads

    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    response = ask(budi, person(app, BUDI_CARD).id, "name", "Budi Santosa", document=gif.getvalue(), filename="a.png")
    assert error_next_to(response, "document") == ["Berkas ini bukan foto JPEG atau PNG. Kirim foto dokumen."]
    monkeypatch.setattr(uploads, "MAX_PIXELS", 100)
    response = ask(budi, person(app, BUDI_CARD).id, "name", "Budi Santosa", document=png_bytes((20, 20)))
    assert error_next_to(response, "document") == [
        "Ukuran gambar terlalu besar. Kirim foto dengan resolusi lebih kecil."]


# --- uploads --------------------------------------------------------------------------------

def stored_files(upload_dir):
    return [p for p in upload_dir.iterdir() if not p.name.startswith(".")]


def test_png_is_re_encoded_as_jpeg_under_a_random_name(app, budi, upload_dir):
    assert ask(budi, person(app, BUDI_CARD).id, "name", "Budi Santosa", filename="../../ktp budi.png").status_code == 303
    change = latest_request(app, BUDI_CARD)
    [stored] = stored_files(upload_dir)
    assert stored.name == change.document and len(stored.stem) == 32 and stored.suffix == ".jpg"
    assert "budi" not in stored.name
    static = Path(app.root_path) / "static"
    assert static not in stored.resolve().parents
    with Image.open(stored) as image:
        assert image.format == "JPEG" and image.size == (60, 40)
        assert not image.getexif() and "exif" not in image.info


def test_jpeg_loses_exif_and_comment_and_large_photos_are_scaled(app, budi, upload_dir):
    assert ask(budi, person(app, BUDI_CARD).id, "name", "Budi Santosa", document=jpeg_with_exif(),
               filename="foto.jpg").status_code == 303
    [stored] = stored_files(upload_dir)
    data = stored.read_bytes()
    assert b"KameraRahasia" not in data and b"lokasi rumah" not in data
    with Image.open(stored) as image:
        assert not image.getexif() and "comment" not in image.info
    big = io.BytesIO()
    Image.new("RGB", (3200, 1000), (0, 0, 0)).save(big, "PNG")
    assert ask(budi, person(app, BUDI_CARD).id, "sex", "P", document=big.getvalue()).status_code == 303
    newest = latest_request(app, BUDI_CARD)
    with Image.open(upload_dir / newest.document) as image:
        assert image.size == (1600, 500)


def test_document_is_served_only_to_the_family_and_officers(app, budi, officer):
    assert ask(budi, person(app, SITI_CARD).id, "name", "Siti Aminah Lestari").status_code == 303
    change = latest_request(app, SITI_CARD)
    path = f"/perubahan-data/dokumen/{change.id}"
    for client in (budi, officer, member_client(app, SITI_CARD)):
        response = client.get(path)
        assert response.status_code == 200
        assert response.mimetype == "image/jpeg"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.get_data()[:3] == b"\xff\xd8\xff"
    assert signed_in_client(app, "peserta_lunas").get(path).status_code == 404
    with app.app_context():
        viewers = {e.actor.display_name for e in AuditLog.select().where(
            AuditLog.action == "change_document_viewed", AuditLog.subject == f"change_request:{change.id}")}
    assert viewers == {"Budi Santoso", "petugas"}  # Siti's own look is not someone else's read


def test_missing_file_on_disk_is_a_404(app, budi, upload_dir):
    assert ask(budi, person(app, BUDI_CARD).id, "name", "Budi Santosa").status_code == 303
    change = latest_request(app, BUDI_CARD)
    (upload_dir / change.document).unlink()
    assert budi.get(f"/perubahan-data/dokumen/{change.id}").status_code == 404


def test_upload_helpers_refuse_foreign_names(app):
    from app.core import uploads

    with app.app_context():
        assert uploads.path_of("../config.py") is None
        assert uploads.path_of("0" * 32 + ".png") is None


# --- pages stay small and valid -------------------------------------------------------------

def test_pages_within_budget_valid_and_with_csrf(app, budi, officer):
    budi_id = person(app, BUDI_CARD).id
    for kind, value in (("name", "Budi Santosa"), ("sex", "P"), ("birth_date", "18-08-1985"), ("nik", NEW_NIK)):
        assert ask(budi, budi_id, kind, value, reason="Alasan yang cukup panjang " * 10).status_code == 303
    change = latest_request(app, BUDI_CARD)
    paths = ["/perubahan-data", "/perubahan-data/kontak", "/perubahan-data/faskes",
             "/perubahan-data/faskes?kabupaten=", "/perubahan-data/kelas", "/perubahan-data/permintaan",
             f"/perubahan-data/permintaan?peserta={budi_id}&jenis=name",
             f"/perubahan-data/permintaan?peserta={person(app, RIZKY_CARD).id}&jenis=birth_date",
             f"/perubahan-data/permintaan/{change.id}"]
    checks = [(budi, p) for p in paths] + [(officer, f"/petugas/perubahan/{change.id}")]
    for client, path in checks:
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, path
        body = gzip.decompress(response.get_data()) if response.headers.get("Content-Encoding") == "gzip" \
            else response.get_data()
        problems = page_problems(path, response, BeautifulSoup(body, "html.parser"))
        assert not problems, (path, problems)
        assert transfer_size(response) <= PAGE_BUDGET
        assert response.headers["Cache-Control"] == "no-store"


def test_request_chooser_links_every_field_of_every_member(app, budi):
    html = page(budi.get("/perubahan-data/permintaan"))
    links = [a["href"] for a in html.select("#members a")]
    assert len(links) == 12
    assert all(budi.get(link).status_code == 200 for link in links)
