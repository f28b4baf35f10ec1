"""The facility staff's pages as petugas faskes meet them: today's board (check-in, call, served,
no-show), beds, opening hours and services of their own facility, and nothing of another facility."""
import pytest

from app.models import BedAvailability, Booking, Facility, OpeningHours, PoliDay, User
from tests.helpers import (
    AGUS_CARD,
    CIBINONG,
    COBLONG,
    DEWI_CARD,
    RSUD,
    audit_actions,
    audit_entries,
    csrf_token,
    flashes,
    make_booking,
    page,
    person,
    poli,
    post,
    today,
)

pytestmark = pytest.mark.usefixtures("audit_mark")


def _staff_action(client, booking, action):
    return post(client, f"/faskes-saya/antrean/{booking.id}", {"aksi": action})


def test_staff_board_check_in_call_serve_and_no_show(app, faskes, dewi, audit_mark):
    umum = poli(app, CIBINONG, "umum")
    with app.app_context():
        first = make_booking(person(DEWI_CARD), umum, today(), 1)
        second = make_booking(person(AGUS_CARD), umum, today(), 2)
        make_booking(person(AGUS_CARD), umum, today(1), 1)  # tomorrow: not on today's board
    html = page(faskes.get("/faskes-saya"))
    assert "Puskesmas Cibinong" in html.get_text() and html.select_one("#poli").get_text() == "Poli Gigi"
    html = page(faskes.get(f"/faskes-saya?poli={umum.id}"))
    rows = html.select("#bookings li")
    assert len(rows) == 2 and "Dewi Lestari" in rows[0].get_text() and first.code in rows[0].get_text()
    form = rows[0].find("form")
    assert form["method"] == "post" and form["action"] == f"/faskes-saya/antrean/{first.id}"
    assert form.find("input", {"name": "csrf_token"})
    assert [b["value"] for b in form.find_all("button")] == ["hadir", "tidak_hadir"]

    assert post(faskes, f"/faskes-saya/poli/{umum.id}/panggil").status_code == 303  # nobody checked in yet
    assert any("Belum ada peserta yang sudah hadir" in text for text in flashes(faskes))

    response = _staff_action(faskes, first, "hadir")
    assert response.status_code == 303 and response.headers["Location"] == f"/faskes-saya?poli={umum.id}"
    response = post(faskes, f"/faskes-saya/poli/{umum.id}/panggil")
    assert response.status_code == 303
    with app.app_context():
        assert Booking.get_by_id(first.id).status == "dipanggil"
        assert PoliDay.get(PoliDay.poli == umum.id, PoliDay.visit_date == today()).now_serving == 1
    ticket = page(dewi.get(f"/antrean/{first.id}"))
    now = ticket.select_one("#now").get_text(" ", strip=True)
    assert "sedang dilayani nomor 1" in now and "Nomor Anda dipanggil" in now
    assert "Sedang dilayani: nomor 1" in page(faskes.get(f"/faskes-saya?poli={umum.id}")).select_one("#now").get_text()

    assert _staff_action(faskes, first, "selesai").status_code == 303
    assert _staff_action(faskes, second, "tidak_hadir").status_code == 303
    with app.app_context():
        assert Booking.get_by_id(first.id).status == "selesai"
        assert Booking.get_by_id(second.id).status == "tidak_hadir"
        assert audit_actions(f"booking:{first.id}", audit_mark) == ["queue_hadir", "queue_dipanggil", "queue_selesai"]
        [entry] = audit_entries(f"booking:{second.id}", audit_mark)
        assert (entry.action, entry.on_behalf_of_id, entry.actor.username) == ("queue_tidak_hadir", second.participant_id, "faskes")
    assert "Selesai dilayani" in page(dewi.get(f"/antrean/{first.id}")).select_one("#now").get_text()

    # a step that no longer fits the status changes nothing and says so
    _staff_action(faskes, first, "hadir")
    assert any("sudah berubah" in text for text in flashes(faskes))
    with app.app_context():
        assert Booking.get_by_id(first.id).status == "selesai"
    assert _staff_action(faskes, first, "hapus").status_code == 400


