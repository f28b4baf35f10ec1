"""Iuran: payments, their allocations to months, rate versions, REHAB, auto-debit, callbacks."""
from flask import g, has_app_context
from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    SmallIntegerField,
    TextField,
)

from app.core import clock
from app.core.db import Prepared
from app.models.accounts import User
from app.models.base import BaseModel
from app.models.membership import Family
from app.rules import contributions


class Payment(BaseModel):
    """Pembayaran iuran as reported by a payment channel, applied exactly once.

    status: "applied" (allocated to the family's months, the rest kept as its credit),
    "unmatched" (unknown VA or an amount that cannot be applied: an officer assigns or refunds it),
    "refunded".
    """

    STATUSES = ("applied", "unmatched", "refunded")

    family = ForeignKeyField(Family, null=True, backref="payments")  # None: VA not matched
    va_number = CharField(max_length=20)
    amount = IntegerField()
    channel = CharField(max_length=30)
    reference = CharField(max_length=64)
    paid_at = DateTimeField()
    received_at = DateTimeField(default=clock.now)
    status = CharField(max_length=10, default="applied")
    unmatched_reason = CharField(max_length=30, default="")  # unknown_va, amount_mismatch
    resolved_by = ForeignKeyField(User, null=True)
    resolved_at = DateTimeField(null=True)
    resolution_note = TextField(default="")

    class Meta:
        indexes = (
            (("channel", "reference"), True),
            (("family", "paid_at"), False),
            (("status", "received_at"), False),
        )


class Allocation(BaseModel):
    """The part of a payment applied to one month of a family's contributions (oldest first)."""

    payment = ForeignKeyField(Payment, backref="allocations")
    family = ForeignKeyField(Family, backref="allocations")
    month = DateField()  # first day of the month paid for
    amount = IntegerField()

    class Meta:
        indexes = ((("family", "month"), False),)


class RateVersion(BaseModel):
    """Versi tarif iuran: the dated rate tables bills and the tariff page are computed from.

    The two versions the rules ship with are inserted by the migration; admins add later ones.
    """

    effective_from = DateField(unique=True)
    class1 = IntegerField()
    class2 = IntegerField()
    class3 = IntegerField()
    class3_government_share = IntegerField()
    pbi_rate = IntegerField()
    ppu_employer_percent = SmallIntegerField(default=4)
    ppu_worker_percent = SmallIntegerField(default=1)
    ppu_wage_ceiling = IntegerField(default=12_000_000)
    created_by = ForeignKeyField(User, null=True)
    created_at = DateTimeField(default=clock.now)

    def as_rule(self):
        return contributions.RateTable(
            self.effective_from, {1: self.class1, 2: self.class2, 3: self.class3},
            self.class3_government_share, self.pbi_rate, self.ppu_employer_percent,
            self.ppu_worker_percent, self.ppu_wage_ceiling)

    @classmethod
    def latest(cls):
        return cls.select().order_by(cls.effective_from.desc()).first()

    @classmethod
    def tables(cls):
        """Every version as a rules RateTable, oldest first (cached for the request)."""
        cached = g.get("rate_tables") if has_app_context() else None
        if cached is None:
            cached = tuple(v.as_rule() for v in _EVERY_RATE_VERSION())
            if has_app_context():
                g.rate_tables = cached
        return cached


class DendaVersion(BaseModel):
    """Versi aturan denda pelayanan: the dated rule the denda calculator uses. The migration inserts
    the one in force since 2021; admins add later ones."""

    effective_from = DateField(unique=True)
    percent = SmallIntegerField()
    max_months = SmallIntegerField()
    cap = BigIntegerField()
    window_days = SmallIntegerField()
    created_by = ForeignKeyField(User, null=True)
    created_at = DateTimeField(default=clock.now)

    def as_rule(self):
        return contributions.DendaRule(self.effective_from, self.percent, self.max_months, self.cap,
                                       self.window_days)

    @classmethod
    def latest(cls):
        return cls.select().order_by(cls.effective_from.desc()).first()

    @classmethod
    def rules(cls):
        """Every version as a rules DendaRule, oldest first."""
        return tuple(v.as_rule() for v in _EVERY_DENDA_VERSION())


