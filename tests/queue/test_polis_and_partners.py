"""Queues beyond the demo: facility staff manage their polis (bad quotas and hours refused), officers
record a facility's BPJS partnership (it can be unknown) and import partner lists, and the facility
page offers a queue number where the participant may book."""
from datetime import date, timedelta

import pytest

from app.core import clock
from app.facilities import partners
from app.models import AuditLog, Facility, Participant, Poli, Referral, User
from app.queue import service as queue
from tests.helpers import csrf_post, page, signed_in_client


def facility(app, code):
    with app.app_context():
        return Facility.get(Facility.code == code)


def errors(response, field):
    return [p.get_text(" ", strip=True) for p in page(response).select(f"#{field}-error")]


POLI = {"name": "Poli Lansia", "code": "lansia", "bpjs_code": "lan", "days": ["0", "2"], "start_time": "8.00",
        "end_time": "11:30", "daily_quota": "25", "service_minutes": "12"}


def test_staff_add_a_poli_that_then_takes_bookings_on_its_days(app):
    staff = signed_in_client(app, "petugas_faskes")
    board = page(staff.get("/faskes-saya"))
    assert board.find("a", href="/faskes-saya/poli")
    assert csrf_post(staff, "/faskes-saya/poli", POLI, form_page="/faskes-saya/poli").status_code == 303
    with app.app_context():
        poli = Poli.get(Poli.code == "lansia")
        assert (poli.facility.code, poli.bpjs_code, poli.weekdays, poli.start_time, poli.end_time,
                poli.daily_quota, poli.service_minutes) == ("DEMO-PKM-3201", "LAN", "02", "08:00", "11:30", 25, 12)
        assert AuditLog.select().where(AuditLog.action == "poli_saved").exists()
        monday = clock.today() + timedelta(days=(7 - clock.today().weekday()) % 7 or 7)
        assert poli.open_on(monday) and not poli.open_on(monday + timedelta(days=1))
    listed = page(staff.get("/faskes-saya/poli")).select_one("#polis").get_text()
    assert "Poli Lansia (LAN)" in listed and "kuota 25" in listed
    edit = f"/faskes-saya/poli/{poli.id}"
    assert page(staff.get(edit)).find("input", {"name": "daily_quota"})["value"] == "25"
    assert csrf_post(staff, edit, dict(POLI, daily_quota="30")).status_code == 303
    with app.app_context():
        assert Poli.get_by_id(poli.id).daily_quota == 30


@pytest.mark.parametrize("change,field,message", [
    ({"daily_quota": "0"}, "daily_quota", "Paling sedikit 1."),
    ({"daily_quota": "10000"}, "daily_quota", "Kuota paling banyak 500 nomor sehari."),
    ({"daily_quota": "dua puluh"}, "daily_quota", "Tulis angka bulat saja, misalnya 30."),
    ({"start_time": "12:00", "end_time": "08:00"}, "end_time", "Jam tutup harus sesudah jam buka."),
    ({"start_time": "25:00"}, "start_time", "Tulis jam seperti 07:30 (00:00 sampai 23:59)."),
    ({"service_minutes": "0"}, "service_minutes", "Paling sedikit 1."),
    ({"days": []}, "days", "Pilih paling sedikit satu hari buka."),
    ({"bpjs_code": "12"}, "bpjs_code", "Kode poli BPJS: tiga huruf besar, contoh INT, ANA, GIG. Kosongkan bila belum tahu."),
    ({"code": "umum"}, "code", "Kode poli ini sudah dipakai poli lain di faskes ini."),
    ({"name": ""}, "name", "Wajib diisi."),
])
def test_bad_poli_settings_are_refused_next_to_the_field(app, change, field, message):
    staff = signed_in_client(app, "petugas_faskes")
    with app.app_context():
        before = Poli.select().count()
    response = csrf_post(staff, "/faskes-saya/poli", dict(POLI, **change), form_page="/faskes-saya/poli")
    assert response.status_code == 200
    assert message in errors(response, field)
    assert page(response).find("input", {"name": "name"})["value"] == change.get("name", POLI["name"])
    with app.app_context():
        assert Poli.select().count() == before


def test_another_facilitys_poli_is_not_found(app):
    staff = signed_in_client(app, "petugas_faskes")
    with app.app_context():
        other = Poli.select().join(Facility).where(Facility.code == "DEMO-RS-3201").first()
    assert staff.get(f"/faskes-saya/poli/{other.id}").status_code == 404
    assert csrf_post(staff, f"/faskes-saya/poli/{other.id}", POLI, form_page="/faskes-saya/poli").status_code == 404


def test_a_poli_closed_that_day_cannot_be_booked(app):
    with app.app_context():
        poli = Poli.select().join(Facility).where(Facility.code == "DEMO-PKM-3273", Poli.code == "umum").get()
        tomorrow = clock.today() + timedelta(days=1)
        poli.weekdays = "".join(d for d in "0123456" if d != str(tomorrow.weekday()))
        poli.save()
        dewi = Participant.by_card("0001000000002")
        user = User.get(User.participant == dewi)
        with pytest.raises(queue.QueueRefused) as refused:
            queue.book(user, dewi.id, poli.id, tomorrow)
        assert refused.value.code == "closed"


