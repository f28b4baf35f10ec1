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
from app.models.membership import Family


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
