"""Antrean online as participants meet it: taking a number with JavaScript off, cancelling, every
refusal, the double submission, the quota race, the htmx refresh, and nothing of another family or
another facility by any URL."""
import uuid
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup

from app.core import clock, demo
from app.core.db import db
from app.models import (
    Booking,
    Facility,
    Family,
    OpeningHours,
    Participant,
    Poli,
    PoliDay,
    Referral,
    User,
)
from app.queue import service
from tests.helpers import (
    AGUS_CARD,
    BUDI_CARD,
    CIBINONG,
    COBLONG,
    DEWI_CARD,
    KLINIK_CIBINONG,
    RSUD,
    audit_actions,
    audit_entries,
    csrf_token,
    decoded,
    flashes,
    make_booking,
    page,
    page_problems,
    person,
    poli,
    post,
    run_together,
    sign_in,
    signed_in_client,
    today,
    transfer_size,
)

CORE_BUDGET = 10_000

pytestmark = pytest.mark.usefixtures("audit_mark")


def booking_form(client, faskes=None):
    """The POST form of /antrean as the browser has it (csrf, facility, one-time key)."""
    html = page(client.get("/antrean" + (f"?faskes={faskes}" if faskes else "")))
    form = html.select_one('form[method="post"][action="/antrean"]')
    assert form is not None, html.get_text(" ", strip=True)[:500]
    data = {field["name"]: field.get("value", "") for field in form.find_all("input")}
    data["member"] = form.select_one("select[name=member] option")["value"]
    return data


def take(client, poli_id, day, member=None, faskes=None, **extra):
    data = booking_form(client, faskes)
    data.update(poli=str(poli_id), visit_date=day.isoformat() if hasattr(day, "isoformat") else day)
    if member is not None:
        data["member"] = str(member)
    data.update(extra)
    return client.post("/antrean", data=data)


def refusal(response):
    assert response.status_code == 200
    found = page(response).select_one("#refused")
    return found.get_text(" ", strip=True) if found else None


def booking_id(response):
    assert response.status_code == 303, refusal(response)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def count_bookings(**where):
    query = Booking.select()
    for name, value in where.items():
        query = query.where(getattr(Booking, name) == value)
    return query.count()


# --- taking a number ------------------------------------------------------------------------

def test_booking_happy_path_without_javascript(app, dewi, always_open, audit_mark):
    umum = poli(app, COBLONG, "umum")
    html = page(dewi.get("/antrean"))
    assert html.select_one("#faskes-name").get_text() == "Puskesmas Coblong"
    form = html.select_one('form[method="post"][action="/antrean"]')
    assert form.find("input", {"name": "csrf_token"}) and len(form.find("input", {"name": "request_key"})["value"]) == 32
    assert [o.get_text() for o in form.select("select[name=member] option")] == ["Dewi Lestari (Anda)", "Agus Wijaya"]
    assert len(form.select("select[name=visit_date] option")) == 7
    assert "Poli Umum, mulai 07.30" in [o.get_text() for o in form.select("select[name=poli] option")]

    response = take(dewi, umum.id, today(1))
    first = booking_id(response)
    ticket = page(dewi.get(f"/antrean/{first}"))
    assert "Antrean berhasil diambil" in ticket.select_one(".flash").get_text()
    code = ticket.select_one("#kode").get_text()
    assert len(code) == 8 and code.isalnum()
    assert ticket.select_one("#nomor").get_text() == "1"
    assert ticket.select_one("#perkiraan").get_text() == "sekitar 07.30"
    assert ticket.select_one("#sisa").get_text() == "39"
    assert ticket.select_one("#tanggal").get_text() and "Puskesmas Coblong" in ticket.select_one("#tiket").get_text()

    with app.app_context():
        agus = person(AGUS_CARD)
    second = booking_id(take(dewi, umum.id, today(1), member=agus.id))  # the head books for her husband
    ticket = page(dewi.get(f"/antrean/{second}"))
    assert ticket.select_one("#nomor").get_text() == "2"
    assert ticket.select_one("#perkiraan").get_text() == "sekitar 07.38"  # 07:30 + 1 × 8 minutes
    assert ticket.select_one("#sisa").get_text() == "38"
    assert "Agus Wijaya" in ticket.select_one("#tiket").get_text()

    with app.app_context():
        day = PoliDay.get(PoliDay.poli == umum.id, PoliDay.visit_date == today(1))
        assert (day.issued, day.booked) == (2, 2)
        assert Booking.get_by_id(second).created_by.participant.card_number == DEWI_CARD
        assert audit_actions(f"booking:{first}", audit_mark) == ["queue_booked"]
    mine = page(dewi.get("/antrean")).select("#my-bookings li")
    assert len(mine) == 2 and "Nomor 1" in mine[0].get_text() and "Agus Wijaya" in mine[1].get_text()


