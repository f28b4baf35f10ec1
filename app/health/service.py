"""Riwayat pelayanan: the workflows behind the pages (codes, not sentences).

- Facility staff (petugas_faskes) find a participant by the exact card number, see their history
  (audited: it shows in the participant's access history), record a visit (from the queue board's
  "selesai dilayani" or the look-up), issue a referral (FKTP only, to a hospital or klinik utama
  poli, valid by the dated rule) and enrol a PRB patient.
- A participant sees their own history; the family head also every member's (audited when it is
  another member's). Another family's ids are NotFound.
- Diagnoses, procedures and medicines are stored only encrypted (Visit.data) and never logged:
  audit entries carry ids and dates only.
- Recording a visit also asks the participant, in their inbox, for feedback on it (app/cases).
"""
from datetime import date, timedelta

from peewee import JOIN, IntegrityError

from app.cases import feedback as visit_feedback
from app.core import clock
from app.core.audit import audit
from app.core.db import Prepared, db, write_lock
from app.models import (
    Booking,
    Facility,
    Participant,
    Poli,
    PrbEnrolment,
    Referral,
    Visit,
)
from app.rules import health as rules
from app.rules import identity
from app.rules.queue import REFERRAL_KINDS

HISTORY_DAYS = 365


class NotFound(Exception):
    """Not there for this user: the view answers 404."""


class Refused(Exception):
    def __init__(self, code, **facts):
        super().__init__(code)
        self.code, self.facts = code, facts


# --- participants ---------------------------------------------------------------------------------

def visible_members(me):
    return me.family_members() if me.is_head else [me]


def member_for(me, member_id):
    """The member whose history `me` may read (themselves by default), else NotFound."""
    if member_id is None:
        return me
    member = me.relative(member_id)
    if member is None or not me.may_act_for(member):
        raise NotFound
    return member


def history(user, member, today, before=None, everything=False):
    """(visits of one page, cursor of the next page or None). Audited when it is not the reader's own."""
    since = date(1900, 1, 1) if everything else today - timedelta(days=HISTORY_DAYS)
    rows = Visit.history(member.id, since, before)
    if user.participant_id != member.id:
        audit(user, "health_history_viewed", f"participant:{member.id}", member.id)
    page = rows[:20]
    more = f"{page[-1].visit_date.isoformat()}_{page[-1].id}" if len(rows) > 20 else None
    return page, more


def parse_cursor(text):
    """"2026-11-25_17" → (date, 17), or None."""
    day, _, visit_id = (text or "").partition("_")
    if not (visit_id.isascii() and visit_id.isdigit() and len(visit_id) < 10):
        return None
    try:
        return date.fromisoformat(day), int(visit_id)
    except ValueError:
        return None


def family_visit(user, visit_id):
    """One visit the participant may read, with facility; audited when it is another member's."""
    me = user.participant
    visit = Visit.select(Visit, Facility).join(Facility).where(Visit.id == visit_id).first()
    if visit is None:
        raise NotFound
    member = me.relative(visit.participant_id)
    if member is None or not me.may_act_for(member):
        raise NotFound
    if member.id != me.id:
        audit(user, "visit_viewed", f"visit:{visit.id}", member.id)
    visit.participant = member
    return visit


#: the history page shows both on every view (by the member's id)
_REFERRALS = Prepared(lambda participant_id, today: (
    Referral.select(Referral, Facility.name.alias("facility_name"), Poli.name.alias("poli_name"))
    .join(Facility, on=Referral.to_facility == Facility.id)
    .join(Poli, JOIN.LEFT_OUTER, on=(Poli.facility == Referral.to_facility) & (Poli.code == Referral.poli_code))
    .where(Referral.participant == participant_id, Referral.valid_until >= today)
    .order_by(Referral.valid_until).limit(10).objects()))
_PRB = Prepared(lambda participant_id: (
    PrbEnrolment.select(PrbEnrolment, Facility).join(Facility, on=PrbEnrolment.pharmacy == Facility.id)
    .where(PrbEnrolment.participant == participant_id, PrbEnrolment.active == True)  # noqa: E712
    .limit(10)))


def referrals_of(member, today):
    """Valid referrals with the names of the hospital (`facility_name`) and the poli (`poli_name`)."""
    return _REFERRALS(member.id, today)


def prb_of(member):
    return _PRB(member.id)


