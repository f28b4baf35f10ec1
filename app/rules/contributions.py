"""Iuran (contributions): what a family pays each month, by when, and what an unpaid month does
to its cover (SPEC: iuran, tunggakan, penonaktifan, reaktivasi).

Money is always integer rupiah: a percentage is multiplied first and then floor-divided, never a
float. Rates live in dated, versioned tables (tarif iuran, each in force from its `effective_from`
until the next one); admins add versions, so every function takes the tables as an argument.
Every figure shown to a person must carry the effective date of the table it came from
("aturan berlaku per <date>"): `rate_table_on(month).effective_from`, or `effective_dates(months)`
for a sum over several months.

A MONTH is the first day of a month (a `date` with day=1): the unit of billing. Functions that take
a month accept any day of it and use its first day.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from app.rules.months import add_months, month_of, months_from  # noqa: F401  (callers use contributions.*)

SEGMENTS = ("PBI", "PPU", "PBPU", "BP")
PAID_BY_OTHERS = ("PBI", "PPU")  # the government (PBI) or the employer (PPU) pays
FAMILY_VA = ("PBPU", "BP")  # mandiri and bukan pekerja: every KK member, through one family VA
DUE_DAY = 10
MAX_ARREARS_MONTHS = 24  # reaktivasi counts at most the 24 most recent unpaid months


class RuleError(ValueError):
    """`code` says what is wrong: no_rate, segment, class, members or amount."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class RateTable:
    """Tarif iuran per person per month, in force from `effective_from` until the next version."""

    effective_from: date
    class_rates: Mapping[int, int]  # full rate by kelas: {1: 150000, 2: 100000, 3: 42000}
    class3_government_share: int  # the part of the kelas 3 rate the government pays (bantuan iuran)
    pbi_rate: int  # per PBI person, paid by the government
    ppu_employer_percent: int = 4
    ppu_worker_percent: int = 1
    ppu_wage_ceiling: int = 12_000_000  # a higher wage counts as this much


_CLASS_RATES = MappingProxyType({1: 150_000, 2: 100_000, 3: 42_000})

#: Perpres 64/2020: kelas 3 participants pay 25.500 from July 2020 and 35.000 from 2021.
RATE_TABLES = (
    RateTable(date(2020, 7, 1), _CLASS_RATES, class3_government_share=16_500, pbi_rate=42_000),
    RateTable(date(2021, 1, 1), _CLASS_RATES, class3_government_share=7_000, pbi_rate=42_000),
)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


# --- months -------------------------------------------------------------------------------------

def _last_day(month):
    return add_months(month, 1) - timedelta(days=1)


def due_date(month):
    """Jatuh tempo: the 10th of the month. Paying later is not yet a suspension (see status_on)."""
    return month_of(month).replace(day=DUE_DAY)


# --- amounts ------------------------------------------------------------------------------------

def rate_table_on(day, tables=RATE_TABLES):
    """The table in force on `day`: the latest with effective_from <= day (in any order given)."""
    in_force = [table for table in tables if table.effective_from <= day]
    if not in_force:
        raise RuleError("no_rate")
    return max(in_force, key=lambda table: table.effective_from)


def effective_dates(months, tables=RATE_TABLES):
    """The effective dates of the tables that price these months, oldest first (for display)."""
    return tuple(sorted({rate_table_on(month_of(month), tables).effective_from for month in months}))


def person_share(segment, care_class, table, wage=None):
    """What ONE member pays per month through the family VA.

    PBPU/BP: the rate of their kelas, minus the government's share for kelas 3. PBI: 0 (the
    government pays `pbi_rate`). PPU: 0 (the employer pays through payroll; see ppu_contribution,
    which is where `wage` matters — it is accepted here only so callers need not branch).
    """
    if segment in PAID_BY_OTHERS:
        return 0
    if segment not in FAMILY_VA:
        raise RuleError("segment")
    if not _is_int(care_class) or care_class not in table.class_rates:
        raise RuleError("class")
    rate = table.class_rates[care_class]
    return rate - table.class3_government_share if care_class == 3 else rate


def ppu_contribution(wage, table):
    """(employer part, worker part) per month for a PPU worker: percent of the wage up to the ceiling,
    each floor-divided (so together they may be 1 rupiah under 5%)."""
    if not _is_int(wage) or wage < 0:
        raise RuleError("amount")
    base = min(wage, table.ppu_wage_ceiling)
    return base * table.ppu_employer_percent // 100, base * table.ppu_worker_percent // 100


