"""The stored contribution ledger: per family and month what was due, what was allocated and when
it became fully paid, plus a summary (members, credit, paid-through month, payment standing and
since when). It is the stored result of the pure rules (app.rules.contributions) over the family's
payments, never a second set of rules:

- `compute(family, day)` recomputes it from payments, allocations, members and rate versions;
- `store(family, day)` writes that result (only the months that differ) and is called inside the
  same transaction as every event that changes it: a payment applied or assigned, credit spent, a
  member added, a class change, a rate version added, a REHAB plan;
- `read(family, day)` is what pages use: two small queries (the summary, and only the months still
  owed, paid after the summary was computed, or from last month on), then the rules'
  `standing_from_unsettled` instead of a walk over every month since the cover start;
- `differences(family)` is `flask ledger verify`: stored against recomputed.

An officer's "nonaktif lain" reason lives on the family row and is applied when reading, so the
ledger keeps the payment standing beneath it (the bill still shows the arrears).
"""
from dataclasses import dataclass, field
from datetime import date

from peewee import JOIN, fn

from app.core import clock
from app.core.db import Prepared, db
from app.models import Allocation, Family, FamilyLedger, LedgerMonth, Participant, Payment, RateVersion
from app.rules import contributions as rules

SUMMARY_FIELDS = ("members", "credit", "through", "paid_through", "first_settled_on", "status",
                  "status_since", "arrears_months", "as_of")
MONTH_FIELDS = ("due", "allocated", "paid_on", "rules_from")


@dataclass
class Computed:
    """What the rules say the ledger of one family is on `as_of`."""

    summary: dict
    months: dict = field(default_factory=dict)  # month → {due, allocated, paid_on, rules_from}


def _facts(family_ids):
    """{family id: (members' join dates, applied payments total, [(month, amount, paid_at)] of its
    allocations in the order they were paid)} for these families, in three queries."""
    facts = {family_id: ([], 0, []) for family_id in family_ids}
    for family_id, joined in (Participant.select(Participant.family_id, Participant.registered_on)
                              .where(Participant.family.in_(family_ids)).tuples()):
        facts[family_id][0].append(joined)
    totals = (Payment.select(Payment.family_id, fn.SUM(Payment.amount))
              .where(Payment.family.in_(family_ids) & (Payment.status == "applied"))
              .group_by(Payment.family_id).tuples())
    for family_id, total in totals:
        facts[family_id] = (facts[family_id][0], total, facts[family_id][2])
    rows = (Allocation.select(Allocation.family_id, Allocation.month, Allocation.amount, Payment.paid_at)
            .join(Payment).where(Allocation.family.in_(family_ids))
            .order_by(Allocation.family_id, Payment.paid_at, Allocation.id).tuples())
    for family_id, month, amount, paid_at in rows:
        facts[family_id][2].append((month, amount, paid_at))
    return facts