def test_estimated_time_crosses_the_hour(app, dewi, always_open):
    umum = poli(app, COBLONG, "umum")
    with app.app_context():
        PoliDay.create(poli=umum.id, visit_date=today(2), issued=7, booked=7)
    ticket = page(dewi.get(f"/antrean/{booking_id(take(dewi, umum.id, today(2)))}"))
    assert ticket.select_one("#nomor").get_text() == "8"
    assert ticket.select_one("#perkiraan").get_text() == "sekitar 08.26"  # 07:30 + 7 × 8 minutes
    assert ticket.select_one("#sisa").get_text() == "32"


def test_cancel_frees_the_slot_but_never_reuses_the_number(app, dewi, always_open, audit_mark):
    umum = poli(app, COBLONG, "umum")
    first = booking_id(take(dewi, umum.id, today(1)))
    html = page(dewi.get(f"/antrean/{first}"))
    cancel_form = html.select_one(f'form[action="/antrean/{first}/batal"]')
    assert cancel_form["method"] == "post" and cancel_form.find("input", {"name": "csrf_token"})
    response = dewi.post(f"/antrean/{first}/batal", data={"csrf_token": cancel_form.find("input")["value"]})
    assert response.status_code == 303 and response.headers["Location"] == "/antrean"
    assert any("dibatalkan" in text for text in flashes(dewi))
    with app.app_context():
        cancelled = Booking.get_by_id(first)
        assert (cancelled.status, cancelled.active_key) == ("batal", None)
        day = PoliDay.get(PoliDay.poli == umum.id, PoliDay.visit_date == today(1))
        assert (day.issued, day.booked) == (1, 0)
        assert audit_actions(f"booking:{first}", audit_mark) == ["queue_booked", "queue_cancelled"]
    again = booking_id(take(dewi, umum.id, today(1)))  # the same poli and day again: allowed
    ticket = page(dewi.get(f"/antrean/{again}"))
    assert ticket.select_one("#nomor").get_text() == "2" and ticket.select_one("#sisa").get_text() == "39"
    cancelled_page = page(dewi.get(f"/antrean/{first}"))
    assert cancelled_page.select_one("#batal") is None and "Dibatalkan" in cancelled_page.select_one("#now").get_text()
    post(dewi, f"/antrean/{first}/batal")  # a second cancel changes nothing
    assert any("tidak bisa dibatalkan lagi" in text for text in flashes(dewi))
    with app.app_context():
        assert PoliDay.get(PoliDay.poli == umum.id, PoliDay.visit_date == today(1)).booked == 1


def test_checked_in_or_past_bookings_cannot_be_cancelled(app, dewi):
    umum = poli(app, COBLONG, "umum")
    with app.app_context():
        checked_in = make_booking(person(DEWI_CARD), umum, today(), 1, status="hadir")
        past = make_booking(person(DEWI_CARD), umum, today(-1), 1)
    for booking in (checked_in, past):
        assert page(dewi.get(f"/antrean/{booking.id}")).select_one("#batal") is None
        assert post(dewi, f"/antrean/{booking.id}/batal").status_code == 303
        with app.app_context():
            assert Booking.get_by_id(booking.id).status == booking.status


# --- refusals -------------------------------------------------------------------------------

