"""Cases and their clocks: complaints (pengaduan), information requests (informasi), consultations
(konsultasi) and claims (klaim) — their states, and the SLA each one is measured against
(SPEC §2.4 "Complaints", §2.2 "Claims").

Two clocks run on a case:

- FIRST RESPONSE within 1×24 hours of wall-clock time, weekends and holidays included. This is
  JKN Lite's OWN service promise, not a BPJS Kesehatan rule. It applies to pengaduan, informasi
  and konsultasi; a claim has no first-response promise, only a resolution target. The first
  response is given by the first move out of the initial state (INITIAL_STATE).
- RESOLUTION within a number of WORKING DAYS that depends on the kind and, for pengaduan, the
  category (see _TARGETS). These targets are also our own choice, not BPJS rules; an admin adds a
  new SlaTable version to change them. A case is resolved when it reaches a closed state
  (CLOSED_STATES): for a claim that is ditolak or dibayar — the money in hand, not the decision.

Working days are Monday to Friday, minus Indonesia's public holidays as the maintained `holidays`
package reports them (category "public"; an SlaTable can add "government" to also skip cuti
bersama). They are counted in WIB (UTC+7) unless a `tz` is passed; pass a fixed-offset zone
(WIB / WITA / WIT — Indonesia has no daylight saving time).

A deadline of N working days is the END of the Nth working day after the day the case was opened
(in the tz): opened on Friday 16:00, 1 working day → Monday 23:59:59.999999 (when Monday is not a
holiday). Ending the day rather than keeping the clock time makes the deadline monotone: a later
opening or more days never gives an earlier deadline. `met(deadline, done_at)` is done_at <= deadline.

While the case waits for the participant (state menunggu_peserta) the clock stops. `deadline` takes
those pauses as (start, end) intervals; an open pause has end None and counts up to `now`. A pause
that starts after the deadline has passed changes nothing (the clock had already run out). Otherwise
the time left when the pause began is carried over to its end:
- for hours, by wall-clock time: a pause of length P moves the deadline by exactly P;
- for working days, by working time: what was left of the working days (to the microsecond) is
  counted again from the end of the pause, skipping weekends and holidays, so the deadline still
  falls on a working day.

Times are timezone-aware datetimes (a naive one → RuleError("naive")). Results are codes and
numbers, never sentences: the pages turn them into words.
"""
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from types import MappingProxyType

import holidays

#: Waktu Indonesia Barat (Asia/Jakarta): UTC+7 all year round.
WIB = timezone(timedelta(hours=7), "WIB")

KINDS = ("pengaduan", "informasi", "konsultasi", "klaim")
CATEGORIES = (
    "kepesertaan", "iuran", "pelayanan_faskes", "obat", "rujukan", "diminta_membayar",
    "administrasi", "lainnya",
)
#: kinds with the 1×24 h first-response promise (SPEC §2.4: tickets; claims only get a resolution target)
FIRST_RESPONSE_KINDS = ("pengaduan", "informasi", "konsultasi")

CASE_STATES = ("diterima", "ditanggapi", "diproses", "menunggu_peserta", "selesai", "ditolak")
#: a claim may also wait for the participant (documents missing); SPEC's track is otherwise unchanged
CLAIM_STATES = ("diajukan", "diverifikasi", "menunggu_peserta", "disetujui", "ditolak", "dibayar")
STATES = MappingProxyType({kind: CLAIM_STATES if kind == "klaim" else CASE_STATES for kind in KINDS})
INITIAL_STATE = MappingProxyType({kind: "diajukan" if kind == "klaim" else "diterima" for kind in KINDS})
#: the clock is stopped while the case waits for the participant's information
PAUSED_STATES = ("menunggu_peserta",)