def compute(family, day=None, tables=None, facts=None):
    """The family's ledger recomputed from its payments by the rules (3 queries, none when
    `facts` — _facts() of its id — is given)."""
    day = day or clock.today()
    tables = tables or RateVersion.tables()
    joined, applied, rows = facts or _facts([family.id])[family.id]
    allocated, counted, paid = {}, {}, {}
    months = {}

    def priced(month):
        if month not in months:
            months[month] = {"due": family.monthly_due(month, joined, tables), "allocated": 0,
                             "paid_on": None, "rules_from": rules.rate_table_on(month, tables).effective_from}
        return months[month]

    total_allocated = 0
    for month, amount, paid_at in rows:
        total_allocated += amount
        allocated[month] = allocated.get(month, 0) + amount
        if month in paid or family.segment not in rules.FAMILY_VA:
            continue
        counted[month] = counted.get(month, 0) + amount
        if counted[month] >= priced(month)["due"]:  # as Family.paid_months
            paid[month] = clock.to_wib(paid_at).date()
    paid_through = None
    if family.cover_start is not None and family.segment in rules.FAMILY_VA:
        cover_start = rules.month_of(family.cover_start)
        # Through this month (or the last month money went to): later months are priced when read, so a
        # rate version starting next month reprices only the families that paid ahead.
        for month in rules.months_from(cover_start, max([rules.month_of(day), *allocated])):
            line = priced(month)
            line["allocated"] = allocated.get(month, 0)
            line["paid_on"] = paid.get(month)
            if month in paid and (month == cover_start or paid_through == rules.add_months(month, -1)):
                paid_through = month
        months = {month: line for month, line in months.items() if month >= cover_start}
    else:
        months = {}
    standing = rules.status_on(day, family.segment, family.cover_start, paid, None, aktif_since=False)
    settled = [on for month, on in paid.items() if month in months]
    summary = {
        "members": len(joined), "credit": applied - total_allocated,
        "through": max(months) if months else None, "paid_through": paid_through,
        "first_settled_on": min(settled) if settled else None, "status": standing.code,
        "status_since": standing.since, "arrears_months": len(standing.arrears), "as_of": day,
    }
    return Computed(summary, months)


def store(family, day=None):
    """Recompute the family's ledger and store it, writing only what changed. Call it inside the
    transaction of the event that changed it (the family row is re-read: a caller's copy may
    predate the event). Returns the Computed."""
    family = Family.get_by_id(family.id)
    result = compute(family, day)
    with db.atomic():
        stored = {row.month: row for row in LedgerMonth.select().where(LedgerMonth.family == family.id)}
        stale = [month for month, row in stored.items()
                 if month not in result.months or _month_values(row) != result.months[month]]
        fresh = [month for month, line in result.months.items()
                 if month not in stored or month in stale]
        if stale:
            LedgerMonth.delete().where((LedgerMonth.family == family.id) & LedgerMonth.month.in_(stale)).execute()
        for start in range(0, len(fresh), 500):
            LedgerMonth.insert_many([{"family": family.id, "month": month, **result.months[month]}
                                     for month in fresh[start:start + 500]]).as_rowcount().execute()
        if not FamilyLedger.update(**result.summary).where(FamilyLedger.family == family.id).execute():
            FamilyLedger.insert(family=family.id, **result.summary).execute()
    return result


