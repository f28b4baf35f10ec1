"""Antrean online and the facility staff's tools: the workflows behind the pages, callable without
HTTP (SPEC §2.3, §3, §6).

- A participant takes a number at their FKTP, at another FKTP (at most 3 visits a month), or at a
  hospital clinic with a valid referral, for today through today + 6, within the poli's daily quota;
  a family head may take one for any member of their family, others only for themselves.
- One booking is one write_lock() transaction: it locks the participant, creates-or-locks the
  PoliDay row, re-checks the rules inside the lock, then inserts the number issued + 1. The unique
  indexes (one active booking per poli/day/participant, one number per poli/day, one request key)
  are the last guard. A resubmitted form (same request_key) gets the first booking back.
- Cancelling frees the slot (booked - 1) but never reuses the number.
- Staff (petugas_faskes) act only on their own facility: check-in, call, served, no-show; beds,
  opening hours and services. Another facility's ids are NotFound (404).

Locks are always taken in the same order — participant, then PoliDay, then booking — so two
transactions on PostgreSQL never wait for each other in a circle.
"""
import secrets
from datetime import timedelta

from peewee import IntegrityError

from app.contributions import ledger
from app.core import clock
from app.core.audit import audit
from app.core.db import Prepared, db, write_lock
from app.models import (
    Booking,
    Facility,
    OpeningHours,
    Participant,
    Poli,
    PoliDay,
    Referral,
)
from app.rules import queue as rules

MY_BOOKINGS_LIMIT = 10
REFERRALS_LIMIT = 10

CODE_ATTEMPTS = 5


class QueueRefused(Exception):
    """What the rules do not allow. `code`: member, nonaktif, other_facility, no_queue, past, too_far,
    closed, referral, duplicate, out_of_area, full, key_used, not_yours, not_cancellable, not_today,
    status, nobody_waiting, try_again. `facts` explain it (names, numbers, dates)."""

    def __init__(self, code, **facts):
        super().__init__(code)
        self.code = code
        self.facts = facts


class NotFound(Exception):
    """Not there for this user (another family's or another facility's id): the view answers 404."""


# --- participants -------------------------------------------------------------------------------

def bookable_members(me):
    """Whom `me` may take a number for: the head for every member of the family, others for
    themselves."""
    return me.family_members() if me.is_head else [me]


def family_bookings(me, today):
    """The bookings `me` may see (the head: the family's; others: their own), coming ones first."""
    rows = list(_FAMILY_BOOKINGS(*me.acting_for(), today - timedelta(days=7)))
    return sorted(rows, key=lambda b: (b.visit_date < today, abs((b.visit_date - today).days), b.id))


_FAMILY_BOOKINGS = Prepared(lambda me, family, head, since: (
    Booking.select(Booking, Poli, Facility, Participant)
    .join(Poli).join(Facility).switch(Booking).join(Participant)
    .where(Participant.acted_for(me, family, head), Booking.visit_date >= since)
    .order_by(Booking.visit_date.desc(), Booking.id.desc())
    .limit(MY_BOOKINGS_LIMIT)))


def family_booking(me, booking_id):
    """One booking of `me`'s family with its poli, facility and participant, or NotFound."""
    booking = (Booking.select(Booking, Poli, Facility, Participant)
               .join(Poli).join(Facility).switch(Booking).join(Participant)
               .where(Booking.id == booking_id).first())
    if booking is None or booking.participant.family_id != me.family_id:
        raise NotFound
    if not (booking.participant_id == me.id or me.is_head):
        raise NotFound
    return booking


# --- facilities and polis -------------------------------------------------------------------------

def facility_by_code(code):
    code = (code or "").strip().upper()
    if not code or len(code) > 20:
        return None
    return Facility.get_or_none(Facility.code == code)


def polis_of(facility, codes=None):
    polis = _POLIS(facility)
    return [poli for poli in polis if codes is None or poli.code in codes]


_POLIS = Prepared(lambda facility: Poli.select().where(Poli.facility == facility).order_by(Poli.name, Poli.id))


def open_weekdays(facility_id):
    return {weekday for weekday, in _OPEN_WEEKDAYS(facility_id)}