_CASE_TRANSITIONS = MappingProxyType({
    "diterima": frozenset({"ditanggapi", "menunggu_peserta", "ditolak"}),
    "ditanggapi": frozenset({"diproses", "menunggu_peserta", "selesai", "ditolak"}),
    "diproses": frozenset({"menunggu_peserta", "selesai", "ditolak"}),
    "menunggu_peserta": frozenset({"diproses", "selesai", "ditolak"}),  # answered, or closed unanswered
    "selesai": frozenset(),
    "ditolak": frozenset(),
})
_CLAIM_TRANSITIONS = MappingProxyType({
    "diajukan": frozenset({"diverifikasi", "menunggu_peserta", "ditolak"}),
    "diverifikasi": frozenset({"disetujui", "menunggu_peserta", "ditolak"}),
    "menunggu_peserta": frozenset({"diverifikasi", "ditolak"}),
    "disetujui": frozenset({"dibayar"}),
    "ditolak": frozenset(),
    "dibayar": frozenset(),
})
#: kind → state → the states an officer may move the case to. Reopening is separate (REOPEN_TO).
TRANSITIONS = MappingProxyType({
    kind: _CLAIM_TRANSITIONS if kind == "klaim" else _CASE_TRANSITIONS for kind in KINDS
})
#: states with no way on: the case is resolved, and only the participant may reopen it
CLOSED_STATES = MappingProxyType({
    kind: tuple(state for state, nexts in TRANSITIONS[kind].items() if not nexts) for kind in KINDS
})

#: the participant may reopen a closed case up to this many calendar days after the day it closed
REOPEN_DAYS = 7
#: kind → closed state → the state a reopened case goes back to. A paid claim is never reopened.
REOPEN_TO = MappingProxyType({
    kind: (MappingProxyType({"ditolak": "diverifikasi"}) if kind == "klaim"
           else MappingProxyType({"selesai": "diproses", "ditolak": "diproses"}))
    for kind in KINDS
})


