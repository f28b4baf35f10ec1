"""Demo health records for the first family (Budi 0001000000001): visits, a referral to RSUD
Cibinong Contoh and a PRB enrolment; found by natural keys, so seeding twice adds nothing."""
from datetime import timedelta

from app.core import clock
from app.models import Facility, Participant, PrbEnrolment, Referral, User, Visit
from app.rules import health as rules

VISITS = (
    # card, days ago, facility, service type, diagnoses, medicines, control in days (from today)
    ("0001000000001", 200, "DEMO-PKM-3201", "RJTP", ["J06.9"],
     [{"name": "Parasetamol 500 mg", "dose": "3 x 1 tablet", "quantity": 10, "days": 3}], None),
    ("0001000000001", 90, "DEMO-PKM-3201", "RJTP", ["I10"],
     [{"name": "Amlodipin 5 mg", "dose": "1 x 1 tablet pagi", "quantity": 30, "days": 30}], None),
    ("0001000000001", 30, "DEMO-RS-3201", "RJTL", ["I10", "E78.0"],
     [{"name": "Amlodipin 10 mg", "dose": "1 x 1 tablet pagi", "quantity": 30, "days": 30}], 1),
    ("0001000000003", 60, "DEMO-RS-3201", "RITL", ["O80.0"], [], None),
    ("0001000000004", 14, "DEMO-PKM-3201", "RJTP", ["A09.0"],
     [{"name": "Oralit", "dose": "setiap habis BAB", "quantity": 6, "days": 3}], None),
)


def seed(created):
    today = clock.today()
    facilities = {f.code: f for f in Facility.select().where(Facility.code.startswith("DEMO-"))}
    staff = User.get_or_none(User.username == "faskes")
    for card, days_ago, code, service_type, codes, medicines, control in VISITS:
        person = Participant.by_card(card)
        day = today - timedelta(days=days_ago)
        if Visit.select().where(Visit.participant == person, Visit.visit_date == day).exists():
            continue
        visit = Visit(participant=person, facility=facilities[code], service_type=service_type, visit_date=day,
                      admitted_on=day if service_type == "RITL" else None,
                      discharged_on=day + timedelta(days=2) if service_type == "RITL" else None,
                      control_date=today + timedelta(days=control) if control else None, created_by=staff)
        visit.data = {"diagnoses": [list(rules.icd10_lookup(c)) for c in codes], "procedures": "",
                      "medicines": medicines}
        visit.save()
        created.append("visit")
    budi = Participant.by_card("0001000000001")
    if not Referral.select().where(Referral.participant == budi).exists():
        issued = today - timedelta(days=85)  # expires within the week: a reminder
        Referral.create(participant=budi, from_facility=facilities["DEMO-PKM-3201"],
                        to_facility=facilities["DEMO-RS-3201"], poli_code="penyakit_dalam", issued_on=issued,
                        valid_until=rules.referral_expires_on(issued))
        created.append("referral")
    if not PrbEnrolment.select().where(PrbEnrolment.participant == budi).exists():
        PrbEnrolment.create(participant=budi, condition="hipertensi", pharmacy=facilities["DEMO-APT-3201"],
                            pickup_day=min((today + timedelta(days=1)).day, 28),
                            last_control=today - timedelta(days=30), enrolled_on=today - timedelta(days=30),
                            enrolled_by=staff, facility=facilities["DEMO-PKM-3201"])
        created.append("prb")
