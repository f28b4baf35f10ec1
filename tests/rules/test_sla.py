"""The SLA rule (app/rules/sla.py): case states, reopening, dated SLA tables, working days with
Indonesia's holidays, deadlines with pauses, and what is left of a deadline. Pure: no request or
query is made; the autouse fixture of conftest.py only wraps each test in the test app.
"""
import ast
import pathlib
from datetime import date, datetime, time, timedelta, timezone

import holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.rules import sla
from app.rules.sla import (
    CATEGORIES,
    CLOSED_STATES,
    INITIAL_STATE,
    KINDS,
    PAUSED_STATES,
    SLA_TABLES,
    STATES,
    TRANSITIONS,
    WIB,
    RuleError,
    SlaTable,
    Target,
    deadline,
    first_response_target,
    holidays_in,
    is_working_day,
    may_reopen,
    met,
    remaining,
    reopen_state,
    resolution_target,
    sla_table_on,
    transition_allowed,
    working_day_after,
    working_time,
)

WITA = timezone(timedelta(hours=8), "WITA")
EFFECTIVE = SLA_TABLES[0].effective_from

# The autouse fixture is function-scoped; it only opens a transaction nobody uses here.
sla_settings = settings(max_examples=150, deadline=None,
                        suppress_health_check=[HealthCheck.function_scoped_fixture])

moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2029, 12, 1),
                       timezones=st.sampled_from([WIB, timezone.utc, WITA]))
working_days = st.integers(min_value=1, max_value=20)
hours_targets = st.integers(min_value=1, max_value=72)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=12))


def wib(*args):
    return datetime(*args, tzinfo=WIB)


def days(n):
    return Target("hari_kerja", n, EFFECTIVE)


def hours(n):
    return Target("jam", n, EFFECTIVE)


def end_of(day):
    return datetime.combine(day, time.max, WIB)


# --- holidays -----------------------------------------------------------------------------------

def test_known_indonesian_holidays_are_not_working_days():
    assert date(2026, 8, 17) in holidays_in(2026)  # Hari Kemerdekaan, a Monday in 2026
    assert date(2026, 12, 25) in holidays_in(2026)
    assert not is_working_day(date(2026, 8, 17))
    assert not is_working_day(date(2026, 12, 25))
    assert not is_working_day(date(2026, 8, 15)) and not is_working_day(date(2026, 8, 16))  # Sat, Sun
    assert is_working_day(date(2026, 8, 18)) and is_working_day(date(2026, 8, 14))


def test_idul_fitri_as_the_package_reports_it():
    eid = {year: sorted(day for day, name in holidays.country_holidays("ID", years=year).items()
                        if "Eid al-Fitr" in name) for year in (2025, 2026)}
    assert eid[2025] == [date(2025, 3, 31), date(2025, 4, 1)]  # Monday and Tuesday
    assert eid[2026] == [date(2026, 3, 21), date(2026, 3, 22)]  # a weekend in 2026
    assert all(not is_working_day(day) for year in eid for day in eid[year])


def test_holiday_sets_are_cached_per_year():
    holidays_in.cache_clear()
    holidays_in(2026)
    holidays_in(2026)
    assert holidays_in.cache_info().hits == 1


# --- known deadlines ----------------------------------------------------------------------------

def test_a_plain_week_counts_the_next_working_days():
    opened = wib(2026, 7, 7, 9, 30)  # Tuesday, no holiday that week
    assert deadline(opened, days(1)) == end_of(date(2026, 7, 8))
    assert deadline(opened, days(3)) == end_of(date(2026, 7, 10))


def test_across_a_weekend():
    opened = wib(2026, 7, 3, 16, 0)  # Friday
    assert deadline(opened, days(1)) == end_of(date(2026, 7, 6))  # Monday
    assert deadline(wib(2026, 7, 4, 10, 0), days(1)) == end_of(date(2026, 7, 6))  # opened Saturday


def test_across_independence_day():
    opened = wib(2026, 8, 14, 16, 0)  # Friday; 17 August is a Monday
    assert deadline(opened, days(1)) == end_of(date(2026, 8, 18))
    # 18, 19, 20, 21, 24 August; 25 August (Maulid Nabi) is skipped by a longer target
    assert deadline(opened, days(5)) == end_of(date(2026, 8, 24))
    assert deadline(opened, days(6)) == end_of(date(2026, 8, 26))