class RuleError(ValueError):
    """`code` says what is wrong: naive, kind, category, no_sla, target, pause or now."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


# --- states -------------------------------------------------------------------------------------

def transition_allowed(kind, from_state, to_state):
    """True when an officer may move a `kind` case from `from_state` to `to_state` (False for an
    unknown kind or state, and for staying put)."""
    return to_state in TRANSITIONS.get(kind, {}).get(from_state, ())


def is_closed(kind, state):
    return state in CLOSED_STATES.get(kind, ())


def reopen_state(kind, state):
    """The state a reopened case returns to, or None when a case in `state` cannot be reopened."""
    return REOPEN_TO.get(kind, {}).get(state)


def may_reopen(closed_at, now, tz=WIB):
    """True from the day the case closed up to and including day 7 after it (calendar days in `tz`):
    closed on 3 August at any hour → may be reopened until 10 August 23:59:59, not on 11 August."""
    days = (_local(now, tz).date() - _local(closed_at, tz).date()).days
    return 0 <= days <= REOPEN_DAYS


# --- SLA tables ---------------------------------------------------------------------------------

#: resolution targets in working days: (kind, category) first, then kind alone. Our own choices:
#: a question is answered in 3, a consultation in 5; a complaint in 5 when we can settle it
#: ourselves (membership data, contributions, medicines, referrals, paperwork), 10 when a facility
#: has to explain (service, other), 14 when money asked at a facility must be checked and refunded;
#: a claim is verified, decided and paid within 14.
_TARGETS = MappingProxyType({
    "informasi": 3,
    "konsultasi": 5,
    "klaim": 14,
    "pengaduan": 14,  # a complaint without a category: the longest complaint target
    ("pengaduan", "kepesertaan"): 5,
    ("pengaduan", "iuran"): 5,
    ("pengaduan", "obat"): 5,
    ("pengaduan", "rujukan"): 5,
    ("pengaduan", "administrasi"): 5,
    ("pengaduan", "pelayanan_faskes"): 10,
    ("pengaduan", "lainnya"): 10,
    ("pengaduan", "diminta_membayar"): 14,
})


@dataclass(frozen=True)
class SlaTable:
    """Our service promises, in force from `effective_from` (a date in WIB) until the next version.

    resolution_working_days maps (kind, category) or kind → working days. holiday_categories are
    the `holidays` package categories that are not working days: "public" (hari libur nasional),
    and "government" to also skip cuti bersama.
    """

    effective_from: date
    first_response_hours: int = 24
    resolution_working_days: Mapping = field(default_factory=lambda: _TARGETS)
    holiday_categories: tuple[str, ...] = ("public",)


#: JKN Lite's promises from the day it started taking cases.
SLA_TABLES = (SlaTable(date(2025, 1, 1)),)


def sla_table_on(moment, tables=SLA_TABLES, tz=WIB):
    """The table in force at `moment` (a date, or an aware datetime read in `tz`): the latest with
    effective_from <= that day, in any order given."""
    day = _local(moment, tz).date() if isinstance(moment, datetime) else moment
    in_force = [table for table in tables if table.effective_from <= day]
    if not in_force:
        raise RuleError("no_sla")
    return max(in_force, key=lambda table: table.effective_from)


@dataclass(frozen=True)
class Target:
    """What a deadline is counted in: unit "jam" (wall-clock hours) or "hari_kerja" (working days),
    and `effective_from` of the table it came from, for "aturan berlaku per <date>"."""

    unit: str
    amount: int
    effective_from: date
    holiday_categories: tuple[str, ...] = ("public",)


def first_response_target(kind, opened_at, tables=SLA_TABLES, tz=WIB):
    """The first-response target of a case opened at `opened_at`; None for a claim (no promise)."""
    _check_kind(kind)
    if kind not in FIRST_RESPONSE_KINDS:
        return None
    table = sla_table_on(opened_at, tables, tz)
    return Target("jam", table.first_response_hours, table.effective_from, table.holiday_categories)


def resolution_target(kind, category, opened_at, tables=SLA_TABLES, tz=WIB):
    """The resolution target of a case: (kind, category) in the table, else the kind's own entry.
    `category` may be None; an unknown one → RuleError("category")."""
    _check_kind(kind)
    if category is not None and category not in CATEGORIES:
        raise RuleError("category")
    table = sla_table_on(opened_at, tables, tz)
    days = table.resolution_working_days
    amount = days.get((kind, category), days.get(kind))
    if amount is None:
        raise RuleError("no_sla")
    return Target("hari_kerja", amount, table.effective_from, table.holiday_categories)


def _check_kind(kind):
    if kind not in KINDS:
        raise RuleError("kind")


# --- working days -------------------------------------------------------------------------------

@lru_cache(maxsize=256)
def holidays_in(year, categories=("public",)):
    """Indonesia's holidays of `year` in these categories, as the `holidays` package gives them."""
    return frozenset(holidays.country_holidays("ID", years=year, categories=categories))


def is_working_day(day, categories=("public",)):
    """Monday to Friday and not a holiday."""
    return day.weekday() < 5 and day not in holidays_in(day.year, tuple(categories))


def working_day_after(day, n, categories=("public",)):
    """The nth working day after `day` (`day` itself never counts; n=0 gives `day`)."""
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise RuleError("target")
    while n:
        day += timedelta(days=1)
        if is_working_day(day, categories):
            n -= 1
    return day


def _local(moment, tz):
    if not isinstance(moment, datetime) or moment.tzinfo is None or moment.utcoffset() is None:
        raise RuleError("naive")
    return moment.astimezone(tz)


_MICRO = timedelta(microseconds=1)


def working_time(start, end, tz=WIB, categories=("public",)):
    """How much of [start, end) lies on working days in `tz` (a timedelta, 0 when end <= start)."""
    start, end = _local(start, tz), _local(end, tz)
    total, day = timedelta(0), start.date()
    while day <= end.date():
        if is_working_day(day, categories):
            low = max(start, datetime.combine(day, time.min, tz))
            high = min(end, datetime.combine(day + timedelta(days=1), time.min, tz))
            if high > low:
                total += high - low
        day += timedelta(days=1)
    return total