_OPEN_WEEKDAYS = Prepared(lambda facility: OpeningHours.select(OpeningHours.weekday)
                          .where(OpeningHours.facility == facility).tuples())


def valid_referrals(me, today):
    """Referrals still valid today of the members `me` acts for, with the facility they point to."""
    return list(_VALID_REFERRALS(*me.acting_for(), today, rules.booking_window(today)[1]))


_VALID_REFERRALS = Prepared(lambda me, family, head, today, last_day: (
    Referral.select(Referral, Facility, Participant)
    .join(Facility, on=Referral.to_facility == Facility.id)
    .switch(Referral).join(Participant)
    .where(Participant.acted_for(me, family, head), Referral.valid_until >= today, Referral.issued_on <= last_day)
    .order_by(Referral.valid_until, Referral.id).limit(REFERRALS_LIMIT)))


def referral_for(member, facility_id, poli_code, visit_date):
    """The member's referral to this facility's poli covering `visit_date` (the longest-valid), or
    None."""
    return (Referral.select()
            .where(Referral.participant == member.id, Referral.to_facility == facility_id,
                   Referral.poli_code == poli_code, Referral.issued_on <= visit_date,
                   Referral.valid_until >= visit_date)
            .order_by(Referral.valid_until.desc()).first())


def route_to(fktp_id, facility):
    """How someone registered at `fktp_id` may book at `facility`: "own", "out_of_area",
    "referral", or None (not a BPJS partner, or no poli queue there); see rules.access_route."""
    if facility.partner_on(clock.today()) != "ya":
        return None
    return rules.access_route(facility.kind, facility.id == fktp_id)


def out_of_area_count(member, fktp_id, visit_date):
    """Bookings of `member` in `visit_date`'s month at first-level facilities other than their own,
    cancelled ones and no-shows left out."""
    first, following = rules.month_range(visit_date)
    query = (Booking.select().join(Poli).join(Facility)
             .where(Booking.participant == member.id, Booking.visit_date >= first,
                    Booking.visit_date < following, Booking.status.in_(rules.VISIT_STATUSES),
                    Facility.kind.in_(rules.FKTP_KINDS)))
    if fktp_id is not None:
        query = query.where(Facility.id != fktp_id)
    return query.count()


def day_of(poli_id, visit_date):
    """The PoliDay row, or None when nobody has booked that day yet."""
    return PoliDay.get_or_none((PoliDay.poli == poli_id) & (PoliDay.visit_date == visit_date))


def slots_left(poli, visit_date):
    day = day_of(poli.id, visit_date)
    return rules.slots_left(poli.daily_quota, day.booked if day else 0)


def estimated_time(booking):
    return rules.estimated_time(booking.poli.start_time, booking.poli.service_minutes, booking.number)


# --- booking ------------------------------------------------------------------------------------

def _new_code():
    return rules.booking_code(secrets.randbelow)


def _replay(me, request_key, member_id, poli_id, visit_date):
    """The booking this one-time form key already made (a resubmission), or None.

    The key of another family, or of a form that booked something else, is refused ("key_used")."""
    if not request_key:
        return None
    first = (Booking.select(Booking, Participant).join(Participant)
             .where(Booking.request_key == request_key).first())
    if first is None:
        return None
    if first.participant.family_id != me.family_id:
        raise QueueRefused("key_used")
    if (first.participant_id, first.poli_id, first.visit_date) != (member_id, poli_id, visit_date):
        raise QueueRefused("key_used", booking_code=first.code)
    return first