@pytest.mark.parametrize("offset, message", [
    (-1, "Tanggal itu sudah lewat. Pilih hari ini atau sesudahnya."),
    (7, "Antrean bisa diambil paling lama 7 hari ke depan"),
    (30, "Antrean bisa diambil paling lama 7 hari ke depan"),
])
def test_dates_outside_the_window_are_refused(app, dewi, always_open, offset, message):
    umum = poli(app, COBLONG, "umum")
    assert message in refusal(take(dewi, umum.id, today(offset)))
    with app.app_context():
        assert count_bookings(poli=umum.id) == 0


def test_today_and_today_plus_six_are_allowed(app, dewi, always_open):
    umum = poli(app, COBLONG, "umum")
    booking_id(take(dewi, umum.id, today(0)))
    booking_id(take(dewi, umum.id, today(6)))


@pytest.mark.parametrize("value", ["kemarin", "2026-02-30", ""])
def test_a_date_that_is_not_a_date_gets_a_message(app, dewi, value):
    umum = poli(app, COBLONG, "umum")
    response = take(dewi, umum.id, value)
    assert response.status_code == 200
    assert page(response).select_one("#visit_date-error").get_text() in ("Pilih tanggal dari daftar.", "Wajib diisi.")


def test_a_closed_day_is_refused_and_not_offered(app, dewi):
    umum = poli(app, COBLONG, "umum")
    with app.app_context():
        facility = Facility.get(Facility.code == COBLONG)
        OpeningHours.delete().where(OpeningHours.facility == facility).execute()
        OpeningHours.create(facility=facility, weekday=today(1).weekday(), opens="07:30", closes="14:00")
    options = page(dewi.get("/antrean")).select("select[name=visit_date] option")
    assert [o["value"] for o in options] == [today(1).isoformat()]
    assert "Faskes tutup pada hari itu" in refusal(take(dewi, umum.id, today(2)))


def test_a_full_day_is_refused(app, dewi, always_open):
    umum = poli(app, COBLONG, "umum")
    with app.app_context():
        Poli.update(daily_quota=1).where(Poli.id == umum.id).execute()
        agus = person(AGUS_CARD)
    booking_id(take(dewi, umum.id, today(1)))
    assert refusal(take(dewi, umum.id, today(1), member=agus.id)) == "Kuota JKN hari itu sudah penuh. Pilih hari lain."
    with app.app_context():
        assert count_bookings(poli=umum.id, visit_date=today(1)) == 1


def test_a_second_booking_for_the_same_poli_and_day_is_refused(app, dewi, always_open):
    umum, gigi = poli(app, COBLONG, "umum"), poli(app, COBLONG, "gigi")
    first = booking_id(take(dewi, umum.id, today(1)))
    again = take(dewi, umum.id, today(1))
    assert "sudah punya antrean aktif di poli ini" in refusal(again)
    assert page(again).select_one("#refused").find("a", string="Lihat antrean itu")["href"] == f"/antrean/{first}"
    booking_id(take(dewi, gigi.id, today(1)))  # another poli the same day is fine
    booking_id(take(dewi, umum.id, today(2)))  # and the same poli another day
    with app.app_context():
        assert count_bookings(poli=umum.id, visit_date=today(1)) == 1


def test_another_familys_member_does_not_exist_for_the_booker(app, dewi, always_open):
    umum = poli(app, COBLONG, "umum")
    with app.app_context():
        budi = person(BUDI_CARD)
    assert take(dewi, umum.id, today(1), member=budi.id).status_code == 404
    assert take(dewi, umum.id, today(1), member=99999999).status_code == 404
    assert page(take(dewi, umum.id, today(1), member="Budi")).select_one("#member-error")
    with app.app_context():
        assert count_bookings(participant=budi.id) == 0


def test_only_the_head_books_for_another_member(app, always_open):
    umum = poli(app, COBLONG, "umum")
    with app.app_context():
        agus, dewi = person(AGUS_CARD), person(DEWI_CARD)
        user = User(participant=agus, role="peserta")
        user.set_password(demo.PASSWORD)
        user.save()
    client = app.test_client()
    assert sign_in(client, AGUS_CARD).status_code == 303
    options = page(client.get("/antrean")).select("select[name=member] option")
    assert [o.get_text() for o in options] == ["Agus Wijaya (Anda)"]
    assert "Hanya kepala keluarga" in refusal(take(client, umum.id, today(1), member=dewi.id))
    booking = booking_id(take(client, umum.id, today(1)))
    with app.app_context():
        theirs = make_booking(dewi, umum, today(2), 1)
    assert client.get(f"/antrean/{theirs.id}").status_code == 404  # the head's own booking
    assert client.get(f"/antrean/{booking}").status_code == 200


