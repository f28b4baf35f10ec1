"""The facility staff's pages (petugas_faskes) under /faskes-saya: today's queue board, beds,
opening hours and services of their own facility; any other facility's id is a 404.
"""
from flask import abort, flash, redirect, request, url_for

from app.core import clock
from app.core.audit import audit
from app.core.auth import acting_user, roles
from app.core.db import parse_id
from app.core.errors import render_error
from app.core.extensions import fast_gettext as _
from app.core.labels import (
    BED_CLASS_LABELS,
    BOOKING_STATUS_LABELS,
    DAY_NAMES,
    SERVICE_LABELS,
    STAFF_ACTION_LABELS,
)
from app.core.rendering import render
from app.queue.forms import refusal_text
from app.queue.service import NotFound, QueueRefused
from app.rules import queue as rules
from app.staff import bp, service
from app.staff.forms import HoursForm, PoliForm, ServicesForm, beds_form


@bp.errorhandler(NotFound)
def _not_found(error):
    return render_error(404)


def _actions_for(status):
    return [action for action in rules.STAFF_ACTIONS if rules.staff_action_allowed(action, status)]


def _facility(user):
    return user.facility if user.facility_id else None


@bp.get("")
@roles("petugas_faskes")
def board():
    """Today's queue of my facility: every poli with its count and the number being served, and the
    list of one poli (`?poli=<id>`, the first by default) with its actions."""
    user = acting_user()
    facility = _facility(user)
    today = clock.today()
    polis = service.board(facility, today) if facility else []
    chosen = None
    if facility and "poli" in request.args:
        poli_id = request.args.get("poli", type=parse_id)
        chosen = next(((p, d) for p, d in polis if p.id == poli_id), None)
        if chosen is None:
            abort(404)
    elif polis:
        chosen = polis[0]
    bookings = service.poli_bookings(chosen[0], today) if chosen else []
    if chosen:
        audit(user, "queue_board_viewed", f"poli:{chosen[0].id}", visit_date=today, bookings=len(bookings))
    return render("staff/board.html", facility=facility, today=today, polis=polis, chosen=chosen,
                  bookings=bookings, status_labels_booking=BOOKING_STATUS_LABELS,
                  action_labels_staff=STAFF_ACTION_LABELS, actions_for=_actions_for,
                  reports_beds=bool(facility) and service.reports_beds(facility))


@bp.post("/antrean/<int:booking_id>")
@roles("petugas_faskes")
def act(booking_id):
    """Check-in, call, served or no-show on one of today's bookings (`aksi`)."""
    user = acting_user()
    action = request.form.get("aksi", "")
    if action not in rules.STAFF_ACTIONS:
        abort(400)
    try:
        done = service.staff_act(user, booking_id, action)
    except QueueRefused as refused:
        flash(refusal_text(refused), "error")
        poli_id = service.staff_booking(user, booking_id).poli_id
    else:
        flash(_("Nomor %(number)d: %(status)s.", number=done.number, status=BOOKING_STATUS_LABELS[done.status]),
              "ok")
        poli_id = done.poli_id
    return redirect(url_for("staff.board", poli=poli_id), 303)


@bp.post("/poli/<int:poli_id>/panggil")
@roles("petugas_faskes")
def call_next(poli_id):
    """Call the lowest number that has checked in."""
    user = acting_user()
    try:
        called = service.call_next(user, poli_id)
    except QueueRefused as refused:
        flash(refusal_text(refused), "error")
    else:
        flash(_("Nomor %(number)d dipanggil.", number=called.number), "ok")
    return redirect(url_for("staff.board", poli=poli_id), 303)