def family_monthly_due(segment, care_class, members, month, tables=RATE_TABLES):
    """The family VA bill for one month: person_share × members, priced by the table in force on
    the first day of that month."""
    if not _is_int(members) or members < 1:
        raise RuleError("members")
    return person_share(segment, care_class, rate_table_on(month_of(month), tables)) * members


# --- status -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Status:
    """Status kepesertaan on a day.

    code: "aktif" | "nonaktif_tunggakan" | "menunggu_pembayaran" | "nonaktif_lain".
    since: the first day of the unbroken stretch with this code, where known.
    arrears: tunggakan — unpaid months before the current month, oldest first, all of them (the
    24-month cap applies to what reactivation costs, see arrears_counted).
    reason: for nonaktif_lain, the reason code given.
    """

    code: str
    since: date | None
    arrears: tuple[date, ...]
    reason: str | None = None


def status_on(day, segment, cover_start, paid, other_reason=None, aktif_since=True):
    """Status kepesertaan on `day`.

    `paid` maps a month to the date it became fully paid; a payment dated after `day` does not count
    yet. `cover_start` is the first month the family must pay for (None: never set). In order:

    1. A (non-empty) other_reason → nonaktif_lain.
    2. PBI or PPU → aktif since cover_start (the government or employer pays).
    3. PBPU/BP: no cover_start, `day` before cover_start, or no month paid yet →
       menunggu_pembayaran (since None). Its arrears still list the unpaid months before the current
       month: they are what the first payment must cover.
    4. Arrears = months from cover_start to the month before `day`'s that are unpaid. Non-empty →
       nonaktif_tunggakan: each was still unpaid at the end of its month, which suspends cover from
       the 1st of the next month until all arrears and the current month are paid. Exception (the
       24-month cap): an unpaid month with 24 later months paid before the current month is written
       off; otherwise paying reactivation_amount could never make a family with over 24 months of
       arrears aktif again.
    5. No arrears: aktif if the current month is paid, or the previous month was paid by its last day
       (or precedes cover_start). Otherwise nonaktif_tunggakan: arrears were cleared late and
       reactivation needs the current month too. Paying after the 10th alone never suspends.

    `since` is exact rather than rounded to a month: status only changes on the 1st of a month or on
    a payment date, so it is the latest such day before which the code was different. E.g. aktif
    since the payment date that reactivated cover; nonaktif since the 1st after the month whose
    non-payment began the suspension still running (which may be older than arrears[0] when a
    late payment cleared an old month but not the current one).

    Finding `since` walks back over every turn of an unbroken stretch; for a family that has been
    aktif for years that is the whole history, so callers that do not show it pass
    `aktif_since=False` (then an aktif status has since=None).
    """
    if segment not in SEGMENTS:
        raise RuleError("segment")
    if other_reason:
        return Status("nonaktif_lain", None, (), other_reason)
    if segment in PAID_BY_OTHERS:
        return Status("aktif", cover_start, ())
    if cover_start is None:
        return Status("menunggu_pembayaran", None, ())
    cover_start = month_of(cover_start)
    code, arrears = _standing(day, cover_start, paid)
    if code == "menunggu_pembayaran" or (code == "aktif" and not aktif_since):
        return Status(code, None, arrears)
    return Status(code, _since(day, code, cover_start, paid), arrears)


def _standing(day, cover_start, paid):
    """(code, arrears) of a PBPU/BP family on `day`: rules 3-5 of status_on."""
    settled = {month: on for month, on in paid.items() if month >= cover_start and on <= day}
    current = month_of(day)
    if current < cover_start:
        return "menunggu_pembayaran", ()
    arrears, paid_later = [], 0
    for month in reversed(months_from(cover_start, add_months(current, -1))):
        if month in settled:
            paid_later += 1
        elif paid_later < MAX_ARREARS_MONTHS:
            arrears.append(month)
    arrears = tuple(reversed(arrears))
    if not settled:
        return "menunggu_pembayaran", arrears
    if arrears:
        return "nonaktif_tunggakan", arrears
    previous = add_months(current, -1)
    if current in settled or previous < cover_start or settled[previous] <= _last_day(previous):
        return "aktif", ()
    return "nonaktif_tunggakan", ()


