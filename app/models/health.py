"""Riwayat pelayanan: visits (kunjungan) and PRB enrolments. Diagnoses, procedures and medicines
are health data: kept only encrypted (one JSON document per visit), never logged."""
from datetime import date

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    SmallIntegerField,
    TextField,
)

from app.core import clock
from app.core.db import MAX_ID, Prepared
from app.models.accounts import User
from app.models.base import BaseModel, EncryptedData
from app.models.facilities import Facility
from app.models.membership import Participant
from app.models.queue import Booking, Referral
from app.rules import health as rules

HISTORY_PAGE = 20


class Visit(EncryptedData, BaseModel):
    """Kunjungan: one service given to one participant at one facility. `data` (encrypted) holds
    {"diagnoses": [[code, name]], "procedures": text, "medicines": [{name, dose, quantity, days}]}."""

    ENCRYPTION_FIELD = "visit"

    participant = ForeignKeyField(Participant, backref="visits")
    facility = ForeignKeyField(Facility, index=False)  # (facility, id) below
    service_type = CharField(max_length=4)  # RJTP, RJTL, RITL, IGD
    visit_date = DateField()
    admitted_on = DateField(null=True)
    discharged_on = DateField(null=True)
    control_date = DateField(null=True, index=True)
    referral = ForeignKeyField(Referral, null=True)       # the referral issued at this visit
    booking = ForeignKeyField(Booking, null=True, unique=True)  # the queue number it served
    data_encrypted = TextField(default="")
    created_by = ForeignKeyField(User, null=True)
    created_at = DateTimeField(default=clock.now)

    class Meta:
        # a facility's latest visits (its staff's way back to a patient) by (facility, id): newest first
        # without sorting every visit the facility ever recorded
        indexes = ((("participant", "visit_date", "id"), False), (("facility", "id"), False))

    @classmethod
    def history(cls, participant_id, since, before=None, limit=HISTORY_PAGE):
        """A participant's visits from `since`, newest first; `before` = (date, id) of the last row
        of the previous page (keyset pagination). One more than `limit` tells a next page."""
        day, visit_id = before or (date.max, MAX_ID)
        return _HISTORY(participant_id, since, day, visit_id, limit + 1)


class PrbEnrolment(BaseModel):
    """Program Rujuk Balik: a stable chronic patient, their PRB pharmacy, the monthly pickup day
    and the last specialist control (the next is due 3 months later)."""

    participant = ForeignKeyField(Participant, backref="prb")
    condition = CharField(max_length=20)
    pharmacy = ForeignKeyField(Facility)
    pickup_day = SmallIntegerField()
    last_control = DateField()
    enrolled_on = DateField()
    enrolled_by = ForeignKeyField(User, null=True)
    facility = ForeignKeyField(Facility, backref="prb_enrolments")  # who enrolled them
    active = BooleanField(default=True)

    class Meta:
        indexes = ((("participant", "condition"), False),)

    @property
    def next_control(self):
        return rules.next_control(self.last_control)

    def next_pickup(self, today):
        return rules.next_pickup(self.pickup_day, today)


_HISTORY = Prepared(lambda participant, since, day, visit_id, limit: (
    Visit.select(Visit.id, Visit.participant, Visit.facility, Visit.service_type, Visit.visit_date,
                 Facility.name, Participant.name)
    .join(Facility).switch(Visit).join(Participant)
    .where(Visit.participant == participant, Visit.visit_date >= since,
           (Visit.visit_date < day) | ((Visit.visit_date == day) & (Visit.id < visit_id)))
    .order_by(Visit.visit_date.desc(), Visit.id.desc()).limit(limit)))
