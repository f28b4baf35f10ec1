"""The signed-in person's own account: password, and who touched their data."""
from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import change_password, check_password, signed_in, start_session
from app.forms import ChangePasswordForm
from app.models import AuditLog
from app.rendering import render
from app.rules.passwords import MIN_LENGTH

bp = Blueprint("account", __name__, url_prefix="/akun")


@bp.route("/kata-sandi", methods=["GET", "POST"])
@signed_in
def password():
    """Change the password (the current one first); other sessions of the account end."""
    user = current_user._get_current_object()
    form = ChangePasswordForm(user)
    if form.validate_on_submit():
        if check_password(user, form.current_password.data, "reauthenticated"):
            start_session(change_password(user, form.new_password.data))
            flash(_("Kata sandi sudah diganti. Perangkat lain yang memakai akun ini sudah dikeluarkan."), "ok")
            return redirect(url_for("main.dashboard"), 303)
        form.current_password.errors.append(
            _("Kata sandi sekarang salah, atau akun dikunci sementara karena terlalu banyak percobaan."))
    return render("account/password.html", form=form, min_length=MIN_LENGTH)


@bp.get("/riwayat-akses")
@signed_in
def trail():
    """Siapa yang melihat data saya: the latest entries of the person's audit trail."""
    return render("account/trail.html", entries=list(AuditLog.trail(current_user._get_current_object())))
