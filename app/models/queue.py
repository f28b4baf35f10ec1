"""Antrean: polis, referrals, daily counters and bookings."""
from peewee import (
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    SmallIntegerField,
)

from app.core import clock
from app.models.accounts import User
from app.models.base import BaseModel
from app.models.facilities import Facility
from app.models.membership import Participant


class Poli(BaseModel):
    """A clinic unit that takes queue numbers: when it starts, how long a patient takes, its quota."""

    facility = ForeignKeyField(Facility, backref="polis", on_delete="CASCADE")
    code = CharField(max_length=20)  # umum, gigi, kia, anak, penyakit_dalam, …
    name = CharField(max_length=60)
    #: kode poli BPJS (INT, ANA, GIG, …), as on referrals and claims; "" when not recorded
    bpjs_code = CharField(max_length=3, default="")
    #: the weekdays it serves (0 = Monday), as digits: "012345"
    weekdays = CharField(max_length=7, default="0123456")
    start_time = CharField(max_length=5, default="08:00")
    end_time = CharField(max_length=5, default="14:00")
    service_minutes = SmallIntegerField(default=10)
    daily_quota = SmallIntegerField(default=40)  # numbers for JKN participants per day

    class Meta:
        indexes = ((("facility", "code"), True),)

    def open_on(self, day):
        return str(day.weekday()) in self.weekdays


class Referral(BaseModel):
    """Rujukan from an FKTP to a hospital clinic, valid 90 days (configurable)."""

    participant = ForeignKeyField(Participant, backref="referrals")
    from_facility = ForeignKeyField(Facility)
    to_facility = ForeignKeyField(Facility, backref="referrals_in")
    poli_code = CharField(max_length=20)
    issued_on = DateField()
    valid_until = DateField()

    class Meta:
        indexes = ((("participant", "valid_until"), False), (("valid_until",), False))


class PoliDay(BaseModel):
    """One poli on one day: numbers issued so far and the number being served (locked per booking)."""

    poli = ForeignKeyField(Poli, backref="days", on_delete="CASCADE")
    visit_date = DateField()
    issued = SmallIntegerField(default=0)
    booked = SmallIntegerField(default=0)  # active bookings (cancellations give the slot back)
    now_serving = SmallIntegerField(default=0)

    class Meta:
        indexes = ((("poli", "visit_date"), True),)


class Booking(BaseModel):
    """Antrean: a queue number for one participant at one poli on one day."""

    STATUSES = ("aktif", "hadir", "dipanggil", "selesai", "tidak_hadir", "batal")

    participant = ForeignKeyField(Participant, backref="bookings", index=False)  # (participant, …) below
    poli = ForeignKeyField(Poli, backref="bookings")
    visit_date = DateField()
    number = SmallIntegerField()
    code = CharField(max_length=12, unique=True)  # kode booking
    status = CharField(max_length=12, default="aktif")
    #: 1 while the booking counts, NULL once cancelled: one active booking per poli per day
    active_key = SmallIntegerField(null=True, default=1)
    #: the form's one-time key: a resubmission on a flaky connection finds the first booking
    request_key = CharField(max_length=40, null=True, unique=True)
    referral = ForeignKeyField(Referral, null=True)
    created_at = DateTimeField(default=clock.now)
    created_by = ForeignKeyField(User, null=True)

    class Meta:
        indexes = (
            (("participant", "poli", "visit_date", "active_key"), True),
            (("poli", "visit_date", "number"), True),
            (("visit_date", "status"), False),
            (("participant", "visit_date"), False),  # a family's bookings from a week ago on
        )
