"""Umpan balik kunjungan: after each recorded visit the participant's inbox asks four questions
(treated on that date? asked to pay? all medicines? satisfaction 1–5), answered once by the
participant or the family head. "Asked to pay" or "not treated" opens a complaint about the visit
(app/cases/service.file_case) in the same transaction. Functions return codes, not sentences."""
from app.cases.service import CaseRefused, NotFound, file_case
from app.core import clock
from app.core.audit import audit
from app.core.db import write_lock
from app.core.formatting import date_id
from app.models import Facility, Reminder, Visit, VisitFeedback

FEEDBACK_KIND = "feedback"


def feedback_key(visit_id):
    return f"feedback:{visit_id}"


def ask_feedback(visit, now=None):
    """Called in the transaction that records `visit`: the feedback row and the inbox message that
    asks for it (one per visit: both are unique by visit)."""
    now = now or clock.now()
    VisitFeedback.create(visit=visit.id, participant=visit.participant_id, asked_at=now)
    Reminder.insert(participant=visit.participant_id, kind=FEEDBACK_KIND, event_key=feedback_key(visit.id),
                    about_on=visit.visit_date, created_at=now).on_conflict_ignore().execute()


def feedback_for(participant, visit_id):
    """(feedback, visit with its facility) the participant may answer or read: their own, or any
    member's for the family head; NotFound for anyone else."""
    feedback = VisitFeedback.get_or_none(VisitFeedback.visit == visit_id)
    if feedback is None:
        raise NotFound
    member = participant.relative(feedback.participant_id)
    if member is None or not participant.may_act_for(member):
        raise NotFound
    visit = Visit.select(Visit, Facility).join(Facility).where(Visit.id == visit_id).get()
    return feedback, visit, member


def _feedback_text(visit, answers):
    """The case text made from the answers (stored data: in Indonesian, like what a person writes)."""
    day = date_id(visit.visit_date, "id")
    parts = []
    if not answers["treated"]:
        parts.append("tidak dilayani")
    if answers["asked_to_pay"]:
        parts.append("diminta membayar")
    if not answers["all_medicines"]:
        parts.append("obat tidak diterima lengkap")
    return (f"Dari umpan balik kunjungan {day} di {visit.facility.name}: " + ", ".join(parts)
            + f". Nilai kepuasan {answers['satisfaction']} dari 5.")


def answer_feedback(user, visit_id, answers):
    """Save the answers (treated, asked_to_pay, all_medicines: bool; satisfaction 1..5) once.
    "Asked to pay" or "not treated" opens a complaint about the visit in the same transaction.
    Returns (feedback, case or None). CaseRefused: answered (already), rating."""
    if answers.get("satisfaction") not in (1, 2, 3, 4, 5):
        raise CaseRefused("rating")
    feedback, visit, member = feedback_for(user.participant, visit_id)
    now = clock.now()
    with write_lock():
        feedback = VisitFeedback.get_locked(feedback.id)
        if feedback.answered_at is not None:
            raise CaseRefused("answered")
        feedback.treated = bool(answers["treated"])
        feedback.asked_to_pay = bool(answers["asked_to_pay"])
        feedback.all_medicines = bool(answers["all_medicines"])
        feedback.satisfaction = answers["satisfaction"]
        feedback.answered_at = now
        feedback.answered_by = user.id
        case = None
        if feedback.opens_case:
            category = "diminta_membayar" if feedback.asked_to_pay else "pelayanan_faskes"
            case, _replayed = file_case(user, member, "pengaduan", category, _feedback_text(visit, answers),
                                        facility=visit.facility, request_key=f"feedback-{visit.id}",
                                        visit_id=visit.id)
            feedback.case = case.id
        feedback.save()
        Reminder.update(read_at=now).where(Reminder.event_key == feedback_key(visit.id),
                                           Reminder.read_at.is_null()).execute()
        audit(user, "visit_feedback_given", f"visit:{visit.id}", member.id, satisfaction=feedback.satisfaction,
              case=case.id if case else None)
    return feedback, case
