"""Sign in (masuk) and sign out (keluar)."""
from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import bp
from app.accounts.forms import SIGN_IN_FAILED, ChangePasswordForm, SignInForm
from app.core.auth import (
    acting_user,
    authenticate,
    change_password,
    check_password,
    end_session,
    public,
    safe_next,
    signed_in,
    start_session,
)
from app.core.extensions import limiter
from app.core.rendering import render
from app.models import AuditLog
from app.rules.passwords import MIN_LENGTH


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
    """Siapa yang melihat data saya: the latest entries of the person's audit trail."""
    return render("accounts/trail.html", entries=list(AuditLog.trail(acting_user())))