def test_a_poli_of_another_facility_is_refused(app, dewi, always_open):
    elsewhere = poli(app, CIBINONG, "umum")
    message = "Poli ini tidak ada di faskes yang dipilih."
    assert message in refusal(take(dewi, elsewhere.id, today(1)))
    assert message in refusal(take(dewi, 99999999, today(1)))
    with app.app_context():
        assert count_bookings(poli=elsewhere.id) == 0


def test_an_unknown_or_unbookable_facility_code_gets_a_message(dewi):
    html = page(dewi.get("/antrean?faskes=TIDAK-ADA"))
    assert "Kode faskes TIDAK-ADA tidak ditemukan" in html.select_one("#facility-error").get_text()
    assert html.select_one("#faskes-name").get_text() == "Puskesmas Coblong"  # back to the own FKTP
    html = page(dewi.get("/antrean?faskes=DEMO-APT-3201"))
    assert "tidak menerima antrean online" in html.select_one("#facility-error").get_text()
    html = page(dewi.get("/antrean?faskes=" + "X" * 300))
    assert html.select_one("#facility-error")


def test_out_of_area_at_most_three_a_month(app, dewi, always_open):
    umum, gigi, kia = (poli(app, CIBINONG, code) for code in ("umum", "gigi", "kia"))
    klinik = poli(app, KLINIK_CIBINONG, "umum")
    visit = today(1)
    with app.app_context():
        me = person(DEWI_CARD)
        last_month = service.rules.month_range(visit)[0] - timedelta(days=1)
        for number in (1, 2, 3):  # last month's visits do not count
            make_booking(me, poli(app, KLINIK_CIBINONG, "umum"), last_month - timedelta(days=number), 1)
        same_month = visit - timedelta(days=1) if visit.day > 1 else visit + timedelta(days=1)
        make_booking(me, klinik, visit, 5, status="batal")  # neither do cancelled ones and no-shows
        make_booking(me, klinik, same_month, 6, status="tidak_hadir")
    html = page(dewi.get(f"/antrean?faskes={CIBINONG}"))
    assert html.select_one("#faskes-name").get_text() == "Puskesmas Cibinong"
    assert "paling banyak 3 kali sebulan" in html.get_text()
    for poli_row in (umum, gigi, kia):
        booking_id(take(dewi, poli_row.id, visit, faskes=CIBINONG))
    text = refusal(take(dewi, klinik.id, visit, faskes=KLINIK_CIBINONG))
    assert "Dewi Lestari sudah 3 kali mengambil antrean di FKTP lain bulan ini" in text
    own = poli(app, COBLONG, "umum")
    booking_id(take(dewi, own.id, visit))  # the registered FKTP is never limited
    with app.app_context():
        agus = person(AGUS_CARD)
    booking_id(take(dewi, klinik.id, visit, member=agus.id, faskes=KLINIK_CIBINONG))  # counted per person


def test_referral_booking_at_the_hospital(app, dewi, always_open):
    dalam, anak = poli(app, RSUD, "penyakit_dalam"), poli(app, RSUD, "anak")
    with app.app_context():
        me, rsud = person(DEWI_CARD), Facility.get(Facility.code == RSUD)
        coblong = Facility.get(Facility.code == COBLONG)
        Referral.create(participant=me, from_facility=coblong, to_facility=rsud, poli_code="penyakit_dalam",
                        issued_on=today(-10), valid_until=today(80))
    html = page(dewi.get("/antrean"))
    link = html.select_one(f'#facilities a[href="/antrean?faskes={RSUD}"]')
    assert link.get_text() == "RSUD Cibinong Contoh" and "berlaku sampai" in link.parent.get_text()
    html = page(dewi.get(f"/antrean?faskes={RSUD}"))
    assert [o.get_text() for o in html.select("select[name=poli] option")][1:] == ["Poli Penyakit Dalam, mulai 09.00"]
    ticket = page(dewi.get(f"/antrean/{booking_id(take(dewi, dalam.id, today(3), faskes=RSUD))}"))
    assert ticket.select_one("#perkiraan").get_text() == "sekitar 09.00"
    with app.app_context():
        booking = Booking.get(Booking.poli == dalam.id)
        assert booking.referral.poli_code == "penyakit_dalam"
        agus = person(AGUS_CARD)
    assert "tidak punya rujukan yang berlaku" in refusal(take(dewi, anak.id, today(3), faskes=RSUD))  # other poli
    assert "Agus Wijaya tidak punya rujukan" in refusal(take(dewi, dalam.id, today(3), member=agus.id, faskes=RSUD))