def test_across_christmas_and_cuti_bersama():
    opened = wib(2026, 12, 23, 11, 0)  # Wednesday; 25 December is a Friday
    assert deadline(opened, days(1)) == end_of(date(2026, 12, 24))
    assert deadline(opened, days(2)) == end_of(date(2026, 12, 28))
    with_leave = Target("hari_kerja", 1, EFFECTIVE, ("public", "government"))
    assert date(2026, 12, 24) in holidays_in(2026, ("public", "government"))
    assert deadline(opened, with_leave) == end_of(date(2026, 12, 28))


def test_across_idul_fitri():
    assert deadline(wib(2025, 3, 28, 10, 0), days(1)) == end_of(date(2025, 4, 2))  # Eid: 31 Mar, 1 Apr
    opened = wib(2026, 3, 18, 10, 0)  # Wednesday before Nyepi (19 March) and Idul Fitri
    assert deadline(opened, days(1)) == end_of(date(2026, 3, 20))
    leave = Target("hari_kerja", 1, EFFECTIVE, ("public", "government"))
    assert deadline(opened, leave) == end_of(date(2026, 3, 25))  # 20, 23, 24 March: cuti bersama


def test_working_days_are_counted_in_wib_unless_told():
    opened = datetime(2026, 7, 3, 18, 0, tzinfo=timezone.utc)  # Saturday 01:00 in WIB
    assert deadline(opened, days(1)) == end_of(date(2026, 7, 6))
    in_utc = deadline(opened, days(1), tz=timezone.utc)  # still Friday in UTC
    assert in_utc == datetime.combine(date(2026, 7, 6), time.max, timezone.utc)
    assert deadline(wib(2026, 7, 7, 9), days(1)).utcoffset() == timedelta(hours=7)


def test_first_response_is_24_wall_clock_hours_weekends_included():
    opened = wib(2026, 8, 15, 20, 0)  # Saturday
    target = first_response_target("pengaduan", opened)
    assert (target.unit, target.amount) == ("jam", 24)
    assert deadline(opened, target) == wib(2026, 8, 16, 20, 0)


# --- properties of deadlines --------------------------------------------------------------------

@sla_settings
@given(moments, working_days)
def test_a_working_day_deadline_falls_on_a_working_day_at_its_end(opened, n):
    due = deadline(opened, days(n))
    assert is_working_day(due.date())
    assert due.time() == time.max and due.tzinfo == WIB


@sla_settings
@given(moments, working_days, working_days)
def test_more_working_days_never_give_an_earlier_deadline(opened, n, m):
    low, high = sorted((n, m))
    assert deadline(opened, days(low)) <= deadline(opened, days(high))
    if low < high:
        assert deadline(opened, days(low)) < deadline(opened, days(high))


@sla_settings
@given(moments, durations, working_days)
def test_opening_later_never_gives_an_earlier_deadline(opened, later, n):
    assert deadline(opened, days(n)) <= deadline(opened + later, days(n))


@sla_settings
@given(moments, working_days)
def test_n_working_days_span_at_least_n_calendar_days(opened, n):
    due, first = deadline(opened, days(n)), opened.astimezone(WIB).date()
    assert (due.date() - first).days >= n
    # and exactly n of the days after the opening day up to the deadline are working days
    span = [first + timedelta(days=k) for k in range(1, (due.date() - first).days + 1)]
    assert sum(is_working_day(day) for day in span) == n


pauses = st.lists(st.tuples(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)), durations),
                  max_size=4)


def as_pauses(opened, offsets):
    return [(opened + offset, opened + offset + length) for offset, length in offsets]


@sla_settings
@given(moments, working_days, hours_targets, pauses)
def test_pauses_never_make_a_deadline_earlier(opened, n, h, offsets):
    intervals = as_pauses(opened, offsets)
    for target in (days(n), hours(h)):
        assert deadline(opened, target, intervals) >= deadline(opened, target)
    assert is_working_day(deadline(opened, days(n), intervals).date())


