"""Kasus: complaints (pengaduan), information requests, consultations and claims (klaim), their
timeline and the precomputed figures of the public service dashboard (SPEC §2.4, §2.5).

The SLA rules live in app/rules/sla.py; the deadlines it computes are stored here (naive UTC, as
every timestamp) so the officer queue can sort by them with an index.
"""
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    SmallIntegerField,
    TextField,
    fn,
)
from peewee import (
    Case as SqlCase,
)

from app.core import clock, security
from app.core.db import Prepared
from app.models.accounts import User
from app.models.base import BaseModel, EncryptedData
from app.models.facilities import Facility
from app.models.health import Visit
from app.models.membership import Family, Participant


class Case(EncryptedData, BaseModel):
    """One case. `data` (encrypted: it may describe an illness) holds {"text": …}.

    due_at is the next deadline still running — the first response while none was given, else the
    resolution — and None once closed or while the clock is paused (waiting for the participant).
    `visit` is the visit the case is about (a foreign key on PostgreSQL; on SQLite the migrated
    column is a plain indexed integer, so the service checks it: app/cases/service.py).
    """

    CHANNELS = ("web", "kiosk", "facilitator", "sms", "phone_165")
    MAX_PHOTOS = 3
    ENCRYPTION_FIELD = "case"

    kind = CharField(max_length=12)
    category = CharField(max_length=20)
    state = CharField(max_length=20)
    channel = CharField(max_length=12, default="web")
    participant = ForeignKeyField(Participant, backref="cases")
    family = ForeignKeyField(Family, backref="cases")
    created_by = ForeignKeyField(User, null=True)
    facility = ForeignKeyField(Facility, null=True, backref="cases")
    visit = ForeignKeyField(Visit, null=True, column_name="visit_id", index=True, backref="cases")
    data_encrypted = TextField(default="")
    claim_amount = IntegerField(null=True)
    approved_amount = IntegerField(null=True)
    photos = CharField(max_length=120, default="")  # stored upload names, space-separated
    request_key = CharField(max_length=40, null=True, unique=True)
    province_code = CharField(max_length=2, default="")
    regency_code = CharField(max_length=5, default="")
    opened_at = DateTimeField(default=clock.now)
    #: when the resolution clock started: opened_at, or the last reopening
    clock_start = DateTimeField(default=clock.now)
    first_response_due = DateTimeField(null=True)
    first_response_at = DateTimeField(null=True)
    first_response_seconds = IntegerField(null=True)  # for the median without date arithmetic in SQL
    resolution_due = DateTimeField()
    paused_since = DateTimeField(null=True)
    due_at = DateTimeField(null=True)
    closed_at = DateTimeField(null=True)
    is_open = BooleanField(default=True)
    assigned_to = ForeignKeyField(User, null=True, backref="assigned_cases")
    escalated = BooleanField(default=False)
    share_identity = BooleanField(default=False)  # the facility may see who complained
    rating = SmallIntegerField(null=True)
    rated_at = DateTimeField(null=True)
    reopen_count = SmallIntegerField(default=0)

    class Meta:
        table_name = "service_case"  # CASE is an SQL keyword
        indexes = (
            (("is_open", "due_at"), False),
            (("family", "opened_at"), False),
            (("facility", "opened_at"), False),
            (("opened_at",), False),
        )

    @property
    def text(self):
        return self.data.get("text", "")

    @property
    def photo_names(self):
        return self.photos.split() if self.photos else []

    @classmethod
    def of_family(cls, family_id, participant_id=None, limit=50):
        """The family's cases (only `participant_id`'s when given), newest first."""
        if participant_id is None:
            return _OF_FAMILY(family_id, limit)
        return _OF_MEMBER(family_id, participant_id, limit)

    @classmethod
    def of_facility(cls, facility_id, offset=0, limit=25):
        return (cls.select().where(cls.facility == facility_id)
                .order_by(cls.opened_at.desc(), cls.id.desc()).offset(offset).limit(limit))

    @classmethod
    def open_queue(cls, offset=0, limit=25, assigned_to=None, escalated=False):
        """Open cases by their next deadline, soonest (or most overdue) first; paused ones last."""
        query = cls.select().where(cls.is_open == True)  # noqa: E712  (SQL)
        if assigned_to is not None:
            query = query.where(cls.assigned_to == assigned_to)
        if escalated:
            query = query.where(cls.escalated == True)  # noqa: E712
        return query.order_by(cls.due_at.asc(nulls="LAST"), cls.id).offset(offset).limit(limit)

    @classmethod
    def by_key(cls, request_key):
        return cls.get_or_none(cls.request_key == request_key) if request_key else None


