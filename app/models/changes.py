"""Perubahan data: the membership history and civil-registry change requests."""
from peewee import (
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    TextField,
)

from app.core import clock
from app.models.accounts import User
from app.models.base import BaseModel, EncryptedData
from app.models.membership import Family, Participant


class MembershipChange(BaseModel):
    """Riwayat perubahan: every change to a family or member, with when it takes effect.

    Values of identity fields are stored as shown to people (a NIK masked), never in full.
    """

    family = ForeignKeyField(Family, backref="changes")
    participant = ForeignKeyField(Participant, null=True, backref="changes")
    field = CharField(max_length=20)  # fktp, care_class, segment, phone, address, name, birth_date, sex, nik
    old_value = TextField(default="")
    new_value = TextField(default="")
    effective_on = DateField()
    at = DateTimeField(default=clock.now)
    actor = ForeignKeyField(User, null=True)

    @classmethod
    def record(cls, family, field, old, new, effective_on, actor=None, participant=None):
        return cls.create(family=family, participant=participant, field=field, old_value=str(old or ""),
                          new_value=str(new or ""), effective_on=effective_on, actor=actor)


class ChangeRequest(EncryptedData, BaseModel):
    """Permintaan perubahan data of a civil-registry field (name, DOB, sex, NIK): an officer decides.

    `data` holds {"value": the requested new value}; the document photo is a file under
    instance/uploads/, served only to the requester's family and officers.
    """

    KINDS = ("name", "birth_date", "sex", "nik")
    STATUSES = ("menunggu", "disetujui", "ditolak")
    ENCRYPTION_FIELD = "change_request"

    participant = ForeignKeyField(Participant, backref="change_requests")
    requested_by = ForeignKeyField(User, backref="change_requests")
    kind = CharField(max_length=12)
    data_encrypted = TextField(default="")
    reason = TextField(default="")
    document = CharField(max_length=64, default="")
    status = CharField(max_length=10, default="menunggu", index=True)
    created_at = DateTimeField(default=clock.now)
    decided_by = ForeignKeyField(User, null=True)
    decided_at = DateTimeField(null=True)
    decision_reason = TextField(default="")

    @classmethod
    def with_participant(cls, request_id):
        """The request and its participant (one query), or None."""
        return (cls.select(cls, Participant).join(Participant).where(cls.id == request_id).first())

    @classmethod
    def awaiting_decision(cls):
        return (cls.select(cls, Participant).join(Participant)
                .where(cls.status == "menunggu").order_by(cls.created_at, cls.id))
