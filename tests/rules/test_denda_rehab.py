"""Denda pelayanan and REHAB instalments: worked examples from the SPEC, the edges of every window,
and properties. Pure functions; the autouse fixture of conftest.py only wraps each test in the app.
"""
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.rules.contributions import (
    DENDA_CAP,
    DENDA_EFFECTIVE_FROM,
    DENDA_MAX_MONTHS,
    DENDA_PERCENT,
    DENDA_WINDOW_DAYS,
    REHAB_MAX_ARREARS,
    REHAB_MAX_INSTALMENTS,
    REHAB_MIN_ARREARS,
    RuleError,
    add_months,
    denda,
    denda_applies,
    denda_calculation,
    month_of,
    rehab_eligible,
    rehab_instalment_counts,
    rehab_schedule,
)

# The autouse `_isolated` fixture is function-scoped; it only opens a transaction nobody uses here.
rules_settings = settings(max_examples=200, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])

REACTIVATED = date(2026, 3, 2)


def error_code(function, *args):
    with pytest.raises(RuleError) as raised:
        function(*args)
    return raised.value.code


def test_the_constants_are_the_perpres_64_2020_figures():
    assert (DENDA_PERCENT, DENDA_MAX_MONTHS, DENDA_CAP, DENDA_WINDOW_DAYS) == (5, 12, 30_000_000, 45)
    assert DENDA_EFFECTIVE_FROM == date(2021, 1, 1)
    assert (REHAB_MIN_ARREARS, REHAB_MAX_ARREARS, REHAB_MAX_INSTALMENTS) == (4, 24, 12)


# --- denda: worked examples ---------------------------------------------------------------------

def test_denda_worked_example_from_the_spec():
    assert denda(3, 20_000_000) == 5 * 20_000_000 * 3 // 100 == 3_000_000


def test_only_12_months_count():
    assert denda(15, 20_000_000) == denda(12, 20_000_000) == 12_000_000
    assert denda_calculation(15, 20_000_000).months_counted == 12


def test_a_large_tariff_is_capped_at_30_million():
    calculation = denda_calculation(12, 80_000_000)
    assert (calculation.uncapped, calculation.amount, calculation.capped) == (48_000_000, 30_000_000, True)
    assert denda(12, 80_000_000) == DENDA_CAP


def test_exactly_the_cap_is_not_marked_capped():
    calculation = denda_calculation(12, 50_000_000)
    assert calculation.amount == calculation.uncapped == 30_000_000 and not calculation.capped


@pytest.mark.parametrize("months, tariff", [(0, 20_000_000), (5, 0), (0, 0)])
def test_no_arrears_or_no_tariff_no_denda(months, tariff):
    assert denda(months, tariff) == 0


def test_denda_is_floored_to_whole_rupiah():
    assert denda(1, 19) == 0  # 0.95
    assert denda(1, 39) == 1  # 1.95
    assert denda(3, 1_234_567) == 185_185  # 185.185,05


@pytest.mark.parametrize("months, tariff", [
    (-1, 20_000_000), (3, -1), (3.0, 20_000_000), (3, 2e7), ("3", 20_000_000), (True, 20_000_000),
    (3, None),
])
def test_denda_refuses_negative_or_non_integer_input(months, tariff):
    assert error_code(denda, months, tariff) == "amount"


# --- denda: the 45-day window -------------------------------------------------------------------

@pytest.mark.parametrize("days_after, applies", [
    (-1, False), (0, True), (1, True), (44, True), (45, True), (46, False), (400, False),
])
def test_denda_applies_only_within_45_days_after_reactivation(days_after, applies):
    assert denda_applies(REACTIVATED, REACTIVATED + timedelta(days=days_after)) is applies


def test_window_counts_calendar_days_across_months_and_years():
    assert denda_applies(date(2026, 12, 1), date(2027, 1, 15))  # 45 days
    assert not denda_applies(date(2026, 12, 1), date(2027, 1, 16))


# --- REHAB --------------------------------------------------------------------------------------

@pytest.mark.parametrize("arrears, eligible", [
    (0, False), (3, False), (4, True), (12, True), (24, True), (25, False), (-5, False),
    (4.0, False), ("4", False), (None, False),
])
def test_rehab_eligibility_edges(arrears, eligible):
    assert rehab_eligible(arrears) is eligible


