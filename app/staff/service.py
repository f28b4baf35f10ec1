"""The facility staff's tools (petugas faskes): today's queue board and its steps, beds, opening
hours and services of their own facility. Another facility's ids are NotFound (404).
"""
from peewee import IntegrityError

from app.core import clock
from app.core.audit import audit
from app.core.db import db, write_lock
from app.models import (
    BedAvailability,
    Booking,
    Facility,
    OpeningHours,
    Participant,
    Poli,
    PoliDay,
)
from app.queue.service import NotFound, QueueRefused, polis_of
from app.rules import queue as rules

BOARD_LIMIT = 300


def staff_poli(user, poli_id):
    """A poli of the staff member's own facility, or NotFound."""
    if not user.facility_id:
        raise NotFound
    poli = Poli.get_or_none((Poli.id == poli_id) & (Poli.facility == user.facility_id))
    if poli is None:
        raise NotFound
    return poli


def staff_booking(user, booking_id):
    """A booking at the staff member's own facility, or NotFound."""
    if not user.facility_id:
        raise NotFound
    booking = (Booking.select(Booking, Poli, Participant).join(Poli).switch(Booking).join(Participant)
               .where((Booking.id == booking_id) & (Poli.facility == user.facility_id)).first())
    if booking is None:
        raise NotFound
    return booking


def board(facility, today):
    """Today's polis of a facility: [(poli, PoliDay or None)]."""
    polis = polis_of(facility)
    days = {d.poli_id: d for d in PoliDay.select().where(
        PoliDay.poli.in_([p.id for p in polis]), PoliDay.visit_date == today)} if polis else {}
    return [(poli, days.get(poli.id)) for poli in polis]


def poli_bookings(poli, today, limit=BOARD_LIMIT):
    """Today's bookings of a poli, by number (cancelled ones included, shown as such)."""
    return list(Booking.select(Booking, Participant).join(Participant)
                .where(Booking.poli == poli.id, Booking.visit_date == today)
                .order_by(Booking.number).limit(limit))


def _act(user, booking, action, day):
    if not rules.staff_action_allowed(action, booking.status):
        raise QueueRefused("status", status=booking.status, number=booking.number)
    booking.status = action
    booking.save()
    if action == "dipanggil":
        day.now_serving = booking.number
        day.save()
    audit(user, f"queue_{action}", f"booking:{booking.id}", booking.participant_id,
          poli=booking.poli_id, number=booking.number)
    return booking


def staff_act(user, booking_id, action, today=None):
    """Check-in (hadir), call (dipanggil), served (selesai) or no-show (tidak_hadir) on today's
    booking at the staff member's facility."""
    today = today or clock.today()
    if action not in rules.STAFF_ACTIONS:
        raise QueueRefused("status")
    booking = staff_booking(user, booking_id)
    if booking.visit_date != today:
        raise QueueRefused("not_today")
    with write_lock():
        day, _ = PoliDay.get_or_create(poli=booking.poli_id, visit_date=booking.visit_date)
        day = PoliDay.get_locked(day.id)
        return _act(user, Booking.get_locked(booking.id), action, day)


def call_next(user, poli_id, today=None):
    """Call the lowest number that has checked in; PoliDay.now_serving becomes that number."""
    today = today or clock.today()
    poli = staff_poli(user, poli_id)
    with write_lock():
        day, _ = PoliDay.get_or_create(poli=poli.id, visit_date=today)
        day = PoliDay.get_locked(day.id)
        waiting = (Booking.select(Booking.id).where(Booking.poli == poli.id, Booking.visit_date == today,
                                                    Booking.status == "hadir")
                   .order_by(Booking.number).first())
        if waiting is None:
            raise QueueRefused("nobody_waiting")
        return _act(user, Booking.get_locked(waiting.id), "dipanggil", day)


def bed_rows(facility):
    """[(bed_class, BedAvailability or None)]: the classes reported so far, then (hospitals) the
    other standard classes, which may be left empty."""
    rows = {b.bed_class: b for b in BedAvailability.select().where(BedAvailability.facility == facility)}
    classes = [c for c in rules.BED_CLASSES if c in rows] + sorted(set(rows) - set(rules.BED_CLASSES))
    classes += [c for c in rules.BED_CLASSES if c not in rows]
    return [(c, rows.get(c)) for c in classes]


def reports_beds(facility):
    return facility.kind in rules.REFERRAL_KINDS or BedAvailability.select().where(
        BedAvailability.facility == facility).exists()


def update_beds(user, facility, counts):
    """counts: {bed_class: (available, total)}, already checked (0 ≤ available ≤ total). `user` is
    None for the office API (which audits its own call)."""
    with write_lock():
        rows = {b.bed_class: b for b in BedAvailability.select().where(BedAvailability.facility == facility)}
        now = clock.now()
        for bed_class, (available, total) in counts.items():
            row = rows.get(bed_class) or BedAvailability(facility=facility, bed_class=bed_class)
            row.available, row.total, row.updated_at, row.updated_by = available, total, now, user and user.id
            try:
                with db.atomic():
                    row.save()
            except IntegrityError:
                raise QueueRefused("try_again") from None
        audit(user, "beds_updated", f"facility:{facility.id}",
              beds={c: f"{a}/{t}" for c, (a, t) in sorted(counts.items())})


def hours_of(facility):
    """{weekday: (opens, closes)} for the days it is open."""
    return {h.weekday: (h.opens, h.closes)
            for h in OpeningHours.select().where(OpeningHours.facility == facility)}


def update_hours(user, facility, hours):
    """hours: {weekday: (opens, closes)} for open days (checked); a missing weekday is closed."""
    with write_lock():
        OpeningHours.delete().where(OpeningHours.facility == facility).execute()
        for weekday, (opens, closes) in sorted(hours.items()):
            OpeningHours.create(facility=facility, weekday=weekday, opens=opens, closes=closes)
        Facility.update(updated_at=clock.now()).where(Facility.id == facility.id).execute()
        audit(user, "hours_updated", f"facility:{facility.id}",
              hours={str(d): f"{o}-{c}" for d, (o, c) in sorted(hours.items())})


def update_services(user, facility, services):
    """services: the codes ticked (checked against rules.SERVICES). Services outside that list
    (from an import) are kept: the form cannot show them, so it does not remove them."""
    chosen = sorted(set(services))
    with write_lock():
        facility = Facility.get_locked(facility.id)
        facility.services = {code for code in facility.services if code not in rules.SERVICES} | set(chosen)
        Facility.update(services=facility.services, updated_at=clock.now()).where(
            Facility.id == facility.id).execute()
        audit(user, "services_updated", f"facility:{facility.id}", services=chosen)


# --- poli settings -------------------------------------------------------------------------------

POLI_FIELDS = ("name", "code", "bpjs_code", "weekdays", "start_time", "end_time", "daily_quota", "service_minutes")


def save_poli(user, values, poli_id=None):
    """Create a poli at the staff member's facility, or change one of its own (`poli_id`).
    `values` are checked already (PoliForm). Raises NotFound, or QueueRefused("poli_code_taken")."""
    if not user.facility_id:
        raise NotFound
    try:
        with write_lock():
            poli = Poli(facility=user.facility_id) if poli_id is None else staff_poli(user, poli_id)
            for name in POLI_FIELDS:
                setattr(poli, name, values[name])
            with db.atomic():
                poli.save()
            audit(user, "poli_saved", f"poli:{poli.id}", created=poli_id is None,
                  **{name: values[name] for name in POLI_FIELDS})
    except IntegrityError:  # (facility, code) is unique
        raise QueueRefused("poli_code_taken") from None
    return poli
