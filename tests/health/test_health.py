"""Riwayat pelayanan as staff and participants meet it: recording a visit (and every bad input),
encryption at rest, the audited look-up in the participant's access history, referrals, PRB, and
the history and visit pages of the family."""
from datetime import timedelta

from app.core import clock
from app.health.service import HISTORY_DAYS
from app.models import AuditLog, Participant, Poli, PrbEnrolment, Referral, Visit
from tests.helpers import csrf_post, field_error, page, signed_in_client

SITI = "0001000000003"
VISIT_URL = f"/faskes-saya/pasien/{SITI}/kunjungan"


def _visit(**overrides):
    data = {"visit_date": clock.today().strftime("%d-%m-%Y"), "service_type": "RJTP", "diagnosis_1": "i10",
            "med1_name": "Amlodipin 5 mg", "med1_dose": "1 x 1", "med1_quantity": "30", "med1_days": "30"}
    data.update(overrides)
    return data


def test_staff_record_a_visit_that_is_stored_encrypted_and_shown_to_the_family(app):
    staff = signed_in_client(app, "petugas_faskes")
    response = csrf_post(staff, VISIT_URL, _visit(procedures="Cek tensi"))
    assert response.status_code == 303
    with app.app_context():
        siti = Participant.by_card(SITI)
        visit = Visit.select().where(Visit.participant == siti).order_by(Visit.id.desc()).first()
        assert "I10" not in visit.data_encrypted and "Amlodipin" not in visit.data_encrypted
        assert visit.data["diagnoses"][0][0] == "I10"
        assert not AuditLog.select().where(AuditLog.detail.contains("I10")).exists()
    budi = signed_in_client(app, "peserta")  # the head of Siti's family
    history = page(budi.get(f"/riwayat?peserta={siti.id}"))
    link = history.find("ol", id="kunjungan").find("a", href=f"/riwayat/{visit.id}")
    assert link is not None
    detail = page(budi.get(f"/riwayat/{visit.id}"))
    assert "I10" in detail.find(id="diagnosis").get_text() and "Amlodipin 5 mg" in detail.find(id="obat").get_text()


def test_bad_visits_get_a_message_next_to_the_field_and_nothing_is_saved(app):
    staff = signed_in_client(app, "petugas_faskes")
    tomorrow = (clock.today() + timedelta(days=1)).strftime("%d-%m-%Y")
    cases = [
        (_visit(visit_date=tomorrow), "visit_date", "setelah hari ini"),
        (_visit(visit_date="01-01-1980"), "visit_date", "sebelum peserta lahir"),
        (_visit(diagnosis_1="Z99.99"), "diagnosis_1", "tidak ada"),
        (_visit(diagnosis_1="E11"), "diagnosis_1", "terlalu umum"),
        (_visit(service_type="RITL", admitted_on="10-11-2026", discharged_on="05-11-2026"),
         "discharged_on", "sebelum tanggal masuk"),
        (_visit(med1_quantity="0"), "med1_quantity", "1 sampai 1000"),
        (_visit(med1_quantity="10000"), "med1_quantity", "1 sampai 1000"),
        (_visit(visit_date="31-02-2026"), "visit_date", "25-11-2026"),
        (_visit(service_type="XYZ"), "service_type", "Pilih jenis pelayanan"),
    ]
    with app.app_context():
        before = Visit.select().count()
    for data, name, words in cases:
        response = csrf_post(staff, VISIT_URL, data)
        assert response.status_code == 200, data
        assert words in field_error(response, name), (name, field_error(response, name))
        assert page(response).find(attrs={"name": "med1_name"})["value"] == data["med1_name"]
    with app.app_context():
        assert Visit.select().count() == before


def test_a_look_up_by_card_is_audited_and_shows_in_the_participants_access_history(app):
    staff = signed_in_client(app, "petugas_faskes")
    recent = page(staff.get("/faskes-saya/pasien")).find("ol", id="terakhir")
    assert recent.find("a", href="/faskes-saya/pasien?kartu=0001000000001")
    found = page(staff.get("/faskes-saya/pasien?kartu=0001000000001"))
    assert found.find(id="pasien").get_text() == "Budi Santoso"
    assert len(found.find("ol", id="kunjungan").find_all("li")) >= 3
    missing = staff.get("/faskes-saya/pasien?kartu=0009999999999")
    assert "Tidak ada peserta" in page(missing).find(id="kartu-error").get_text()
    trail = signed_in_client(app, "peserta").get("/akun/riwayat-akses").get_data(as_text=True)
    assert "Riwayat pelayanan dilihat" in trail


def test_referral_from_the_fktp_to_a_hospital_poli_valid_90_days_and_never_to_a_puskesmas(app):
    staff = signed_in_client(app, "petugas_faskes")
    url = f"/faskes-saya/pasien/{SITI}/rujukan"
    with app.app_context():
        hospital_poli = Poli.get(Poli.code == "penyakit_dalam")
        puskesmas_poli = Poli.get(Poli.code == "umum")
    refused = csrf_post(staff, url, {"poli": str(puskesmas_poli.id)})
    assert refused.status_code == 200 and field_error(refused, "poli")
    assert csrf_post(staff, url, {"poli": str(hospital_poli.id)}).status_code == 303
    with app.app_context():
        made = Referral.select().where(Referral.participant == Participant.by_card(SITI)).get()
        assert made.valid_until == clock.today() + timedelta(days=90)
    # a hospital's staff may not issue one
    rs = signed_in_client(app, "petugas_faskes_rs")
    assert field_error(csrf_post(rs, url, {"poli": str(hospital_poli.id)}), "poli")