def test_hospital_without_a_valid_referral_is_refused(app, dewi, always_open):
    dalam = poli(app, RSUD, "penyakit_dalam")
    with app.app_context():
        me, rsud = person(DEWI_CARD), Facility.get(Facility.code == RSUD)
        coblong = Facility.get(Facility.code == COBLONG)
        Referral.delete().where(Referral.participant == me).execute()  # the demo's valid one
        Referral.create(participant=me, from_facility=coblong, to_facility=rsud, poli_code="penyakit_dalam",
                        issued_on=today(-91), valid_until=today(-1))  # expired yesterday
        Referral.create(participant=me, from_facility=coblong, to_facility=coblong, poli_code="penyakit_dalam",
                        issued_on=today(-1), valid_until=today(88))  # to another facility
    html = page(dewi.get("/antrean"))
    assert html.select_one(f'#facilities a[href="/antrean?faskes={RSUD}"]') is None
    html = page(dewi.get(f"/antrean?faskes={RSUD}"))
    assert "hanya bisa dipilih dengan rujukan" in html.select_one("#facility-error").get_text()
    # a tampered form that posts the hospital anyway
    data = booking_form(dewi)
    data.update(faskes=RSUD, poli=str(dalam.id), visit_date=today(1).isoformat())
    assert "hanya bisa dipilih dengan rujukan" in refusal(dewi.post("/antrean", data=data))
    with app.app_context():
        Referral.create(participant=me, from_facility=coblong, to_facility=rsud, poli_code="penyakit_dalam",
                        issued_on=today(-88), valid_until=today(1))  # valid through tomorrow only
    assert "tidak punya rujukan yang berlaku" in refusal(take(dewi, dalam.id, today(3), faskes=RSUD))
    booking_id(take(dewi, dalam.id, today(1), faskes=RSUD))
    with app.app_context():
        assert count_bookings(poli=dalam.id) == 1


def test_nonaktif_participant_is_told_why_and_where_to_pay(app, budi, always_open):
    html = page(budi.get("/antrean"))
    block = html.select_one("#nonaktif")
    assert "NONAKTIF" in block.get_text() and "Antrean belum bisa diambil" in block.get_text()
    expected = "/iuran" if "contributions.bill" in app.view_functions else "/kepesertaan"
    assert block.find("a", string="Lihat tagihan")["href"] == expected
    assert html.select_one('form[action="/antrean"][method="post"]') is None
    umum = poli(app, CIBINONG, "umum")
    with app.app_context():
        me = person(BUDI_CARD)
    response = budi.post("/antrean", data={"csrf_token": csrf_token(budi, "/beranda"), "faskes": CIBINONG,
                                           "request_key": "a" * 32, "member": str(me.id),
                                           "poli": str(umum.id), "visit_date": today(1).isoformat()})
    assert response.status_code == 200 and page(response).select_one("#nonaktif")
    with app.app_context():
        assert count_bookings(participant=me.id) == 0


def test_a_member_inactive_for_their_own_reason_is_refused_with_the_link(app, dewi, always_open):
    umum = poli(app, COBLONG, "umum")
    with app.app_context():
        agus = person(AGUS_CARD)
        agus.inactive_reason = "data_tidak_valid"
        agus.save()
    response = take(dewi, umum.id, today(1), member=agus.id)
    assert "Kepesertaan Agus Wijaya sedang nonaktif" in refusal(response)
    expected = "/iuran" if "contributions.bill" in app.view_functions else "/kepesertaan"
    assert page(response).select_one("#refused").find("a", string="Lihat tagihan")["href"] == expected
    with app.app_context():
        assert count_bookings(participant=agus.id) == 0


