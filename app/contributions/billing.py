"""Tagihan iuran: what a family owes and how to pay it, REHAB instalment plans and auto-debit
(autodebet). Workflows that read or write several models; the money rules themselves live in
app.rules.contributions and are only called from here.

Decisions the specification left open:

- The bill lists the arrears the status rules count (`Status.arrears`, at most the 24 most recent
  count for reactivation), each with what is STILL owed after partial payments (`Family.outstanding`),
  so the total to reactivate is the remaining owed of the counted arrears plus the current month,
  not a multiple of the full rate. The family's credit (overpayment) is spent first when its next
  payment is applied (app/contributions.py), so what it is asked to pay is that total minus its
  credit.
- REHAB: the plan total is that amount to pay on the day the plan is made; the first
  instalment is due on the 10th of the NEXT month, the others on the 10th of each following month.
  An instalment counts as paid when the family's applied payments paid (`Payment.paid_at`) since the
  plan was created add up to at least the sum of the instalments up to and including it. A plan
  whose instalments are all paid no longer blocks a new plan: it is marked "lunas" when the next
  one is registered.
- Payment history is ordered by the time paid (then id), newest first; `?sebelum=<id>` continues
  after that payment of the family's own (keyset pagination).
"""
import re
from dataclasses import dataclass
from datetime import date, datetime

from peewee import fn

from app.contributions import ledger
from app.core import clock
from app.core.audit import audit
from app.core.db import MAX_ID, Prepared, write_lock
from app.models import Allocation, AutoDebit, Family, Payment, RateVersion, RehabInstalment, RehabPlan
from app.rules import contributions as rules

BANKS = ("BRI", "BNI", "Mandiri", "BCA", "BSI")  # autodebet channels offered
DEBIT_DAYS = (5, 20)
ACCOUNT_NUMBER = re.compile(r"[0-9]{10,16}")
ACCOUNT_SEPARATORS = re.compile(r"[\s.\-]")
HISTORY_PAGE = 20


class BillingError(Exception):
    """A request the rules refuse. `code`: not_head, paid_by_others, no_cover, too_few, too_many,
    active_plan, nothing_to_pay, count, channel, account, day."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Line:
    """One month on the bill: what is still owed of its contribution `due`."""

    month: date
    owed: int
    due: int
    rules_from: date  # "aturan berlaku per"

    @property
    def partial(self):
        return 0 < self.owed < self.due

    @property
    def due_on(self):
        return rules.due_date(self.month)


@dataclass(frozen=True)
class RehabProgress:
    """An active REHAB plan and how far the family's payments since its creation have got."""

    plan: RehabPlan
    instalments: tuple
    paid: int  # applied payments paid since the plan was made
    next: RehabInstalment | None  # the first instalment not yet covered; None: all paid
    next_owed: int  # what is still owed of `next`
    rules_from: tuple  # effective dates of the rate tables that priced the plan's months
    made: date  # the month the plan was made in (WIB)
    month_owed: int = 0  # this month's own contribution still owed (a month after the plan's)
    current: date | None = None  # the month of the bill

    @property
    def due_now(self):
        """The instalment due this month or earlier, still owed (0 when the next is later)."""
        if self.next is None or rules.month_of(self.next.due_on) > (self.current or self.made):
            return 0
        return self.next_owed

    @property
    def pay_now(self):
        """What the bill tells the family to pay now: the instalment plus this month's contribution."""
        return self.due_now + self.month_owed

    @property
    def finished(self):
        return self.next is None

    @property
    def remaining(self):
        return max(self.plan.total - self.paid, 0)