def standing_from_unsettled(day, cover_start, unsettled, first_settled_on, previous_settled_on):
    """(code, arrears) of a PBPU/BP family on `day`, like rules 3-5 of status_on, from a compact
    form of `paid` that a stored ledger keeps, without walking every month since cover_start:

    - `unsettled`: the months from cover_start through `day`'s month NOT settled on `day` (never
      fully paid, or paid after `day`), in any order;
    - `first_settled_on`: the earliest date any month from cover_start became fully paid (None: none);
    - `previous_settled_on`: when the month before `day`'s became fully paid (None: not).

    Equal to _standing for every input (tests/rules check it against status_on).
    """
    cover_start, current = month_of(cover_start), month_of(day)
    if current < cover_start:
        return "menunggu_pembayaran", ()
    past = sorted({month_of(month) for month in unsettled
                   if cover_start <= month_of(month) < current}, reverse=True)
    arrears = []
    for later_unpaid, month in enumerate(past):  # newest first: `later_unpaid` unpaid months after it
        months_after = _month_index(current) - _month_index(month) - 1
        if months_after - later_unpaid < MAX_ARREARS_MONTHS:
            arrears.append(month)
    arrears = tuple(reversed(arrears))
    if first_settled_on is None or first_settled_on > day:
        return "menunggu_pembayaran", arrears
    if arrears:
        return "nonaktif_tunggakan", arrears
    previous = add_months(current, -1)
    if (current not in {month_of(m) for m in unsettled} or previous < cover_start
            or (previous_settled_on is not None and previous_settled_on <= _last_day(previous))):
        return "aktif", ()
    return "nonaktif_tunggakan", ()


def _month_index(month):
    return month.year * 12 + month.month - 1


def _since(day, code, cover_start, paid):
    """First day of the unbroken stretch of `code` that includes `day` (see status_on)."""
    turns = set(months_from(cover_start, day))
    turns |= {on for month, on in paid.items() if month >= cover_start and cover_start <= on <= day}
    for turn in sorted(turns, reverse=True):
        if _standing(turn - timedelta(days=1), cover_start, paid)[0] != code:
            return turn
    return cover_start  # not reached: before cover_start the family is always awaiting payment


# --- paying -------------------------------------------------------------------------------------

def arrears_counted(arrears):
    """The arrears a reactivation charges: the 24 most recent distinct months, oldest first."""
    return tuple(sorted(set(arrears))[-MAX_ARREARS_MONTHS:])


def reactivation_amount(day, segment, care_class, members, arrears, current_paid, tables=RATE_TABLES):
    """Biaya reaktivasi: the counted arrears, each at the table of its own month, plus the current
    month unless already paid. 0 for PBI and PPU."""
    if segment not in SEGMENTS:
        raise RuleError("segment")
    if segment in PAID_BY_OTHERS:
        return 0
    months = list(arrears_counted(arrears)) + ([] if current_paid else [month_of(day)])
    return sum(family_monthly_due(segment, care_class, members, month, tables) for month in months)


def allocate(amount, outstanding):
    """Apply a payment to the oldest outstanding months first.

    `outstanding` is [(month, amount still owed)] in any order. Returns ([(month, amount applied)]
    for the months that received money, oldest first; credit left over). Every rupiah of `amount`
    ends up applied or in the credit.
    """
    if not _is_int(amount) or amount < 0 or any(not _is_int(owed) or owed < 0 for _, owed in outstanding):
        raise RuleError("amount")
    applied, left = [], amount
    for month, owed in sorted(outstanding, key=lambda item: item[0]):
        share = min(owed, left)
        if share:
            applied.append((month, share))
            left -= share
    return applied, left


# --- denda pelayanan ----------------------------------------------------------------------------

#: Perpres 64/2020: the denda pelayanan in this form applies from 1 January 2021.
DENDA_EFFECTIVE_FROM = date(2021, 1, 1)
DENDA_PERCENT = 5
DENDA_MAX_MONTHS = 12  # at most 12 months of arrears count
DENDA_CAP = 30_000_000
DENDA_WINDOW_DAYS = 45  # inpatient care this many days after reactivation, at the most


@dataclass(frozen=True)
class DendaRule:
    """Aturan denda pelayanan, in force from `effective_from` until the next version (a dated,
    versioned table like the rates: admins add versions, so functions take the rules as an argument).

    percent of the INA-CBG tariff per month in arrears; at most `max_months` months count; at most
    `cap` rupiah; owed for inpatient care up to `window_days` days after reactivation."""

    effective_from: date
    percent: int = DENDA_PERCENT
    max_months: int = DENDA_MAX_MONTHS
    cap: int = DENDA_CAP
    window_days: int = DENDA_WINDOW_DAYS