def _insert_months(rows, batch=1000):
    """INSERT [(family id, month, {due, allocated, paid_on, rules_from})] in multi-row statements
    written here: peewee's insert_many spends longer building SQL for 100,000 rows than the
    database takes to store them."""
    columns = ("family_id", "month", *MONTH_FIELDS)
    table = LedgerMonth._meta.table_name
    param = db.obj.param
    for start in range(0, len(rows), batch):
        part = rows[start:start + batch]
        values = ", ".join([f"({', '.join([param] * len(columns))})"] * len(part))
        params = [value for family_id, month, line in part
                  for value in (family_id, month, *(line[name] for name in MONTH_FIELDS))]
        db.execute_sql(f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES {values}', params)


def _month_values(row):
    return {name: getattr(row, name) for name in MONTH_FIELDS}


def store_all(family_ids, day=None):
    """store() for each family id (the write-lock holder's transaction); returns how many."""
    for family in Family.select().where(Family.id.in_(list(family_ids))):
        store(family, day)
    return len(family_ids)


def families_priced_from(effective_from):
    """Ids of the families with a ledger month on or after `effective_from` (a new rate version
    re-prices those months)."""
    return [row.family_id for row in LedgerMonth.select(LedgerMonth.family_id).distinct()
            .where(LedgerMonth.month >= effective_from)]


def differences(family, day=None):
    """[(what, stored, recomputed)] where the stored ledger differs from a recomputation on the
    day it was stored (empty: they agree)."""
    summary = FamilyLedger.get_or_none(FamilyLedger.family == family.id)
    if summary is None:
        return [("ledger", None, "missing")]
    result = compute(family, day or summary.as_of)
    found = [(name, getattr(summary, name), result.summary[name]) for name in SUMMARY_FIELDS
             if getattr(summary, name) != result.summary[name]]
    stored = {row.month: _month_values(row) for row in
              LedgerMonth.select().where(LedgerMonth.family == family.id)}
    for month in sorted(set(stored) | set(result.months)):
        if stored.get(month) != result.months.get(month):
            found.append((f"{month:%Y-%m}", stored.get(month), result.months.get(month)))
    return found


# --- reading ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    """One month as the ledger knows it on the reading day."""

    month: date
    due: int
    allocated: int
    paid_on: date | None
    rules_from: date

    @property
    def owed(self):
        return max(self.due - self.allocated, 0)


class Ledger:
    """A family's stored ledger as read for one day: status, what is owed and each month's line."""

    def __init__(self, family, day, summary, lines, complete):
        self.family, self.day, self.summary = family, day, summary
        self._lines = lines  # month → Line: every month still owed, and those from last month on
        self._complete = complete  # every month is in _lines (computed in memory)

    @property
    def credit(self):
        return self.summary["credit"]

    @property
    def members(self):
        return self.summary["members"]

    def line(self, month):
        """The month's Line: stored, or priced by the rules for a month the ledger has not reached."""
        month = rules.month_of(month)
        if month in self._lines:
            return self._lines[month]
        tables = RateVersion.tables()
        due = rules.family_monthly_due(self.family.segment, self.family.care_class_on(month),
                                       max(self.members, 1), month, tables)
        return Line(month, due, 0, None, rules.rate_table_on(month, tables).effective_from)

    def _beyond(self, through):
        """Months after the last stored one, through `through` (priced on demand)."""
        last = self.summary["through"]
        start = rules.add_months(last, 1) if last else rules.month_of(self.family.cover_start)
        return rules.months_from(start, through)

    def outstanding(self, through):
        """[(month, rupiah still owed)] from the cover start through `through`, oldest first (as
        Family.outstanding)."""
        if self.family.cover_start is None or self.family.segment not in rules.FAMILY_VA:
            return []
        through = rules.month_of(through)
        owed = [(m, line.owed) for m, line in sorted(self._lines.items()) if m <= through and line.owed]
        owed += [(m, self.line(m).owed) for m in self._beyond(through)]
        return owed

    def standing(self):
        """The payment standing on the day (status_on without an officer's reason)."""
        family, day = self.family, self.day
        if family.segment in rules.PAID_BY_OTHERS or family.cover_start is None:
            return rules.status_on(day, family.segment, family.cover_start, {})
        current = rules.month_of(day)
        unsettled = [m for m, line in self._lines.items()
                     if m <= current and (line.paid_on is None or line.paid_on > day)]
        unsettled += self._beyond(current)
        previous = self._lines.get(rules.add_months(current, -1))
        previous_on = previous.paid_on if previous and previous.paid_on and previous.paid_on <= day else None
        code, arrears = rules.standing_from_unsettled(
            day, family.cover_start, unsettled, self.summary["first_settled_on"], previous_on)
        return rules.Status(code, self._since(code), arrears)

    def _since(self, code):
        """Since when a nonaktif standing runs: stored, when nothing turned since it was stored
        (same month, no month paid since), else from every month through the rules."""
        if code != "nonaktif_tunggakan":
            return None
        summary, day = self.summary, self.day
        as_of = summary["as_of"]
        if (summary["status"] == code and as_of <= day and rules.month_of(as_of) == rules.month_of(day)
                and not any(line.paid_on and as_of < line.paid_on <= day for line in self._lines.values())):
            return summary["status_since"]
        paid = self._all_paid()
        return rules.status_on(day, self.family.segment, self.family.cover_start, paid).since

    def _all_paid(self):
        if self._complete:
            lines = self._lines.values()
        else:
            lines = LedgerMonth.select(LedgerMonth.month, LedgerMonth.paid_on).where(
                (LedgerMonth.family == self.family.id) & LedgerMonth.paid_on.is_null(False))
        return {line.month: line.paid_on for line in lines if line.paid_on}

    def status(self):
        """Status kepesertaan on the day: the officer's reason first (from its start date on), else
        the payment standing."""
        reason = self.family.reason_on(self.day)
        if reason:
            return rules.Status("nonaktif_lain", None, (), reason)
        return self.standing()


def read(family, day=None):
    """The family's Ledger for `day` (one query; computed in memory when none is stored yet)."""
    day = day or clock.today()
    rows = _STORED(family.id, day, rules.add_months(rules.month_of(day), -1))
    if not rows:
        result = compute(family, day)
        lines = {m: Line(m, **values) for m, values in result.months.items()}
        return Ledger(family, day, result.summary, lines, complete=True)
    summary = dict(zip(_SUMMARY_NAMES, rows[0]))
    lines = {row[_MONTH_AT]: Line(*row[_MONTH_AT:]) for row in rows if row[_MONTH_AT] is not None}
    return Ledger(family, day, summary, lines, complete=False)


_SUMMARY_NAMES = [f.name for f in FamilyLedger._meta.sorted_fields]
_MONTH_AT = len(_SUMMARY_NAMES)
#: the stored summary, once per month a page needs (unpaid, paid after the summary's date or after
#: the day, the last two; a summary without such months comes once, its month columns empty)
_STORED = Prepared(lambda family, day, previous: (
    FamilyLedger.select(*FamilyLedger._meta.sorted_fields, LedgerMonth.month,
                        *(getattr(LedgerMonth, n) for n in MONTH_FIELDS))
    .join(LedgerMonth, JOIN.LEFT_OUTER, on=(
        (LedgerMonth.family == FamilyLedger.family)
        & (LedgerMonth.paid_on.is_null() | (LedgerMonth.paid_on > FamilyLedger.as_of)
           | (LedgerMonth.paid_on > day) | (LedgerMonth.month >= previous))))
    .where(FamilyLedger.family == family).tuples()))


def family_status(family, day=None):
    """Status kepesertaan of the family on `day`, from its stored ledger."""
    return read(family, day).status()


def rebuild(family_ids=None, missing_only=False, day=None, chunk=500, id_range=None):
    """Recompute and store the ledger of every family (or those given, or those without one), `chunk`
    families a transaction, reading their facts in three queries a chunk. Returns how many. Run it
    while no payment arrives (after a migration or an import): a callback during a chunk would wait
    for it, but one that landed between reading and writing a chunk is only caught by `verify`."""
    day = day or clock.today()
    tables = RateVersion.tables()
    query = Family.select().order_by(Family.id)
    if family_ids:
        query = query.where(Family.id.in_(list(family_ids)))
    if id_range:  # (first, last) family ids, both included: one process per range, in parallel
        query = query.where(Family.id.between(*id_range))
    if missing_only:
        query = query.where(~fn.EXISTS(FamilyLedger.select(FamilyLedger.family)
                                       .where(FamilyLedger.family == Family.id)))
    done, after = 0, 0
    while True:
        families = list(query.where(Family.id > after).limit(chunk))
        if not families:
            return done
        ids = [family.id for family in families]
        with db.atomic():
            facts = _facts(ids)
            results = {family.id: compute(family, day, tables, facts[family.id]) for family in families}
            LedgerMonth.delete().where(LedgerMonth.family.in_(ids)).execute()
            FamilyLedger.delete().where(FamilyLedger.family.in_(ids)).execute()
            _insert_months([(family_id, month, line) for family_id, result in results.items()
                            for month, line in result.months.items()])
            FamilyLedger.insert_many([{"family": family_id, **result.summary}
                                      for family_id, result in results.items()]).as_rowcount().execute()
        done += len(families)
        after = ids[-1]
