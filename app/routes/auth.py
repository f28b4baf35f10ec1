"""Sign in (masuk) and sign out (keluar)."""
from flask import Blueprint, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import authenticate, end_session, public, safe_next, signed_in, start_session
from app.extensions import limiter
from app.forms import SIGN_IN_FAILED, SignInForm
from app.rendering import render

bp = Blueprint("auth", __name__)


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
    return render("auth/sign_in.html", "auth/_sign_in_form.html", form=form)


@bp.post("/keluar")
@signed_in
def sign_out():
    end_session()
    return redirect(url_for("main.home"), 303)
