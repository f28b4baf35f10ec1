"""Kiosk terminals: the signed device cookie, registration and revocation, the PIN sign-in."""
from flask import current_app, g, request, session
from itsdangerous import BadSignature, URLSafeSerializer

from app.core import clock, security
from app.core.audit import audit
from app.core.auth import check_pin, start_session
from app.core.db import write_lock
from app.models import Kiosk, Participant, User
from app.rules import identity

COOKIE = "kios"
COOKIE_DAYS = 400  # long-lived; revocation (Kiosk.revoked_at) is what ends it


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="kiosk-device")


def cookie_value(kiosk):
    return _serializer().dumps({"k": kiosk.id})


def set_cookie(response, kiosk):
    response.set_cookie(COOKIE, cookie_value(kiosk), max_age=COOKIE_DAYS * 86400, httponly=True,
                        samesite="Lax", secure=request.is_secure)


def load():
    """g.kiosk: the registered, unrevoked kiosk this browser is, or None (a copied cookie of a
    revoked kiosk, or a forged one, is simply not a kiosk)."""
    g.kiosk = None
    value = request.cookies.get(COOKIE)
    if not value:
        return
    try:
        kiosk_id = _serializer().loads(value).get("k")
    except (BadSignature, AttributeError):
        return
    if isinstance(kiosk_id, int):
        g.kiosk = Kiosk.active(kiosk_id)


def register(admin, facility, name):
    with write_lock():
        kiosk = Kiosk.create(facility=facility, name=name, created_by=admin, created_at=clock.now())
        audit(admin, "kiosk_registered", f"kiosk:{kiosk.id}", facility=facility.code)
    return kiosk


def revoke(admin, kiosk_id):
    with write_lock():
        kiosk = Kiosk.active(kiosk_id)
        if kiosk is not None:
            kiosk.revoked_at = clock.now()
            kiosk.save()
            audit(admin, "kiosk_revoked", f"kiosk:{kiosk.id}")
    return kiosk


def sign_in(kiosk, number, birth_date, pin):
    """Start the resident's kiosk session, or None (unknown, another date of birth, wrong or locked
    PIN all alike)."""
    participant = Participant.by_number(identity.normalize_number(number))
    account = participant and User.get_or_none((User.participant == participant) & (User.role == "peserta"))
    if not account or participant.birth_date != birth_date:
        security.burn_password_check(pin)
        audit(None, "kiosk_sign_in_failed", f"user:{account.id}" if account else "unknown",
              participant if account else None, kiosk=kiosk.id)
        return None
    user = check_pin(account, pin, "kiosk_sign_in")
    if user is None:
        return None
    start_session(user)
    session["kiosk"] = kiosk.id
    audit(user, "kiosk_sign_in", f"user:{user.id}", user.participant_id, kiosk=kiosk.id)
    return user
