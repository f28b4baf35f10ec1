"""Riwayat pelayanan (peserta) and the facility staff's patient pages (petugas_faskes).

A participant reads their own history and, as family head, their family's; staff reach a patient
only by the exact card number, and each look-up is audited for that participant.
"""
from flask import flash, redirect, request, url_for
from wtforms import SelectChoice

from app.core import clock
from app.core.auth import acting_user, roles
from app.core.db import parse_id
from app.core.errors import render_error
from app.core.extensions import fast_gettext as _
from app.core.rendering import render
from app.health import bp, service
from app.health.forms import PrbForm, ReferralForm, VisitForm
from app.health.service import NotFound, Refused
from app.rules import health as rules
from app.rules.queue import FKTP_KINDS

REFUSALS = {
    "booking_recorded": lambda: _("Kunjungan untuk antrean ini sudah dicatat."),
    "poli": lambda: _("Poli tujuan tidak ditemukan."),
    "from_not_fktp": lambda: _("Rujukan hanya dibuat oleh FKTP (puskesmas, klinik pratama, dokter praktik)."),
    "to_not_referral_kind": lambda: _("Rujukan hanya ke rumah sakit atau klinik utama."),
    "issued_future": lambda: _("Tanggal rujukan tidak boleh setelah hari ini."),
    "pharmacy": lambda: _("Pilih apotek PRB dari daftar."),
}


@bp.errorhandler(NotFound)
def _not_found(error):
    return render_error(404)


# --- participant ------------------------------------------------------------------------------

@bp.get("/riwayat")
@roles("peserta")
def history():
    """Riwayat pelayanan of me or a member (`?peserta=`): 12 months (`?semua=1`: all), newest
    first, 20 a page (`?sebelum=`), with valid referrals and PRB."""
    user, today = acting_user(), clock.today()
    me = user.participant
    raw = request.args.get("peserta")
    if raw and parse_id(raw) is None:
        raise NotFound
    member = service.member_for(me, parse_id(raw) if raw else None)
    everything = request.args.get("semua") == "1"
    cursor = service.parse_cursor(request.args.get("sebelum")) if request.args.get("sebelum") else None
    visits, more = service.history(user, member, today, cursor, everything)
    return render("health/history.html", me=me, member=member, members=service.visible_members(me),
                  visits=visits, more=more, everything=everything, paged=cursor is not None,
                  referrals=service.referrals_of(member, today), prb=service.prb_of(member), today=today)


@bp.get("/riwayat/<int:visit_id>")
@roles("peserta")
def visit(visit_id):
    """Everything recorded about one visit."""
    found = service.family_visit(acting_user(), visit_id)
    return render("health/visit.html", visit=found, data=found.data)


# --- facility staff ---------------------------------------------------------------------------

@bp.get("/faskes-saya/pasien")
@roles("petugas_faskes")
def patient_search():
    """Cari pasien by exact card number: who they are, their last 12 months, and what to do."""
    user, card = acting_user(), (request.args.get("kartu") or "").strip()
    found = visits = None
    if card:
        try:
            found = service.patient(user, card)
        except NotFound:
            found = None
        else:
            visits = service.staff_history(user, found, clock.today())
    fktp = bool(user.facility_id) and user.facility.kind in FKTP_KINDS
    recent = service.recent_patients(user) if user.facility_id and not card else []
    return render("health/patient.html", card=card, patient=found, visits=visits, fktp=fktp,
                  has_facility=bool(user.facility_id), recent=recent)


@bp.route("/faskes-saya/pasien/<string:card>/kunjungan", methods=["GET", "POST"])
@roles("petugas_faskes")
def record_visit(card):
    """Catat kunjungan (from the board's "selesai dilayani": `?antrean=<booking id>`)."""
    user = acting_user()
    member = service.patient(user, card)
    booking_id = request.args.get("antrean", type=parse_id)
    booking = service.served_booking(user, member, booking_id) if "antrean" in request.args else None
    form = VisitForm()
    if request.method == "GET":
        form.visit_date.data = (booking.visit_date if booking else clock.today()).strftime("%d-%m-%Y")
    elif form.is_submitted():
        record = form.checked(member.birth_date)
        if record is not None:
            try:
                service.record_visit(user, member, record, booking)
            except Refused as refused:
                flash(REFUSALS[refused.code](), "error")
            else:
                flash(_("Kunjungan %(name)s dicatat.", name=member.name), "ok")
                return redirect(url_for("health.patient_search", kartu=member.card_number), 303)
    return render("health/visit_form.html", form=form, patient=member, booking=booking)


@bp.get("/faskes-saya/icd10")
@roles("petugas_faskes")
def icd10():
    """Cari kode ICD-10 by code or words (WHO ICD-10, English names)."""
    query = (request.args.get("cari") or "").strip()[:60]
    return render("health/icd10.html", query=query, results=rules.icd10_search(query, limit=20) if query else [])


@bp.route("/faskes-saya/pasien/<string:card>/rujukan", methods=["GET", "POST"])
@roles("petugas_faskes")
def referral(card):
    """Buat rujukan from my FKTP to a hospital poli, valid 90 days."""
    user, today = acting_user(), clock.today()
    member = service.patient(user, card)
    form = ReferralForm()
    form.poli.choices = [SelectChoice("", _("— pilih poli —"))] + [
        SelectChoice(str(p.id), f"{p.facility.name}: {p.name}") for p in service.referral_targets()]
    if form.validate_on_submit():
        try:
            made = service.issue_referral(user, member, int(form.poli.data), today)
        except Refused as refused:
            form.poli.errors.append(REFUSALS[refused.code]())
        else:
            flash(_("Rujukan ke %(name)s dibuat, berlaku sampai %(day)s.", name=made.to_facility.name,
                    day=made.valid_until.strftime("%d-%m-%Y")), "ok")
            return redirect(url_for("health.patient_search", kartu=member.card_number), 303)
    return render("health/referral_form.html", form=form, patient=member,
                  valid_until=rules.referral_expires_on(today))


@bp.route("/faskes-saya/pasien/<string:card>/prb", methods=["GET", "POST"])
@roles("petugas_faskes")
def prb(card):
    """Daftarkan PRB: condition, PRB pharmacy, monthly pickup day, last specialist control."""
    user, today = acting_user(), clock.today()
    member = service.patient(user, card)
    form = PrbForm()
    form.pharmacy.choices = [SelectChoice("", _("— pilih apotek —"))] + [
        SelectChoice(str(f.id), f.name) for f in service.pharmacies()]
    if form.validate_on_submit():
        try:
            service.enrol_prb(user, member, form.condition.data, int(form.pharmacy.data),
                              int(form.pickup_day.data), form.last_control.parsed, today)
        except Refused as refused:
            form.pharmacy.errors.append(REFUSALS[refused.code]())
        else:
            flash(_("%(name)s terdaftar di Program Rujuk Balik.", name=member.name), "ok")
            return redirect(url_for("health.patient_search", kartu=member.card_number), 303)
    return render("health/prb_form.html", form=form, patient=member)
