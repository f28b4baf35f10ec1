"""Petugas BPJS: the work queue of registrations and data-change requests, oldest first.

Pembayaran for BPJS officers: payments that could not be applied (unknown VA, amount mismatch),
oldest first, and one decision on each — assign it to a family by its exact VA or KK number (it is
then applied like a callback), or mark it refunded with a note. Both are audited.
"""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from app.contributions import payments as contributions
from app.core import clock
from app.core.audit import audit
from app.core.forms import parse_date
from app.core.auth import roles
from app.core.db import parse_id
from app.core.formatting import rupiah
from app.core.labels import PAYMENT_STATUSES, UNMATCHED_REASONS
from app.core.rendering import render
from app.facilities import service as facility_search
from app.models import ChangeRequest, Facility, MemberAddition, Payment, Registration
from app.officer import bp


@bp.get("/antrean-kerja")
@roles("petugas_bpjs", "admin")
def queue():
    """Everything waiting for an officer's decision, oldest first (bounded: the first 50 of each)."""
    return render("officer/queue.html",
                  registrations=Registration.awaiting_review().limit(50),
                  additions=MemberAddition.awaiting_review().limit(50),
                  requests=ChangeRequest.awaiting_decision().limit(50))


# --- unmatched payments ------------------------------------------------------------------------

TOO_LONG = _l("Terlalu panjang (maksimal %(max)d karakter).")
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


class PaymentDecisionForm(FlaskForm):
    """One form, two buttons (name="decision"): "assign" needs the number, "refund" the note."""

    number = StringField(_l("Nomor VA atau nomor KK keluarga"), validators=[
        Length(max=40, message=_l("Terlalu panjang (maksimal 40 karakter)."))])
    note = TextAreaField(_l("Catatan"), validators=[
        Length(max=500, message=_l("Terlalu panjang (maksimal 500 karakter)."))])


@bp.get("/pembayaran")
@roles("petugas_bpjs", "admin")
def payments():
    """Payments waiting for an officer, oldest first, 50 a page (`?sebelum=<id>`: the page that
    continues the queue after payment <id>)."""
    payments, more = contributions.unmatched_payments(after=request.args.get("sebelum", type=parse_id))
    return render("officer/payments.html", payments=payments, reasons=UNMATCHED_REASONS,
                  next_after=payments[-1].id if more else None)


@bp.route("/pembayaran/<int:payment_id>", methods=["GET", "POST"])
@roles("petugas_bpjs", "admin")
def payment(payment_id):
    """One payment; while unmatched, the form that assigns it to a family or refunds it."""
    payment = Payment.get_or_none(Payment.id == payment_id) or abort(404)
    form = PaymentDecisionForm()
    decision_error = None
    if form.validate_on_submit():
        officer = current_user._get_current_object()
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
        audit(current_user._get_current_object(), "payment_viewed", f"payment:{payment.id}", head)
    return render("officer/payment.html", payment=payment, family=family, head=head, form=form,
                  decision_error=decision_error, statuses=PAYMENT_STATUSES, reasons=UNMATCHED_REASONS)


# --- kerja sama BPJS of a facility ----------------------------------------------------------------

PARTNER_CHOICES = (("ya", _l("Mitra BPJS Kesehatan")), ("tidak", _l("Bukan mitra BPJS Kesehatan")),
                   ("belum_tercatat", _l("Belum tercatat")))


class PartnershipForm(FlaskForm):
    """Kerja sama: yes with the agreement's dates (optional), no, or not recorded."""

    state = SelectField(_l("Kerja sama BPJS"), validate_choice=False,
                        choices=[SelectChoice(value, label) for value, label in PARTNER_CHOICES])
    start = StringField(_l("Berlaku mulai (boleh kosong)"), validators=[Length(max=20, message=TOO_LONG)])
    end = StringField(_l("Berlaku sampai (boleh kosong)"), validators=[Length(max=20, message=TOO_LONG)])

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        if self.state.data not in dict(PARTNER_CHOICES):
            self.state.errors = [_l("Pilih salah satu.")]
            return False
        self.dates = []
        for field in (self.start, self.end):
            text = (field.data or "").strip()
            day = parse_date(text) if text else None
            if text and day is None:
                field.errors = [_l("Tulis tanggal seperti 01-01-2027.")]
            self.dates.append(day)
        if self.dates[0] and self.dates[1] and self.dates[1] < self.dates[0]:
            self.end.errors = [_l("Tanggal berakhir tidak boleh sebelum tanggal mulai.")]
        return not (self.start.errors or self.end.errors)


@bp.route("/faskes/<int:facility_id>/kerja-sama", methods=["GET", "POST"])
@roles("petugas_bpjs", "admin")
def partnership(facility_id):
    """Record a facility's BPJS partnership and the dates of its agreement."""
    facility = Facility.get_or_none(Facility.id == facility_id) or abort(404)
    form = PartnershipForm()
    if request.method == "GET":
        form.state.data = facility.partner_on(clock.today()) if facility.is_partner is not True else "ya"
        form.start.data = facility.partner_from.strftime("%d-%m-%Y") if facility.partner_from else ""
        form.end.data = facility.partner_until.strftime("%d-%m-%Y") if facility.partner_until else ""
    elif form.validate_on_submit():
        facility_search.set_partnership(current_user._get_current_object(), facility.id, form.state.data,
                                        *form.dates)
        flash(_("Kerja sama BPJS %(name)s disimpan.", name=facility.name), "info")
        return redirect(url_for("facilities.detail", facility_id=facility.id), 303)
    return render("officer/partnership.html", facility=facility, form=form)
