"""Sign in (masuk) and sign out (keluar); aktivasi and lupa kata sandi by a one-time code, and the
staff page that issues one after checking the person's KTP."""
import json

from flask import abort, current_app, flash, make_response, redirect, request, session, url_for
from flask_login import current_user

from app.accounts import bp, rights
from app.accounts import service as access
from app.accounts.forms import (
    SIGN_IN_FAILED,
    ChangePasswordForm,
    CodeForm,
    IssueCodeForm,
    NewPasswordForm,
    PinForm,
    SignInForm,
)
from app.assist import service as assist
from app.core import clock
from app.core.audit import audit
from app.core.auth import (
    acting_user,
    authenticate,
    change_password,
    check_password,
    end_session,
    public,
    roles,
    safe_next,
    set_pin,
    signed_in,
    start_session,
)
from app.core.db import parse_id
from app.core.extensions import fast_gettext as _
from app.core.extensions import lazy_gettext as _l
from app.core.extensions import limiter
from app.core.forms import parse_date
from app.core.rendering import render
from app.models import AuditLog, Consent, DataRequest, Participant
from app.rules import identity
from app.rules.passwords import MIN_LENGTH

TRAIL_PAGE = 50


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/masuk", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"], deduct_when=lambda response: response.status_code != 303,
               error_message=lambda: _("Terlalu banyak percobaan masuk dari perangkat ini. Tunggu satu menit, lalu coba lagi."))
def sign_in():
    """One form for everyone: card number, NIK or staff username, and a password.

    Only failures count against the per-IP limit: a puskesmas kiosk signs in many residents.
    """
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = SignInForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = authenticate(form.identifier.data, form.password.data)
        if user is not None:
            start_session(user)
            return redirect(safe_next(form.next.data) or url_for("main.dashboard"), 303)
        form.password.errors.append(SIGN_IN_FAILED % {"minutes": current_app.config["LOCKOUT_MINUTES"]})
    form.password.data = ""
    return render("accounts/sign_in.html", "accounts/_sign_in_form.html", form=form)


@bp.post("/keluar")
@signed_in
def sign_out():
    end_session()
    return redirect(url_for("main.home"), 303)


# --- the account (/akun) ----------------------------------------------------------------------


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@signed_in
def password():
    """Change the password (the current one first); other sessions of the account end."""
    user = acting_user()
    form = ChangePasswordForm(user)
    if form.validate_on_submit():
        if check_password(user, form.current_password.data, "reauthenticated"):
            start_session(change_password(user, form.new_password.data))
            flash(_("Kata sandi sudah diganti. Perangkat lain yang memakai akun ini sudah dikeluarkan."), "ok")
            return redirect(url_for("main.dashboard"), 303)
        form.current_password.errors.append(
            _("Kata sandi sekarang salah, atau akun dikunci sementara karena terlalu banyak percobaan."))
    return render("accounts/password.html", form=form, min_length=MIN_LENGTH)


@bp.get("/akun/riwayat-akses")
@signed_in
def trail():
    """Siapa yang melihat data saya: the person's whole audit trail, 50 entries a page, newest first
    (`?sebelum=<id>`: the page older than that entry)."""
    before = request.args.get("sebelum", type=parse_id)
    entries = list(AuditLog.trail(acting_user(), limit=TRAIL_PAGE + 1, before=before))
    return render("accounts/trail.html", entries=entries[:TRAIL_PAGE],
                  older=entries[TRAIL_PAGE - 1].id if len(entries) > TRAIL_PAGE else None)


@bp.route("/akun/pin", methods=["GET", "POST"])
@roles("peserta")
def pin():
    """Set or change the PIN (kiosk sign-in and facilitator consent), after the password."""
    user = acting_user()
    form = PinForm(user.participant)
    if form.validate_on_submit():
        if check_password(user, form.current_password.data, "reauthenticated"):
            set_pin(user, form.pin.data)
            flash(_("PIN sudah diatur. Pakai untuk masuk di kios atau memberi izin kepada pendamping."), "ok")
            return redirect(url_for(".my_data"), 303)
        form.current_password.errors.append(
            _("Kata sandi sekarang salah, atau akun dikunci sementara karena terlalu banyak percobaan."))
    return render("accounts/pin.html", form=form, has_pin=bool(user.pin_hash))


# --- the resident's data rights (UU PDP) ---------------------------------------------------------

DELETION_MESSAGES = {
    "made": _l("Permintaan terkirim. Petugas BPJS akan menghapus nomor HP Anda."),
    "already": _l("Permintaan Anda masih menunggu petugas."),
    "nothing": _l("Tidak ada nomor HP yang tercatat."),
}


@bp.get("/akun/data-saya")
@roles("peserta")
def my_data():
    """Data saya: a copy of everything, the trail, consents, correction and deletion requests."""
    user = acting_user()
    me = user.participant
    return render("accounts/my_data.html", me=me, has_pin=bool(user.pin_hash), now=clock.now(),
                  consents=list(Consent.given_by(me)), deletion=DataRequest.open_for(me, "hapus_telepon"))


@bp.get("/akun/data-saya/cetak")
@roles("peserta")
def my_data_print():
    """Everything held, as a page to read and print."""
    user = acting_user()
    rights.exported(user, "html")
    return render("accounts/my_data_print.html", data=rights.everything(user, trail_limit=50))


