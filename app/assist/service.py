"""Consents (persetujuan pendampingan): started by the resident's PIN or a code sent to their
phone, ended by the facilitator, revoked by the resident, over after 30 minutes.

Returns records, raises AssistError(code); the pages word the codes. Every step is audited.
"""
import secrets
from datetime import timedelta

from app.assist import channels
from app.core import clock, security
from app.core.audit import audit
from app.core.auth import ASSIST_MINUTES, check_pin
from app.core.db import write_lock
from app.models import Consent, Participant, User
from app.rules import identity

CODE_DIGITS = 6
CODE_MINUTES = 5
MAX_ATTEMPTS = 5  # wrong codes before the waiting consent is burnt


class AssistError(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


def _resident(number):
    """(participant, account) behind a card number or NIK, or (None, None)."""
    if identity.identifier_kind(number or "") not in ("nik", "card"):
        return None, None
    participant = Participant.by_number(identity.normalize_number(number))
    account = participant and User.get_or_none((User.participant == participant) & (User.role == "peserta"))
    return (participant, account) if account else (None, None)


def _start(consent, now):
    consent.started_at, consent.expires_at = now, now + timedelta(minutes=ASSIST_MINUTES)
    consent.code_hash = None
    consent.save()
    audit(consent.facilitator, "assist_started", f"consent:{consent.id}", consent.participant_id,
          scope=consent.scope, method=consent.method, until=consent.expires_at)
    return consent


def end_live(facilitator, now):
    """End the facilitator's earlier live consents: one resident at a time."""
    Consent.update(ended_at=now, ended_by="fasilitator").where(
        (Consent.facilitator == facilitator) & Consent.ended_at.is_null() & Consent.started_at.is_null(False)
        & (Consent.expires_at > now)).execute()


def start_with_pin(facilitator, number, birth_date, pin, scope):
    """The resident typed their number, date of birth and PIN on the facilitator's device.
    Unknown resident, another date of birth, a wrong or locked PIN: one answer ("no_match")."""
    participant, account = _resident(number)
    if account is None or participant.birth_date != birth_date:
        security.burn_password_check(pin)
        audit(facilitator, "assist_refused", f"participant:{participant.id}" if participant else "unknown",
              participant, reason="no_match")
        raise AssistError("no_match")
    if check_pin(account, pin, "assist_pin") is None:
        raise AssistError("no_match")
    now = clock.now()
    with write_lock():
        end_live(facilitator, now)
        consent = Consent.create(facilitator=facilitator, participant=participant, resident=account,
                                 scope=scope, method="pin", created_at=now)
        return _start(consent, now)


def code_channel():
    """The channel that sends consent codes to the resident's phone, or None in this build."""
    return next(iter(channels.CHANNELS.values()), None)


def _code_hash(consent_id, code):
    return security.blind_index(f"c{consent_id}:{code}", "consent_code")


def request_code(facilitator, number, scope):
    """A waiting consent and a code sent to the resident's phone (never shown to the facilitator)."""
    channel = code_channel()
    participant, account = _resident(number)
    if channel is None:
        raise AssistError("no_channel")
    if account is None or not participant.phone:
        audit(facilitator, "assist_refused", f"participant:{participant.id}" if participant else "unknown",
              participant, reason="no_phone")
        raise AssistError("no_phone")
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    now = clock.now()
    with write_lock():
        consent = Consent.create(facilitator=facilitator, participant=participant, resident=account, scope=scope,
                                 method="kode", created_at=now, code_expires_at=now + timedelta(minutes=CODE_MINUTES))
        consent.code_hash = _code_hash(consent.id, code)
        consent.save()
        audit(facilitator, "assist_code_sent", f"consent:{consent.id}", participant, scope=scope)
    if not channel.send_consent_code(code, participant, CODE_MINUTES):
        raise AssistError("not_sent")
    return consent


def waiting(facilitator, consent_id):
    """The facilitator's consent still waiting for its code, or None."""
    consent = Consent.get_or_none((Consent.id == consent_id) & (Consent.facilitator == facilitator))
    if consent is None or consent.code_hash is None or consent.code_expires_at <= clock.now():
        return None
    return consent


def verify_code(facilitator, consent_id, code):
    """Start the waiting consent when `code` is its code. Expired, used, another's, or the fifth
    wrong try (the consent is burnt): AssistError("no_match")."""
    code = identity.normalize_number(code or "")
    with write_lock():
        consent = waiting(facilitator, consent_id)
        if consent is None:
            audit(facilitator, "assist_code_failed", f"consent:{consent_id}", reason="not_waiting")
            consent = None
    if consent is None:
        raise AssistError("no_match")
    with write_lock():
        consent = Consent.get_locked(consent.id)
        now = clock.now()
        if secrets.compare_digest(consent.code_hash or "", _code_hash(consent.id, code)):
            end_live(facilitator, now)
            return _start(consent, now)
        consent.failed_attempts += 1
        if consent.failed_attempts >= MAX_ATTEMPTS:
            consent.code_hash = None  # burnt: a new code is needed
        consent.save()
        audit(facilitator, "assist_code_failed", f"consent:{consent.id}", consent.participant_id,
              failures=consent.failed_attempts)
    raise AssistError("no_match")


def end(facilitator, consent_id):
    """The facilitator ends their session early."""
    with write_lock():
        consent = Consent.live(consent_id, facilitator.id, clock.now())
        if consent is None:
            return None
        consent.ended_at, consent.ended_by = clock.now(), "fasilitator"
        consent.save()
        audit(facilitator, "assist_ended", f"consent:{consent.id}", consent.participant_id)
    return consent


def revoke(resident, consent_id):
    """The resident takes their consent back from their own account (their family's only)."""
    with write_lock():
        consent = Consent.get_or_none((Consent.id == consent_id) & (Consent.participant == resident.participant_id))
        if consent is None or not consent.is_live(clock.now()):
            return None
        consent.ended_at, consent.ended_by = clock.now(), "peserta"
        consent.save()
        audit(resident, "assist_revoked", f"consent:{consent.id}", consent.participant_id)
    return consent