@pytest.mark.parametrize("arrears, counts", [
    (3, range(0)), (4, range(2, 5)), (7, range(2, 8)), (12, range(2, 13)), (13, range(2, 13)),
    (24, range(2, 13)), (25, range(0)),
])
def test_rehab_instalment_counts(arrears, counts):
    assert rehab_instalment_counts(arrears) == counts


def test_schedule_of_six_months_of_kelas_3_arrears_for_three_people():
    # 6 months × 3 people × Rp35.000 + the current month = Rp735.000, in 4 instalments
    assert rehab_schedule(735_000, 4, date(2026, 11, 10)) == [
        (date(2026, 11, 10), 183_750), (date(2026, 12, 10), 183_750),
        (date(2027, 1, 10), 183_750), (date(2027, 2, 10), 183_750)]


def test_schedule_remainder_goes_to_the_first_instalment():
    assert rehab_schedule(100_000, 3, date(2026, 1, 10)) == [
        (date(2026, 1, 10), 33_334), (date(2026, 2, 10), 33_333), (date(2026, 3, 10), 33_333)]


def test_schedule_of_one_instalment_is_the_whole_amount():
    assert rehab_schedule(420_000, 1, date(2026, 5, 10)) == [(date(2026, 5, 10), 420_000)]


def test_schedule_of_twelve_instalments_runs_a_year():
    schedule = rehab_schedule(1_000_000, 12, date(2026, 2, 10))
    assert [due for due, _ in schedule][-1] == date(2027, 1, 10)
    assert [amount for _, amount in schedule] == [83_337] + [83_333] * 11


def test_schedule_keeps_a_late_day_within_short_months():
    dates = [due for due, _ in rehab_schedule(400, 4, date(2026, 1, 31))]
    assert dates == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]


@pytest.mark.parametrize("total, instalments, code", [
    (100_000, 0, "instalments"), (100_000, 13, "instalments"), (100_000, -1, "instalments"),
    (100_000, 2.0, "instalments"), (100_000, True, "instalments"),
    (0, 2, "amount"), (-100, 2, "amount"), (100.5, 2, "amount"), (5, 12, "amount"),
])
def test_schedule_refuses_bad_input(total, instalments, code):
    assert error_code(rehab_schedule, total, instalments, date(2026, 1, 10)) == code


# --- properties ---------------------------------------------------------------------------------

first_dues = st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)).map(
    lambda day: day.replace(day=10))


@rules_settings
@given(instalments=st.integers(1, 12), extra=st.integers(0, 50_000_000), first_due=first_dues)
def test_property_schedule_sums_exactly_with_monthly_dates(instalments, extra, first_due):
    total = instalments + extra
    schedule = rehab_schedule(total, instalments, first_due)
    dates, amounts = [due for due, _ in schedule], [amount for _, amount in schedule]
    assert len(schedule) == instalments
    assert sum(amounts) == total
    assert all(isinstance(amount, int) and amount >= 1 for amount in amounts)
    assert max(amounts) - min(amounts) <= total % instalments
    assert amounts[0] == max(amounts) and len(set(amounts[1:])) <= 1
    assert dates[0] == first_due and all(due.day == 10 for due in dates)
    assert all(later > earlier and month_of(later) == add_months(earlier, 1)
               for earlier, later in pairwise(dates))


@rules_settings
@given(arrears=st.integers(-5, 40))
def test_property_instalment_counts_follow_eligibility(arrears):
    counts = rehab_instalment_counts(arrears)
    assert bool(counts) == rehab_eligible(arrears) == (3 < arrears <= 24)
    if counts:
        assert counts[0] == 2 and counts[-1] == min(12, arrears)


tariffs = st.integers(0, 1_000_000_000)
months = st.integers(0, 200)


@rules_settings
@given(months=months, more_months=st.integers(0, 20), tariff=tariffs, more_tariff=st.integers(0, 10**8))
def test_property_denda_is_monotone_and_capped(months, more_months, tariff, more_tariff):
    amount = denda(months, tariff)
    assert 0 <= amount <= DENDA_CAP
    assert denda(months + more_months, tariff) >= amount
    assert denda(months, tariff + more_tariff) >= amount
    assert amount == min(DENDA_CAP, tariff * 5 * min(months, 12) // 100)


@rules_settings
@given(months=st.integers(12, 10**9), tariff=tariffs)
def test_property_months_beyond_12_change_nothing(months, tariff):
    assert denda(months, tariff) == denda(12, tariff)
