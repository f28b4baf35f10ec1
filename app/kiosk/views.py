"""The kiosk's pages: the PIN sign-in, "Selesai" and the idle sign-out confirmation."""
from flask import current_app, g, redirect, request, session, url_for
from flask_login import current_user

from app.core.auth import end_session, public, signed_in
from app.core.extensions import fast_gettext as _
from app.core.extensions import limiter
from app.core.forms import PIN_SIGN_IN_FAILED, ResidentPinForm, parse_date
from app.core.rendering import render
from app.kiosk import bp, service

#: what the browser must drop when a resident is done (the device cookie stays)
CLEAR_SITE_DATA = '"cache", "storage"'


@bp.before_app_request
def _load_kiosk():
    service.load()


@bp.after_app_request
def _kiosk_no_store(response):
    """On a kiosk nothing is kept, not even the sign-in form a resident half filled."""
    if g.get("kiosk") is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def _kiosk_context():
    return {"kiosk": g.get("kiosk"), "kiosk_idle": current_app.config["KIOSK_IDLE_SECONDS"]}


def _terminal():
    """The rate-limit key: this kiosk (every resident at one terminal shares it)."""
    kiosk = g.get("kiosk")
    return f"kiosk:{kiosk.id}" if kiosk else f"ip:{request.remote_addr}"


def _limit():
    return current_app.config["KIOSK_SIGN_IN_RATE_LIMIT"]


@bp.route("", methods=["GET", "POST"])
@public
@limiter.limit(_limit, key_func=_terminal, methods=["POST"], deduct_when=lambda response: response.status_code != 303,
               error_message=lambda: _("Terlalu banyak percobaan di kios ini. Tunggu satu menit, lalu coba lagi."))
def sign_in():
    """Card number or NIK, date of birth and PIN; on a browser that is not a kiosk, a notice."""
    kiosk = g.get("kiosk")
    if kiosk is None:
        return render("kiosk/not_a_kiosk.html"), 404
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = ResidentPinForm()
    if form.validate_on_submit():
        if service.sign_in(kiosk, form.number.data, parse_date(form.birth_date.data), form.pin.data):
            return redirect(url_for("main.dashboard"), 303)
        form.pin.errors.append(PIN_SIGN_IN_FAILED % {"minutes": current_app.config["LOCKOUT_MINUTES"]})
    form.pin.data = ""
    return render("kiosk/sign_in.html", form=form, facility=kiosk.facility)


@bp.post("/selesai")
@signed_in
def finish():
    """The big "Selesai" button: the session ends and the browser drops what it kept."""
    end_session()
    return redirect(url_for(".finished"), 303)


@bp.get("/selesai")
@public
def finished():
    """The sign-out confirmation. The idle page's meta refresh lands here (no JavaScript): a kiosk
    session still open is ended, so only a kiosk's own sessions can be closed by a GET."""
    if current_user.is_authenticated and session.get("kiosk"):
        end_session()
    response = current_app.make_response(render("kiosk/finished.html"))
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    response.headers["Cache-Control"] = "no-store"
    return response