def test_staff_call_the_specific_checked_in_number(app, faskes):
    umum = poli(app, CIBINONG, "umum")
    with app.app_context():
        bookings = [make_booking(person(card), umum, today(), n) for n, card in ((1, DEWI_CARD), (2, AGUS_CARD))]
    _staff_action(faskes, bookings[1], "hadir")
    _staff_action(faskes, bookings[0], "hadir")
    post(faskes, f"/faskes-saya/poli/{umum.id}/panggil")  # the lowest number that checked in
    with app.app_context():
        assert Booking.get_by_id(bookings[0].id).status == "dipanggil"
    _staff_action(faskes, bookings[1], "dipanggil")
    with app.app_context():
        assert PoliDay.get(PoliDay.poli == umum.id, PoliDay.visit_date == today()).now_serving == 2


def test_staff_act_only_on_todays_bookings(app, faskes):
    umum = poli(app, CIBINONG, "umum")
    with app.app_context():
        tomorrow = make_booking(person(DEWI_CARD), umum, today(1), 1)
    _staff_action(faskes, tomorrow, "hadir")
    assert any("Hanya antrean hari ini" in text for text in flashes(faskes))
    with app.app_context():
        assert Booking.get_by_id(tomorrow.id).status == "aktif"


def test_staff_of_another_facility_get_404(app, faskes):
    elsewhere = poli(app, COBLONG, "umum")
    with app.app_context():
        booking = make_booking(person(DEWI_CARD), elsewhere, today(), 1)
    assert _staff_action(faskes, booking, "hadir").status_code == 404
    assert post(faskes, f"/faskes-saya/poli/{elsewhere.id}/panggil").status_code == 404
    assert faskes.get(f"/faskes-saya?poli={elsewhere.id}").status_code == 404
    assert _staff_action(faskes, type("Gone", (), {"id": 99999999}), "hadir").status_code == 404
    with app.app_context():
        assert Booking.get_by_id(booking.id).status == "aktif"


def test_staff_without_a_facility_see_why(app, faskes):
    with app.app_context():
        User.update(facility=None).where(User.username == "faskes").execute()
    assert page(faskes.get("/faskes-saya")).select_one("#no-facility")
    assert page(faskes.get("/faskes-saya/jam-buka")).select_one("#no-facility")
    assert post(faskes, "/faskes-saya/layanan", {"services": "kia"}).status_code == 404


@pytest.fixture
def hospital_staff(app, faskes):
    """The demo petugas_faskes, moved to the demo hospital for this test."""
    with app.app_context():
        rsud = Facility.get(Facility.code == RSUD)
        User.update(facility=rsud).where(User.username == "faskes").execute()
    return faskes


def beds_of(code):
    return {b.bed_class: (b.available, b.total) for b in
            BedAvailability.select().join(Facility).where(Facility.code == code)}


def test_beds_updated_all_at_once(app, hospital_staff, audit_mark):
    html = page(hospital_staff.get("/faskes-saya/tempat-tidur"))
    form = html.select_one('form[action="/faskes-saya/tempat-tidur"]')
    assert form["method"] == "post" and form.find("input", {"name": "csrf_token"})
    assert form.find("input", {"name": "tersedia_kelas_1"})["value"] == "4"
    assert form.find("input", {"name": "total_kelas_1"})["value"] == "20"
    assert form.find("input", {"name": "tersedia_vip"}).get("value") in (None, "")  # not reported yet
    data = {field["name"]: field.get("value", "") for field in form.find_all("input")}
    data.update(tersedia_kelas_1="0", total_kelas_1="20", tersedia_icu="2", tersedia_vip="1", total_vip="3")
    response = hospital_staff.post("/faskes-saya/tempat-tidur", data=data)
    assert response.status_code == 303
    with app.app_context():
        beds = beds_of(RSUD)
        assert beds["kelas_1"] == (0, 20) and beds["icu"] == (2, 8) and beds["vip"] == (1, 3)
        assert "nicu" not in beds
        rsud = Facility.get(Facility.code == RSUD)
        assert BedAvailability.get(BedAvailability.facility == rsud, BedAvailability.bed_class == "icu").updated_by.username == "faskes"
        assert audit_actions(f"facility:{rsud.id}", audit_mark) == ["beds_updated"]


