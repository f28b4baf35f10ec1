"""Pesan and SMS settings: the workflows behind the pages (codes, not sentences).

- The inbox of a participant holds their reminders; a family head also sees the reminders of the
  members they act for. Another family's message is NotFound.
- Announcements (app/content) reach the inbox of each targeted participant who has an account, as
  a Reminder of kind "announcement" (event key per announcement and participant: never twice),
  shown only to that participant and only until the announcement's last day (about_on).
- Consent to reminders by SMS is stored with its date and can be withdrawn at any time.
- A phone is verified by a 6-digit code sent through the SMS gateway (valid 10 minutes, 5 tries,
  at most 5 codes a day); only its keyed hash is stored. A verified new number becomes the phone.
"""
import secrets
from datetime import timedelta

from flask import current_app
from peewee import Value, fn

from app.assist.channels import PhoneChannel
from app.assist.channels import register as register_phone_channel
from app.core import clock, security, tasks
from app.core.audit import audit
from app.core.db import MAX_ID, Prepared, write_lock
from app.inbox import outbox
from app.models import Announcement, Family, Participant, PhoneCode, Reminder, User

CODE_MINUTES = 10
CODE_TRIES = 5
CODES_PER_DAY = 5


class NotFound(Exception):
    """Not this family's message: the view answers 404."""


class Refused(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


ANNOUNCEMENT = Reminder.ANNOUNCEMENT


def visible(me, today=None):
    return Reminder.visible_to(*me.acting_for(), today or clock.today())


#: a page of the inbox: 20 messages up to the id `last` (and one more, to tell a next page)
_MESSAGES = Prepared(lambda me, family, head, today, last: Reminder.select().where(
    Reminder.visible_to(me, family, head, today), Reminder.id <= last).order_by(Reminder.id.desc()).limit(21))


def messages(me, before=None):
    """A page of 20 messages, the newest first (those older than the id `before`), and the id the next
    page starts before, or None."""
    rows = _MESSAGES(*me.acting_for(), clock.today(), before - 1 if before else MAX_ID)
    return rows[:20], (rows[19].id if len(rows) > 20 else None)


def unread_count(me):
    """What the header shows; the account's own figure (app/models/accounts.py) unless it changed since."""
    return Reminder.unread_in(*me.acting_for(), clock.today()).scalar()


def message(me, reminder_id):
    found = Reminder.get_or_none(Reminder.id == reminder_id)
    if found is None or not Reminder.select().where((Reminder.id == found.id) & visible(me)).exists():
        raise NotFound
    return found


def announcement_of(reminder):
    """The announcement an inbox message of kind "announcement" carries."""
    announcement_id = int(reminder.event_key.split(":")[1])
    return Announcement.get_by_id(announcement_id)


def deliver_announcements(day=None, announcement_id=None, participant_id=None, now=None):
    """Put the announcements shown on `day` into the inbox of every participant with an account they
    target (or only `announcement_id`, or only `participant_id`'s): one INSERT … SELECT … ON CONFLICT
    DO NOTHING per announcement, so running it again adds nothing. How many were new."""
    day, now = day or clock.today(), now or clock.now()
    current = Announcement.current(day)
    if announcement_id is not None:
        current = current.where(Announcement.id == announcement_id)
    made = 0
    # read to the end first: on SQLite a write while the read is still open (its snapshot) fails at
    # once with "database is locked" when another worker wrote in between
    for announcement in list(current):
        event_key = Value(f"{ANNOUNCEMENT}:{announcement.id}:").concat(Participant.id.cast("text"))
        people = (Participant.select(Participant.id, Value(ANNOUNCEMENT), event_key,
                                     Value(announcement.shown_until), Value(now))
                  .join(Family).switch(Participant).join(User, on=(User.participant == Participant.id))
                  .where(User.active == True))  # noqa: E712
        code = announcement.region_code
        if code:
            people = people.where((Family.district == code) | Family.district.startswith(f"{code}."))
        if announcement.segment:
            people = people.where(Family.segment == announcement.segment)
        if participant_id is not None:
            people = people.where(Participant.id == participant_id)
        made += (Reminder.insert_from(people, [Reminder.participant, Reminder.kind, Reminder.event_key,
                                               Reminder.about_on, Reminder.created_at])
                 .on_conflict_ignore().as_rowcount().execute())
    return made


#: the current announcements for a family (province, regency, segment) that are not yet in a
#: participant's inbox (event keys "announcement:<id><key_end>", key_end ":<participant id>")
_LACKING = Prepared(lambda day, province, regency, segment, key_end: (
    Announcement.current(day).where(Announcement.targets(province, regency, segment), ~fn.EXISTS(
        Reminder.select(Reminder.id).where(Reminder.event_key == Value(f"{ANNOUNCEMENT}:")
                                           .concat(Announcement.id.cast("text")).concat(key_end))))))


def deliver_new_announcements(me, day=None):
    """The inbox page (every visit): what was published since the daily job ran, into this
    participant's inbox. One read; an INSERT only for an announcement they lack, so a page view
    takes no write lock when nothing is new. How many were new."""
    day = day or clock.today()
    family = me.family
    district = family.district_code or ""
    lacking = _LACKING(day, district[:2], district[:5], family.segment, f":{me.id}")
    return sum(deliver_announcements(day, announcement.id, me.id) for announcement in lacking)


def withdraw_announcement(announcement_id):
    """A stopped announcement leaves every inbox."""
    return Reminder.delete().where(Reminder.kind == ANNOUNCEMENT,
                                   Reminder.event_key.startswith(f"{ANNOUNCEMENT}:{announcement_id}:")).execute()


def mark_read(me, reminder_id=None):
    """One message, or all of them (reminder_id None), read now; how many changed."""
    ids = [message(me, reminder_id).id] if reminder_id else None
    query = Reminder.update(read_at=clock.now()).where(visible(me), Reminder.read_at.is_null())
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