@bp.route("/tempat-tidur", methods=["GET", "POST"])
@roles("petugas_faskes")
def beds():
    """Ketersediaan tempat tidur: every bed class of my hospital in one form."""
    user = acting_user()
    facility = _facility(user)
    if facility is None or not service.reports_beds(facility):
        if request.method == "POST":
            abort(404)
        return render("staff/beds.html", facility=facility, form=None, rows=[])
    rows = service.bed_rows(facility)
    form = beds_form(rows)
    if request.method == "GET":
        form.fill()
    elif form.validate_on_submit():
        try:
            service.update_beds(user, facility, form.counts)
        except QueueRefused as refused:
            flash(refusal_text(refused), "error")
        else:
            flash(_("Ketersediaan tempat tidur disimpan."), "ok")
            return redirect(url_for("staff.beds"), 303)
    return render("staff/beds.html", facility=facility, form=form, rows=rows, bed_labels=BED_CLASS_LABELS)


@bp.route("/jam-buka", methods=["GET", "POST"])
@roles("petugas_faskes")
def hours():
    """Jam buka per weekday, or closed."""
    user = acting_user()
    facility = _facility(user)
    form = HoursForm()
    if facility is None:
        if request.method == "POST":
            abort(404)
    elif request.method == "GET":
        form.fill(service.hours_of(facility))
    elif form.validate_on_submit():
        service.update_hours(user, facility, form.hours)
        flash(_("Jam buka disimpan."), "ok")
        return redirect(url_for("staff.hours"), 303)
    return render("staff/hours.html", facility=facility, form=form, weekdays=DAY_NAMES)


@bp.route("/layanan", methods=["GET", "POST"])
@roles("petugas_faskes")
def services():
    """Layanan: ticked from a fixed list."""
    user = acting_user()
    facility = _facility(user)
    form = ServicesForm()
    if facility is None:
        if request.method == "POST":
            abort(404)
    elif request.method == "GET":
        form.services.data = sorted(facility.services & set(rules.SERVICES))
    elif form.validate_on_submit():
        service.update_services(user, facility, form.services.data)
        flash(_("Layanan disimpan."), "ok")
        return redirect(url_for("staff.services"), 303)
    return render("staff/services.html", facility=facility, form=form, service_labels=SERVICE_LABELS)


# --- polis ---------------------------------------------------------------------------------------

def _polis_page(facility, form, status=200):
    polis = service.polis_of(facility) if facility else []
    return render("staff/polis.html", facility=facility, polis=polis, form=form, weekdays=DAY_NAMES), status


def _poli_saved(user, form, poli_id=None):
    """Save a checked form; the redirect, or None with the refusal next to the code."""
    try:
        service.save_poli(user, form.values, poli_id)
    except QueueRefused:
        form.code.errors = list(form.code.errors) + [_("Kode poli ini sudah dipakai poli lain di faskes ini.")]
        return None
    flash(_("Poli %(name)s disimpan.", name=form.values["name"]), "ok")
    return redirect(url_for("staff.polis"), 303)


@bp.get("/poli")
@roles("petugas_faskes")
def polis():
    """The polis of my facility, and the form for a new one."""
    form = PoliForm(formdata=None, data={"start_time": "08:00", "end_time": "12:00", "service_minutes": "10",
                                         "days": ["0", "1", "2", "3", "4", "5"]})
    return _polis_page(_facility(acting_user()), form)


@bp.post("/poli")
@roles("petugas_faskes")
def add_poli():
    """A new poli at my facility."""
    user = acting_user()
    facility = _facility(user)
    if facility is None:
        abort(404)
    form = PoliForm()
    return (form.validate_on_submit() and _poli_saved(user, form)) or _polis_page(facility, form)


@bp.route("/poli/<int:poli_id>", methods=["GET", "POST"])
@roles("petugas_faskes")
def edit_poli(poli_id):
    """Change one poli of my facility (another facility's poli is a 404)."""
    user = acting_user()
    poli = service.staff_poli(user, poli_id)
    form = PoliForm(formdata=None) if request.method == "GET" else PoliForm()
    if request.method == "GET":
        form.fill(poli)
    elif form.validate_on_submit():
        saved = _poli_saved(user, form, poli.id)
        if saved:
            return saved
    return render("staff/poli.html", poli=poli, form=form, weekdays=DAY_NAMES)
