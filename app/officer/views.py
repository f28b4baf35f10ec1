"""Petugas BPJS: the work queue of registrations and data-change requests, oldest first.

Pembayaran for BPJS officers: payments that could not be applied (unknown VA, amount mismatch),
oldest first, and one decision on each — assign it to a family by its exact VA or KK number (it is
then applied like a callback), or mark it refunded with a note. Both are audited.
"""
from flask import abort, flash, redirect, request, url_for
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from app.accounts import rights
from app.accounts import service as access
from app.contributions import billing
from app.contributions import payments as contributions
from app.core import clock
from app.core.audit import audit
from app.core.auth import acting_user, roles
from app.core.db import parse_id
from app.core.extensions import fast_gettext as _
from app.core.extensions import lazy_gettext as _l
from app.core.formatting import rupiah
from app.core.forms import Form
from app.core.labels import FIELD_LABELS, PAYMENT_STATUSES, UNMATCHED_REASONS
from app.core.rendering import render
from app.facilities import service as facility_search
from app.models import (
    OFFICER_ROLES,
    AuditLog,
    ChangeRequest,
    DataRequest,
    Facility,
    Family,
    MemberAddition,
    Payment,
    Registration,
)
from app.officer import bp
from app.officer import service as officer_service
from app.officer.forms import InactiveForm, LookupForm, PartnershipForm
from app.rules import identity

QUEUE_PAGE = 50


@bp.get("/antrean-kerja")
@roles(*OFFICER_ROLES)
def queue():
    """Everything waiting for an officer's decision, oldest first, 50 of each kind a page
    (`?halaman=N`)."""
    number = min(max(request.args.get("halaman", 1, type=parse_id) or 1, 1), 10_000)
    start = (number - 1) * QUEUE_PAGE
    registrations = list(Registration.awaiting_review().offset(start).limit(QUEUE_PAGE + 1))
    additions = list(MemberAddition.awaiting_review().offset(start).limit(QUEUE_PAGE + 1))
    requests = list(ChangeRequest.awaiting_decision().offset(start).limit(QUEUE_PAGE + 1))
    more = any(len(rows) > QUEUE_PAGE for rows in (registrations, additions, requests))
    return render("officer/queue.html", registrations=registrations[:QUEUE_PAGE], additions=additions[:QUEUE_PAGE],
                  requests=requests[:QUEUE_PAGE], page_number=number, next_page=number + 1 if more else None,
                  deletions=list(DataRequest.pending()) if number == 1 else [])


@bp.post("/permintaan-hapus/<int:data_request_id>")
@roles(*OFFICER_ROLES)
def data_request(data_request_id):
    """Delete the optional data a resident asked to delete, or refuse."""
    decision = request.form.get("decision")
    if decision not in ("hapus", "tolak"):
        abort(400)
    if rights.decide(acting_user(), data_request_id, decision == "hapus") is None:
        abort(404)
    flash(_("Nomor HP dihapus.") if decision == "hapus" else _("Permintaan ditolak."), "ok")
    return redirect(url_for(".queue"), 303)


# --- unmatched payments ------------------------------------------------------------------------

DECISION_ERRORS = {
    "number_required": _l("Isi nomor VA atau nomor KK keluarga untuk menetapkan pembayaran."),
    "number_format": _l("Nomor VA dan nomor KK terdiri dari 16 angka. Periksa lagi."),
    "number_unknown": _l("Tidak ada keluarga dengan nomor VA atau nomor KK ini. Periksa lagi."),
    "number_ambiguous": _l("Nomor ini cocok dengan lebih dari satu keluarga. Pakai nomor KK."),
    "number_no_va": _l("Iuran keluarga ini dibayar pemerintah atau pemberi kerja (PBI/PPU), bukan lewat "
                       "VA. Kembalikan dananya."),
    "note_required": _l("Wajib diisi untuk pengembalian dana: tulis alasan dan cara pengembaliannya."),
    "decided": _l("Pembayaran ini sudah diputuskan sebelumnya. Tidak ada yang diubah."),
    "decision": _l("Pilih salah satu: tetapkan ke keluarga atau kembalikan dana."),
}


class PaymentDecisionForm(Form):
    """One form, two buttons (name="decision"): "assign" needs the number, "refund" the note."""

    number = StringField(_l("Nomor VA atau nomor KK keluarga"), validators=[
        Length(max=40, message=_l("Terlalu panjang (maksimal 40 karakter)."))])
    note = TextAreaField(_l("Catatan"), validators=[
        Length(max=500, message=_l("Terlalu panjang (maksimal 500 karakter)."))])


@bp.get("/pembayaran")
@roles(*OFFICER_ROLES)
def payments():
    """Payments waiting for an officer, oldest first, 50 a page (`?sebelum=<id>`: the page that
    continues the queue after payment <id>)."""
    payments, more = contributions.unmatched_payments(after=request.args.get("sebelum", type=parse_id))
    return render("officer/payments.html", payments=payments, reasons=UNMATCHED_REASONS,
                  next_after=payments[-1].id if more else None)