@sla_settings
@given(moments, working_days, pauses, pauses)
def test_more_pausing_never_gives_an_earlier_deadline(opened, n, some, more):
    first = as_pauses(opened, some)
    assert deadline(opened, days(n), first) <= deadline(opened, days(n), first + as_pauses(opened, more))


@sla_settings
@given(moments, hours_targets, st.data())
def test_a_pause_of_p_moves_an_hours_deadline_by_exactly_p(opened, h, data):
    due = deadline(opened, hours(h))
    start = data.draw(st.datetimes(min_value=opened.replace(tzinfo=None),
                                   max_value=due.astimezone(opened.tzinfo).replace(tzinfo=None),
                                   timezones=st.just(opened.tzinfo)))
    length = data.draw(durations)
    assert deadline(opened, hours(h), [(start, start + length)]) == due + length


@sla_settings
@given(moments, working_days, st.data())
def test_a_pause_gives_back_exactly_the_working_time_it_took(opened, n, data):
    due = deadline(opened, days(n))
    start = data.draw(st.datetimes(min_value=opened.astimezone(WIB).replace(tzinfo=None),
                                   max_value=due.replace(tzinfo=None), timezones=st.just(WIB)))
    end = start + data.draw(durations)
    moved = deadline(opened, days(n), [(start, end)])
    assert working_time(due, moved) == working_time(start, end)
    assert is_working_day(moved.date())


@sla_settings
@given(moments, working_days, hours_targets, durations, durations)
def test_a_pause_after_the_deadline_changes_nothing(opened, n, h, gap, length):
    for target in (days(n), hours(h)):
        due = deadline(opened, target)
        start = due + timedelta(microseconds=1) + gap
        assert deadline(opened, target, [(start, start + length)]) == due


def test_a_pause_across_a_weekend_gives_back_only_working_time():
    opened = wib(2026, 7, 6, 9, 0)  # Monday; 3 working days → Thursday 9 July
    pause = (wib(2026, 7, 9, 12, 0), wib(2026, 7, 10, 12, 0))  # Thursday noon → Friday noon
    left = end_of(date(2026, 7, 9)) - pause[0]  # what was left when the pause began
    assert deadline(opened, days(3), [pause]) == pause[1] + left
    weekend = (wib(2026, 7, 9, 12, 0), wib(2026, 7, 13, 12, 0))  # → Monday noon: Fri counts, Sat/Sun don't
    assert deadline(opened, days(3), [weekend]) == end_of(date(2026, 7, 13))


def test_an_open_pause_counts_up_to_now():
    opened = wib(2026, 7, 6, 9, 0)
    start, now = wib(2026, 7, 6, 10, 0), wib(2026, 7, 6, 15, 0)
    target = hours(24)
    assert deadline(opened, target, [(start, None)], now=now) == deadline(opened, target, [(start, now)])
    assert deadline(opened, target, [(start, None)], now=now) == wib(2026, 7, 7, 14, 0)
    with pytest.raises(RuleError) as error:
        deadline(opened, target, [(start, None)])
    assert error.value.code == "now"


def test_overlapping_pauses_count_once_and_time_before_opening_not_at_all():
    opened = wib(2026, 7, 6, 9, 0)
    overlapping = [(wib(2026, 7, 6, 10, 0), wib(2026, 7, 6, 12, 0)),
                   (wib(2026, 7, 6, 11, 0), wib(2026, 7, 6, 13, 0))]
    assert deadline(opened, hours(24), overlapping) == wib(2026, 7, 7, 12, 0)
    before = [(wib(2026, 7, 5, 9, 0), wib(2026, 7, 6, 10, 0))]
    assert deadline(opened, hours(24), before) == wib(2026, 7, 7, 10, 0)


