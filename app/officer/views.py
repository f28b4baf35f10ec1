"""Petugas BPJS: the work queue of registrations and data-change requests, oldest first.

Pembayaran for BPJS officers: payments that could not be applied (unknown VA, amount mismatch),
oldest first, and one decision on each — assign it to a family by its exact VA or KK number (it is
then applied like a callback), or mark it refunded with a note. Both are audited.
"""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from app.core.forms import Form
from app.contributions import payments as contributions
from app.core.audit import audit
from app.core.auth import acting_user, roles
from app.core.db import parse_id
from app.core.formatting import rupiah
from app.core.labels import PAYMENT_STATUSES, UNMATCHED_REASONS
from app.core.rendering import render
from app.models import OFFICER_ROLES, ChangeRequest, Payment, Registration
from app.officer import bp


@bp.get("/antrean-kerja")
@roles(*OFFICER_ROLES)
def queue():
    """Everything waiting for an officer's decision, oldest first (bounded: the first 50 of each)."""
    return render("officer/queue.html",
                  registrations=Registration.awaiting_review().limit(50),
                  requests=ChangeRequest.awaiting_decision().limit(50))


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
