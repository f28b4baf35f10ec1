"""Home pages, language choice, and the liveness and readiness checks."""
from flask import abort, make_response, redirect, request, url_for
from flask_login import current_user

from app.core import clock
from app.core.auth import acting_user, public, safe_next, signed_in
from app.core.rendering import render
from app.main import bp, service
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
    user = acting_user()
    participant = user.participant if user.participant_id else None
    return render(
        "main/dashboard.html",
        user=user,
        participant=participant,
        status=participant.status_on(clock.today()) if participant else None,
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
    """Liveness: 200 `ok` while this process answers (no database: restarting it would not help)."""
    return _plain("ok", 200)


@bp.get("/readyz")
@public
def readyz():
    """Readiness for the load balancer: 200 once the database (and Redis, when set) answered,
    else 503 naming what failed, so no request is sent here until it can be served."""
    results = service.readiness()
    body = "\n".join(f"{name} {'ok' if ok else 'down'}" for name, ok in results.items())
    return _plain(body, 200 if all(results.values()) else 503)


def _plain(body, status):
    response = make_response(body, status)
    response.mimetype = "text/plain"
    response.headers["Cache-Control"] = "no-store"
    return response
