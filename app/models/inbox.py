"""Pesan (the participant's inbox): reminders, the SMS outbox and phone verification codes."""
from peewee import (
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    SmallIntegerField,
    TextField,
    fn,
)

from app.core import clock, security
from app.models.base import BaseModel
from app.models.membership import Participant


class Reminder(BaseModel):
    """One reminder of a JKN date to one participant. `event_key` is unique: the daily job inserts
    or ignores, so each event gives one reminder however often and wherever the job runs."""

    participant = ForeignKeyField(Participant, backref="reminders")
    kind = CharField(max_length=20)
    event_key = CharField(max_length=80, unique=True)
    about_on = DateField()
    number = SmallIntegerField(null=True)
    created_at = DateTimeField(default=clock.now)
    read_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("participant", "read_at"), False), (("participant", "id"), False))

    ANNOUNCEMENT = "announcement"

    @classmethod
    def visible_to(cls, me, family, head, today):
        """The condition of an inbox: a family head reads every member's reminders, others their own;
        an announcement only its own participant, and only until its last day. `me` and `family` are
        ids, `head` a boolean: values, a prepared query's placeholders, or an outer query's columns."""
        reader = Participant.alias()  # the query may already read Participant (the account's does)
        readers = reader.select(reader.id).where(Participant.acted_for(me, family, head, reader))
        return cls.participant.in_(readers) & (
            (cls.kind != cls.ANNOUNCEMENT) | ((cls.participant == me) & (cls.about_on >= today)))

    @classmethod
    def unread_in(cls, me, family, head, today):
        """The number of unread messages in that inbox: a subquery."""
        return cls.select(fn.COUNT(cls.id)).where(cls.visible_to(me, family, head, today),
                                                  cls.read_at.is_null())


@security.encrypted_field("text_encrypted", "sms_text")
class SmsMessage(BaseModel):
    """Outbox: one SMS, its text encrypted (a verification code is in it), its delivery state.

    queued → sending → sent → delivered | failed (from the gateway's signed delivery reports);
    a failed attempt goes back to queued with `next_at` later (backoff) until MAX_ATTEMPTS."""

    STATES = ("queued", "sending", "sent", "delivered", "failed")

    participant = ForeignKeyField(Participant, backref="sms")
    phone = CharField(max_length=20)
    purpose = CharField(max_length=10)  # reminder, verify
    reminder = ForeignKeyField(Reminder, null=True, unique=True)
    text_encrypted = TextField()
    state = CharField(max_length=10, default="queued")
    attempts = SmallIntegerField(default=0)
    next_at = DateTimeField(default=clock.now)
    gateway_id = CharField(max_length=64, null=True, unique=True)
    last_error = CharField(max_length=40, default="")
    created_at = DateTimeField(default=clock.now)
    updated_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("state", "next_at"), False),)

    @property
    def text(self):
        return security.decrypt(self.text_encrypted, "sms_text")

    @text.setter
    def text(self, value):
        self.text_encrypted = security.encrypt(value, "sms_text")

    @classmethod
    def due(cls, now, limit=100):
        return list(cls.select(cls.id).where((cls.state == "queued") & (cls.next_at <= now))
                    .order_by(cls.next_at, cls.id).limit(limit))

    @classmethod
    def sent_today(cls, participant_id, purpose, since):
        return cls.select(fn.COUNT(cls.id)).where(
            (cls.participant == participant_id) & (cls.purpose == purpose) & (cls.created_at >= since)).scalar()


class PhoneCode(BaseModel):
    """A phone verification code (only its hash), valid 10 minutes, 5 tries."""

    participant = ForeignKeyField(Participant, backref="phone_codes")
    phone = CharField(max_length=20)
    code_hash = CharField(max_length=64)
    expires_at = DateTimeField()
    tries = SmallIntegerField(default=0)
    used_at = DateTimeField(null=True)
    created_at = DateTimeField(default=clock.now)
