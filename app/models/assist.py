"""Assisted and shared use: a facilitator's session with a resident's live consent (pendampingan),
kiosk terminals, and a resident's request to delete optional data."""
from peewee import CharField, DateTimeField, ForeignKeyField, SmallIntegerField

from app.core import clock
from app.core.db import Prepared
from app.models.accounts import User
from app.models.base import BaseModel
from app.models.facilities import Facility
from app.models.membership import Participant


class Consent(BaseModel):
    """Persetujuan pendampingan: a resident lets one facilitator act for them, in one scope, for at
    most 30 minutes. Live once `started_at` is set (the resident proved it: PIN or a code sent to
    their phone), until `expires_at` or `ended_at` (the facilitator ended it, or the resident
    revoked it). A code consent waits with `code_hash` until the code is typed."""

    facilitator = ForeignKeyField(User, backref="assisted_sessions", index=False)  # (facilitator, …) below
    participant = ForeignKeyField(Participant, backref="consents", index=False)
    resident = ForeignKeyField(User, backref="consents_given")  # the resident's own account
    scope = CharField(max_length=20)
    method = CharField(max_length=10)  # pin, kode
    code_hash = CharField(max_length=64, null=True)
    code_expires_at = DateTimeField(null=True)
    failed_attempts = SmallIntegerField(default=0)
    created_at = DateTimeField(default=clock.now)
    started_at = DateTimeField(null=True)
    expires_at = DateTimeField(null=True, index=True)
    ended_at = DateTimeField(null=True)
    ended_by = CharField(max_length=12, null=True)  # fasilitator, peserta

    class Meta:
        # a facilitator's latest residents and live consents, a resident's consents given: each in
        # order by its index, not by sorting everything that person ever did
        indexes = ((("facilitator", "started_at"), False), (("facilitator", "expires_at"), False),
                   (("participant", "started_at"), False))

    def is_live(self, moment):
        return (self.started_at is not None and self.ended_at is None and self.expires_at is not None
                and self.expires_at > moment)

    @classmethod
    def live(cls, consent_id, facilitator_id, moment):
        """The live consent `consent_id` of this facilitator, or None."""
        found = cls.get_or_none((cls.id == consent_id) & (cls.facilitator == facilitator_id))
        return found if found is not None and found.is_live(moment) else None

    @classmethod
    def recent_of(cls, facilitator, limit=20):
        return (cls.select(cls, Participant).join(Participant)
                .where((cls.facilitator == facilitator) & cls.started_at.is_null(False))
                .order_by(cls.started_at.desc()).limit(limit))

    @classmethod
    def given_by(cls, participant, limit=20):
        """The consents the participant gave (newest first), each with its facilitator."""
        return _GIVEN_BY(participant.id, limit)


_GIVEN_BY = Prepared(lambda participant_id, limit: Consent.select(Consent, User)
                     .join(User, on=Consent.facilitator == User.id)
                     .where((Consent.participant == participant_id) & Consent.started_at.is_null(False))
                     .order_by(Consent.started_at.desc()).limit(limit))


class Kiosk(BaseModel):
    """A terminal registered as a kiosk of a facility. The browser holds a signed cookie naming the
    kiosk; revoking it here makes every copy of that cookie worthless."""

    facility = ForeignKeyField(Facility)
    name = CharField(max_length=60)
    created_by = ForeignKeyField(User)
    created_at = DateTimeField(default=clock.now)
    revoked_at = DateTimeField(null=True)

    @classmethod
    def active(cls, kiosk_id):
        return cls.get_or_none((cls.id == kiosk_id) & cls.revoked_at.is_null())

    @classmethod
    def listing(cls, limit=100):
        return (cls.select(cls, Facility).join(Facility).order_by(cls.revoked_at.is_null(False), cls.id.desc())
                .limit(limit))


class DataRequest(BaseModel):
    """A resident's request to delete optional data (today: the phone number), decided by an officer."""

    participant = ForeignKeyField(Participant, backref="data_requests")
    kind = CharField(max_length=20)  # hapus_telepon
    requested_by = ForeignKeyField(User, backref="data_requests_made")
    requested_at = DateTimeField(default=clock.now)
    state = CharField(max_length=12, default="menunggu", index=True)  # menunggu, selesai, ditolak
    decided_by = ForeignKeyField(User, null=True, backref="decided_data_requests")
    decided_at = DateTimeField(null=True)

    @classmethod
    def pending(cls, limit=50):
        return (cls.select(cls, Participant).join(Participant, on=cls.participant == Participant.id)
                .where(cls.state == "menunggu").order_by(cls.requested_at).limit(limit))

    @classmethod
    def open_for(cls, participant, kind):
        return cls.get_or_none((cls.participant == participant) & (cls.kind == kind) & (cls.state == "menunggu"))