# --- facility staff ---------------------------------------------------------------------------------

def patient(user, card):
    """The participant with this exact card number, for staff of a facility; NotFound otherwise."""
    if not user.facility_id or not identity.is_digits(card or "") or len(card) != 13:
        raise NotFound
    found = Participant.by_card(card)
    if found is None:
        raise NotFound
    return found


def staff_history(user, member, today):
    """The patient's last 12 months for facility staff: audited (the participant sees it)."""
    rows = Visit.history(member.id, today - timedelta(days=HISTORY_DAYS), limit=10)
    audit(user, "health_history_viewed", f"participant:{member.id}", member.id, facility=user.facility.code)
    return rows[:10]


def recent_patients(user, limit=10):
    """The last patients whose visits this facility recorded (date, name, card): the way back to
    a patient; audited as one entry, like the queue board."""
    rows = list(Visit.select(Visit.visit_date, Participant.name, Participant.card_number).join(Participant)
                .where(Visit.facility == user.facility_id).order_by(Visit.id.desc()).limit(limit))
    if rows:
        audit(user, "recent_patients_viewed", f"facility:{user.facility_id}", patients=len(rows))
    return rows


def served_booking(user, member, booking_id):
    """A booking of this patient at the staff member's facility that was served; NotFound else."""
    booking = (Booking.select(Booking).join(Poli)
               .where(Booking.id == booking_id, Poli.facility == user.facility_id,
                      Booking.participant == member.id, Booking.status == "selesai").first())
    if booking is None:
        raise NotFound
    return booking


PROCEDURES_MAX = 300
MEDICINE_PARTS = ("name", "dose", "quantity", "days")


def check_visit(values, birth_date, today):
    """The one check of a visit, for the staff form and the office API alike.

    values: service_type, visit_date (a date), admitted_on / discharged_on / control_date (date or
    None), diagnoses (ICD-10 texts, the first the main one), procedures (text), medicines (tuples of
    name, dose, quantity, days). → (record to save, problems): problems is a list of (where, code)
    with where "visit_date", ("diagnoses", i), ("medicines", i, part), "procedures" …, codes of
    rules.visit_problems, rules.diagnosis_problem ("diagnosis_missing" for none) and
    rules.medicine_problems, or "procedures_too_long". The record is None when there are problems."""
    problems = [] if values.get("visit_date") is None else [  # no date: the form has said so already
        (VISIT_PROBLEM_FIELDS[code], code) for code in rules.visit_problems(
            values["visit_date"], today, birth_date, values["service_type"], values.get("admitted_on"),
            values.get("discharged_on"), values.get("control_date"))]
    diagnoses = []
    for i, text in enumerate(values.get("diagnoses") or []):
        problem = rules.diagnosis_problem(text)
        if problem:
            problems.append((("diagnoses", i), problem))
        else:
            diagnoses.append(list(rules.icd10_lookup(text)))
    if not values.get("diagnoses"):
        problems.append((("diagnoses", 0), "diagnosis_missing"))
    medicines = []
    for i, line in enumerate(values.get("medicines") or []):
        codes = rules.medicine_problems(*line)
        problems.extend((("medicines", i, code.split("_")[0]), code) for code in codes)
        if not codes:
            medicines.append({"name": line[0].strip(), "dose": line[1].strip(), "quantity": int(line[2]),
                              "days": int(line[3])})
    procedures = (values.get("procedures") or "").strip()
    if len(procedures) > PROCEDURES_MAX:
        problems.append(("procedures", "procedures_too_long"))
    if problems:
        return None, problems
    record = {name: values.get(name) for name in ("visit_date", "admitted_on", "discharged_on", "control_date")}
    return {**record, "service_type": values["service_type"], "diagnoses": diagnoses, "procedures": procedures,
            "medicines": medicines}, []


#: the field each rules.visit_problems code belongs to
VISIT_PROBLEM_FIELDS = {
    "visit_future": "visit_date", "visit_before_birth": "visit_date", "admission_missing": "admitted_on",
    "admission_not_inpatient": "admitted_on", "admission_future": "admitted_on",
    "admission_before_birth": "admitted_on", "discharge_future": "discharged_on",
    "discharge_before_admission": "discharged_on", "visit_outside_stay": "visit_date",
    "control_not_after_visit": "control_date", "control_before_discharge": "control_date",
    "service_type": "service_type",
}