@dataclass(frozen=True)
class Bill:
    """Everything the bill page (and the REHAB page) shows for one family on one day."""

    family: Family
    today: date
    status: rules.Status
    payer: str  # "va" (PBPU/BP: the family pays through its VA), "pbi" (government), "ppu" (employer)
    members: int = 0
    current: Line | None = None  # this month (None before cover starts, and for PBI/PPU)
    following: Line | None = None  # next month, shown once this month is paid
    arrears: tuple = ()  # the counted arrears still owed, oldest first
    arrears_months: int = 0  # every month in arrears, counted or not
    owed: int = 0  # counted arrears + this month still owed: what reactivation (or staying active) takes
    to_pay: int = 0  # what the family still has to send: `owed` minus its credit
    to_pay_rules: tuple = ()  # effective dates of the rate tables behind to_pay (this month's when 0)
    credit: int = 0
    rehab: RehabProgress | None = None
    auto_debit: AutoDebit | None = None
    rate_table: rules.RateTable | None = None  # in force today (PPU shares)

    @property
    def month(self):
        return rules.month_of(self.today)

    @property
    def due_on(self):
        return rules.due_date(self.today)

    @property
    def suspended_from(self):
        """The day cover stops if this month is still unpaid at its end."""
        return rules.add_months(self.month, 1)

    @property
    def credit_used(self):
        """The part of the credit that goes toward `owed`."""
        return self.owed - self.to_pay

    @property
    def uncounted_months(self):
        return self.arrears_months - len(self.arrears) if self.arrears_months > rules.MAX_ARREARS_MONTHS else 0

    @property
    def rehab_running(self):
        return self.rehab is not None and not self.rehab.finished

    @property
    def current_in_rehab(self):
        """This month is part of the running plan's total (the plan was made this month)."""
        return self.rehab_running and self.rehab.made == self.month


def bill_for(family, today, details=True):
    """The family's bill on `today`, from its stored ledger (app/contributions/ledger.py): two
    queries, plus the REHAB plan and auto-debit when `details` (the status page needs neither)."""
    book = ledger.read(family, today)
    standing = book.standing()
    status = book.status()
    if family.segment in rules.PAID_BY_OTHERS:
        return Bill(family, today, status, family.segment.lower(),
                    rate_table=rules.rate_table_on(today, RateVersion.tables()))
    base = {"credit": book.credit, "rehab": None, "auto_debit": None}
    if details:
        base["auto_debit"] = active_auto_debit(family)
        if standing.arrears or standing.code != "aktif":
            base["rehab"] = rehab_progress(family, book=book)
    if family.cover_start is None:
        table = rules.rate_table_on(today, RateVersion.tables())
        return Bill(family, today, status, "va", to_pay_rules=(table.effective_from,), rate_table=table, **base)
    # A reason of its own (nonaktif_lain) hides the arrears in the status: the ledger still has them.
    owed = dict(book.outstanding(today))

    def line(month, still_owed=None):
        stored = book.line(month)
        return Line(month, stored.due if still_owed is None else still_owed, stored.due, stored.rules_from)

    month = rules.month_of(today)
    cover_start = rules.month_of(family.cover_start)
    arrears = tuple(item for item in (line(m, owed.get(m, 0)) for m in rules.arrears_counted(standing.arrears))
                    if item.owed > 0)
    current = line(month, owed.get(month, 0)) if month >= cover_start else None
    following = None
    if current is None or current.owed == 0:
        following = line(max(rules.add_months(month, 1), cover_start))
    charged = list(arrears) + ([current] if current and current.owed else [])
    total = sum(item.owed for item in charged)
    return Bill(
        family, today, status, "va", members=book.members, current=current, following=following,
        arrears=arrears, arrears_months=len(standing.arrears), owed=total,
        to_pay=max(total - max(base["credit"], 0), 0),
        to_pay_rules=tuple(sorted({item.rules_from for item in charged or [current or following]})),
        **base,
    )


# --- REHAB ------------------------------------------------------------------------------------

#: the bill page of a family in arrears asks on every view (by the family's id)
_ACTIVE_PLAN = Prepared(lambda family_id: RehabPlan.select().where(
    (RehabPlan.family == family_id) & (RehabPlan.status == "aktif")).order_by(RehabPlan.id.desc()).limit(1))


def active_plan(family):
    return _ACTIVE_PLAN.first(family.id)