def book(user, member_id, poli_id, visit_date, request_key=None, facility_id=None, today=None):
    """Take a number. Returns (booking, replayed): replayed is True when the same form was already
    submitted and its first booking is returned. Raises NotFound or QueueRefused."""
    today = today or clock.today()
    me = user.participant
    first = _replay(me, request_key, member_id, poli_id, visit_date)
    if first is not None:
        return first, True
    member = me.relative(member_id)
    if member is None:
        raise NotFound
    if not me.may_act_for(member):
        raise QueueRefused("member")
    status = member.status_on(today, ledger.family_status(member.family, today))
    if status.code != "aktif":
        raise QueueRefused("nonaktif", name=member.name, status=status)
    poli = Poli.select(Poli, Facility).join(Facility).where(Poli.id == poli_id).first()
    if poli is None or (facility_id is not None and poli.facility_id != facility_id):
        raise QueueRefused("other_facility")
    problem = rules.date_problem(visit_date, today)
    if problem:
        first_day, last_day = rules.booking_window(today)
        raise QueueRefused(problem, first=first_day, last=last_day)
    facility = poli.facility
    route = route_to(member.family.fktp_id, facility)
    if route is None:
        raise QueueRefused("no_queue")
    if not rules.is_open_on(visit_date, open_weekdays(facility.id)) or not poli.open_on(visit_date):
        raise QueueRefused("closed", day=visit_date)
    referral = None
    if route == "referral":
        referral = referral_for(member, facility.id, poli.code, visit_date)
        if referral is None:
            raise QueueRefused("referral", name=member.name)

    with write_lock():
        Participant.get_locked(member.id)  # one booking at a time per person (out-of-area count)
        day, _ = PoliDay.get_or_create(poli=poli.id, visit_date=visit_date)
        day = PoliDay.get_locked(day.id)
        first = _replay(me, request_key, member_id, poli_id, visit_date)  # a twin request won the lock
        if first is not None:
            return first, True
        existing = Booking.get_or_none((Booking.participant == member.id) & (Booking.poli == poli.id)
                                       & (Booking.visit_date == visit_date) & (Booking.active_key == 1))
        if existing is not None:
            raise QueueRefused("duplicate", name=member.name, number=existing.number, booking_id=existing.id)
        if route == "out_of_area":
            count = out_of_area_count(member, member.family.fktp_id, visit_date)
            if not rules.out_of_area_allowed(count):
                raise QueueRefused("out_of_area", name=member.name, count=count, month=visit_date)
        if rules.is_full(poli.daily_quota, day.booked):
            raise QueueRefused("full")
        booking, replayed = _insert(user, member, poli, day, visit_date, request_key, referral)
        if replayed:
            return booking, True
        day.issued = booking.number
        day.booked += 1
        day.save()
        audit(user, "queue_booked", f"booking:{booking.id}", member.id, facility=facility.code,
              poli=poli.code, visit_date=visit_date, number=booking.number)
    booking.poli = poli
    booking.participant = member
    return booking, False


def _insert(user, member, poli, day, visit_date, request_key, referral):
    """Insert number issued + 1; the unique indexes decide what a conflict was."""
    for _ in range(CODE_ATTEMPTS):
        code = _new_code()
        try:
            with db.atomic():
                return Booking.create(participant=member.id, poli=poli.id, visit_date=visit_date,
                                      number=day.issued + 1, code=code, request_key=request_key or None,
                                      referral=referral, created_by=user.id), False
        except IntegrityError:
            if request_key:
                first = Booking.get_or_none(Booking.request_key == request_key)
                if first is not None:
                    return first, True
            if Booking.select().where((Booking.participant == member.id) & (Booking.poli == poli.id)
                                      & (Booking.visit_date == visit_date)
                                      & (Booking.active_key == 1)).exists():
                raise QueueRefused("duplicate", name=member.name) from None
            if Booking.select().where(Booking.code == code).exists():
                continue  # a code drawn twice: draw again
            raise QueueRefused("full") from None  # the number went to someone else
    raise QueueRefused("try_again")


def cancel(user, booking_id, today=None):
    """Batal: the participant (or their family head) gives the number back before checking in."""
    today = today or clock.today()
    booking = family_booking(user.participant, booking_id)
    with write_lock():
        day = day_of(booking.poli_id, booking.visit_date)
        day = PoliDay.get_locked(day.id) if day else None
        locked = Booking.get_locked(booking.id)
        if not rules.can_cancel(locked.status, locked.visit_date, today):
            raise QueueRefused("not_cancellable", status=locked.status)
        locked.status = "batal"
        locked.active_key = None
        locked.save()
        if day is not None:
            day.booked = max(0, day.booked - 1)
            day.save()
        audit(user, "queue_cancelled", f"booking:{locked.id}", locked.participant_id,
              poli=booking.poli.code, visit_date=locked.visit_date, number=locked.number)
    booking.status, booking.active_key = locked.status, locked.active_key
    return booking
