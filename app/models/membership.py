"""Kepesertaan: families (KK) and participants."""
import secrets

from flask import g, has_app_context
from peewee import (
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    SmallIntegerField,
    TextField,
    fn,
)

from app import models  # payments and rates refer to Family: read at call time
from app.core import clock, security
from app.core.db import Prepared
from app.models.base import BaseModel
from app.models.facilities import Facility
from app.models.regions import Region
from app.rules import contributions, identity


def _reason_on(record, day):
    """The officer's "nonaktif lain" reason of a family or a member in force on `day`, or None."""
    if record.inactive_reason and (record.inactive_from is None or day >= record.inactive_from):
        return record.inactive_reason
    return None


class Family(BaseModel):
    """Keluarga, by Kartu Keluarga (KK) number. PBPU families pay for every member via one VA."""

    SEGMENTS = ("PBI", "PPU", "PBPU", "BP")

    kk_number = CharField(unique=True, max_length=16)
    segment = CharField(max_length=4)
    care_class = SmallIntegerField(null=True)  # kelas rawat 1, 2, 3
    #: a class change takes effect from the next month: until then it waits here
    next_care_class = SmallIntegerField(null=True)
    next_care_class_from = DateField(null=True)
    district = ForeignKeyField(Region, null=True, column_name="district_code")
    address = TextField(default="")
    fktp = ForeignKeyField(Facility, null=True)  # registered first-level facility
    va_number = CharField(unique=True, null=True, max_length=20)
    employer = CharField(max_length=150, default="")  # PPU: who pays
    registered_on = DateField()
    #: first month the family pays for (first of a month); None until registration completes
    cover_start = DateField(null=True)
    fktp_changed_on = DateField(null=True)
    class_changed_on = DateField(null=True)
    #: set by an officer for a reason other than arrears (e.g. "pindah_segmen", "data_tidak_valid")
    inactive_reason = CharField(max_length=40, null=True)
    inactive_from = DateField(null=True)  # when inactive_reason takes effect (None: already)

    def reason_on(self, day):
        return _reason_on(self, day)

    def care_class_on(self, day):
        if self.next_care_class and self.next_care_class_from and day >= self.next_care_class_from:
            return self.next_care_class
        return self.care_class

    def head(self):
        """The member who acts for the family (and reads its audit trail): the kepala keluarga,
        else the first member registered."""
        members = Participant.select().where(Participant.family == self)
        return (members.where(Participant.relationship == "kepala").order_by(Participant.id).first()
                or members.order_by(Participant.id).first())

    def member_count(self):
        return Participant.select().where(Participant.family == self).count()

    def member_dates(self):
        """When each member joined the family card (None: from the start)."""
        return [p.registered_on for p in
                Participant.select(Participant.registered_on).where(Participant.family == self)]

    def monthly_due(self, month, member_dates=None, tables=None):
        """What the family owes through its VA for `month` (0 for PBI and PPU), for the members on
        the card that month: a member added later never changes a month already billed."""
        dates = self.member_dates() if member_dates is None else member_dates
        next_month = contributions.add_months(contributions.month_of(month), 1)
        members = sum(1 for joined in dates if joined is None or joined < next_month)
        return contributions.family_monthly_due(
            self.segment, self.care_class_on(month), max(members, 1), month, tables or models.RateVersion.tables())

    def allocated_by_month(self):
        """month → rupiah applied to it so far."""
        rows = (models.Allocation.select(models.Allocation.month, fn.SUM(models.Allocation.amount).alias("total"))
                .where(models.Allocation.family == self).group_by(models.Allocation.month).namedtuples())
        return {row.month: row.total for row in rows}

    def outstanding(self, through):
        """[(month, rupiah still owed)] from the cover start through the month `through`, oldest
        first; empty for PBI and PPU (the government or the employer pays)."""
        if self.cover_start is None or self.segment not in contributions.FAMILY_VA:
            return []
        allocated, members, tables = self.allocated_by_month(), self.member_dates(), models.RateVersion.tables()
        owed = ((month, self.monthly_due(month, members, tables) - allocated.get(month, 0))
                for month in contributions.months_from(self.cover_start, contributions.month_of(through)))
        return [(month, amount) for month, amount in owed if amount > 0]

    def credit(self):
        """Rupiah paid in but not (yet) applied to any month: kept for this family only."""
        paid = (models.Payment.select(fn.COALESCE(fn.SUM(models.Payment.amount), 0))
                .where((models.Payment.family == self) & (models.Payment.status == "applied")).scalar())
        applied = models.Allocation.select(fn.COALESCE(fn.SUM(models.Allocation.amount), 0)).where(
            models.Allocation.family == self).scalar()
        return paid - applied

    def paid_months(self):
        """month → the date (WIB) it became fully paid, from the allocations of its payments."""
        members, tables = self.member_dates(), models.RateVersion.tables()
        totals, dues, paid = {}, {}, {}
        rows = (models.Allocation.select(models.Allocation.month, models.Allocation.amount, models.Payment.paid_at)
                .join(models.Payment).where(models.Allocation.family == self)
                .order_by(models.Payment.paid_at, models.Allocation.id).tuples())
        for month, amount, paid_at in rows:
            if month in paid:
                continue
            totals[month] = totals.get(month, 0) + amount
            if month not in dues:
                dues[month] = self.monthly_due(month, members, tables)
            if totals[month] >= dues[month]:
                paid[month] = clock.to_wib(paid_at).date()
        return paid

    def status_on(self, day, paid=None, ignore_reason=False):
        """aktif / nonaktif_tunggakan / menunggu_pembayaran / nonaktif_lain, from payments and rules
        (`paid`: paid_months() when the caller has it already; `ignore_reason`: the payment standing
        alone, even when an officer set the family inactive for another reason)."""
        return contributions.status_on(
            day, self.segment, self.cover_start, self.paid_months() if paid is None else paid,
            None if ignore_reason else self.reason_on(day), aktif_since=False)