def rehab_progress(family, plan=None, book=None):
    """The active plan's progress, or None without one (see the module docstring for "paid")."""
    plan = plan or active_plan(family)
    if plan is None:
        return None
    book = book or ledger.read(family)
    today = book.day
    instalments = tuple(plan.instalments.order_by(RehabInstalment.number))
    made = rules.month_of(clock.to_wib(plan.created_at).date())
    current = rules.month_of(today)
    rules_from = rules.effective_dates(  # the plan priced its arrears and the month it was made
        rules.months_from(rules.add_months(made, -plan.arrears_months), made), RateVersion.tables())
    paid = (Payment.select(fn.COALESCE(fn.SUM(Payment.amount), 0))
            .where((Payment.family == family) & (Payment.status == "applied")
                   & (Payment.paid_at >= plan.created_at)).scalar())
    plan_paid, month_due = _plan_paid(paid, plan, instalments, made, current, book)
    cumulative = 0
    for instalment in instalments:
        cumulative += instalment.amount
        if cumulative > plan_paid:
            return RehabProgress(plan, instalments, plan_paid, instalment,
                                 min(instalment.amount, cumulative - plan_paid), rules_from, made,
                                 month_owed=month_due, current=current)
    return RehabProgress(plan, instalments, plan_paid, None, 0, rules_from, made, month_owed=month_due,
                         current=current)


def _plan_paid(paid, plan, instalments, made, current, book):
    """(how much of `paid` — every applied payment since the plan was made — went to the plan,
    what is still owed of this month's own contribution).

    Each month after the plan was made, the family pays that month's instalment plus the month
    itself (the bill says so). So the months between the plan and this one take their own due
    first; this month's money goes to the instalments due so far, then to this month, and only
    then to later instalments (paying ahead).
    """
    if current <= made:
        return min(paid, plan.total), 0
    between = rules.months_from(rules.add_months(made, 1), rules.add_months(current, -1))
    money = paid - sum(book.line(month).due for month in between)
    scheduled = sum(i.amount for i in instalments if rules.month_of(i.due_on) <= current)
    due_now = book.line(current).due
    if money <= scheduled:
        return max(money, 0), due_now
    if money <= scheduled + due_now:
        return scheduled, scheduled + due_now - money
    return min(money - due_now, plan.total), 0


def rehab_refusal(bill):
    """Why this family cannot register a REHAB plan now (a BillingError code), or None."""
    if bill.payer != "va":
        return "paid_by_others"
    if bill.family.cover_start is None:
        return "no_cover"
    if bill.rehab_running:
        return "active_plan"
    if not rules.rehab_eligible(bill.arrears_months):
        return "too_few" if bill.arrears_months < rules.REHAB_MIN_ARREARS else "too_many"
    if bill.to_pay < rules.REHAB_MAX_INSTALMENTS:  # the credit covers (nearly) everything
        return "nothing_to_pay"
    return None


def rehab_counts(bill):
    """The numbers of instalments this family may choose now (empty when it may not register)."""
    if rehab_refusal(bill):
        return range(0)
    return rules.rehab_instalment_counts(bill.arrears_months)


def first_rehab_due(today):
    """The first instalment is due on the 10th of the month after the plan is made."""
    return rules.due_date(rules.add_months(rules.month_of(today), 1))


def rehab_schedule(bill, instalments):
    """[(due date, amount)] for `instalments` instalments over the bill's reactivation total."""
    return rules.rehab_schedule(bill.to_pay, instalments, first_rehab_due(bill.today))


def register_rehab(user, participant, instalments, today):
    """Register a REHAB plan for the participant's family (the head only); returns the plan.

    Everything is re-read and checked inside one write-locked transaction; refusals raise
    BillingError and save nothing.
    """
    if not participant.is_head:
        raise BillingError("not_head")
    with write_lock():
        family = Family.get_locked(participant.family_id)
        bill = bill_for(family, today)
        if bill.rehab is not None and bill.rehab.finished:
            bill.rehab.plan.status = "lunas"
            bill.rehab.plan.save()
        refusal = rehab_refusal(bill)
        if refusal:
            raise BillingError(refusal)
        if instalments not in rules.rehab_instalment_counts(bill.arrears_months):
            raise BillingError("count")
        try:
            schedule = rehab_schedule(bill, instalments)
        except rules.RuleError:
            raise BillingError("count") from None
        plan = RehabPlan.create(family=family, created_by=user, arrears_months=bill.arrears_months,
                                total=bill.to_pay, created_at=clock.now())
        RehabInstalment.insert_many([
            {"plan": plan.id, "number": number, "due_on": due, "amount": amount}
            for number, (due, amount) in enumerate(schedule, start=1)
        ]).execute()
        audit(user, "rehab_registered", f"family:{family.id}", on_behalf_of=participant.id,
              plan=plan.id, instalments=instalments, total=bill.to_pay)
    return plan