@bp.route("/pembayaran/<int:payment_id>", methods=["GET", "POST"])
@roles(*OFFICER_ROLES)
def payment(payment_id):
    """One payment; while unmatched, the form that assigns it to a family or refunds it."""
    payment = Payment.get_or_none(Payment.id == payment_id) or abort(404)
    form = PaymentDecisionForm()
    decision_error = None
    if form.validate_on_submit():
        officer = acting_user()
        decision = request.form.get("decision")
        try:
            if decision == "assign":
                payment, made = contributions.assign_payment(payment.id, officer, form.number.data,
                                                             form.note.data)
                months = len(dict(made))  # a month may get money from two payments
                flash(_("Pembayaran %(amount)s ditetapkan ke keluarga dan diterapkan ke %(n)d bulan iuran.",
                        amount=rupiah(payment.amount), n=months) if months else
                      _("Pembayaran %(amount)s ditetapkan ke keluarga dan disimpan sebagai saldo.",
                        amount=rupiah(payment.amount)), "info")
            elif decision == "refund":
                contributions.refund_payment(payment.id, officer, form.note.data)
                flash(_("Pembayaran %(amount)s ditandai dikembalikan.", amount=rupiah(payment.amount)), "info")
            else:
                raise contributions.DecisionError("decision")
            return redirect(url_for(".payment", payment_id=payment.id), 303)
        except contributions.DecisionError as refused:
            message = DECISION_ERRORS[refused.code]
            if refused.field:
                getattr(form, refused.field).errors.append(message)
            else:
                decision_error = message
        payment = Payment.get_by_id(payment.id)  # another officer may have decided meanwhile
    family = payment.family if payment.family_id else None
    head = family.head() if family else None
    if family is not None:  # the family's identity is another person's data: the read is audited
        audit(acting_user(), "payment_viewed", f"payment:{payment.id}", head)
    return render("officer/payment.html", payment=payment, family=family, head=head, form=form,
                  decision_error=decision_error, statuses=PAYMENT_STATUSES, reasons=UNMATCHED_REASONS)


# --- one participant, by an exact number --------------------------------------------------------

LOOKUP_ERRORS = {
    "not_found": _l("Tidak ada peserta atau keluarga dengan nomor ini. Periksa lagi nomornya."),
}
INACTIVE_ERRORS = {
    "target": _l("Pilih keluarga atau salah satu anggotanya."),
    "unchanged": _l("Status itu sudah tercatat. Tidak ada yang diubah."),
}


@bp.route("/cari-peserta", methods=["GET", "POST"])
@roles(*OFFICER_ROLES)
def look_up():
    """One exact card number, NIK or KK number → that family's page. POST, so no NIK ends up in
    a URL or a server log."""
    form = LookupForm()
    if form.validate_on_submit():
        try:
            family = officer_service.look_up(acting_user(), form.number.data)
        except officer_service.Refused as refused:
            form.number.errors.append(LOOKUP_ERRORS[refused.code])
        else:
            return redirect(url_for(".family", family_id=family.id), 303)
    recent = AuditLog.recent_subjects(acting_user(), "participant_looked_up", "family")
    families = {family.id: family for family in Family.select().where(Family.id.in_(recent))} if recent else {}
    return render("officer/look_up.html", form=form,
                  recent=[families[i] for i in recent if i in families], mask=identity.mask_nik)


@bp.get("/keluarga/<int:family_id>")
@roles(*OFFICER_ROLES)
def family(family_id):
    """A family as the officer acts on it: status, bill, payments, history, pending requests,
    codes for its members and the "nonaktif lain" form. Every view is audited."""
    family = Family.get_or_none(Family.id == family_id) or abort(404)
    return _family_page(family, None)


def _family_page(family, form):
    today = clock.today()
    facts = officer_service.family_facts(acting_user(), family, today)
    form = form or InactiveForm(family, facts["members"], formdata=None, effective_from=today.strftime("%d-%m-%Y"))
    return render("officer/family.html", family=family, bill=billing.bill_for(family, today), form=form,
                  today=today, mask=identity.mask_nik, min_age=access.MIN_AGE, field_labels=FIELD_LABELS, **facts)


@bp.post("/keluarga/<int:family_id>/nonaktif")
@roles(*OFFICER_ROLES)
def set_inactive(family_id):
    """Set (or lift) "nonaktif lain" for the family or one member, with a reason and a date."""
    family = Family.get_or_none(Family.id == family_id) or abort(404)
    form = InactiveForm(family, family.head().family_members())
    if form.validate_on_submit():
        try:
            officer_service.set_inactive(acting_user(), family.id, form.target.data, form.reason.data, form.day)
        except officer_service.Refused as refused:
            form.reason.errors.append(INACTIVE_ERRORS[refused.code])
        else:
            flash(_("Status disimpan dan dicatat di riwayat perubahan."), "ok")
            return redirect(url_for(".family", family_id=family.id), 303)
    return _family_page(Family.get_by_id(family.id), form)
# --- kerja sama BPJS of a facility ----------------------------------------------------------------

@bp.route("/faskes/<int:facility_id>/kerja-sama", methods=["GET", "POST"])
@roles(*OFFICER_ROLES)
def partnership(facility_id):
    """Record a facility's BPJS partnership and the dates of its agreement."""
    facility = Facility.get_or_none(Facility.id == facility_id) or abort(404)
    form = PartnershipForm()
    if request.method == "GET":
        form.state.data = facility.partner_on(clock.today()) if facility.is_partner is not True else "ya"
        form.start.data = facility.partner_from.strftime("%d-%m-%Y") if facility.partner_from else ""
        form.end.data = facility.partner_until.strftime("%d-%m-%Y") if facility.partner_until else ""
    elif form.validate_on_submit():
        facility_search.set_partnership(acting_user(), facility.id, form.state.data,
                                        *form.dates)
        flash(_("Kerja sama BPJS %(name)s disimpan.", name=facility.name), "info")
        return redirect(url_for("facilities.detail", facility_id=facility.id), 303)
    return render("officer/partnership.html", facility=facility, form=form)