def test_bad_input_is_refused_with_codes():
    opened = wib(2026, 7, 6, 9, 0)
    cases = [
        (lambda: deadline(datetime(2026, 7, 6, 9, 0), days(1)), "naive"),
        (lambda: deadline(opened, days(0)), "target"),
        (lambda: deadline(opened, Target("minggu", 1, EFFECTIVE)), "target"),
        (lambda: deadline(opened, hours(24), [(wib(2026, 7, 7), wib(2026, 7, 6))]), "pause"),
        (lambda: resolution_target("pengaduan", "cuaca", opened), "category"),
        (lambda: resolution_target("surat", None, opened), "kind"),
        (lambda: sla_table_on(date(2024, 12, 31)), "no_sla"),
        (lambda: working_day_after(date(2026, 7, 6), -1), "target"),
    ]
    for call, code in cases:
        with pytest.raises(RuleError) as error:
            call()
        assert error.value.code == code


# --- remaining and met --------------------------------------------------------------------------

def test_remaining_gives_a_coarse_unit_and_number():
    due = wib(2026, 7, 7, 12, 0)
    left = remaining(due, due - timedelta(hours=5, minutes=59))
    assert left.coarse == ("jam", 5) and left.seconds == 5 * 3600 + 59 * 60 and not left.breached
    assert remaining(due, due - timedelta(days=2, hours=23)).coarse == ("hari", 2)
    assert remaining(due, due - timedelta(minutes=42, seconds=10)).coarse == ("menit", 42)
    assert remaining(due, due - timedelta(seconds=20)).coarse == ("menit", 1)  # never 0 while time is left
    assert remaining(due, due).coarse == ("menit", 0) and not remaining(due, due).breached
    late = remaining(due, due + timedelta(hours=3, minutes=1))
    assert late.breached and late.seconds < 0 and late.coarse == ("jam", 3)
    assert remaining(due, due + timedelta(microseconds=1)).breached
    assert remaining(due, due, paused=True).paused and not remaining(due, due).paused


@sla_settings
@given(moments, st.timedeltas(min_value=timedelta(days=-30), max_value=timedelta(days=30)))
def test_remaining_agrees_with_met(due, offset):
    now = due - offset
    left = remaining(due, now)
    assert left.breached == (not met(due, now))
    assert left.breached == (left.seconds < 0 or (left.seconds == 0 and now > due))
    if not left.breached and now < due:
        assert left.amount >= 1


def test_met():
    due = wib(2026, 7, 7, 12, 0)
    assert met(due, due) and met(due, due - timedelta(days=1))
    assert not met(due, due + timedelta(microseconds=1))
    assert not met(due, None)
    assert met(due, due.astimezone(timezone.utc))  # the same instant in another zone


# --- SLA tables ---------------------------------------------------------------------------------

def test_every_kind_and_category_has_a_resolution_target():
    opened = wib(2026, 7, 6, 9, 0)
    assert resolution_target("informasi", None, opened).amount == 3
    assert resolution_target("konsultasi", None, opened).amount == 5
    assert resolution_target("klaim", None, opened).amount == 14
    for category in CATEGORIES:
        assert 5 <= resolution_target("pengaduan", category, opened).amount <= 14
        for kind in KINDS:
            target = resolution_target(kind, category, opened)
            assert target.unit == "hari_kerja" and target.effective_from == EFFECTIVE
    assert resolution_target("pengaduan", "diminta_membayar", opened).amount == 14


def test_first_response_is_promised_for_tickets_not_claims():
    opened = wib(2026, 7, 6, 9, 0)
    assert first_response_target("klaim", opened) is None
    for kind in ("pengaduan", "informasi", "konsultasi"):
        assert first_response_target(kind, opened) == Target("jam", 24, EFFECTIVE)
    assert "not a BPJS" in sla.__doc__  # our own promise, said so


def test_the_table_in_force_is_the_latest_started():
    newer = SlaTable(date(2027, 1, 1), first_response_hours=12,
                     resolution_working_days={"informasi": 2, ("pengaduan", "obat"): 3, "pengaduan": 9})
    tables = (newer,) + SLA_TABLES  # any order
    assert sla_table_on(date(2026, 12, 31), tables) == SLA_TABLES[0]
    assert sla_table_on(wib(2027, 1, 1, 0, 0), tables) is newer
    # 31 Dec 2026 17:30 UTC is already 1 Jan 2027 in WIB
    assert sla_table_on(datetime(2026, 12, 31, 17, 30, tzinfo=timezone.utc), tables) is newer
    opened = wib(2027, 2, 1, 9, 0)
    assert first_response_target("informasi", opened, tables).amount == 12
    assert resolution_target("pengaduan", "obat", opened, tables) == Target("hari_kerja", 3, date(2027, 1, 1))
    assert resolution_target("pengaduan", "iuran", opened, tables).amount == 9  # the kind's own entry
    with pytest.raises(RuleError):
        resolution_target("klaim", None, opened, tables)