# --- a flaky connection ------------------------------------------------------------------------

def test_double_submission_creates_one_booking(app, dewi, always_open):
    umum = poli(app, COBLONG, "umum")
    data = booking_form(dewi)
    data.update(poli=str(umum.id), visit_date=today(1).isoformat())
    first, second = dewi.post("/antrean", data=data), dewi.post("/antrean", data=data)
    assert booking_id(first) == booking_id(second)
    assert any("sudah diambil sebelumnya" in text for text in flashes(dewi))
    with app.app_context():
        assert count_bookings(poli=umum.id) == 1
        assert PoliDay.get(PoliDay.poli == umum.id).booked == 1
    # the same key with another choice (the back button) is not silently the first booking
    reused = dict(data, visit_date=today(2).isoformat())
    assert "Formulir ini sudah dipakai untuk antrean lain" in refusal(dewi.post("/antrean", data=reused))
    # a resubmission after the cancel still finds the first booking, and creates nothing
    post(dewi, f"/antrean/{booking_id(first)}/batal")
    assert booking_id(dewi.post("/antrean", data=data)) == booking_id(first)
    with app.app_context():
        assert count_bookings(poli=umum.id) == 1


def test_a_missing_or_bad_request_key_is_refused_with_a_fresh_one(app, dewi, always_open):
    umum = poli(app, COBLONG, "umum")
    for key in ("", "abc", "Z" * 32):
        data = booking_form(dewi)
        data.update(poli=str(umum.id), visit_date=today(1).isoformat(), request_key=key)
        response = dewi.post("/antrean", data=data)
        html = page(response)
        assert "kedaluwarsa" in html.select_one("#request-key-error").get_text()
        assert len(html.find("input", {"name": "request_key"})["value"]) == 32
        assert html.select_one("select[name=poli] option[selected]")["value"] == str(umum.id)  # input kept
    with app.app_context():
        assert count_bookings(poli=umum.id) == 0


def test_another_familys_request_key_is_not_theirs(app, dewi, always_open):
    umum = poli(app, COBLONG, "umum")
    with app.app_context():
        budi_booking = make_booking(person(BUDI_CARD), poli(app, CIBINONG, "umum"), today(1), 1)
        Booking.update(request_key="b" * 32).where(Booking.id == budi_booking.id).execute()
    data = booking_form(dewi)
    data.update(poli=str(umum.id), visit_date=today(1).isoformat(), request_key="b" * 32)
    assert "Formulir ini sudah dipakai" in refusal(dewi.post("/antrean", data=data))


# --- the quota race --------------------------------------------------------------------------

@pytest.fixture
def fresh_family(app):
    """A new puskesmas with a one-slot poli, and a PBI (always aktif) family of two registered there,
    each with an account: committed, so every name and number is unique. Afterwards the facility,
    its poli and bookings go again, so facility listings stay as they were (the family and accounts
    stay: the append-only audit log refers to them)."""
    tag = uuid.uuid4().hex[:8].upper()
    with app.app_context(), db.connection_context():
        facility = Facility.create(code=f"UJI-{tag}", name=f"Puskesmas Uji Antrean {tag}",
                                   search_name=f"zz uji antrean {tag.lower()}", kind="puskesmas", is_partner=True)
        slot = Poli.create(facility=facility, code="umum", name="Poli Umum", start_time="08:00",
                           service_minutes=10, daily_quota=1)
        family = Family.create(kk_number=f"99{uuid.uuid4().int % 10**14:014d}", segment="PBI", care_class=3,
                               fktp=facility, registered_on=clock.today() - timedelta(days=400),
                               cover_start=clock.today().replace(day=1) - timedelta(days=365))
        cards = []
        for relationship in ("kepala", "istri"):
            member = Participant(card_number=Participant.new_card_number(), name=f"Peserta {tag} {relationship}",
                                 sex="L", birth_date=clock.today() - timedelta(days=11000), family=family,
                                 relationship=relationship)
            member.nik = f"99{uuid.uuid4().int % 10**14:014d}"
            member.save()
            user = User(participant=member, role="peserta")
            user.set_password("kopi-pagi-antrean")
            user.save()
            cards.append(member.card_number)
    yield slot, cards
    with app.app_context(), db.connection_context():
        Booking.delete().where(Booking.poli == slot.id).execute()
        PoliDay.delete().where(PoliDay.poli == slot.id).execute()
        Family.update(fktp=None).where(Family.id == family.id).execute()
        Poli.delete().where(Poli.id == slot.id).execute()
        Facility.delete().where(Facility.id == facility.id).execute()