def test_prb_enrolment_and_its_bad_input(app):
    staff = signed_in_client(app, "petugas_faskes")
    url = f"/faskes-saya/pasien/{SITI}/prb"
    form = page(staff.get(url))
    pharmacy = [o["value"] for o in form.find("select", attrs={"name": "pharmacy"}).find_all("option") if o["value"]][0]
    bad = csrf_post(staff, url, {"condition": "flu", "pharmacy": "999999", "pickup_day": "31",
                                 "last_control": "01-10-2026"})
    assert "1 sampai 28" in field_error(bad, "pickup_day") and "dari daftar" in field_error(bad, "condition")
    not_pharmacy = csrf_post(staff, url, {"condition": "asma", "pharmacy": "1", "pickup_day": "3",
                                          "last_control": "01-10-2026"})
    assert "apotek PRB" in field_error(not_pharmacy, "pharmacy")
    good = csrf_post(staff, url, {"condition": "diabetes", "pharmacy": pharmacy, "pickup_day": "5",
                                  "last_control": "01-10-2026"})
    assert good.status_code == 303
    with app.app_context():
        assert PrbEnrolment.get(PrbEnrolment.participant == Participant.by_card(SITI)).pickup_day == 5


def test_the_demo_family_sees_referral_prb_and_visits_and_another_family_sees_none(app):
    budi = page(signed_in_client(app, "peserta").get("/riwayat"))
    assert budi.find(id="rujukan") and budi.find(id="prb") and len(budi.find(id="kunjungan").find_all("a")) >= 3
    dewi = signed_in_client(app, "peserta_lunas")
    with app.app_context():
        budi_id = Participant.by_card("0001000000001").id
        budi_visit = Visit.select().where(Visit.participant == budi_id).first().id
    assert dewi.get(f"/riwayat?peserta={budi_id}").status_code == 404
    assert dewi.get(f"/riwayat/{budi_visit}").status_code == 404
    assert dewi.get("/riwayat?peserta=99999999999999").status_code == 404
    assert "Budi" not in dewi.get("/riwayat").get_data(as_text=True)


def test_from_the_board_a_served_number_leads_to_its_visit_form_once(app):
    import uuid

    from app.models import Booking, Facility

    with app.app_context():
        siti = Participant.by_card(SITI)
        poli = Poli.get((Poli.facility == Facility.get(Facility.code == "DEMO-PKM-3201").id) & (Poli.code == "umum"))
        booking = Booking.create(participant=siti, poli=poli, visit_date=clock.today(), number=99,
                                 code=uuid.uuid4().hex[:10].upper(), status="selesai")
        other = Poli.get(Poli.code == "penyakit_dalam")
        elsewhere = Booking.create(participant=siti, poli=other, visit_date=clock.today(), number=98,
                                   code=uuid.uuid4().hex[:10].upper(), status="selesai")
    staff = signed_in_client(app, "petugas_faskes")
    board = page(staff.get(f"/faskes-saya?poli={poli.id}"))
    link = board.find(id=f"b{booking.id}").find("a")
    assert link["href"] == f"{VISIT_URL}?antrean={booking.id}"
    assert csrf_post(staff, link["href"], _visit()).status_code == 303
    again = csrf_post(staff, link["href"], _visit())
    assert "sudah dicatat" in page(again).get_text()
    assert staff.get(f"{VISIT_URL}?antrean={elsewhere.id}").status_code == 404
    with app.app_context():
        assert Visit.select().where(Visit.booking == booking.id).count() == 1


def test_the_history_pages_through_every_visit_newest_first_once(app):
    """20 a page, newest first (the same day: the later record first), each visit once across the
    pages; older than 12 months only with "semua"."""
    today = clock.today()
    with app.app_context():
        siti = Participant.by_card(SITI)
        facility = siti.family.fktp_id
        since = today - timedelta(days=HISTORY_DAYS)
        days = [today - timedelta(days=n // 2) for n in range(44)] + [since - timedelta(days=100)]
        made = [Visit.create(participant=siti, facility=facility, service_type="RJTP", visit_date=day).id
                for day in days]
        expected = [v.id for v in Visit.select().where(Visit.participant == siti, Visit.visit_date >= since)
                    .order_by(Visit.visit_date.desc(), Visit.id.desc())]
    budi = signed_in_client(app, "peserta")

    def pages(url):
        seen, count = [], 0
        while url:
            html = page(budi.get(url))
            seen += [int(a["href"].rsplit("/", 1)[1]) for a in html.find("ol", id="kunjungan").find_all("a")]
            count += 1
            following = html.find("a", rel="next")
            url = following["href"] if following else None
        return seen, count

    seen, count = pages(f"/riwayat?peserta={siti.id}")
    assert seen == expected and count == -(-len(expected) // 20)
    assert made[-1] not in seen and set(made[:-1]) <= set(seen)
    everything, _ = pages(f"/riwayat?peserta={siti.id}&semua=1")
    assert everything[:len(expected)] == expected and made[-1] in everything
