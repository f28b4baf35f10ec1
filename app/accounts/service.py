"""One-time access codes: an officer or facilitator issues one in person after checking the
resident's identity; the person uses it once, within 24 hours, to set the password of their account
(aktivasi, or lupa kata sandi). Staff passwords are reset the same way by an admin.

Returns codes, raises AccessError(code); the pages word them. Every step is audited.
"""
import secrets
from datetime import timedelta

from app.accounts.channels import CHANNELS, DEFAULT_CHANNEL
from app.core import clock, security
from app.core.audit import audit
from app.core.db import write_lock
from app.models import NO_PASSWORD, AccessCode, Participant, User
from app.rules import identity

CODE_DIGITS = 8
VALID_FOR = timedelta(hours=24)
MAX_ATTEMPTS = 5  # wrong codes typed for one person before their live codes are burnt
MIN_AGE = 17  # a participant of this age or older may have an account of their own
HOLD_MINUTES = 15  # between typing the right code and choosing the password


class AccessError(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


def _hash(code, participant=None, user=None):
    """A keyed hash bound to its person: a code copied onto another participant never matches."""
    owner = f"p{participant.id}" if participant is not None else f"u{user.id}"
    return security.blind_index(f"{owner}:{code}", "access_code")


def normalize_code(text):
    return identity.normalize_number(text or "")


def participant_refusal(issuer, participant, birth_date, today):
    """Why a code may not be issued for this participant (None: it may): a facilitator only in their
    districts; the date of birth on the KTP must be the one on record; 17 or older; alive."""
    if participant is None:
        return "not_found"
    if issuer.role == "fasilitator" and participant.family.district_code not in issuer.district_codes():
        return "district"
    if birth_date != participant.birth_date:
        return "birth_date"
    if participant.age_on(today) < MIN_AGE:
        return "too_young"
    if participant.inactive_reason == "meninggal":
        return "deceased"
    return None


def issue_code(issuer, participant=None, user=None, channel=DEFAULT_CHANNEL):
    """A new code for the participant or staff account (earlier live codes stop working).

    Returns (AccessCode, what the issuer hands over in person or None)."""
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    now = clock.now()
    with write_lock():
        AccessCode.update(expires_at=now).where(
            AccessCode.id.in_(AccessCode.live_for(now, participant, user).select(AccessCode.id))).execute()
        account = user or User.get_or_none(User.participant == participant)
        purpose = "atur_ulang" if account is not None and account.password_hash != NO_PASSWORD else "aktivasi"
        record = AccessCode.create(participant=participant, user=user, code_hash=_hash(code, participant, user),
                                   channel=channel, purpose=purpose, issued_by=issuer, issued_at=now,
                                   expires_at=now + VALID_FOR)
        subject = f"user:{user.id}" if user is not None else f"participant:{participant.id}"
        audit(issuer, "access_code_issued", subject, participant, purpose=purpose, channel=channel,
              code=record.id)
    return record, CHANNELS[channel].deliver(code, participant=participant, user=user)


def _target(identifier):
    """(participant, staff account) named by a card number, NIK or username; (None, None) if none."""
    kind = identity.identifier_kind(identifier)
    if kind == "username":
        user = User.get_or_none((User.username == identifier.strip().lower()) & User.participant.is_null())
        return None, user
    if kind == "bad_number":
        return None, None
    return Participant.by_number(identity.normalize_number(identifier)), None


def verify_code(identifier, code):
    """The id of the live code `code` of the person named by `identifier`; raises
    AccessError("no_match") for an unknown person, a wrong, used or expired code alike."""
    code = normalize_code(code)
    participant, user = _target(identifier)
    if participant is None and user is None:
        security.blind_index(code, "access_code")  # the same work as a real check
        audit(None, "access_code_failed", "unknown")
        raise AccessError("no_match")
    with write_lock():  # the failure is counted and audited even though the caller is refused
        live = list(AccessCode.live_for(clock.now(), participant, user))
        expected = _hash(code, participant, user)
        found = next((row for row in live if secrets.compare_digest(row.code_hash, expected)), None)
        if user is not None and not user.active:
            found = None
        subject = f"user:{user.id}" if user is not None else f"participant:{participant.id}"
        if found is None:
            for row in live:
                row.failed_attempts += 1
                if row.failed_attempts >= MAX_ATTEMPTS:
                    row.expires_at = clock.now()  # burnt: a new code from an officer is needed
                row.save()
            audit(None, "access_code_failed", subject, participant)
        else:
            audit(None, "access_code_verified", subject, participant, code=found.id)
    if found is None:
        raise AccessError("no_match")
    return found.id


def code_owner(code_id):
    """(participant, staff account) of a live code, or AccessError("no_match")."""
    record = AccessCode.get_or_none(AccessCode.id == code_id)
    if record is None or record.used_at is not None or record.expires_at <= clock.now():
        raise AccessError("no_match")
    return record.participant if record.participant_id else None, record.user if record.user_id else None


def set_password_with_code(code_id, password):
    """Use the code once: create the participant's account (or take the staff account), set the
    password, end every other session and lift a lockout. Returns the account."""
    with write_lock():
        record = AccessCode.get_locked(code_id)
        now = clock.now()
        if record.used_at is not None or record.expires_at <= now:
            raise AccessError("no_match")
        record.used_at = now
        record.save()
        if record.user_id:
            account = User.get_locked(record.user_id)
            if not account.active:
                raise AccessError("no_match")
        else:
            account = User.get_or_none(User.participant == record.participant_id)
            account = User.get_locked(account.id) if account else User(participant=record.participant_id,
                                                                        role="peserta")
        first = account.id is None or account.password_hash == NO_PASSWORD
        account.set_password(password)
        account.session_version = (account.session_version or 0) + 1
        account.failed_logins, account.locked_until = 0, None
        account.save()
        audit(account, "account_activated" if first else "password_reset", f"user:{account.id}",
              record.participant_id, code=record.id)
    return account
