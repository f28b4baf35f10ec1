"""Home pages, language choice and the health check."""
from flask import abort, make_response, redirect, request, url_for
from flask_login import current_user

from app.contributions import ledger
from app.core import clock
from app.core.auth import public, safe_next, signed_in
from app.core.db import db
from app.core.rendering import render
from app.main import bp
from app.models import AuditLog

ONE_YEAR = 365 * 24 * 3600


@bp.get("/")
@public
def home():
    """What JKN Lite is, and the way in; a signed-in user goes to their own page."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return render("main/home.html")


@bp.get("/beranda")
@signed_in
def dashboard():
    """The personal home page: who is signed in, their family or their work."""
    user = current_user._get_current_object()
    participant = user.participant if user.participant_id else None
    today = clock.today()
    return render(
        "main/dashboard.html",
        user=user,
        participant=participant,
        status=(participant.status_on(today, ledger.family_status(participant.family, today))
                if participant else None),
        members=participant.family_members() if participant else [],
        family=participant.family if participant else None,
        previous_sign_in=AuditLog.previous_sign_in(user),
    )


@bp.post("/bahasa")
@public
def language():
    """Choose the interface language (a cookie), then go back to the page."""
    lang = request.form.get("lang", "")
    if lang not in ("id", "en"):
        abort(400)
    response = make_response(redirect(safe_next(request.form.get("next")) or url_for("main.home"), 303))
    response.set_cookie("lang", lang, max_age=ONE_YEAR, httponly=True, samesite="Lax",
                        secure=request.is_secure)
    return response


@bp.get("/healthz")
@public
def healthz():
    """200 `ok` once the database answered a query."""
    db.execute_sql("SELECT 1").fetchone()
    response = make_response("ok")
    response.mimetype = "text/plain"
    return response