# --- autodebet ----------------------------------------------------------------------------------

def normalize_account(text):
    """An account number as typed (spaces, dots, dashes allowed) → its 10–16 digits, or None."""
    value = ACCOUNT_SEPARATORS.sub("", text or "")
    return value if ACCOUNT_NUMBER.fullmatch(value) else None


def account_hint(number):
    """Only the last four digits are ever kept: "****1234"."""
    return "****" + number[-4:]


#: the bill page asks on every view (by the family's id)
_ACTIVE_AUTO_DEBIT = Prepared(lambda family_id: AutoDebit.select().where(
    (AutoDebit.family == family_id) & AutoDebit.active).order_by(AutoDebit.id.desc()).limit(1))


def active_auto_debit(family):
    return _ACTIVE_AUTO_DEBIT.first(family.id)


def register_auto_debit(user, participant, channel, account_number, debit_day):
    """Register auto-debit for the family (the head only); a new one replaces the active one."""
    if not participant.is_head:
        raise BillingError("not_head")
    if channel not in BANKS:
        raise BillingError("channel")
    number = normalize_account(account_number)
    if number is None:
        raise BillingError("account")
    if debit_day not in DEBIT_DAYS:
        raise BillingError("day")
    with write_lock():
        family = Family.get_locked(participant.family_id)
        if family.segment not in rules.FAMILY_VA:
            raise BillingError("paid_by_others")
        replaced = (AutoDebit.update(active=False)
                    .where((AutoDebit.family == family) & AutoDebit.active).execute())
        debit = AutoDebit.create(family=family, channel=channel, account_hint=account_hint(number),
                                 debit_day=debit_day, created_by=user)
        audit(user, "auto_debit_replaced" if replaced else "auto_debit_registered", f"family:{family.id}",
              on_behalf_of=participant.id, channel=channel, account=debit.account_hint, debit_day=debit_day)
    return debit


def stop_auto_debit(user, participant):
    """Stop the family's auto-debit (the head only); returns how many registrations stopped (0 or 1)."""
    if not participant.is_head:
        raise BillingError("not_head")
    with write_lock():
        family = Family.get_locked(participant.family_id)
        stopped = (AutoDebit.update(active=False)
                   .where((AutoDebit.family == family) & AutoDebit.active).execute())
        if stopped:
            audit(user, "auto_debit_stopped", f"family:{family.id}", on_behalf_of=participant.id)
    return stopped


# --- payments -----------------------------------------------------------------------------------

def family_payment(family, payment_id):
    """One of the family's applied payments, or None (another family's ids do not exist)."""
    return _FAMILY_PAYMENT.first(payment_id, family)


_FAMILY_PAYMENT = Prepared(lambda payment_id, family: Payment.select().where(
    (Payment.id == payment_id) & (Payment.family == family) & (Payment.status == "applied")))


def payment_history(family, after=None, limit=HISTORY_PAGE):
    """([applied payments], more?) newest first by time paid then id, continuing after the
    payment `after` (keyset pagination, bounded by `limit`)."""
    paid_at, payment_id = (after.paid_at, after.id) if after is not None else (_NEVER, MAX_ID)
    rows = _HISTORY(family, paid_at, payment_id, limit + 1)
    return rows[:limit], len(rows) > limit


#: a time after every payment: the first page continues "after" it
_NEVER = datetime(9999, 12, 31)
_HISTORY = Prepared(lambda family, paid_at, payment_id, limit: Payment.select().where(
    (Payment.family == family) & (Payment.status == "applied")
    & ((Payment.paid_at < paid_at) | ((Payment.paid_at == paid_at) & (Payment.id < payment_id))))
    .order_by(Payment.paid_at.desc(), Payment.id.desc()).limit(limit))


def receipt(payment):
    """(months covered [(month, amount)] oldest first, credit left over from this payment)."""
    months = _COVERED(payment.id)
    return months, payment.amount - sum(amount for _, amount in months)


_COVERED = Prepared(lambda payment: Allocation.select(Allocation.month, Allocation.amount)
                    .where(Allocation.payment == payment).order_by(Allocation.month).tuples())
