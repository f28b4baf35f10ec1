"""Antrean online (peserta) and the facility staff's pages (petugas_faskes).

A participant reaches only their own family's bookings; staff reach only their own facility's polis
and bookings: any other id is a 404. The workflows live in app/queue.py; views check the form, call
one workflow and redirect (PRG).
"""
from datetime import timedelta

from flask import current_app, flash, redirect, request, url_for
from wtforms import SelectChoice

from app.contributions import ledger
from app.core import clock
from app.core.audit import audit
from app.core.auth import acting_user, roles
from app.core.errors import render_error
from app.core.extensions import fast_gettext as _
from app.core.formatting import date_id
from app.core.labels import BOOKING_STATUS_LABELS, DAY_NAMES
from app.core.rendering import render
from app.queue import bp, service
from app.queue.forms import BookingForm, new_request_key, refusal_text
from app.queue.service import NotFound, QueueRefused
from app.rules import queue as rules

BILL_ENDPOINT = "contributions.bill"


def bill_url():
    """The bill page when it exists, else the membership status (which shows what to pay)."""
    endpoint = BILL_ENDPOINT if BILL_ENDPOINT in current_app.view_functions else "membership.status"
    return url_for(endpoint)


def day_label(day, today):
    label = f"{DAY_NAMES[day.weekday()]}, {date_id(day)}"
    if day == today:
        return _("%(day)s (hari ini)", day=label)
    if day == today + timedelta(days=1):
        return _("%(day)s (besok)", day=label)
    return label


# --- participant -------------------------------------------------------------------------------

def _chosen_facility(family, referrals, code):
    """The facility whose polis the form lists, and a message when the typed code cannot be used."""
    own = family.fktp
    if not code or (own is not None and code.strip().upper() == own.code):
        return own, None
    facility = service.facility_by_code(code)
    if facility is None:
        return own, _("Kode faskes %(code)s tidak ditemukan. Periksa lagi kodenya.", code=code.strip()[:20])
    route = service.route_to(family.fktp_id, facility)
    if route is None:
        return own, _("%(name)s tidak menerima antrean online peserta JKN.", name=facility.name)
    if route == "referral" and not any(r.to_facility_id == facility.id for r in referrals):
        return own, _("%(name)s hanya bisa dipilih dengan rujukan dari FKTP yang masih berlaku.",
                      name=facility.name)
    return facility, None


def _form_choices(form, me, family, facility, referrals, today):
    members = service.bookable_members(me)
    form.member.choices = [SelectChoice(str(m.id), _("%(name)s (Anda)", name=m.name) if m.id == me.id else m.name)
                           for m in members]
    route = service.route_to(family.fktp_id, facility) if facility else None
    codes = None
    if route == "referral":
        codes = {r.poli_code for r in referrals if r.to_facility_id == facility.id}
    polis = service.polis_of(facility, codes) if facility and route else []
    form.poli.choices = [SelectChoice("", _("— pilih poli —"))] + [
        SelectChoice(str(p.id), _("%(name)s, mulai %(time)s", name=p.name, time=rules.time_text(p.start_time)))
        for p in polis]
    open_days = service.open_weekdays(facility.id) if facility else set()
    days = [d for d in rules.booking_days(today) if rules.is_open_on(d, open_days)]
    form.visit_date.choices = [SelectChoice(d.isoformat(), day_label(d, today)) for d in days]
    form.faskes.data = facility.code if facility else ""
    return route, polis


@bp.errorhandler(NotFound)
def _not_found(error):
    """Another family's or another facility's ids do not exist for this user."""
    return render_error(404)

@bp.route("", methods=["GET", "POST"])
@roles("peserta")
def index():
    """My bookings, and the form to take a number at my FKTP, a referral hospital or another FKTP."""
    user = acting_user()
    me = user.participant
    family = me.family
    today = clock.today()
    status = ledger.family_status(family, today)
    referrals = service.valid_referrals(me, today)
    code = request.form.get("faskes") if request.method == "POST" else request.args.get("faskes")
    facility, facility_error = _chosen_facility(family, referrals, code)
    form = BookingForm()
    route, polis = _form_choices(form, me, family, facility, referrals, today)
    refusal = refused_code = refused_booking = None
    if request.method == "GET":
        form.request_key.data = new_request_key()
    elif facility_error:  # e.g. the referral expired since the form was shown
        refusal = facility_error
    elif form.validate_on_submit():
        try:
            booking, replayed = service.book(user, form.member_id, form.poli_id, form.day, form.request_key.data,
                                             facility_id=facility.id if facility else None, today=today)
        except QueueRefused as refused:
            refusal, refused_code = refusal_text(refused), refused.code
            refused_booking = refused.facts.get("booking_id")
            if refused.code == "key_used":
                form.request_key.data = new_request_key()
        else:
            if replayed:
                flash(_("Antrean ini sudah diambil sebelumnya: ini nomornya."), "info")
            else:
                flash(_("Antrean berhasil diambil. Tunjukkan kode booking di loket."), "ok")
            return redirect(url_for("queue.booking", booking_id=booking.id), 303)
    return render("queue/index.html", form=form, me=me, family=family, status=status, today=today,
                  facility=facility, facility_error=facility_error, route=route, polis=polis,
                  referrals=referrals, refusal=refusal, refused_code=refused_code, refused_booking=refused_booking,
                  bookings=service.family_bookings(me, today), bill_url=bill_url(),
                  status_labels_booking=BOOKING_STATUS_LABELS, head=me.is_head)


def booking_context(booking, today):
    day = service.day_of(booking.poli_id, booking.visit_date)
    live = booking.visit_date == today and booking.status in ("aktif", "hadir", "dipanggil")
    return {
        "booking": booking, "day": day, "today": today, "live": live,
        "estimated": rules.time_text(service.estimated_time(booking)),
        "slots_left": rules.slots_left(booking.poli.daily_quota, day.booked if day else 0),
        "checked_at": clock.to_wib(clock.now()).strftime("%H.%M"),
        "can_cancel": rules.can_cancel(booking.status, booking.visit_date, today),
        "status_labels_booking": BOOKING_STATUS_LABELS,
    }


@bp.get("/<int:booking_id>")
@roles("peserta")
def booking(booking_id):
    """Kode booking, number, estimated time, slots left, the number being served (htmx refreshes
    that part every 30 s), and the cancel button."""
    user = acting_user()
    found = service.family_booking(user.participant, booking_id)
    today = clock.today()
    if found.participant_id != user.participant_id and not request.headers.get("HX-Request"):
        audit(user, "booking_viewed", f"booking:{found.id}", found.participant_id)
    return render("queue/booking.html", "queue/_now_serving.html", **booking_context(found, today))


@bp.post("/<int:booking_id>/batal")
@roles("peserta")
def cancel(booking_id):
    """Give the number back (only before checking in): the slot is freed, the number not reused."""
    user = acting_user()
    try:
        cancelled = service.cancel(user, booking_id)
    except QueueRefused as refused:
        flash(refusal_text(refused), "error")
        return redirect(url_for("queue.booking", booking_id=booking_id), 303)
    flash(_("Antrean nomor %(number)d pada %(day)s dibatalkan.", number=cancelled.number,
            day=date_id(cancelled.visit_date)), "ok")
    return redirect(url_for("queue.index"), 303)