def _of_family(family_id, limit, *more):
    return (Case.select(Case, Participant).join(Participant, on=(Case.participant == Participant.id))
            .where(Case.family == family_id, *more).order_by(Case.opened_at.desc(), Case.id.desc())
            .limit(limit))


#: the case list (`/kasus`): a head's, of the whole family; a member's, their own
_OF_FAMILY = Prepared(lambda family_id, limit: _of_family(family_id, limit))
_OF_MEMBER = Prepared(lambda family_id, participant_id, limit: _of_family(
    family_id, limit, Case.participant == participant_id))


@security.encrypted_field("note_encrypted", "case_event")
class CaseEvent(BaseModel):
    """Riwayat kasus: each step — who, when, from which state to which, and why (encrypted note)."""

    case = ForeignKeyField(Case, backref="events", on_delete="CASCADE")
    at = DateTimeField(default=clock.now)
    actor = ForeignKeyField(User, null=True)
    action = CharField(max_length=20)
    from_state = CharField(max_length=20, default="")
    to_state = CharField(max_length=20, default="")
    note_encrypted = TextField(default="")

    class Meta:
        table_name = "case_event"
        indexes = ((("case", "at"), False),)

    @property
    def note(self):
        return security.decrypt(self.note_encrypted, "case_event") if self.note_encrypted else ""

    @note.setter
    def note(self, value):
        self.note_encrypted = security.encrypt(value, "case_event") if value else ""

    @classmethod
    def timeline(cls, case_id):
        """The case's events, oldest first."""
        return _TIMELINE(case_id)


_TIMELINE = Prepared(lambda case: CaseEvent.select().where(CaseEvent.case == case)
                     .order_by(CaseEvent.at, CaseEvent.id))


class CasePause(BaseModel):
    """A time the clock stood still while the case waited for the participant (ended_at None: still)."""

    case = ForeignKeyField(Case, backref="pauses", on_delete="CASCADE")
    started_at = DateTimeField()
    ended_at = DateTimeField(null=True)

    class Meta:
        table_name = "case_pause"
        indexes = ((("case", "started_at"), False),)


class CaseStatSnapshot(BaseModel):
    """Precomputed figures (JSON) for the public dashboard, with when they were computed."""

    key = CharField(max_length=40, unique=True)
    computed_at = DateTimeField()
    payload = TextField()

    class Meta:
        table_name = "case_stat_snapshot"


class VisitFeedback(BaseModel):
    """Umpan balik kunjungan: the four questions asked in the inbox after each recorded visit (one
    row per visit, made in the visit's transaction), answered once by the participant or their
    family head. "Asked to pay" or "not treated" opened `case`."""

    visit = ForeignKeyField(Visit, unique=True, backref="feedback")
    participant = ForeignKeyField(Participant, backref="visit_feedback")
    asked_at = DateTimeField(default=clock.now)
    answered_at = DateTimeField(null=True)
    answered_by = ForeignKeyField(User, null=True)
    treated = BooleanField(null=True)
    asked_to_pay = BooleanField(null=True)
    all_medicines = BooleanField(null=True)
    satisfaction = SmallIntegerField(null=True)
    case = ForeignKeyField(Case, null=True)

    class Meta:
        table_name = "visit_feedback"
        indexes = ((("answered_at",), False),)

    @property
    def opens_case(self):
        return self.asked_to_pay is True or self.treated is False

    @classmethod
    def scores(cls, start, end):
        """(count, average satisfaction or None, asked to pay, not treated) of the answers given in
        [start, end) (naive UTC), computed in SQL."""
        row = (cls.select(fn.COUNT(cls.id), fn.AVG(cls.satisfaction),
                          fn.SUM(SqlCase(None, [(cls.asked_to_pay == True, 1)], 0)),  # noqa: E712
                          fn.SUM(SqlCase(None, [(cls.treated == False, 1)], 0)))  # noqa: E712
               .where(cls.answered_at.is_null(False) & (cls.answered_at >= start) & (cls.answered_at < end))
               .tuples().get())
        count, average, paid, untreated = row
        return count or 0, (round(float(average), 1) if count else None), int(paid or 0), int(untreated or 0)