@bp.get("/akun/data-saya/unduh")
@roles("peserta")
def my_data_json():
    """Everything held, as a JSON file."""
    user = acting_user()
    rights.exported(user, "json")
    response = make_response(json.dumps(rights.everything(user), ensure_ascii=False, indent=1))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = 'attachment; filename="data-saya-jkn.json"'
    return response


@bp.post("/akun/izin/<int:consent_id>/cabut")
@roles("peserta")
def revoke_consent(consent_id):
    """Take back a facilitator's consent at once."""
    if assist.revoke(acting_user(), consent_id) is None:
        abort(404)
    flash(_("Izin pendampingan sudah dicabut."), "ok")
    return redirect(url_for(".my_data"), 303)


@bp.post("/akun/data-saya/hapus-telepon")
@roles("peserta")
def delete_phone():
    """Ask an officer to delete the phone number (optional data)."""
    outcome = rights.request_deletion(acting_user(), "hapus_telepon")
    flash(DELETION_MESSAGES[outcome], "ok" if outcome == "made" else "info")
    return redirect(url_for(".my_data"), 303)


# --- aktivasi and lupa kata sandi: a one-time code from an officer ----------------------------

def _code_limit():
    return current_app.config["ACCESS_CODE_RATE_LIMIT"]


@bp.route("/aktivasi", methods=["GET", "POST"])
@public
@limiter.limit(_code_limit, methods=["POST"], deduct_when=lambda response: response.status_code != 303,
               error_message=lambda: _("Terlalu banyak percobaan kode dari perangkat ini. Tunggu sebentar, "
                                       "lalu coba lagi."))
def activate():
    """Step 1: card number, NIK or username, and the code. Unknown person, wrong, used or expired
    code: one answer for all (no enumeration)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            code_id = access.verify_code(form.identifier.data, form.code.data)
        except access.AccessError:
            form.code.errors.append(_(
                "Kode tidak cocok, sudah dipakai, atau sudah lewat 24 jam. Periksa nomor dan kodenya, "
                "atau minta kode baru kepada petugas."))
        else:
            session["access_code"] = {"id": code_id, "at": clock.epoch()}
            return redirect(url_for(".choose_password"), 303)
    form.code.data = ""
    return render("accounts/activate.html", form=form)


def _held_code():
    held = session.get("access_code") or {}
    if clock.epoch() - held.get("at", 0) > access.HOLD_MINUTES * 60:
        return None
    return held.get("id")


@bp.route("/aktivasi/kata-sandi", methods=["GET", "POST"])
@public
def choose_password():
    """Step 2: the new password; the code is used up and the person is signed in."""
    code_id = _held_code()
    try:
        participant, user = access.code_owner(code_id) if code_id else (None, None)
    except access.AccessError:
        participant = user = None
    if participant is None and user is None:
        session.pop("access_code", None)
        flash(_("Masukkan kode sekali pakai dahulu (kode berlaku satu kali, 24 jam)."), "info")
        return redirect(url_for(".activate"), 303)
    form = NewPasswordForm(participant)
    if form.validate_on_submit():
        try:
            account = access.set_password_with_code(code_id, form.new_password.data)
        except access.AccessError:
            session.pop("access_code", None)
            flash(_("Kode ini sudah dipakai atau sudah lewat 24 jam. Minta kode baru kepada petugas."), "info")
            return redirect(url_for(".activate"), 303)
        start_session(account)
        flash(_("Kata sandi sudah diatur. Anda sudah masuk."), "ok")
        return redirect(url_for("main.dashboard"), 303)
    return render("accounts/choose_password.html", form=form, min_length=MIN_LENGTH,
                  name=participant.name if participant else user.username)


# --- issuing a code: staff who checked the person's KTP -------------------------------------------

CODE_ERRORS = {
    "not_found": _l("Tidak ada peserta dengan nomor ini. Periksa lagi nomornya."),
    "birth_date": _l("Tanggal lahir tidak sama dengan data peserta. Cocokkan lagi dengan KTP; kode tidak "
                     "diberikan."),
    "too_young": _l("Peserta di bawah 17 tahun memakai akun kepala keluarga."),
    "deceased": _l("Peserta ini tercatat sudah meninggal dunia."),
    "district": _l("Peserta ini tinggal di luar kecamatan tugas Anda. Arahkan ke kantor BPJS Kesehatan."),
}


@bp.route("/kode-sekali-pakai", methods=["GET", "POST"])
@roles("fasilitator", "petugas_bpjs", "admin")
def issue_code():
    """A one-time code for a participant aged 17+, after checking their KTP: shown once (print it or
    read it out), never stored in plain."""
    form = IssueCodeForm(data={"number": request.args.get("kartu", "")[:13]} if request.method == "GET" else None)
    if form.validate_on_submit():
        officer, today = acting_user(), clock.today()
        participant = Participant.by_number(identity.normalize_number(form.number.data))
        refusal = access.participant_refusal(officer, participant, parse_date(form.birth_date.data), today)
        if refusal:
            audit(officer, "access_code_refused", f"participant:{participant.id}" if participant else "unknown",
                  participant, reason=refusal)
            field = form.number if refusal == "not_found" else form.birth_date
            field.errors.append(CODE_ERRORS[refusal])
        else:
            record, code = access.issue_code(officer, participant=participant)
            return render("accounts/code_issued.html", code=code, record=record, person=participant.name,
                          card=participant.card_number)
    return render("accounts/issue_code.html", form=form)

