"""Pesan and SMS settings: the workflows behind the pages (codes, not sentences).

- The inbox of a participant holds their reminders; a family head also sees the reminders of the
  members they act for. Another family's message is NotFound.
- Consent to reminders by SMS is stored with its date and can be withdrawn at any time.
- A phone is verified by a 6-digit code sent through the SMS gateway (valid 10 minutes, 5 tries,
  at most 5 codes a day); only its keyed hash is stored. A verified new number becomes the phone.
"""
import secrets
from datetime import timedelta

from flask import current_app

from app.assist.channels import PhoneChannel
from app.assist.channels import register as register_phone_channel
from app.core import clock, security, tasks
from app.core.audit import audit
from app.core.db import write_lock
from app.inbox import outbox
from app.models import Participant, PhoneCode, Reminder

CODE_MINUTES = 10
CODE_TRIES = 5
CODES_PER_DAY = 5


class NotFound(Exception):
    """Not this family's message: the view answers 404."""


class Refused(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


def visible_ids(me):
    """Whose reminders `me` reads: the head every member's, others their own."""
    return [p.id for p in me.family_members()] if me.is_head else [me.id]


def messages(me, before=None):
    rows = list(Reminder.select().where(Reminder.participant.in_(visible_ids(me)))
                .where(Reminder.id < before if before else True)
                .order_by(Reminder.id.desc()).limit(21))
    return rows[:20], (rows[19].id if len(rows) > 20 else None)


def unread_count(me):
    return Reminder.select().where(Reminder.participant.in_(visible_ids(me)), Reminder.read_at.is_null()).count()


def message(me, reminder_id):
    found = Reminder.get_or_none(Reminder.id == reminder_id)
    if found is None or found.participant_id not in visible_ids(me):
        raise NotFound
    return found


def mark_read(me, reminder_id=None):
    """One message, or all of them (reminder_id None), read now; how many changed."""
    ids = [message(me, reminder_id).id] if reminder_id else None
    query = Reminder.update(read_at=clock.now()).where(Reminder.participant.in_(visible_ids(me)),
                                                     Reminder.read_at.is_null())
    if ids:
        query = query.where(Reminder.id.in_(ids))
    return query.execute()


def set_consent(user, agree):
    with write_lock():
        me = Participant.get_locked(user.participant_id)
        me.sms_consent_at = clock.now() if agree else None
        me.save()
        audit(user, "sms_consent_given" if agree else "sms_consent_withdrawn", f"participant:{me.id}", me.id)
    return me


def _code_hash(participant_id, phone, code):
    return security.blind_index(f"{participant_id}:{phone}:{code}", "phone_code")


def send_code(user, phone, now=None):
    """Make a code for `phone` (normalised, Indonesian) and queue it by SMS. Refused: too_many."""
    now = now or clock.now()
    me = user.participant
    with write_lock():
        Participant.get_locked(me.id)
        day_ago = now - timedelta(days=1)
        if PhoneCode.select().where(PhoneCode.participant == me.id, PhoneCode.created_at >= day_ago).count() \
                >= CODES_PER_DAY:
            raise Refused("too_many")
        code = f"{secrets.randbelow(10**6):06d}"
        PhoneCode.create(participant=me.id, phone=phone, code_hash=_code_hash(me.id, phone, code),
                         expires_at=now + timedelta(minutes=CODE_MINUTES), created_at=now)
        target = Participant(id=me.id, phone=phone, family=me.family_id)
        message = outbox.queue(target, "verify", f"Kode verifikasi JKN Lite: {code}. Berlaku {CODE_MINUTES} "
                                                 "menit. Jangan beri kode ini kepada siapa pun.", now=now)
        audit(user, "phone_code_sent", f"participant:{me.id}", me.id)
    if current_app.config.get("TASKS_ENQUEUE", True):
        tasks.send_one_sms(message.id)
    return message


def check_code(user, code, now=None):
    """Verify the latest code; the phone it was sent to becomes the verified phone.
    Refused: no_code, expired, too_many_tries, wrong."""
    now = now or clock.now()
    with write_lock():
        me = Participant.get_locked(user.participant_id)
        latest = (PhoneCode.select().where(PhoneCode.participant == me.id, PhoneCode.used_at.is_null())
                  .order_by(PhoneCode.id.desc()).first())
        if latest is None:
            raise Refused("no_code")
        if latest.expires_at < now:
            raise Refused("expired")
        if latest.tries >= CODE_TRIES:
            raise Refused("too_many_tries")
        if _code_hash(me.id, latest.phone, code) != latest.code_hash:
            latest.tries += 1
            latest.save()
            return "wrong"
        latest.used_at = now
        latest.save()
        changed = me.phone != latest.phone
        me.phone = me.phone_verified = latest.phone
        me.save()
        audit(user, "phone_verified", f"participant:{me.id}", me.id, phone_changed=changed)
    return "ok"


class SmsConsentChannel(PhoneChannel):
    """Facilitator-consent codes (app/assist) by SMS, only to a phone the participant verified here:
    the code must reach the resident, never the facilitator."""

    name = "sms"

    def send_consent_code(self, code, participant, minutes):
        if not participant.phone or participant.phone_verified != participant.phone:
            return False
        message = outbox.queue(participant, "consent", f"Kode persetujuan pendampingan JKN Lite: {code}. "
                                                       f"Berlaku {minutes} menit. Berikan hanya bila Anda "
                                                       "sendiri meminta bantuan.")
        if current_app.config.get("TASKS_ENQUEUE", True):
            tasks.send_one_sms(message.id)
        return True


register_phone_channel(SmsConsentChannel())
