"""Accounts and the audit log."""
import json

from flask_login import UserMixin
from peewee import (
    JOIN,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Select,
    SmallIntegerField,
    TextField,
    fn,
)

from app.core import clock, security
from app.core.db import MAX_ID, Prepared
from app.models.base import BaseModel
from app.models.facilities import Facility
from app.models.inbox import Reminder
from app.models.membership import Family, Participant
from app.models.regions import Region
from app.rules import identity

ROLES = ("peserta", "fasilitator", "petugas_faskes", "petugas_bpjs", "admin")
STAFF_ROLES = ROLES[1:]
#: who works the officer side (queues, look-ups, decisions)
OFFICER_ROLES = ("petugas_bpjs", "admin")


class User(BaseModel, UserMixin):
    """An account: a participant signs in by NIK or card number, staff by username."""

    username = CharField(unique=True, null=True, max_length=40)
    participant = ForeignKeyField(Participant, unique=True, null=True)
    role = CharField(max_length=20)
    facility = ForeignKeyField(Facility, null=True)  # petugas_faskes work at one facility
    password_hash = CharField(max_length=200)
    failed_logins = IntegerField(default=0)
    #: wrong "current password" answers of signed-in sessions (not the sign-in lockout counter)
    reauth_failures = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    #: part of the session id: bumping it signs the account out everywhere.
    session_version = IntegerField(default=1)
    active = BooleanField(default=True)
    #: editor (penyunting): an officer an admin allowed to write articles, announcements and pages
    is_editor = BooleanField(default=False)
    created_at = DateTimeField(default=clock.now)
    last_login_at = DateTimeField(null=True)
    #: the interface language last chosen while signed in: reminders and SMS are written in it
    language = CharField(max_length=2, default="id")
    #: the resident's 6-digit PIN (kiosk sign-in and facilitator consent only), hashed like a password
    pin_hash = CharField(max_length=200, null=True)
    pin_failures = IntegerField(default=0)
    pin_locked_until = DateTimeField(null=True)

    class Meta:
        table_name = "account"  # "user" is reserved in PostgreSQL

    def get_id(self):
        return f"{self.id}.{self.session_version}"

    @property
    def is_active(self):
        return self.active

    @classmethod
    def from_session_id(cls, session_id):
        user_id, _, version = session_id.partition(".")
        if not (identity.is_digits(user_id) and identity.is_digits(version)):
            return None
        user = _BY_ID_WITH_PARTICIPANT.first(int(user_id), clock.today())
        if user is None or user.session_version != int(version):
            return None
        return user

    @classmethod
    def for_identifier(cls, identifier):
        """The account behind a NIK, a card number or a staff username, or None."""
        value = identity.normalize_number(identifier)
        kind = identity.identifier_kind(identifier)
        if kind == "username":
            return cls.get_or_none(cls.username == identifier.strip().lower())
        if kind == "bad_number":
            return None
        participant = Participant.by_nik(value) if kind == "nik" else Participant.by_card(value)
        return participant and cls.get_or_none(cls.participant == participant)

    @property
    def display_name(self):
        return self.participant.name if self.participant_id else self.username

    def is_locked(self, moment):
        return self.locked_until is not None and self.locked_until > moment

    def set_password(self, password):
        self.password_hash = security.hash_password(password)

    def district_codes(self):
        """The districts (kecamatan codes) a facilitator serves, sorted."""
        return sorted(row.district_code for row in StaffDistrict.select().where(StaffDistrict.user == self))

    @classmethod
    def staff_page(cls, after=None, size=25):
        """Staff accounts by username, `size` a page after the username `after`: (rows, more)."""
        query = cls.select().where(cls.participant.is_null()).order_by(cls.username)
        if after:
            query = query.where(cls.username > after)
        rows = list(query.limit(size + 1))
        return rows[:size], len(rows) > size


#: an account that cannot be signed in to until its password is set with a one-time code
NO_PASSWORD = "!"


class StaffDistrict(BaseModel):
    """A district (kecamatan) a facilitator serves."""

    user = ForeignKeyField(User, on_delete="CASCADE", backref="districts")
    district = ForeignKeyField(Region, column_name="district_code")

    class Meta:
        table_name = "staff_district"
        indexes = ((("user", "district"), True),)


class AccessCode(BaseModel):
    """A one-time code (kode sekali pakai) that lets a person set their password: activation of a
    participant's account, or a forgotten password of a participant or a staff account.

    Bound to one participant (who may have no account yet) or one staff account; only a keyed hash
    of the code is stored. Single use, valid until `expires_at`, burnt after too many wrong tries.
    """

    participant = ForeignKeyField(Participant, null=True)
    user = ForeignKeyField(User, null=True)
    code_hash = CharField(max_length=64)
    channel = CharField(max_length=20)  # how the code reached the person (see app/accounts/channels.py)
    purpose = CharField(max_length=20)  # aktivasi, atur_ulang
    issued_by = ForeignKeyField(User, null=True, backref="issued_codes")
    issued_at = DateTimeField(default=clock.now)
    expires_at = DateTimeField(index=True)
    used_at = DateTimeField(null=True)
    failed_attempts = SmallIntegerField(default=0)

    class Meta:
        table_name = "access_code"

    @classmethod
    def live_for(cls, moment, participant=None, user=None):
        """The unused, unexpired codes of this participant or staff account."""
        target = (cls.participant == participant) if participant is not None else (cls.user == user)
        return cls.select().where(target & cls.used_at.is_null() & (cls.expires_at > moment))