@pytest.mark.committed
def test_two_participants_racing_for_the_last_slot(app, fresh_family):
    slot, cards = fresh_family
    clients = []
    for card in cards:
        client = app.test_client()
        assert sign_in(client, card, "kopi-pagi-antrean").status_code == 303
        data = booking_form(client)
        data.update(poli=str(slot.id), visit_date=clock.today().isoformat())
        clients.append((client, data))
    results = _race(clients)
    assert sorted(r.status_code for r in results) == [200, 303]
    refused = next(r for r in results if r.status_code == 200)
    assert refusal(refused) == "Kuota JKN hari itu sudah penuh. Pilih hari lain."
    with app.app_context(), db.connection_context():
        assert Booking.select().where(Booking.poli == slot.id).count() == 1
        day = PoliDay.get(PoliDay.poli == slot.id)
        assert (day.issued, day.booked) == (1, 1)


def _race(posts):
    """Run the (client, data) posts at the same moment; returns the responses."""
    return run_together([lambda c=c, d=d: c.post("/antrean", data=d) for c, d in posts])


@pytest.mark.committed
def test_a_double_submission_racing_itself_creates_one_booking(app, fresh_family):
    slot, cards = fresh_family
    with app.app_context(), db.connection_context():
        Poli.update(daily_quota=5).where(Poli.id == slot.id).execute()
    client = app.test_client()
    assert sign_in(client, cards[0], "kopi-pagi-antrean").status_code == 303
    data = booking_form(client)
    data.update(poli=str(slot.id), visit_date=clock.today().isoformat())
    twin = app.test_client()  # the same browser session (with its CSRF token), a second connection
    twin.set_cookie("jkn", client.get_cookie("jkn").value)
    results = _race([(client, data), (twin, data)])
    assert [r.status_code for r in results] == [303, 303]
    assert results[0].headers["Location"] == results[1].headers["Location"]
    with app.app_context(), db.connection_context():
        assert Booking.select().where(Booking.poli == slot.id).count() == 1
        assert PoliDay.get(PoliDay.poli == slot.id).booked == 1


# --- the htmx refresh --------------------------------------------------------------------------

