"""The SMS outbox: queue, send with retries and backoff, and delivery reports.

A message is claimed before it is sent (UPDATE … WHERE state = 'queued': only one worker wins), so
two workers never send it twice; it carries our reference ("jkn-<id>") on every attempt, so a
gateway that deduplicates by it never delivers a retry twice either. A failed attempt waits
(retry_delay: 1, 5, 15, 60, 60 minutes) and a reminder also waits out the quiet hours of the
participant's province; after MAX_ATTEMPTS it is failed (the reminder stays in the inbox).
A message left "sending" by a worker that died is queued again after STALE_SENDING.
"""
from datetime import timedelta

from peewee import fn

from app.core import clock, sms
from app.core.db import db
from app.models import Participant, SmsMessage
from app.rules import reminders as rules

STALE_SENDING = timedelta(minutes=15)
PREFIX = "jkn-"


def _province(participant):
    district = participant.family.__data__.get("district")
    return district[:2] if district else None


def queue(participant, purpose, text, reminder=None, now=None, quiet_hours=False):
    """Store one SMS to the participant's phone (after the quiet hours when `quiet_hours`)."""
    now = now or clock.now()
    next_at = rules.next_send_time(now, _province(participant)) if quiet_hours else now
    message = SmsMessage(participant=participant.id, phone=participant.phone, purpose=purpose,
                         reminder=reminder, next_at=next_at, created_at=now, updated_at=now)
    message.text = text
    message.save()
    return message


def send_due(now=None, limit=100):
    """Send every queued message whose time has come; how many the gateway took."""
    now = now or clock.now()
    SmsMessage.update(state="queued", updated_at=now).where(
        (SmsMessage.state == "sending") & (SmsMessage.updated_at < now - STALE_SENDING)).execute()
    return sum(bool(send_one(row.id, now)) for row in SmsMessage.due(now, limit))


def _claim(message_id, now):
    claimed = (SmsMessage.update(state="sending", attempts=SmsMessage.attempts + 1, updated_at=now)
               .where((SmsMessage.id == message_id) & (SmsMessage.state == "queued") & (SmsMessage.next_at <= now))
               .execute())
    return claimed == 1


def send_one(message_id, now=None):
    """Claim and send one message; True when the gateway accepted it."""
    now = now or clock.now()
    with db.atomic():
        if not _claim(message_id, now):
            return False
    message = SmsMessage.get_by_id(message_id)
    try:
        gateway_id = sms.gateway().send(message.phone, message.text, f"{PREFIX}{message.id}")
    except sms.SmsError as error:
        _failed_attempt(message, error.code, now)
        return False
    SmsMessage.update(state="sent", gateway_id=gateway_id, last_error="", updated_at=clock.now()).where(
        SmsMessage.id == message.id).execute()
    return True


def _failed_attempt(message, code, now):
    if not rules.should_retry(message.attempts):
        SmsMessage.update(state="failed", last_error=code[:40], updated_at=now).where(
            SmsMessage.id == message.id).execute()
        return
    next_at = now + rules.retry_delay(message.attempts)
    if message.purpose == "reminder":
        next_at = rules.next_send_time(next_at, _province(Participant.get_by_id(message.participant_id)))
    SmsMessage.update(state="queued", next_at=next_at, last_error=code[:40], updated_at=now).where(
        SmsMessage.id == message.id).execute()


def delivery_report(gateway_id, status, now=None):
    """A signed report from the gateway: "ok", or "unknown" (no such message)."""
    now = now or clock.now()
    updated = (SmsMessage.update(state=status, updated_at=now)
               .where((SmsMessage.gateway_id == gateway_id) & SmsMessage.state.in_(("sent", "delivered", "failed")))
               .execute())
    return "ok" if updated else "unknown"


def states_of(participant_id):
    """state → count of a participant's messages (for the SMS settings page)."""
    rows = (SmsMessage.select(SmsMessage.state, fn.COUNT(SmsMessage.id).alias("n"))
            .where(SmsMessage.participant == participant_id).group_by(SmsMessage.state).tuples())
    return dict(rows)