# --- states -------------------------------------------------------------------------------------

def test_the_transitions_table_is_sane():
    assert set(TRANSITIONS) == set(KINDS)
    for kind in KINDS:
        table = TRANSITIONS[kind]
        assert set(table) == set(STATES[kind])
        assert INITIAL_STATE[kind] in table
        for state, nexts in table.items():
            assert nexts <= set(STATES[kind]), (kind, state)
            assert state not in nexts and INITIAL_STATE[kind] not in nexts
        # from every state a closed state can be reached
        for state in table:
            seen, todo = set(), [state]
            while todo:
                current = todo.pop()
                seen.add(current)
                todo.extend(table[current] - seen)
            assert seen & set(CLOSED_STATES[kind]), (kind, state)
        for paused in PAUSED_STATES:
            assert paused in table and table[paused]
    assert CLOSED_STATES["klaim"] == ("ditolak", "dibayar")
    assert set(CLOSED_STATES["pengaduan"]) == {"selesai", "ditolak"}


def test_claims_follow_their_track():
    assert transition_allowed("klaim", "diajukan", "diverifikasi")
    assert transition_allowed("klaim", "diverifikasi", "disetujui")
    assert transition_allowed("klaim", "disetujui", "dibayar")
    assert not transition_allowed("klaim", "diajukan", "dibayar")  # no paying before approval
    assert not transition_allowed("klaim", "ditolak", "dibayar")
    assert not any(transition_allowed("klaim", "dibayar", state) for state in STATES["klaim"])
    assert reopen_state("klaim", "dibayar") is None and reopen_state("klaim", "ditolak") == "diverifikasi"


def test_tickets_follow_their_track():
    assert transition_allowed("pengaduan", "diterima", "ditanggapi")
    assert transition_allowed("informasi", "ditanggapi", "selesai")
    assert transition_allowed("konsultasi", "menunggu_peserta", "diproses")
    assert not transition_allowed("pengaduan", "selesai", "diproses")  # only by reopening
    assert not transition_allowed("pengaduan", "diterima", "dibayar")
    assert not transition_allowed("surat", "diterima", "ditanggapi")
    assert reopen_state("pengaduan", "selesai") == "diproses"
    assert reopen_state("pengaduan", "diproses") is None


def test_a_closed_case_may_be_reopened_up_to_day_seven():
    closed = wib(2026, 8, 3, 9, 0)
    assert may_reopen(closed, closed)
    assert may_reopen(closed, wib(2026, 8, 10, 23, 59))  # day 7
    assert not may_reopen(closed, wib(2026, 8, 11, 0, 0))  # day 8
    assert not may_reopen(closed, wib(2026, 8, 2, 23, 0))  # before it closed
    late_utc = datetime(2026, 8, 3, 20, 0, tzinfo=timezone.utc)  # 4 August 03:00 WIB
    assert may_reopen(late_utc, wib(2026, 8, 11, 12, 0))
    with pytest.raises(RuleError):
        may_reopen(datetime(2026, 8, 3), closed)


@sla_settings
@given(moments, st.integers(min_value=0, max_value=30))
def test_reopening_is_allowed_exactly_within_seven_days(closed, after):
    day = closed.astimezone(WIB).date() + timedelta(days=after)
    now = datetime.combine(day, time(12, 0), WIB)
    assert may_reopen(closed, now) == (after <= 7)


# --- purity -------------------------------------------------------------------------------------

def test_the_rule_imports_nothing_from_the_app_or_the_web():
    tree = ast.parse(pathlib.Path(sla.__file__).read_text())
    names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    names += [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    for name in names:
        root = name.split(".")[0]
        assert root not in ("flask", "peewee", "playhouse"), name
        assert root != "app" or name.startswith("app.rules"), name