@security.encrypted_field("nik_encrypted", "nik", index="nik_index")
class Participant(BaseModel):
    """Peserta. The NIK is stored only encrypted, and found through its keyed blind index."""

    SEXES = ("L", "P")
    RELATIONSHIPS = ("kepala", "suami", "istri", "anak", "lainnya")

    card_number = CharField(unique=True, max_length=13)
    nik_encrypted = TextField()
    nik_index = CharField(unique=True, max_length=64)
    name = CharField(max_length=100)
    sex = CharField(max_length=1)
    birth_date = DateField()
    phone = CharField(max_length=20, default="")
    family = ForeignKeyField(Family, backref="members")
    relationship = CharField(max_length=10, default="kepala")
    registered_on = DateField(null=True)
    #: set by an officer when this member is inactive for a reason other than arrears ("meninggal")
    inactive_reason = CharField(max_length=40, null=True)
    inactive_from = DateField(null=True)
    #: when the participant agreed to reminders by SMS (None: no consent, or withdrawn)
    sms_consent_at = DateTimeField(null=True)
    #: the phone number proven by a code sent to it ("" until then): verified while it equals `phone`
    phone_verified = CharField(max_length=20, default="")

    class Meta:
        indexes = ((("birth_date",), False),)

    @property
    def sms_allowed(self):
        """Reminders go by SMS only with consent to a verified phone."""
        return bool(self.sms_consent_at and self.phone and self.phone_verified == self.phone)

    @property
    def nik(self):
        return security.decrypt(self.nik_encrypted, "nik")

    @nik.setter
    def nik(self, value):
        self.nik_encrypted = security.encrypt(value, "nik")
        self.nik_index = security.blind_index(value, "nik")

    @property
    def masked_nik(self):
        return identity.mask_nik(self.nik)

    @classmethod
    def by_nik(cls, nik):
        return cls.get_or_none(cls.nik_index.in_(security.blind_indexes(nik, "nik")))

    @classmethod
    def by_card(cls, card_number):
        return cls.get_or_none(cls.card_number == card_number)

    @classmethod
    def by_verified_phone(cls, phone):
        """The one participant who verified this phone number, or None (none, or more than one)."""
        found = list(cls.select().where((cls.phone == phone) & (cls.phone_verified == phone)).limit(2))
        return found[0] if len(found) == 1 else None

    @classmethod
    def new_card_number(cls):
        """A fresh 13-digit card number (noka): "0002" and 9 random digits not yet in use."""
        while True:
            card = f"0002{secrets.randbelow(10**9):09d}"
            if not cls.select().where(cls.card_number == card).exists():
                return card

    @property
    def is_head(self):
        """Kepala keluarga: may act for every member of the family."""
        return self.relationship == "kepala"

    def relative(self, participant_id):
        """The member of this participant's family with that id, or None: another family's ids do
        not exist for them (the one check behind every URL that names a family member)."""
        if participant_id == self.id:
            return self  # already loaded, with the family (and its FKTP) of the signed-in account
        member = Participant.get_or_none(Participant.id == participant_id) if participant_id else None
        return member if member is not None and member.family_id == self.family_id else None

    @staticmethod
    def acted_for(me, family, head, who=None):
        """The condition on Participant (or its alias `who`) of whom a participant acts for: the head
        every member of the family, the others themselves (see may_act_for). Values, a prepared
        query's placeholders (app.core.db.Prepared) or an outer query's columns: `me` and `family`
        are ids, `head` a boolean."""
        who = who or Participant
        return (who.family == family) & (head | (who.id == me))

    def acting_for(self):
        """The arguments of acted_for for this participant."""
        return self.id, self.family_id, self.is_head

    def may_act_for(self, member):
        """Anyone for themselves; the family head for every member of their family."""
        return member.id == self.id or (self.is_head and member.family_id == self.family_id)

    def status_on(self, day, family_status=None):
        """The family's status, unless this member is inactive for a reason of their own."""
        reason = _reason_on(self, day)
        if reason:
            return contributions.Status("nonaktif_lain", self.inactive_from, (), reason)
        return family_status or self.family.status_on(day)

    def age_on(self, day):
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @classmethod
    def by_number(cls, number):
        """The participant behind an exact card number or NIK (already normalised), or None."""
        if len(number) == 13:
            return cls.by_card(number)
        return cls.by_nik(number) if len(number) == 16 else None

    def family_members(self):
        """The family's members, head first (read once per request: many parts of a page ask)."""
        cache = g.setdefault("family_members", {}) if has_app_context() else {}
        if self.family_id not in cache:
            order = {name: i for i, name in enumerate(self.RELATIONSHIPS)}
            members = list(_FAMILY_MEMBERS(self.family_id))
            cache[self.family_id] = sorted(members, key=lambda p: (order.get(p.relationship, 9), p.birth_date))
        return list(cache[self.family_id])

    def save(self, *args, **kwargs):
        if has_app_context():  # a member added or changed: this request reads the family afresh
            g.get("family_members", {}).pop(self.family_id, None)
        return super().save(*args, **kwargs)


_FAMILY_MEMBERS = Prepared(lambda family_id: Participant.select().where(Participant.family == family_id))
