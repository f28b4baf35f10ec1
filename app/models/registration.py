"""Pendaftaran: registration drafts."""
from peewee import (
    CharField,
    DateTimeField,
    ForeignKeyField,
    TextField,
)

from app.core import clock
from app.models.accounts import User
from app.models.base import BaseModel, EncryptedData
from app.models.membership import Family, Participant


class Registration(EncryptedData, BaseModel):
    """Pendaftaran peserta baru: the answers are saved after every step, so a dropped connection
    loses nothing; the resume code (`token`) brings the draft back on any device."""

    STATUSES = ("draft", "review", "done", "rejected")
    ENCRYPTION_FIELD = "registration"

    token = CharField(unique=True, max_length=16)
    data_encrypted = TextField(default="")
    step = CharField(max_length=20, default="keluarga")
    status = CharField(max_length=10, default="draft", index=True)
    created_by = ForeignKeyField(User, null=True, backref="registrations")  # assisting staff
    created_at = DateTimeField(default=clock.now)
    updated_at = DateTimeField(default=clock.now)
    family = ForeignKeyField(Family, null=True)
    flags = TextField(default="")  # why an officer must look (possible duplicates), JSON
    decided_by = ForeignKeyField(User, null=True)
    decided_at = DateTimeField(null=True)
    decision_reason = TextField(default="")

    @classmethod
    def drafts(cls, ids):
        """The drafts among these registration ids (a browser's own), newest first."""
        return cls.select().where(cls.id.in_(ids) & (cls.status == "draft")).order_by(cls.id.desc())

    @classmethod
    def awaiting_review(cls):
        """Registrations flagged for an officer (possible duplicates), oldest first."""
        return cls.select().where(cls.status == "review").order_by(cls.updated_at, cls.id)

    @classmethod
    def purge_drafts(cls, cutoff):
        """Delete drafts untouched since `cutoff` (they hold NIKs); returns how many."""
        return cls.delete().where((cls.status == "draft") & (cls.updated_at < cutoff)).execute()


class MemberAddition(EncryptedData, BaseModel):
    """Tambah anggota: a member the head of a family adds (a newborn, with the photo of the birth
    letter or akta). The ordinary case is applied at once; anything unusual (not a child, more than
    two at once, a birth date the NIK disagrees with) waits for an officer and counts toward the
    dues only once approved.

    `data` holds {"nik", "name", "sex", "birth_date", "relationship"}; `reasons` only codes (plain
    text: no personal data); `nik_index` the NIK's blind index, so one NIK is never pending twice.
    """

    STATUSES = ("menunggu", "disetujui", "ditolak")
    ENCRYPTION_FIELD = "member_addition"

    family = ForeignKeyField(Family, backref="additions")
    requested_by = ForeignKeyField(User, backref="member_additions")
    data_encrypted = TextField(default="")
    nik_index = CharField(max_length=64, index=True)
    document = CharField(max_length=64, default="")
    reasons = CharField(max_length=200, default="")
    status = CharField(max_length=10, default="menunggu", index=True)
    participant = ForeignKeyField(Participant, null=True)
    created_at = DateTimeField(default=clock.now)
    decided_by = ForeignKeyField(User, null=True)
    decided_at = DateTimeField(null=True)
    decision_reason = TextField(default="")

    @property
    def reason_codes(self):
        return [code for code in self.reasons.split(",") if code]

    @classmethod
    def awaiting_review(cls):
        return cls.select().where(cls.status == "menunggu").order_by(cls.created_at, cls.id)

    @classmethod
    def pending_for(cls, family):
        return list(cls.select().where((cls.family == family) & (cls.status == "menunggu"))
                    .order_by(cls.id))

    @classmethod
    def recent_for(cls, family, since):
        """Additions asked for since `since` that are not rejected (applied or waiting)."""
        return (cls.select().where((cls.family == family) & (cls.status != "ditolak")
                                   & (cls.created_at >= since)).count())
