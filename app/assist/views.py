"""The facilitator's pages: start a session with the resident's consent, end it, recent sessions."""
from flask import abort, current_app, flash, g, redirect, session, url_for

from app.assist import bp, service
from app.assist.forms import ConsentCodeForm, ConsentCodeRequestForm, ConsentPinForm
from app.core import clock
from app.core.auth import ASSIST_SCOPES, acting_user, assist_scopes, roles
from app.core.extensions import fast_gettext as _
from app.core.extensions import lazy_gettext as _l
from app.core.extensions import limiter
from app.core.formatting import datetime_id
from app.core.forms import PIN_SIGN_IN_FAILED, parse_date
from app.core.rendering import render
from app.models import Consent

ERRORS = {
    "no_phone": _l("Peserta ini tidak punya akun atau nomor HP yang tercatat. Pakai PIN peserta."),
    "not_sent": _l("Kode belum terkirim. Coba lagi sebentar lagi, atau pakai PIN peserta."),
    "no_channel": _l("Pengiriman kode lewat SMS belum tersedia. Pakai PIN peserta."),
    "code": _l("Kode salah, sudah lewat 5 menit, atau sudah 5 kali salah. Minta kode baru."),
}


def _limit():
    return current_app.config["CONSENT_RATE_LIMIT"]


_limited = limiter.limit(_limit, methods=["POST"], deduct_when=lambda response: response.status_code != 303,
                         error_message=lambda: _("Terlalu banyak percobaan dari perangkat ini. Tunggu sebentar, "
                                                 "lalu coba lagi."))


def _begin(consent):
    session["assist"] = consent.id
    flash(_("Pendampingan dimulai. Anda melihat data %(name)s sampai %(until)s.",
            name=consent.participant.name, until=datetime_id(consent.expires_at)), "ok")
    target = next(item for item in ASSIST_SCOPES[consent.scope] if not item.endswith("."))
    return redirect(url_for(target), 303)


@bp.get("")
@roles("fasilitator")
def index():
    """The live session (if any) and the facilitator's recent sessions."""
    return render("assist/index.html", live=g.get("assist"), sessions=list(Consent.recent_of(acting_user())),
                  now=clock.now(), code_way=service.code_channel() is not None)


@bp.route("/mulai", methods=["GET", "POST"])
@roles("fasilitator")
@_limited
def start():
    """The resident types their number, date of birth and PIN on this device."""
    form = ConsentPinForm(assist_scopes())
    if form.validate_on_submit():
        try:
            consent = service.start_with_pin(acting_user(), form.number.data, parse_date(form.birth_date.data),
                                             form.pin.data, form.scope.data)
        except service.AssistError:
            form.pin.errors.append(PIN_SIGN_IN_FAILED % {"minutes": current_app.config["LOCKOUT_MINUTES"]})
        else:
            return _begin(consent)
    form.pin.data = ""
    return render("assist/start.html", form=form, minutes=service.ASSIST_MINUTES)


@bp.route("/kode", methods=["GET", "POST"])
@roles("fasilitator")
@_limited
def request_code():
    """A code to the resident's own phone (only when an SMS channel is installed)."""
    if service.code_channel() is None:
        return render("assist/request_code.html", form=None, unavailable=ERRORS["no_channel"])
    form = ConsentCodeRequestForm(assist_scopes())
    if form.validate_on_submit():
        try:
            consent = service.request_code(acting_user(), form.number.data, form.scope.data)
        except service.AssistError as error:
            form.number.errors.append(ERRORS[error.code])
        else:
            return redirect(url_for(".enter_code", consent_id=consent.id), 303)
    return render("assist/request_code.html", form=form)


@bp.route("/kode/<int:consent_id>", methods=["GET", "POST"])
@roles("fasilitator")
@_limited
def enter_code(consent_id):
    """The code the resident reads from their phone."""
    if not Consent.select().where((Consent.id == consent_id) & (Consent.facilitator == acting_user())).exists():
        abort(404)
    consent = service.waiting(acting_user(), consent_id)
    form = ConsentCodeForm()
    if consent is not None and form.validate_on_submit():
        try:
            return _begin(service.verify_code(acting_user(), consent_id, form.code.data))
        except service.AssistError:
            form.code.errors.append(ERRORS["code"])
    form.code.data = ""
    return render("assist/enter_code.html", form=form, consent=consent)


@bp.post("/akhiri")
@roles("fasilitator")
def end():
    consent_id = session.pop("assist", None)
    if consent_id is not None and service.end(acting_user(), consent_id):
        flash(_("Pendampingan sudah diakhiri."), "ok")
    return redirect(url_for(".index"), 303)