def test_now_serving_refreshes_itself_as_a_small_fragment(app, dewi):
    umum = poli(app, COBLONG, "umum")
    with app.app_context():
        booking = make_booking(person(DEWI_CARD), umum, today(), 3)
        PoliDay.update(now_serving=2).where(PoliDay.poli == umum.id).execute()
    full = page(dewi.get(f"/antrean/{booking.id}"))
    now = full.select_one("section#now")
    assert now["hx-get"] == f"/antrean/{booking.id}" and now["hx-trigger"] == "every 30s"
    assert full.select_one("#now a")["href"] == f"/antrean/{booking.id}"  # the refresh link without JS
    response = dewi.get(f"/antrean/{booking.id}", headers={"HX-Request": "true", "Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding", "gzip") == "gzip"
    assert len(response.get_data()) <= 2048
    fragment = BeautifulSoup(decoded(response), "html.parser")
    assert fragment.find("html") is None and fragment.select_one("section#now")["hx-trigger"] == "every 30s"
    assert "sedang dilayani nomor 2" in fragment.get_text()
    assert "HX-Request" in response.headers["Vary"]
    boosted = page(dewi.get(f"/antrean/{booking.id}", headers={"HX-Request": "true", "HX-Boosted": "true"}))
    assert boosted.title and boosted.select_one("#kode")


def test_no_polling_for_a_future_or_finished_booking(app, dewi):
    umum = poli(app, COBLONG, "umum")
    with app.app_context():
        future = make_booking(person(DEWI_CARD), umum, today(2), 1)
        done = make_booking(person(DEWI_CARD), poli(app, COBLONG, "gigi"), today(), 1, status="selesai")
    for booking in (future, done):
        assert not page(dewi.get(f"/antrean/{booking.id}")).select_one("section#now").has_attr("hx-trigger")


# --- who may see what --------------------------------------------------------------------------

def test_another_familys_booking_is_not_found(app, budi, dewi):
    with app.app_context():
        theirs = make_booking(person(DEWI_CARD), poli(app, COBLONG, "umum"), today(1), 1)
    assert budi.get(f"/antrean/{theirs.id}").status_code == 404
    assert post(budi, f"/antrean/{theirs.id}/batal").status_code == 404
    assert budi.get("/antrean/99999999").status_code == 404
    with app.app_context():
        assert Booking.get_by_id(theirs.id).status == "aktif"


def test_the_head_sees_a_members_booking_and_it_is_audited(app, dewi, audit_mark):
    with app.app_context():
        agus = person(AGUS_CARD)
        booking = make_booking(agus, poli(app, COBLONG, "umum"), today(1), 1)
    assert page(dewi.get(f"/antrean/{booking.id}")).select_one("#kode").get_text() == booking.code
    with app.app_context():
        [entry] = audit_entries(f"booking:{booking.id}", audit_mark)
        assert (entry.action, entry.on_behalf_of_id) == ("booking_viewed", agus.id)


@pytest.mark.parametrize("path", ["/antrean", "/antrean/1", "/faskes-saya", "/faskes-saya/tempat-tidur",
                                  "/faskes-saya/jam-buka", "/faskes-saya/layanan"])
def test_strangers_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/masuk")


@pytest.mark.parametrize("role, path", [
    ("petugas_faskes", "/antrean"), ("petugas_bpjs", "/antrean"), ("admin", "/antrean/1"),
    ("fasilitator", "/antrean"), ("peserta", "/faskes-saya"), ("peserta_lunas", "/faskes-saya/tempat-tidur"),
    ("petugas_bpjs", "/faskes-saya/jam-buka"), ("admin", "/faskes-saya/layanan"),
])
def test_other_roles_are_refused(app, role, path):
    assert signed_in_client(app, role).get(path).status_code == 403


def test_other_roles_cannot_post_either(app):
    client = signed_in_client(app, "petugas_bpjs")
    assert post(client, "/faskes-saya/poli/1/panggil").status_code == 403
    assert post(client, "/antrean/1/batal").status_code == 403


# --- size ---------------------------------------------------------------------------------------

def _size(client, path):
    response = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200, path
    assert not page_problems(path, response, BeautifulSoup(decoded(response), "html.parser")), path
    return transfer_size(response)


def test_pages_fit_the_core_budget(app, dewi, faskes, always_open):
    with app.app_context():
        umum = poli(app, CIBINONG, "umum")
        polis = [poli(app, COBLONG, code) for code in ("umum", "gigi", "kia")]
        for offset in range(4):
            make_booking(person(DEWI_CARD), polis[offset % 3], today(offset), 1)
            make_booking(person(AGUS_CARD), polis[offset % 3], today(offset), 2)
        for number in range(1, 41):  # a full day on the staff board
            make_booking(person(DEWI_CARD if number % 2 else AGUS_CARD), umum, today(), number,
                         status=("aktif", "hadir", "dipanggil", "selesai")[number % 4], active=False)
        booking = Booking.select().where(Booking.poli == polis[0].id).first()
    for path in ("/antrean", f"/antrean/{booking.id}", f"/faskes-saya?poli={umum.id}", "/faskes-saya/jam-buka",
                 "/faskes-saya/layanan"):
        client = faskes if path.startswith("/faskes") else dewi
        assert _size(client, path) <= CORE_BUDGET, path
    with app.app_context():
        User.update(facility=Facility.get(Facility.code == RSUD)).where(User.username == "faskes").execute()
    assert _size(faskes, "/faskes-saya/tempat-tidur") <= CORE_BUDGET