class AuditLog(BaseModel):
    """Jejak audit: append-only (database triggers refuse UPDATE and DELETE).

    `subject` names what was touched ("user:3", "participant:12"); `on_behalf_of` is the participant
    whose data it was, so they can read who saw or changed it. Never a password or a plain NIK.
    """

    at = DateTimeField(default=clock.now, index=True)
    actor = ForeignKeyField(User, null=True, backref="actions", index=False)
    action = CharField(max_length=40)
    subject = CharField(max_length=60, default="")
    on_behalf_of = ForeignKeyField(Participant, null=True, backref="audit_entries", index=False)
    ip = CharField(max_length=45, default="")
    detail = TextField(default="")

    class Meta:
        # a person's trail reads the newest entries of each: (x, id) gives them in order on both
        # databases (SQLite's index on x alone would too; PostgreSQL's would sort all of x's entries)
        # (actor, action, id): the latest of one kind of an account's actions (the sign-in before
        # this one, an officer's latest look-ups) without reading the rest
        indexes = ((("actor", "id"), False), (("subject", "id"), False), (("on_behalf_of", "id"), False),
                   (("actor", "action", "id"), False))

    @classmethod
    def record(cls, actor, action, subject="", on_behalf_of=None, ip="", **detail):
        return cls.create(
            actor=actor, action=action, subject=subject, on_behalf_of=on_behalf_of, ip=ip,
            detail=json.dumps(detail, sort_keys=True, default=str) if detail else "",
        )

    @classmethod
    def previous_sign_in(cls, user):
        """The sign-in before the current one ("terakhir masuk"), or None on the first."""
        return _PREVIOUS_SIGN_IN.first(user.id)

    @classmethod
    def recent_subjects(cls, user, action, prefix, limit=5):
        """The ids in the latest distinct subjects "<prefix>:<id>" of `user`'s `action`, newest
        first (e.g. the families an officer looked up last), among the latest `limit` × 10 of those
        entries: read newest first by the (actor, action, id) index, never the whole history (an
        officer looks up hundreds of families a day)."""
        rows = (cls.select(cls.subject)
                .where((cls.actor == user) & (cls.action == action) & cls.subject.startswith(f"{prefix}:"))
                .order_by(cls.id.desc()).limit(limit * 10).tuples())
        latest = dict.fromkeys(subject for subject, in rows)  # (first seen = newest; order kept)
        return [int(subject.partition(":")[2]) for subject in latest][:limit]

    @classmethod
    def trail(cls, user, limit=50, before=None):
        """What happened to a person's account and data, newest first (bounded; `before`: the
        entries older than that id, for the next page), each with its actor's `actor_name`."""
        return _TRAIL(user.id, f"user:{user.id}", user.participant_id, before or MAX_ID, limit)


#: every signed-in request loads its account, with its participant (every page shows their name), the
#: participant's family (every participant page reads it), the family's FKTP (the status, card,
#: dashboard, queue and change pages show it) and the participant's unread messages (the header):
#: one round trip
_BY_ID_WITH_PARTICIPANT = Prepared(
    lambda user_id, today: User.select(
        User, Participant, Family, Facility,
        Reminder.unread_in(Participant.id, Participant.family, Participant.relationship == "kepala", today)
        .alias("unread_messages"))
    .join(Participant, JOIN.LEFT_OUTER).join(Family, JOIN.LEFT_OUTER)
    .join(Facility, JOIN.LEFT_OUTER, on=Family.fktp).where(User.id == user_id))


#: the dashboard shows it on every view
_PREVIOUS_SIGN_IN = Prepared(lambda user_id: AuditLog.select().where(
    (AuditLog.actor == user_id) & (AuditLog.action == "sign_in"))
    .order_by(AuditLog.id.desc()).offset(1).limit(1))


#: a person's trail ("siapa yang melihat data saya"): what they did, what was done to their account,
#: and what anyone did with their data (`on_behalf_of`: NULL for staff, which matches nothing); each
#: entry with the name its actor is shown by (`actor_name`: User.display_name), not the actor's row.
#: The newest `limit` of each of the three kinds, by its own index, then the newest `limit` of those:
#: one OR over the three would gather and sort a person's whole trail (thousands of sign-ins and
#: assisted views) for every page of it.
def _newest_ids(condition, before, limit):
    newest = (AuditLog.select(AuditLog.id).where(condition & (AuditLog.id < before))
              .order_by(AuditLog.id.desc()).limit(limit).alias("newest"))
    return Select([newest], [newest.c.id])


_TRAIL = Prepared(lambda user_id, subject, participant_id, before, limit: AuditLog.select(
    AuditLog, fn.COALESCE(Participant.name, User.username).alias("actor_name"))
    .join(User, JOIN.LEFT_OUTER, on=AuditLog.actor == User.id)
    .join(Participant, JOIN.LEFT_OUTER, on=User.participant == Participant.id)
    .where(AuditLog.id.in_(_newest_ids(AuditLog.actor == user_id, before, limit)
                           | _newest_ids(AuditLog.subject == subject, before, limit)
                           | _newest_ids(AuditLog.on_behalf_of == participant_id, before, limit)))
    .order_by(AuditLog.id.desc()).limit(limit), on_server=False)
