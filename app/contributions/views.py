"""Tagihan iuran: the family's bill and how to pay it, payment history with receipts, REHAB
instalment plans and auto-debit (autodebet). The workflows are in app/billing.py."""
from flask import abort, flash, redirect, request, url_for

from app.contributions import billing, bp
from app.contributions.forms import AUTO_DEBIT_REFUSALS, REHAB_REFUSALS, AutoDebitForm, RehabForm
from app.core import clock
from app.core.auth import acting_user, roles
from app.core.db import parse_id
from app.core.extensions import fast_gettext as _
from app.core.formatting import date_id, rupiah
from app.core.rendering import render
from app.models import RehabInstalment


def bill_context(me, today):
    """Context of the bill page (also the REHAB page's figures)."""
    return {"me": me, "bill": billing.bill_for(me.family, today), "is_head": me.is_head}


@bp.get("")
@roles("peserta")
def bill():
    """What the family owes this month and in arrears, what reactivation costs, how to pay."""
    return render("contributions/bill.html", **bill_context(acting_user().participant, clock.today()))


@bp.get("/riwayat")
@roles("peserta")
def history():
    """The family's applied payments, newest first, 20 a page (?sebelum=<id> continues)."""
    family = acting_user().participant.family
    raw = request.args.get("sebelum")
    after, bad_cursor = None, False
    if raw is not None:
        payment_id = parse_id(raw)
        after = billing.family_payment(family, payment_id) if payment_id else None
        bad_cursor = after is None
    payments, more = billing.payment_history(family, after)
    return render("contributions/history.html", payments=payments, more=more, paged=after is not None,
                  bad_cursor=bad_cursor)


@bp.get("/bukti/<int:payment_id>")
@roles("peserta")
def receipt(payment_id):
    """Bukti pembayaran: one of the family's payments (another family's id → 404)."""
    payment = billing.family_payment(acting_user().participant.family_id, payment_id)
    if payment is None:
        abort(404)
    months, credit_left = billing.receipt(payment)
    return render("contributions/receipt.html", payment=payment, months=months, credit_left=credit_left)


@bp.route("/rehab", methods=["GET", "POST"])
@roles("peserta")
def rehab():
    """REHAB: simulate instalments (GET ?cicilan=N, an htmx fragment too) and register (POST, head)."""
    me, today = acting_user().participant, clock.today()
    context = bill_context(me, today)
    bill = context["bill"]
    refusal = billing.rehab_refusal(bill)
    counts = billing.rehab_counts(bill)
    if request.method == "POST":
        form = RehabForm(counts)
        if refusal is None and not context["is_head"]:
            refusal = "not_head"
        if refusal is None and form.validate_on_submit():
            try:
                plan = billing.register_rehab(acting_user(), me, form.count, today)
            except billing.BillingError as error:
                refusal = error.code
            else:
                first = plan.instalments.order_by(RehabInstalment.number).first()
                flash(_("REHAB terdaftar: %(n)d kali cicilan. Cicilan ke-1 %(amount)s, bayar paling lambat "
                        "%(due)s.", n=plan.instalments.count(), amount=rupiah(first.amount),
                        due=date_id(first.due_on)), "ok")
                return redirect(url_for("contributions.bill"), 303)
    else:
        asked = "cicilan" in request.args
        form = RehabForm(counts, formdata=request.args if asked else None, meta={"csrf": False})
        if asked and refusal is None:
            form.validate()
    schedule = billing.rehab_schedule(bill, form.count) if refusal is None and form.count else None
    return render("contributions/rehab.html", "contributions/_rehab.html", **context, form=form, counts=counts,
                  schedule=schedule, refusal=refusal, refusals=REHAB_REFUSALS,
                  first_due=billing.first_rehab_due(today))


@bp.route("/autodebet", methods=["GET", "POST"])
@roles("peserta")
def auto_debit():
    """Register (or replace) the family's auto-debit: bank, account (only its last 4 digits are
    kept), day 5 or 20."""
    me = acting_user().participant
    form = AutoDebitForm()
    refusal = None
    if form.validate_on_submit():
        try:
            debit = billing.register_auto_debit(acting_user(), me, form.bank.data, form.account.data,
                                                int(form.debit_day.data))
        except billing.BillingError as error:
            refusal = AUTO_DEBIT_REFUSALS.get(error.code, error.code)
        else:
            flash(_("Autodebet tersimpan: %(bank)s %(account)s, tiap tanggal %(day)d.", bank=debit.channel,
                    account=debit.account_hint, day=debit.debit_day), "ok")
            return redirect(url_for("contributions.bill"), 303)
    return _auto_debit_page(me, form, refusal)


@bp.post("/autodebet/berhenti")
@roles("peserta")
def stop_auto_debit():
    """Stop the family's auto-debit (the head only)."""
    me = acting_user().participant
    try:
        stopped = billing.stop_auto_debit(acting_user(), me)
    except billing.BillingError as error:
        return _auto_debit_page(me, AutoDebitForm(formdata=None), AUTO_DEBIT_REFUSALS[error.code])
    if stopped:
        flash(_("Autodebet dihentikan. Bayar iuran sendiri lewat nomor VA mulai sekarang."), "ok")
    else:
        flash(_("Tidak ada autodebet yang aktif."), "info")
    return redirect(url_for("contributions.bill"), 303)


def _auto_debit_page(me, form, refusal):
    family = me.family
    return render("contributions/auto_debit.html", form=form, refusal=refusal, family=family,
                  is_head=me.is_head, current=billing.active_auto_debit(family),
                  paid_by_others=family.segment not in billing.rules.FAMILY_VA)