@pytest.mark.parametrize("changes, field, message", [
    ({"tersedia_kelas_2": "-1"}, "tersedia_kelas_2", "Jumlah tidak boleh negatif."),
    ({"total_kelas_2": "-30"}, "total_kelas_2", "Jumlah tidak boleh negatif."),
    ({"tersedia_kelas_2": "31"}, "tersedia_kelas_2", "Tempat tidur tersedia tidak boleh lebih dari jumlah seluruhnya."),
    ({"tersedia_kelas_2": "tujuh"}, "tersedia_kelas_2", "Tulis angka bulat saja, misalnya 12."),
    ({"total_kelas_2": "2.5"}, "total_kelas_2", "Tulis angka bulat saja, misalnya 12."),
    ({"tersedia_kelas_2": ""}, "tersedia_kelas_2", "Isi jumlah tersedia dan jumlah seluruhnya."),
    ({"tersedia_vip": "2"}, "total_vip", "Isi jumlah tersedia dan jumlah seluruhnya."),
    ({"total_kelas_2": "99999999"}, "total_kelas_2", "Jumlah terlalu besar."),
])
def test_bad_bed_numbers_are_refused_and_kept(app, hospital_staff, changes, field, message):
    with app.app_context():
        before = beds_of(RSUD)
    form = page(hospital_staff.get("/faskes-saya/tempat-tidur")).select_one('form[action="/faskes-saya/tempat-tidur"]')
    data = {f["name"]: f.get("value", "") for f in form.find_all("input")}
    data.update(tersedia_kelas_1="1", **changes)
    response = hospital_staff.post("/faskes-saya/tempat-tidur", data=data)
    assert response.status_code == 200
    html = page(response)
    assert html.select_one(f"#{field}-error").get_text() == message
    for name, value in changes.items():
        assert html.find("input", {"name": name}).get("value", "") == value
    with app.app_context():
        assert beds_of(RSUD) == before


def test_a_puskesmas_reports_no_beds(faskes):
    html = page(faskes.get("/faskes-saya/tempat-tidur"))
    assert html.select_one("#no-beds") and html.select_one('form[action="/faskes-saya/tempat-tidur"]') is None
    assert post(faskes, "/faskes-saya/tempat-tidur", {"tersedia_kelas_1": "1"}).status_code == 404
    assert page(faskes.get("/faskes-saya")).find("a", href="/faskes-saya/tempat-tidur") is None


def _hours_data(faskes):
    form = page(faskes.get("/faskes-saya/jam-buka")).select_one('form[action="/faskes-saya/jam-buka"]')
    data = {f["name"]: f.get("value", "") for f in form.find_all("input") if f.get("type") != "checkbox"}
    data.update({f["name"]: "y" for f in form.find_all("input", type="checkbox") if f.has_attr("checked")})
    return form, data


def test_opening_hours_edit(app, faskes, audit_mark):
    form, data = _hours_data(faskes)
    assert form["method"] == "post" and form.find("input", {"name": "csrf_token"})
    assert (data["buka_0"], data["tutup_0"], data["tutup_5"], data["libur_6"]) == ("07:30", "14:00", "12:00", "y")
    data.update(buka_5="8.00", tutup_5="11:00", libur_6="", buka_6="08:00", tutup_6="10:30")
    data.pop("libur_6")
    data["libur_2"] = "y"
    assert faskes.post("/faskes-saya/jam-buka", data=data).status_code == 303
    with app.app_context():
        facility = Facility.get(Facility.code == CIBINONG)
        hours = {h.weekday: (h.opens, h.closes) for h in OpeningHours.select().where(OpeningHours.facility == facility)}
        assert hours[5] == ("08:00", "11:00") and hours[6] == ("08:00", "10:30") and 2 not in hours
        assert hours[0] == ("07:30", "14:00")
        assert audit_actions(f"facility:{facility.id}", audit_mark) == ["hours_updated"]


