"""Who may do what: access rules on every view, sign-in with lockout, sessions with an idle timeout."""
from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, make_response, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, login_user, logout_user

from app.core import clock, security
from app.core.audit import audit
from app.core.db import write_lock
from app.core.extensions import fast_gettext as _
from app.core.extensions import htmx, login_manager
from app.models import ROLES, Consent, User
from app.rules import identity

# --- access rules: every view carries one (tests/test_conventions.py checks) -----------------

def public(view):
    """Anyone, signed in or not."""
    view.access = "public"
    return view


def roles(*allowed):
    """Only a signed-in user whose role is one of `allowed`; others get sign-in or 403."""
    unknown = set(allowed) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed and not ("peserta" in allowed and assisting()):
                abort(403)
            return view(*args, **kwargs)

        guarded.access = allowed
        return guarded

    return decorate


signed_in = roles(*ROLES)


def acting_user():
    """The account this request acts as (the User itself, not Flask-Login's proxy): what every
    workflow receives as its actor and what the audit log records.

    A facilitator with a resident's live consent acts as that resident on the pages of the
    consent's scope (ASSIST_SCOPES), and as themselves everywhere else; audit() then records the
    facilitator as the actor and the resident as on_behalf_of."""
    if assisting():
        return g.assist.resident
    return current_user._get_current_object()


# --- pendampingan: a facilitator acting for a resident with their live consent (SPEC §5.3) ----

#: what a consent lets a facilitator do, as the endpoints (or "area." prefixes) of each scope.
#: A scope whose area does not exist in this build is not offered (assist_scopes()).
ASSIST_SCOPES = {
    "lihat": ("main.dashboard", "membership.status", "membership.card", "contributions.bill",
              "contributions.history", "contributions.receipt"),
    "antrean": ("main.dashboard", "membership.status", "queue."),
    "kasus": ("main.dashboard", "cases."),
    "perubahan": ("main.dashboard", "membership.status", "changes."),
}
ASSIST_MINUTES = 30


def in_scope(scope, endpoint):
    return bool(endpoint) and any(endpoint == item or (item.endswith(".") and endpoint.startswith(item))
                                  for item in ASSIST_SCOPES.get(scope, ()))


def assist_scopes():
    """The scopes this build can serve (an area of the table may not be installed)."""
    endpoints = current_app.view_functions
    return [scope for scope, items in ASSIST_SCOPES.items()
            if any(in_scope(scope, endpoint) and endpoint != "main.dashboard" for endpoint in endpoints)]


def assisting():
    """True when this request is a facilitator's, within the scope of a live consent."""
    consent = g.get("assist")
    return consent is not None and in_scope(consent.scope, request.endpoint)


def _load_assist():
    """g.assist: the facilitator's live consent named in the session; an ended one is forgotten."""
    g.assist = None
    consent_id = session.get("assist")
    if consent_id is None:
        return
    if current_user.is_authenticated and current_user.role == "fasilitator":
        g.assist = Consent.live(consent_id, current_user.id, clock.now())
    if g.assist is None:
        session.pop("assist", None)


def _audit_assisted_view(response):
    """Every page a facilitator sees for a resident goes into the resident's trail."""
    if request.method == "GET" and response.status_code == 200 and assisting():
        consent = g.assist
        audit(current_user._get_current_object(), "assisted_page_viewed", request.path[:60],
              consent.participant_id, consent=consent.id)
    return response


