"""Home pages, language choice, and the liveness and readiness checks."""
from flask import abort, make_response, redirect, request, url_for
from flask_login import current_user

from app.contributions import ledger
from app.core import clock
from app.core.auth import acting_user, public, safe_next, signed_in
from app.core.pagecache import same_for_everyone
from app.core.rendering import render
from app.main import bp, service
from app.models import Announcement, AuditLog, User

ONE_YEAR = 365 * 24 * 3600


@bp.get("/")
@same_for_everyone
@public
def home():
    """What JKN Lite is, and the way in; a signed-in user goes to their own page."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return render("main/home.html", announcements=Announcement.for_everyone(clock.today()))


@bp.get("/beranda")
@signed_in
def dashboard():
    """The personal home page: who is signed in, their family or their work."""
    user = acting_user()
    participant = user.participant if user.participant_id else None
    today = clock.today()
    family = participant.family if participant else None
    return render(
        "main/dashboard.html",
        user=user,
        participant=participant,
        status=(participant.status_on(today, ledger.family_status(participant.family, today))
                if participant else None),
        members=participant.family_members() if participant else [],
        family=family,
        previous_sign_in=AuditLog.previous_sign_in(user),
        announcements=(Announcement.for_family(today, family.district_code, family.segment) if family
                       else Announcement.for_everyone(today)),
    )


@bp.get("/bahasa")
@public
def language():
    """Choose the interface language (a cookie), then go back to the page.

    A link, not a form: it changes only how pages are shown (and, for a signed-in person, the
    language their reminders are written in), and a POST form would need a CSRF token in every
    page's footer, hence a session cookie for every visitor."""
    lang = request.args.get("lang", "")
    if lang not in ("id", "en"):
        abort(400)
    if current_user.is_authenticated and current_user.language != lang:
        # reminders and SMS are written in the language the person last chose
        User.update(language=lang).where(User.id == current_user.id).execute()
    response = make_response(redirect(safe_next(request.args.get("next")) or url_for("main.home"), 303))
    response.set_cookie("lang", lang, max_age=ONE_YEAR, httponly=True, samesite="Lax",
                        secure=request.is_secure)
    response.headers["Cache-Control"] = "no-store"
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
