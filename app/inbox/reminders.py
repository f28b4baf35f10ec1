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


def _heads(family_ids):
    """family id → the participant id of its head (the kepala, else the first member)."""
    heads = {}
    rows = (Participant.select(Participant.id, Participant.family, Participant.relationship)
            .where(Participant.family.in_(list(family_ids))).order_by(Participant.id).tuples())
    for pid, family_id, relationship in rows:
        if family_id not in heads or (relationship == "kepala" and heads[family_id][1] != "kepala"):
            heads[family_id] = (pid, relationship)
    return {family_id: pid for family_id, (pid, _) in heads.items()}


def store(due, now=None):
    """Insert these reminders, each unless its event key exists (one INSERT … ON CONFLICT DO NOTHING
    RETURNING per batch: only the rows this call made come back), and queue the SMS of those in
    the same transaction. How many were new."""
    now = now or clock.now()
    made = 0
    due = sorted(due, key=lambda r: r.event_key)  # every worker locks keys in the same order
    for start in range(0, len(due), BATCH):
        batch = due[start:start + BATCH]
        heads = _heads({r.target_id for r in batch if r.target == "family"})
        rows = [{"participant": heads[r.target_id] if r.target == "family" else r.target_id, "kind": r.kind,
                 "event_key": r.event_key, "about_on": r.on, "number": r.number, "created_at": now}
                for r in batch if r.target != "family" or r.target_id in heads]
        if not rows:
            continue
        with db.atomic():
            new = list(Reminder.insert_many(rows).on_conflict_ignore()
                       .returning(Reminder.id, Reminder.participant, Reminder.kind, Reminder.about_on,
                                  Reminder.number).execute())
            _queue_sms(new, now)
        made += len(new)
    return made


def _queue_sms(new, now):
    """SMS for new reminders whose participant (or, failing that, their family head) allows SMS."""
    if not new:
        return
    people = {p.id: p for p in Participant.select().where(Participant.id.in_([r.participant_id for r in new]))}
    heads = _heads({p.family_id for p in people.values()})
    allowed = {p.id: p for p in Participant.select().where(
        Participant.id.in_(list(people) + list(heads.values())), Participant.sms_consent_at.is_null(False))
        if p.sms_allowed}
    if not allowed:
        return
    languages = dict(User.select(User.participant, User.language).where(User.participant.in_(list(allowed))).tuples())
    for reminder in new:
        person = people[reminder.participant_id]
        to = allowed.get(person.id) or allowed.get(heads.get(person.family_id))
        if to is None:
            continue
        with force_locale(languages.get(to.id, "id")):
            text = texts.sms_text(reminder, person)
        outbox.queue(to, "reminder", text, reminder=reminder.id, now=now, quiet_hours=True)


def create_due(day=None, now=None):
    """The daily job: store today's reminders and put the announcements whose window is open into
    the inboxes they target; how many were new."""
    from app.inbox.service import deliver_announcements

    day = day or clock.today()
    return store(due_on(day), now) + deliver_announcements(day, now=now)
