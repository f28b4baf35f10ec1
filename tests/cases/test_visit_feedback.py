"""Feedback after a visit: asked in the inbox in the visit's own transaction, answered once by the
participant or the family head (404 for anyone else), a complaint opened about the visit when the
participant was asked to pay or not treated, the case form's visit field (another family's visit is
refused next to the field), and the feedback scores in the report and on the public dashboard."""
from datetime import timedelta

from app.cases import reports, service
from app.core import clock
from app.models import Case, Participant, Reminder, Visit, VisitFeedback
from tests.helpers import csrf_post, error_next_to, field_error, page, signed_in_client, transfer_size

SITI = "0001000000003"
VISIT_URL = f"/faskes-saya/pasien/{SITI}/kunjungan"
ANSWERS = {"treated": "ya", "asked_to_pay": "tidak", "all_medicines": "ya", "satisfaction": "4"}


def _record_visit(app):
    staff = signed_in_client(app, "petugas_faskes")
    data = {"visit_date": clock.today().strftime("%d-%m-%Y"), "service_type": "RJTP", "diagnosis_1": "i10"}
    assert csrf_post(staff, VISIT_URL, data).status_code == 303
    with app.app_context():
        siti = Participant.by_card(SITI)
        return Visit.select().where(Visit.participant == siti).order_by(Visit.id.desc()).first()


def test_a_recorded_visit_asks_in_the_inbox_and_asked_to_pay_opens_a_linked_complaint(app):
    visit = _record_visit(app)
    with app.app_context():
        assert VisitFeedback.get(VisitFeedback.visit == visit.id).answered_at is None
        question = Reminder.get(Reminder.event_key == f"feedback:{visit.id}")
        assert question.kind == "feedback" and question.participant_id == visit.participant_id
    budi = signed_in_client(app, "peserta")  # the head of Siti's family
    inbox = page(budi.get("/pesan"))
    assert inbox.find("a", href=f"/pesan/{question.id}") is not None
    message = page(budi.get(f"/pesan/{question.id}"))
    link = message.find("a", id="umpan-balik")
    assert link["href"] == f"/kasus/umpan-balik/{visit.id}"
    form_page = budi.get(link["href"])
    assert transfer_size(form_page) <= 10_000
    assert {i["name"] for i in page(form_page).find_all("input", type="radio")} == set(ANSWERS)
    answered = csrf_post(budi, link["href"], dict(ANSWERS, asked_to_pay="ya", satisfaction="1"))
    assert answered.status_code == 303
    with app.app_context():
        feedback = VisitFeedback.get(VisitFeedback.visit == visit.id)
        assert feedback.asked_to_pay and feedback.satisfaction == 1 and feedback.answered_at is not None
        case = Case.get_by_id(feedback.case_id)
        assert (case.kind, case.category, case.visit_id, case.facility_id) == (
            "pengaduan", "diminta_membayar", visit.id, visit.facility_id)
        assert "diminta membayar" in case.text
        assert Reminder.get_by_id(question.id).read_at is not None
    shown = page(budi.get(link["href"]))
    assert shown.find("form", action=link["href"]) is None
    assert shown.find("a", id="kasus")["href"] == f"/kasus/{case.id}"
    again = csrf_post(budi, link["href"], ANSWERS, form_page="/beranda")  # once per visit
    assert again.status_code == 303
    with app.app_context():
        assert Case.select().where(Case.visit == visit.id).count() == 1
        assert VisitFeedback.get(VisitFeedback.visit == visit.id).satisfaction == 1


def test_not_treated_opens_a_complaint_about_the_facility_service_and_all_well_opens_none(app):
    visit = _record_visit(app)
    budi = signed_in_client(app, "peserta")
    csrf_post(budi, f"/kasus/umpan-balik/{visit.id}", dict(ANSWERS, treated="tidak"))
    with app.app_context():
        case = Case.get_by_id(VisitFeedback.get(VisitFeedback.visit == visit.id).case_id)
        assert case.category == "pelayanan_faskes" and case.visit_id == visit.id
    second = _record_visit(app)
    csrf_post(budi, f"/kasus/umpan-balik/{second.id}", ANSWERS)
    with app.app_context():
        feedback = VisitFeedback.get(VisitFeedback.visit == second.id)
        assert feedback.satisfaction == 4 and feedback.case_id is None
        assert not Case.select().where(Case.visit == second.id).exists()


def test_bad_answers_are_refused_next_to_the_field_and_nothing_is_saved(app):
    visit = _record_visit(app)
    budi = signed_in_client(app, "peserta")
    for name, value in (("satisfaction", "9"), ("treated", "mungkin"), ("asked_to_pay", "")):
        response = csrf_post(budi, f"/kasus/umpan-balik/{visit.id}", dict(ANSWERS, **{name: value}))
        assert response.status_code == 200
        assert error_next_to(response, name), name
        assert page(response).find("input", attrs={"name": "all_medicines", "checked": True})["value"] == "ya"  # kept
    with app.app_context():
        assert VisitFeedback.get(VisitFeedback.visit == visit.id).answered_at is None