class RehabPlan(BaseModel):
    """Rencana pembayaran bertahap (REHAB): arrears paid in up to 12 monthly instalments."""

    STATUSES = ("aktif", "lunas", "batal")

    family = ForeignKeyField(Family, backref="rehab_plans")
    created_at = DateTimeField(default=clock.now)
    created_by = ForeignKeyField(User, null=True)
    arrears_months = SmallIntegerField()
    total = IntegerField()  # arrears + the current month when the plan was made
    status = CharField(max_length=6, default="aktif", index=True)


class RehabInstalment(BaseModel):
    plan = ForeignKeyField(RehabPlan, backref="instalments")
    number = SmallIntegerField()
    due_on = DateField()
    amount = IntegerField()


class AutoDebit(BaseModel):
    """Autodebet registration: the bank or channel debits the family's contribution on day 5 or 20."""

    family = ForeignKeyField(Family, backref="auto_debits")
    channel = CharField(max_length=30)
    account_hint = CharField(max_length=20)  # only the last digits are kept ("****1234")
    debit_day = SmallIntegerField()
    active = BooleanField(default=True)
    created_at = DateTimeField(default=clock.now)
    created_by = ForeignKeyField(User, null=True)


class CallbackEvent(BaseModel):
    """Every payment callback received, accepted or not (the API's own audit trail)."""

    received_at = DateTimeField(default=clock.now, index=True)
    channel = CharField(max_length=30, default="")
    reference = CharField(max_length=64, default="")
    outcome = CharField(max_length=20)  # applied, unmatched, duplicate, bad_signature, stale, malformed, ...
    ip = CharField(max_length=45, default="")
    detail = TextField(default="")


class LedgerMonth(BaseModel):
    """One month of a family's stored contribution ledger (app/contributions/ledger.py keeps it
    equal to what the rules compute from payments): what was due, what was allocated to it, and
    when it became fully paid."""

    family = ForeignKeyField(Family, backref="ledger_months", on_delete="CASCADE")
    month = DateField()  # first day of the month
    due = IntegerField()
    allocated = IntegerField(default=0)
    paid_on = DateField(null=True)  # the day (WIB) it became fully paid; None: still owed
    rules_from = DateField()  # effective date of the rate table that priced it

    class Meta:
        indexes = ((("family", "month"), True),)

    @property
    def owed(self):
        return max(self.due - self.allocated, 0)

    @property
    def state(self):
        """"lunas" (fully paid), "sebagian" (partly), "belum" (nothing allocated)."""
        return "lunas" if self.paid_on else ("sebagian" if self.allocated else "belum")


class FamilyLedger(BaseModel):
    """The family's ledger summary, stored with its months in the same transaction as every event
    that changes them. `status`/`status_since` are the payment standing (the rules' status_on
    without an officer's "nonaktif lain" reason, which is read from the family) on `as_of`."""

    family = ForeignKeyField(Family, primary_key=True, backref="ledger", on_delete="CASCADE")
    members = SmallIntegerField(default=0)
    credit = IntegerField(default=0)
    through = DateField(null=True)  # the last month with a LedgerMonth row
    paid_through = DateField(null=True)  # the last month of the unbroken paid run from cover start
    first_settled_on = DateField(null=True)  # the day the first month became fully paid
    status = CharField(max_length=20)
    status_since = DateField(null=True)
    arrears_months = SmallIntegerField(default=0)
    as_of = DateField()


#: every version of the rates, oldest first: the bill and status pages read them on every view
_EVERY_RATE_VERSION = Prepared(lambda: RateVersion.select().order_by(RateVersion.effective_from))
_EVERY_DENDA_VERSION = Prepared(lambda: DendaVersion.select().order_by(DendaVersion.effective_from))