def _save_visit(member, facility_id, record, created_by=None, booking=None):
    """The visit row (the caller holds the write lock). Refused: booking_recorded."""
    visit = Visit(participant=member.id, facility=facility_id, service_type=record["service_type"],
                  visit_date=record["visit_date"], admitted_on=record.get("admitted_on"),
                  discharged_on=record.get("discharged_on"), control_date=record.get("control_date"),
                  booking=booking.id if booking else None, created_by=created_by, created_at=clock.now())
    visit.data = {"diagnoses": record["diagnoses"], "procedures": record.get("procedures", ""),
                  "medicines": record.get("medicines", [])}
    try:
        with db.atomic():
            visit.save()
    except IntegrityError:
        raise Refused("booking_recorded") from None
    visit_feedback.ask_feedback(visit)  # the inbox asks the participant how it went (staff or office API)
    return visit


def record_visit(user, member, record, booking=None):
    """Save one visit (record: check_visit's record). Refused: booking_recorded."""
    with write_lock():
        visit = _save_visit(member, user.facility_id, record, user.id, booking)
        audit(user, "visit_recorded", f"visit:{visit.id}", member.id, facility=user.facility.code,
              visit_date=visit.visit_date)
    return visit


def office_visit(client_name, card_number, facility_code, values, today):
    """A visit pushed by an office system (the API's visits:write), checked by check_visit like the
    staff form. → visit; Refused("card") / Refused("facility") when unknown, Refused("invalid",
    problems=[(where, code)]) when check_visit finds problems. The audit entry holds ids only."""
    member = Participant.by_card(card_number) if identity.is_digits(card_number) and len(card_number) == 13 else None
    if member is None:
        raise Refused("card")
    facility = Facility.get_or_none(Facility.code == facility_code)
    if facility is None:
        raise Refused("facility")
    record, problems = check_visit(values, member.birth_date, today)
    if problems:
        raise Refused("invalid", problems=problems)
    with write_lock():
        visit = _save_visit(member, facility.id, record)
        audit(None, "api_visit_recorded", f"visit:{visit.id}", member.id, client=client_name,
              facility=facility.code)
    return visit


def referral_targets():
    """Hospitals and klinik utama with polis, for the referral form: [(poli, facility)]."""
    return list(Poli.select(Poli, Facility).join(Facility)
                .where(Facility.kind.in_(REFERRAL_KINDS), Facility.is_partner == True)  # noqa: E712
                .order_by(Facility.name, Poli.name).limit(200))


def issue_referral(user, member, poli_id, today):
    """A referral from the staff member's FKTP to a hospital poli. Refused: codes of
    rules.referral_problems, or "poli"."""
    poli = Poli.select(Poli, Facility).join(Facility).where(Poli.id == poli_id).first()
    if poli is None:
        raise Refused("poli")
    problems = rules.referral_problems(user.facility.kind, poli.facility.kind, today, today)
    if problems:
        raise Refused(problems[0])
    with write_lock():
        referral = Referral.create(participant=member.id, from_facility=user.facility_id, to_facility=poli.facility_id,
                                   poli_code=poli.code, issued_on=today,
                                   valid_until=rules.referral_expires_on(today))
        audit(user, "referral_issued", f"referral:{referral.id}", member.id, to=poli.facility.code,
              poli=poli.code, valid_until=referral.valid_until)
    referral.to_facility = poli.facility
    return referral


def pharmacies():
    return list(Facility.select().where(Facility.offering("apotek_prb")).order_by(Facility.name).limit(100))


def enrol_prb(user, member, condition, pharmacy_id, pickup_day, last_control, today):
    """PRB enrolment. Refused: pharmacy (not a PRB pharmacy)."""
    if pharmacy_id not in {f.id for f in pharmacies()}:
        raise Refused("pharmacy")
    with write_lock():
        PrbEnrolment.update(active=False).where(PrbEnrolment.participant == member.id,
                                                PrbEnrolment.condition == condition).execute()
        enrolment = PrbEnrolment.create(participant=member.id, condition=condition, pharmacy=pharmacy_id,
                                        pickup_day=pickup_day, last_control=last_control, enrolled_on=today,
                                        enrolled_by=user.id, facility=user.facility_id)
        audit(user, "prb_enrolled", f"prb:{enrolment.id}", member.id, facility=user.facility.code)
    return enrolment