def safe_next(target):
    """A same-site path to return to after sign-in, or None (no open redirects)."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


# --- sign-in -------------------------------------------------------------------------------

def authenticate(identifier, password):
    """The account for these credentials, or None.

    Unknown account, wrong password and locked account take the same time and give the same
    answer (None): the caller shows one message for all three.
    """
    user = User.for_identifier(identifier)
    if user is None:
        security.burn_password_check(password)
        audit(None, "sign_in_failed", "unknown", kind=identity.identifier_kind(identifier))
        return None
    return check_password(user, password, "sign_in")


#: wrong "current password" answers after which every session of the account ends
REAUTH_LIMIT = 5


def check_password(user, password, action):
    """The fresh account when `password` is right and the account is not locked, else None.

    At sign-in (`action` = "sign_in") every failure counts toward the account's lockout. A signed-in
    person confirming their password before a sensitive change (`action` = "reauthenticated") never
    touches that counter: see `reauthenticate`.
    """
    if action == "reauthenticated":
        return reauthenticate(user, password)
    password_ok = security.verify_password(user.password_hash, password)
    config = current_app.config
    with write_lock():
        user = User.get_locked(user.id)  # counters may have moved in a concurrent request
        now = clock.now()
        subject = f"user:{user.id}"
        if user.is_locked(now) or not user.active:
            audit(None, f"{action}_refused", subject, user.participant_id, reason="locked")
            return None
        if not password_ok:
            user.failed_logins += 1
            audit(None, f"{action}_failed", subject, user.participant_id, failures=user.failed_logins)
            if user.failed_logins >= config["LOCKOUT_THRESHOLD"]:
                user.locked_until = now + timedelta(minutes=config["LOCKOUT_MINUTES"])
                user.failed_logins = 0
                audit(None, "lockout", subject, user.participant_id, until=user.locked_until)
            user.save()
            return None
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now
        if security.password_needs_rehash(user.password_hash):
            user.set_password(password)
        user.save()
        audit(user, action, subject, user.participant_id)
    return user


def reauthenticate(user, password):
    """The fresh account when a signed-in person typed their current password right, else None.

    Wrong answers are counted on the account apart from the sign-in lockout (a stolen session must
    not be able to lock the owner out). The REAUTH_LIMIT-th wrong answer in a row ends every session
    of the account (the session cookie may have been copied) and sends this one to the sign-in page,
    where the owner signs in as usual.
    """
    password_ok = security.verify_password(user.password_hash, password)
    with write_lock():
        user = User.get_locked(user.id)
        subject = f"user:{user.id}"
        if user.is_locked(clock.now()) or not user.active:
            audit(user, "reauthenticated_refused", subject, user.participant_id, reason="locked")
            return None
        if password_ok:
            user.reauth_failures = 0
            if security.password_needs_rehash(user.password_hash):
                user.set_password(password)
            user.save()
            audit(user, "reauthenticated", subject, user.participant_id)
            return user
        user.reauth_failures += 1
        audit(user, "reauthenticated_failed", subject, user.participant_id, failures=user.reauth_failures)
        ended = user.reauth_failures >= REAUTH_LIMIT
        if ended:
            user.reauth_failures = 0
            user.session_version += 1
            audit(user, "reauth_session_ended", subject, user.participant_id, failures=REAUTH_LIMIT)
        user.save()
    if ended:
        logout_user()
        session.clear()
        flash(_("Anda dikeluarkan karena kata sandi salah %(n)d kali. Masuk lagi dengan kata sandi Anda.",
                n=REAUTH_LIMIT), "info")
        abort(_to_sign_in(url_for("accounts.sign_in")))
    return None


def _to_sign_in(target):
    """A redirect to `target`, as htmx needs it (HX-Redirect) or as a plain 303."""
    if htmx:  # a 302 inside an htmx request would swap the sign-in page into a fragment
        response = make_response("", 200)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, 303)


def start_session(user):
    session.clear()  # a fresh session: nothing from before sign-in carries over
    login_user(user)
    session["seen"] = clock.epoch()


def end_session(reason="sign_out"):
    """Sign out. Sessions live in the signed cookie, so signing out also bumps the account's
    session_version: a copy of the cookie (another tab, a kiosk's history) stops working too."""
    if current_user.is_authenticated:
        user = acting_user()
        if reason == "sign_out":
            with write_lock():
                User.update(session_version=User.session_version + 1).where(User.id == user.id).execute()
        audit(user, reason, f"user:{user.id}", user.participant_id)
    logout_user()
    session.clear()


def change_password(user, new_password):
    """New hash, and every other session of this account ends (session_version)."""
    with write_lock():
        user = User.get_locked(user.id)
        user.set_password(new_password)
        user.session_version += 1
        user.save()
        audit(user, "password_changed", f"user:{user.id}", user.participant_id)
    return user


# --- the resident's PIN (kiosk sign-in and facilitator consent only) -------------------------

def check_pin(user, pin, action):
    """The fresh account when `pin` is its PIN and the PIN is not locked, else None. Failures count
    toward a lockout of the PIN alone (the same threshold and minutes as the password's)."""
    if user is None or not user.pin_hash:
        security.burn_password_check(pin)
        audit(None, f"{action}_failed", f"user:{user.id}" if user else "unknown",
              user.participant_id if user else None, reason="no_pin")
        return None
    pin_ok = security.verify_password(user.pin_hash, pin)
    config = current_app.config
    with write_lock():
        user = User.get_locked(user.id)
        now, subject = clock.now(), f"user:{user.id}"
        if (user.pin_locked_until is not None and user.pin_locked_until > now) or not user.active:
            audit(None, f"{action}_refused", subject, user.participant_id, reason="locked")
            return None
        if not pin_ok:
            user.pin_failures += 1
            audit(None, f"{action}_failed", subject, user.participant_id, failures=user.pin_failures)
            if user.pin_failures >= config["LOCKOUT_THRESHOLD"]:
                user.pin_locked_until = now + timedelta(minutes=config["LOCKOUT_MINUTES"])
                user.pin_failures = 0
                audit(None, "pin_locked", subject, user.participant_id, until=user.pin_locked_until)
            user.save()
            return None
        user.pin_failures, user.pin_locked_until = 0, None
        user.save()
    return user


def set_pin(user, pin):
    with write_lock():
        user = User.get_locked(user.id)
        user.pin_hash = security.hash_password(pin)
        user.pin_failures, user.pin_locked_until = 0, None
        user.save()
        audit(user, "pin_set", f"user:{user.id}", user.participant_id)
    return user


# --- Flask-Login wiring --------------------------------------------------------------------

@login_manager.user_loader
def _load_user(session_id):
    user = User.from_session_id(session_id)
    return user if user is not None and user.active else None


@login_manager.unauthorized_handler
def _unauthorized():
    if g.get("kiosk"):  # a kiosk's next visitor starts at the kiosk's own sign-in
        target = url_for("kiosk.sign_in")
    else:
        target = url_for("accounts.sign_in", next=request.full_path if request.method == "GET" else None)
    if htmx:  # a 302 inside an htmx request would swap the sign-in page into a fragment
        response = make_response("", 200)
        response.headers["HX-Redirect"] = target
        return response
    flash(_("Silakan masuk dahulu."), "info")
    return redirect(target)


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signer made once per set of keys rather than on every
    request (Flask makes a new one to open the cookie, and again to save it)."""

    def __init__(self):
        self._serializers = {}

    def get_signing_serializer(self, app):
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self._serializers:
            self._serializers[keys] = super().get_signing_serializer(app)
        return self._serializers[keys]


def init_app(app):
    app.session_interface = SessionCookies()
    login_manager.init_app(app)
    # "basic", not "strong": Opera Mini and mobile carriers change the client IP mid-session.
    login_manager.session_protection = "basic"

    @app.context_processor
    def _csrf_state():
        # True when the session already holds a CSRF secret: a page may then repeat its token (htmx's
        # header) without starting a session, hence a cookie, for a visitor who has none.
        return {"csrf_ready": app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in session}

    @app.before_request
    def _idle_timeout():
        if not current_user.is_authenticated:
            return
        now = clock.epoch()
        kiosk = session.get("kiosk")  # a kiosk session ends after 2 minutes idle (SPEC §5.4)
        idle = app.config["KIOSK_IDLE_SECONDS"] if kiosk else app.config["SESSION_IDLE_MINUTES"] * 60
        if now - session.get("seen", now) > idle:
            end_session("session_expired")
            flash(_("Sesi Anda berakhir karena lama tidak aktif. Silakan masuk lagi."), "info")
        elif kiosk or now - session.get("seen", 0) >= 60:  # else once a minute, not on every request
            session["seen"] = now
        _load_assist()

    app.after_request(_audit_assisted_view)

    @app.context_processor
    def _assist_banner():
        return {"assist": g.get("assist")}
