"""The daily reminder job: read the JKN dates from the database, ask app.rules.reminders which
reminders are due, and store each exactly once.

Exactly once: `Reminder.event_key` is unique and every reminder is an INSERT … ON CONFLICT DO
NOTHING (SQLite: INSERT OR IGNORE); only the run whose insert counted a row queues its SMS, in the
same transaction. So a job run twice, or by two workers at once, makes one reminder and one SMS.
"""
from datetime import timedelta

from flask_babel import force_locale

from app.contributions import billing
from app.core import clock
from app.core.db import db
from app.inbox import outbox, texts
from app.models import (
    Booking,
    Family,
    Participant,
    PrbEnrolment,
    Referral,
    RehabInstalment,
    RehabPlan,
    Reminder,
    User,
    Visit,
)
from app.rules import contributions
from app.rules import health as health_rules
from app.rules import reminders as rules

BATCH = 500


def _bills(day):
    """Families that pay by VA, on the day 3 days before the 10th: whether this month is paid."""
    due = day + timedelta(days=rules.BILL_LEAD_DAYS)
    if due.day != 10:
        return []
    month = contributions.month_of(due)
    out = []
    query = Family.select().where(Family.segment.in_(contributions.FAMILY_VA), Family.cover_start.is_null(False),
                                  Family.cover_start <= month)
    for family in query.iterator():
        paid = not any(m == month for m, _ in family.outstanding(month))
        out.append(rules.BillDue(family.id, due, paid))
    return out


def _instalments(day):
    due = day + timedelta(days=rules.BILL_LEAD_DAYS)
    out = []
    rows = (RehabInstalment.select(RehabInstalment, RehabPlan).join(RehabPlan)
            .where(RehabInstalment.due_on == due, RehabPlan.status == "aktif"))
    for item in rows:
        progress = billing.rehab_progress(item.plan.family, item.plan)
        paid = progress.next is None or progress.next.number > item.number
        out.append(rules.InstalmentDue(item.plan_id, item.plan.family_id, item.number, due, paid))
    return out


def _controls(day):
    tomorrow = day + timedelta(days=1)
    out = [rules.ControlVisit(v.participant_id, v.control_date)
           for v in Visit.select(Visit.participant, Visit.control_date).where(Visit.control_date == tomorrow)]
    # PRB: the specialist control 3 months after the last one (a month-end date may clamp)
    for prb in PrbEnrolment.select().where(PrbEnrolment.active == True,  # noqa: E712
                                           PrbEnrolment.last_control.between(tomorrow - timedelta(days=100),
                                                                             tomorrow - timedelta(days=85))):
        if prb.next_control == tomorrow:
            out.append(rules.ControlVisit(prb.participant_id, tomorrow))
    return out


def _pickups(day):
    tomorrow = day + timedelta(days=1)
    if tomorrow.day > health_rules.PICKUP_DAYS[1]:
        return []
    return [rules.PrbPickup(prb.participant_id, tomorrow)
            for prb in PrbEnrolment.select(PrbEnrolment.participant)
            .where(PrbEnrolment.active == True, PrbEnrolment.pickup_day == tomorrow.day)]  # noqa: E712


def _referrals(day):
    last = day + timedelta(days=rules.REFERRAL_WARN_DAYS - 1)
    return [rules.ReferralExpiry(r.id, r.participant_id, r.valid_until)
            for r in Referral.select(Referral.id, Referral.participant, Referral.valid_until)
            .where(Referral.valid_until.between(day, last))]


def _bookings(day):
    tomorrow = day + timedelta(days=1)
    return [rules.QueueBooking(b.id, b.participant_id, b.visit_date, b.number)
            for b in Booking.select(Booking.id, Booking.participant, Booking.visit_date, Booking.number)
            .where(Booking.visit_date == tomorrow, Booking.status == "aktif")]


def due_on(day):
    """Every reminder app.rules.reminders says is due on `day`."""
    return rules.reminders_for(day, bills=_bills(day), instalments=_instalments(day), controls=_controls(day),
                               pickups=_pickups(day), referrals=_referrals(day), bookings=_bookings(day))


def recipient_id(reminder):
    """The participant a reminder is for: the family head for a family's bill."""
    if reminder.target == "family":
        return Family.get_by_id(reminder.target_id).head().id
    return reminder.target_id


def store(reminder, now=None):
    """Insert one reminder unless its event key exists; queue its SMS when this call made it.
    True when new."""
    now = now or clock.now()
    participant_id = recipient_id(reminder)
    with db.atomic():
        query = Reminder.insert(participant=participant_id, kind=reminder.kind, event_key=reminder.event_key,
                                about_on=reminder.on, number=reminder.number, created_at=now).on_conflict_ignore()
        cursor = db.execute(query)
        if cursor.rowcount != 1:
            return False
        stored = Reminder.get(Reminder.event_key == reminder.event_key)
        _queue_sms(stored, now)
    return True


def _sms_to(participant):
    """Whose phone a reminder about `participant` goes to: theirs when they allow SMS, else the
    family head's when the head does; None."""
    if participant.sms_allowed:
        return participant
    head = participant.family.head()
    return head if head is not None and head.sms_allowed else None


def _queue_sms(reminder, now):
    participant = Participant.get_by_id(reminder.participant_id)
    to = _sms_to(participant)
    if to is None:
        return None
    account = User.get_or_none(User.participant == to.id)
    with force_locale(account.language if account else "id"):
        text = texts.sms_text(reminder, participant)
    return outbox.queue(to, "reminder", text, reminder=reminder, now=now, quiet_hours=True)


def create_due(day=None, now=None):
    """The daily job: store today's reminders; how many were new."""
    day = day or clock.today()
    return sum(store(reminder, now) for reminder in due_on(day))