def test_only_the_participant_or_the_family_head_reaches_the_feedback(app):
    visit = _record_visit(app)
    dewi = signed_in_client(app, "peserta_lunas")  # another family
    assert dewi.get(f"/kasus/umpan-balik/{visit.id}").status_code == 404
    assert csrf_post(dewi, f"/kasus/umpan-balik/{visit.id}", ANSWERS, form_page="/beranda").status_code == 404
    assert dewi.get("/kasus/umpan-balik/999999999").status_code == 404
    with app.app_context():
        assert VisitFeedback.get(VisitFeedback.visit == visit.id).answered_at is None
        question = Reminder.get(Reminder.event_key == f"feedback:{visit.id}")
    assert dewi.get(f"/pesan/{question.id}").status_code == 404


def test_the_case_form_names_a_family_visit_and_refuses_another_familys(app):
    budi = signed_in_client(app, "peserta")
    with app.app_context():
        budi_person = Participant.by_card("0001000000001")
        own = Visit.select().where(Visit.participant == budi_person).order_by(Visit.id.desc()).first()
        other = _other_family_visit()
    form = page(budi.get("/kasus/baru"))
    choices = {o["value"] for o in form.find("select", attrs={"name": "visit"}).find_all("option")}
    assert str(own.id) in choices and str(other.id) not in choices
    data = {"kind": "pengaduan", "category": "pelayanan_faskes", "member": str(budi_person.id),
            "text": "Diminta membeli obat sendiri.", "visit": str(other.id)}
    key = page(budi.get("/kasus/baru")).find("input", attrs={"name": "request_key"})["value"]
    refused = csrf_post(budi, "/kasus/baru", dict(data, request_key=key))
    assert refused.status_code == 200
    assert "keluarga lain" in field_error(refused, "visit")
    assert page(refused).find("textarea", attrs={"name": "text"}).get_text().strip() == data["text"]
    with app.app_context():
        assert not Case.select().where(Case.visit == other.id).exists()
        try:  # the service checks too (on SQLite the migrated column has no foreign key)
            service.file_case(None, budi_person, "pengaduan", "obat", "x", visit_id=other.id)
        except service.CaseRefused as refused_error:
            assert refused_error.code == "visit"
        else:
            raise AssertionError("another family's visit was accepted")
    made = csrf_post(budi, "/kasus/baru", dict(data, request_key=key, visit=str(own.id)))
    assert made.status_code == 303
    with app.app_context():
        assert Case.get(Case.request_key == key).visit_id == own.id


def _other_family_visit():
    from app.models import Facility, Family

    budi = Participant.by_card("0001000000001")
    other = Participant.select().join(Family).where(Family.id != budi.family_id).first()
    visit = Visit(participant=other, facility=Facility.select().first(), service_type="RJTP",
                  visit_date=clock.today())
    visit.data = {"diagnoses": [], "procedures": "", "medicines": []}
    visit.save()
    return visit


def test_feedback_scores_in_the_report_and_below_five_hidden_on_the_dashboard(app):
    officer = signed_in_client(app, "petugas_bpjs")
    with app.app_context():
        now = clock.now()
        waiting = VisitFeedback.select().where(VisitFeedback.answered_at.is_null()).count()
        before = reports.figures(now - timedelta(days=30), now + timedelta(seconds=1))
        assert before["feedback_count"] >= 1 and waiting >= 1  # the demo: one answered, one waiting
    report = page(officer.get("/petugas/kasus/laporan"))
    assert "4.0 / 5" in report.find(id="umpan-balik").get_text()
    with app.app_context():
        reports.dashboard(refresh=True)
    public = page(app.test_client().get("/dasbor-layanan"))
    assert "kurang dari 5" in public.find(id="umpan-balik").get_text()
    with app.app_context():
        budi = Participant.by_card("0001000000001")
        for score in (5, 5, 3, 2):
            visit = Visit(participant=budi, facility=Visit.select().first().facility_id, service_type="RJTP",
                          visit_date=clock.today())
            visit.data = {"diagnoses": [], "procedures": "", "medicines": []}
            visit.save()
            VisitFeedback.create(visit=visit, participant=budi, answered_at=now, treated=True, asked_to_pay=False,
                                 all_medicines=True, satisfaction=score)
        figures = reports.figures(now - timedelta(days=30), now + timedelta(seconds=1))
        assert figures["feedback_count"] == before["feedback_count"] + 4
        reports.dashboard(refresh=True)
    public = page(app.test_client().get("/dasbor-layanan"))
    assert f"{figures['feedback_average']} / 5" in public.find(id="umpan-balik").get_text()


def test_the_demo_has_a_question_waiting_and_one_answered(app):
    with app.app_context():
        budi = Participant.by_card("0001000000001")
        rows = list(VisitFeedback.select().where(VisitFeedback.participant == budi))
        assert any(r.answered_at is None for r in rows) and any(r.answered_at is not None for r in rows)
        waiting = next(r for r in rows if r.answered_at is None)
        assert Reminder.get(Reminder.event_key == f"feedback:{waiting.visit_id}").read_at is None