def test_officer_records_partnership_and_dates(app):
    hospital = facility(app, "DEMO-RS-3603")
    url = f"/petugas/faskes/{hospital.id}/kerja-sama"
    detail = page(signed_in_client(app, "petugas_bpjs").get(f"/faskes/{hospital.id}"))
    assert "Status mitra BPJS belum tercatat" in detail.select_one("#kerja-sama").get_text()
    assert detail.select_one("#kerja-sama a")["href"] == url
    officer = signed_in_client(app, "petugas_bpjs")
    bad = csrf_post(officer, url, {"state": "ya", "start": "01-06-2027", "end": "01-01-2027"})
    assert errors(bad, "end") == ["Tanggal berakhir tidak boleh sebelum tanggal mulai."]
    assert errors(csrf_post(officer, url, {"state": "ya", "start": "31-02-2027"}), "start") == [
        "Tulis tanggal seperti 01-01-2027."]
    assert csrf_post(officer, url, {"state": "ya", "start": "01-01-2026", "end": "31-12-2030"}).status_code == 303
    with app.app_context():
        saved = Facility.get_by_id(hospital.id)
        assert (saved.is_partner, saved.partner_from, saved.partner_until) == (True, date(2026, 1, 1), date(2030, 12, 31))
        assert saved.partner_on(date(2031, 1, 1)) == "tidak" and saved.partner_on(date(2027, 1, 1)) == "ya"
    shown = page(officer.get(f"/faskes/{hospital.id}")).select_one("#kerja-sama").get_text()
    assert "Mitra BPJS Kesehatan · sampai 31 Des 2030" in shown
    assert signed_in_client(app, "petugas_faskes").get(url).status_code == 403
    assert csrf_post(officer, url, {"state": "belum_tercatat"}).status_code == 303
    with app.app_context():
        assert Facility.get_by_id(hospital.id).is_partner is None


def test_partner_list_import_dry_run_and_line_numbered_report(app, tmp_path):
    csv = tmp_path / "mitra.csv"
    csv.write_text("\ufeffkode_faskes,kerja_sama,mulai,sampai\n"
                   "DEMO-RS-3603,ya,01-01-2026,31-12-2027\n"
                   "TIDAK-ADA,ya,,\n"
                   "DEMO-KLP-3201,mungkin,,\n"
                   "DEMO-RS-3603,tidak,,\n"
                   "DEMO-APT-3201,tidak,01-01-2026,\n"
                   "\n"
                   "DEMO-KLP-3273,tidak,,\n", encoding="utf-8")
    with app.app_context():
        dry = partners.import_partners(csv, dry_run=True)
        assert Facility.get(Facility.code == "DEMO-RS-3603").is_partner is None  # nothing saved
        assert dry.text().splitlines()[:2] == ["DRY RUN — nothing saved",
                                               "Partners from mitra.csv: 2 would be saved, 0 unchanged, 4 refused."]
        report = partners.import_partners(csv)
        assert [line for line, _ in report.refused] == [3, 4, 5, 6]
        assert "line 3: kode_faskes TIDAK-ADA tidak ada" in report.text()
        assert "line 5: kode_faskes DEMO-RS-3603 sudah ada di baris 2" in report.text()
        assert Facility.get(Facility.code == "DEMO-RS-3603").partner_until == date(2027, 12, 31)
        assert Facility.get(Facility.code == "DEMO-KLP-3273").is_partner is False
        assert partners.import_partners(csv).saved == 0  # a rerun changes nothing


def test_import_partners_command(runner, tmp_path):
    csv = tmp_path / "mitra.csv"
    csv.write_text("kode,status\nX,ya\n", encoding="utf-8")
    result = runner.invoke(args=["import", "partners", str(csv), "--dry-run"])
    assert result.exit_code != 0 and "the header lacks kode_faskes, kerja_sama" in result.output


def test_the_facility_page_offers_a_queue_number_where_the_participant_may_book(app):
    budi, dewi = signed_in_client(app, "peserta"), signed_in_client(app, "peserta_lunas")
    own, rsud, unknown = (facility(app, c) for c in ("DEMO-PKM-3201", "DEMO-RS-3201", "DEMO-RS-3603"))
    link = page(budi.get(f"/faskes/{own.id}")).select_one("#ambil-antrean a")
    assert link["href"] == "/antrean?faskes=DEMO-PKM-3201"
    assert page(budi.get(f"/faskes/{own.id}")).select_one("#kode").get_text() == "DEMO-PKM-3201"
    with app.app_context():  # the demo gives Budi's family a referral: without it, no number at the hospital
        family = Participant.by_card("0001000000001").family_id
        Referral.delete().where(Referral.participant.in_(
            Participant.select(Participant.id).where(Participant.family == family))).execute()
    assert page(budi.get(f"/faskes/{rsud.id}")).select_one("#ambil-antrean") is None  # no referral
    assert page(dewi.get(f"/faskes/{rsud.id}")).select_one("#ambil-antrean a")["href"] == "/antrean?faskes=DEMO-RS-3201"
    assert page(dewi.get(f"/faskes/{unknown.id}")).select_one("#ambil-antrean") is None  # partnership unknown
    assert page(app.test_client().get(f"/faskes/{own.id}")).select_one("#ambil-antrean") is None