DENDA_RULES = (DendaRule(DENDA_EFFECTIVE_FROM),)


def denda_rule_on(day, denda_rules=DENDA_RULES):
    """The denda rule in force on `day`: the latest with effective_from <= day."""
    in_force = [rule for rule in denda_rules if rule.effective_from <= day]
    if not in_force:
        raise RuleError("no_rate")
    return max(in_force, key=lambda rule: rule.effective_from)


@dataclass(frozen=True)
class DendaCalculation:
    """The steps of a denda, for showing the worked example: rule.percent % × tariff ×
    months_counted = uncapped (floor), and `amount` = uncapped up to rule.cap."""

    months_counted: int
    tariff: int
    uncapped: int
    amount: int
    rule: DendaRule = DENDA_RULES[0]

    @property
    def capped(self):
        return self.amount < self.uncapped


def denda_calculation(months_in_arrears, tariff, rule=DENDA_RULES[0]):
    """The denda pelayanan with its steps under `rule` (see denda)."""
    if not (_is_int(months_in_arrears) and _is_int(tariff)) or months_in_arrears < 0 or tariff < 0:
        raise RuleError("amount")
    counted = min(months_in_arrears, rule.max_months)
    uncapped = tariff * rule.percent * counted // 100
    return DendaCalculation(counted, tariff, uncapped, min(uncapped, rule.cap), rule)


def denda(months_in_arrears, tariff, rule=DENDA_RULES[0]):
    """Denda pelayanan, in rupiah: rule.percent (5) % × the INA-CBG tariff estimate × the months in
    arrears (at most rule.max_months, 12, count), floored, at most rule.cap (Rp30.000.000). 0 months
    → 0. It is owed only for inpatient care within the window after reactivation (denda_applies)."""
    return denda_calculation(months_in_arrears, tariff, rule).amount


def denda_applies(reactivated_on, admitted_on, rule=DENDA_RULES[0]):
    """True when inpatient care starting on `admitted_on` falls within rule.window_days (45) after
    reactivation: 0 (the day itself) to that many days later, both included."""
    return 0 <= (admitted_on - reactivated_on).days <= rule.window_days


# --- REHAB (rencana pembayaran bertahap) --------------------------------------------------------

REHAB_MIN_ARREARS = 4  # more than 3 months
REHAB_MAX_ARREARS = 24
REHAB_MAX_INSTALMENTS = 12
REHAB_MIN_INSTALMENTS = 2  # one instalment is simply paying everything


def rehab_eligible(arrears_months):
    """REHAB is open to arrears of more than 3 and up to 24 months (False for a non-integer)."""
    return _is_int(arrears_months) and REHAB_MIN_ARREARS <= arrears_months <= REHAB_MAX_ARREARS


def rehab_instalment_counts(arrears_months):
    """The numbers of instalments a family may choose: 2 .. min(12, arrears months); empty when not
    eligible."""
    if not rehab_eligible(arrears_months):
        return range(0)
    return range(REHAB_MIN_INSTALMENTS, min(REHAB_MAX_INSTALMENTS, arrears_months) + 1)


def rehab_schedule(total, instalments, first_due):
    """[(due date, amount)] of `instalments` monthly instalments that sum exactly to `total`.

    Equal parts of total // instalments rupiah, the remainder added to the FIRST instalment. The
    first is due on `first_due`, each next one on the same day of the following month (callers pass
    the 10th, the usual due day; a day a month lacks becomes that month's last day).
    instalments outside 1..12 → RuleError("instalments"); total <= 0, or less than one rupiah per
    instalment → RuleError("amount").
    """
    if not _is_int(instalments) or not 1 <= instalments <= REHAB_MAX_INSTALMENTS:
        raise RuleError("instalments")
    if not _is_int(total) or total <= 0 or total < instalments:
        raise RuleError("amount")
    part, remainder = divmod(total, instalments)
    schedule = []
    for number in range(instalments):
        month = add_months(month_of(first_due), number)
        due = month.replace(day=min(first_due.day, _last_day(month).day))
        schedule.append((due, part + (remainder if number == 0 else 0)))
    return schedule