def _after_working_time(start, amount, tz, categories):
    """The instant at which `amount` (> 0) of working time counted from `start` runs out: the last
    microsecond it covers, so it always lies on a working day."""
    start = _local(start, tz)
    day = start.date()
    while True:
        if is_working_day(day, categories):
            low = max(start, datetime.combine(day, time.min, tz))
            available = datetime.combine(day + timedelta(days=1), time.min, tz) - low
            if amount <= available:
                return low + amount - _MICRO
            amount -= available
        day += timedelta(days=1)


# --- deadlines ----------------------------------------------------------------------------------

def _pauses(opened_at, pauses, now):
    """The pauses as sorted, merged (start, end) intervals, none starting before opened_at."""
    intervals = []
    for start, end in pauses:
        start = _local(start, opened_at.tzinfo)
        if end is None:
            if now is None:
                raise RuleError("now")
            end = max(_local(now, opened_at.tzinfo), start)
        end = _local(end, opened_at.tzinfo)
        if end < start:
            raise RuleError("pause")
        start = max(start, opened_at)
        if end > start:
            intervals.append((start, end))
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def deadline(opened_at, target, pauses=(), now=None, tz=WIB):
    """When the `target` (a Target) for a case opened at `opened_at` falls due, in `tz`.

    `pauses` are (start, end) intervals the case waited for the participant; an open one (end None)
    counts up to `now`, so while the clock is stopped this is the deadline should the participant
    answer now (and `now` is required). See the module docstring for how pauses move a deadline.
    """
    if not isinstance(target.amount, int) or isinstance(target.amount, bool) or target.amount < 1:
        raise RuleError("target")
    opened = _local(opened_at, tz)
    categories = tuple(target.holiday_categories)
    if target.unit == "jam":
        due = opened + timedelta(hours=target.amount)
    elif target.unit == "hari_kerja":
        due = datetime.combine(working_day_after(opened.date(), target.amount, categories), time.max, tz)
    else:
        raise RuleError("target")
    for start, end in _pauses(opened, pauses, now):
        if start > due:
            break  # the clock had run out before this pause (and every later one) began
        if target.unit == "jam":
            due = end + (due - start)
        else:
            due = _after_working_time(end, working_time(start, due + _MICRO, tz, categories), tz, categories)
    return due.astimezone(tz)


def met(deadline, done_at):
    """True when done_at is at or before the deadline; False when not done (done_at None)."""
    return done_at is not None and done_at <= deadline


@dataclass(frozen=True)
class Remaining:
    """Time left until a deadline at some moment.

    seconds: whole seconds left (negative once breached). unit/amount: the same, coarsely, for
    words — ("hari", n) from one day, ("jam", n) from one hour, else ("menit", n); counted down
    (5 h 59 min → ("jam", 5)), never 0 while any time is left, and the time overdue once breached.
    paused: the clock is stopped (the case waits for the participant).
    """

    seconds: int
    breached: bool
    unit: str
    amount: int
    paused: bool = False

    @property
    def coarse(self):
        return self.unit, self.amount


_UNITS = (("hari", 86_400), ("jam", 3_600), ("menit", 60))


def remaining(deadline, now, paused=False):
    """What is left of `deadline` at `now` (see Remaining). Pass paused=True while the case waits
    for the participant; its deadline then comes from deadline(..., now=now)."""
    delta = deadline - now
    seconds = delta.days * 86_400 + delta.seconds  # floor: 0.5 s left is 0, 0.5 s late is -1
    breached = now > deadline
    magnitude = abs(seconds)
    unit, size = next(((unit, size) for unit, size in _UNITS if magnitude >= size), _UNITS[-1])
    amount = magnitude // size
    if amount == 0 and delta != timedelta(0):
        amount = 1
    return Remaining(seconds, breached, unit, amount, paused)