@pytest.mark.parametrize("changes, field, message", [
    ({"buka_1": "25:00"}, "buka_1", "Tulis jam seperti 07:30 (00:00 sampai 23:59)."),
    ({"tutup_1": "jam 2"}, "tutup_1", "Tulis jam seperti 07:30 (00:00 sampai 23:59)."),
    ({"buka_1": "14:00", "tutup_1": "07:30"}, "tutup_1", "Jam tutup harus sesudah jam buka."),
    ({"buka_1": "08:00", "tutup_1": "08:00"}, "tutup_1", "Jam tutup harus sesudah jam buka."),
    ({"tutup_1": ""}, "tutup_1", "Isi jam buka dan jam tutup, atau centang Tutup."),
])
def test_bad_opening_hours_are_refused_and_kept(app, faskes, changes, field, message):
    _, data = _hours_data(faskes)
    data.update(changes)
    response = faskes.post("/faskes-saya/jam-buka", data=data)
    assert response.status_code == 200
    html = page(response)
    assert html.select_one(f"#{field}-error").get_text() == message
    for name, value in changes.items():
        assert html.find("input", {"name": name}).get("value", "") == value
    with app.app_context():
        facility = Facility.get(Facility.code == CIBINONG)
        assert OpeningHours.get(OpeningHours.facility == facility, OpeningHours.weekday == 1).opens == "07:30"


def test_services_edit(app, faskes, audit_mark):
    form = page(faskes.get("/faskes-saya/layanan")).select_one('form[action="/faskes-saya/layanan"]')
    assert form["method"] == "post" and form.find("input", {"name": "csrf_token"})
    checked = {box["value"] for box in form.select("input[type=checkbox][checked]")}
    assert checked == {"poli_umum", "poli_gigi", "kia", "persalinan", "laboratorium"}
    with app.app_context():
        facility = Facility.get(Facility.code == CIBINONG)
        Facility.update(services=facility.services | {"dari_impor"}).where(Facility.id == facility.id).execute()
    response = faskes.post("/faskes-saya/layanan", data={"csrf_token": csrf_token(faskes, "/beranda"),
                                                         "services": ["poli_umum", "apotek_prb", "igd_24_jam"]})
    assert response.status_code == 303
    with app.app_context():
        assert Facility.get_by_id(facility.id).services == {"poli_umum", "apotek_prb", "igd_24_jam", "dari_impor"}
        assert audit_actions(f"facility:{facility.id}", audit_mark) == ["services_updated"]
    response = faskes.post("/faskes-saya/layanan", data={"csrf_token": csrf_token(faskes, "/beranda"), "services": ["spa"]})
    assert response.status_code == 200
    assert page(response).select_one("#services-error").get_text() == "Pilih layanan dari daftar."
    with app.app_context():
        assert "spa" not in Facility.get_by_id(facility.id).services


def test_staff_actions_need_the_csrf_token(app, faskes):
    umum = poli(app, CIBINONG, "umum")
    with app.app_context():
        booking = make_booking(person(DEWI_CARD), umum, today(), 1)
    assert faskes.post(f"/faskes-saya/antrean/{booking.id}", data={"aksi": "hadir"}).status_code == 400
    assert faskes.post(f"/faskes-saya/poli/{umum.id}/panggil").status_code == 400
    with app.app_context():
        assert Booking.get_by_id(booking.id).status == "aktif"


