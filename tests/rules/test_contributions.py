"""Iuran rules: rates by dated table, PPU shares, status (aktif / tunggakan / menunggu), the cost of
reactivation and how a payment is allocated. Pure functions; the autouse fixture of conftest.py
only wraps each test in the test app.
"""
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.rules.contributions import (
    RATE_TABLES,
    RateTable,
    RuleError,
    Status,
    add_months,
    allocate,
    arrears_counted,
    due_date,
    effective_dates,
    family_monthly_due,
    month_of,
    months_from,
    person_share,
    ppu_contribution,
    rate_table_on,
    reactivation_amount,
    status_on,
)

TABLE_2020, TABLE_2021 = RATE_TABLES
COVER = date(2026, 1, 1)
AUG, SEP, OCT, NOV, DEC = (date(2026, month, 1) for month in (8, 9, 10, 11, 12))

# The autouse `_isolated` fixture is function-scoped; it only opens a transaction nobody uses here.
rules_settings = settings(max_examples=200, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])


def error_code(function, *args, **kwargs):
    with pytest.raises(RuleError) as raised:
        function(*args, **kwargs)
    return raised.value.code


def paid_on_the_5th(first, last):
    """Each month first..last paid on its 5th: on time."""
    return {month: month.replace(day=5) for month in months_from(first, last)}


def pbpu(day, paid, cover_start=COVER, **kwargs):
    return status_on(day, "PBPU", cover_start, paid, **kwargs)


# --- tables -------------------------------------------------------------------------------------

def test_rate_tables_oldest_first_with_the_perpres_figures():
    assert [table.effective_from for table in RATE_TABLES] == [date(2020, 7, 1), date(2021, 1, 1)]
    for table in RATE_TABLES:
        assert dict(table.class_rates) == {1: 150_000, 2: 100_000, 3: 42_000}
        assert (table.pbi_rate, table.ppu_employer_percent, table.ppu_worker_percent,
                table.ppu_wage_ceiling) == (42_000, 4, 1, 12_000_000)
    assert (TABLE_2020.class3_government_share, TABLE_2021.class3_government_share) == (16_500, 7_000)


@pytest.mark.parametrize("day, effective_from", [
    (date(2020, 7, 1), date(2020, 7, 1)),
    (date(2020, 12, 31), date(2020, 7, 1)),
    (date(2021, 1, 1), date(2021, 1, 1)),
    (date(2026, 11, 25), date(2021, 1, 1)),
])
def test_rate_table_on_edges(day, effective_from):
    assert rate_table_on(day).effective_from == effective_from


def test_no_rate_before_the_first_table():
    assert error_code(rate_table_on, date(2020, 6, 30)) == "no_rate"
    assert error_code(rate_table_on, date(2026, 1, 1), ()) == "no_rate"
    assert error_code(family_monthly_due, "PBPU", 3, 1, date(2020, 6, 1)) == "no_rate"


def test_a_version_added_later_applies_from_its_date_in_any_order():
    raised = RateTable(date(2027, 4, 1), {1: 160_000, 2: 110_000, 3: 50_000}, 10_000, 50_000)
    tables = (raised, *RATE_TABLES)
    assert rate_table_on(date(2027, 3, 31), tables) == TABLE_2021
    assert rate_table_on(date(2027, 4, 1), tables) == raised
    assert family_monthly_due("PBPU", 3, 2, date(2027, 3, 1), tables) == 70_000
    assert family_monthly_due("PBPU", 3, 2, date(2027, 4, 1), tables) == 80_000


def test_a_billing_month_is_priced_by_the_table_of_its_first_day():
    assert family_monthly_due("PBPU", 3, 1, date(2020, 12, 31)) == 25_500
    late_in_month = RateTable(date(2027, 4, 15), {1: 1, 2: 1, 3: 1}, 0, 1)
    assert family_monthly_due("PBPU", 3, 1, date(2027, 4, 20), (*RATE_TABLES, late_in_month)) == 35_000


def test_effective_dates_name_every_table_used():
    assert effective_dates([date(2020, 12, 1), date(2021, 1, 1), date(2021, 2, 1)]) == (
        date(2020, 7, 1), date(2021, 1, 1))
    assert effective_dates([NOV]) == (date(2021, 1, 1),)


# --- amounts: worked examples -------------------------------------------------------------------

def test_pbpu_kelas_3_family_of_three_in_november_2026():
    assert family_monthly_due("PBPU", 3, 3, NOV) == 3 * 35_000 == 105_000


def test_pbpu_kelas_3_family_of_three_in_september_2020_at_the_2020_table():
    assert family_monthly_due("PBPU", 3, 3, date(2020, 9, 1)) == 3 * 25_500 == 76_500


@pytest.mark.parametrize("segment", ["PBPU", "BP"])
@pytest.mark.parametrize("care_class, members, due", [(1, 2, 300_000), (2, 2, 200_000), (3, 1, 35_000)])
def test_family_va_segments_pay_per_member(segment, care_class, members, due):
    assert family_monthly_due(segment, care_class, members, NOV) == due


@pytest.mark.parametrize("segment", ["PBI", "PPU"])
def test_pbi_and_ppu_pay_nothing_through_the_va(segment):
    assert family_monthly_due(segment, None, 4, NOV) == 0
    assert person_share(segment, 3, TABLE_2021, wage=5_000_000) == 0


def test_person_share_kelas_3_minus_government_share():
    assert person_share("PBPU", 3, TABLE_2021) == 35_000
    assert person_share("BP", 3, TABLE_2020) == 25_500
    assert person_share("PBPU", 1, TABLE_2020) == 150_000  # the subsidy is for kelas 3 only


@pytest.mark.parametrize("wage, parts", [
    (15_000_000, (480_000, 120_000)),  # capped at the 12.000.000 ceiling
    (12_000_000, (480_000, 120_000)),
    (5_000_000, (200_000, 50_000)),
    (1_234_567, (49_382, 12_345)),  # floor division, never a float
    (0, (0, 0)),
])
def test_ppu_contribution(wage, parts):
    assert ppu_contribution(wage, TABLE_2021) == parts


@pytest.mark.parametrize("wage", [-1, 5_000_000.0, True, None])
def test_ppu_contribution_refuses_a_wage_that_is_not_integer_rupiah(wage):
    assert error_code(ppu_contribution, wage, TABLE_2021) == "amount"


@pytest.mark.parametrize("segment, care_class, code", [
    ("MANDIRI", 3, "segment"), ("", 3, "segment"), (None, 3, "segment"),
    ("PBPU", None, "class"), ("BP", 0, "class"), ("PBPU", 4, "class"), ("PBPU", "3", "class"),
    ("PBPU", True, "class"),
])
def test_person_share_errors(segment, care_class, code):
    assert error_code(person_share, segment, care_class, TABLE_2021) == code


@pytest.mark.parametrize("members", [0, -1, 1.0, True])
def test_family_monthly_due_needs_a_whole_number_of_members(members):
    assert error_code(family_monthly_due, "PBPU", 3, members, NOV) == "members"


def test_rule_error_is_a_value_error_carrying_its_code():
    error = RuleError("class")
    assert isinstance(error, ValueError) and error.code == "class"


# --- months -------------------------------------------------------------------------------------

def test_month_helpers():
    assert month_of(date(2026, 11, 25)) == NOV
    assert add_months(NOV, 2) == date(2027, 1, 1)
    assert add_months(NOV, -11) == date(2025, 12, 1)
    assert add_months(NOV, 0) == NOV
    assert months_from(OCT, DEC) == [OCT, NOV, DEC]
    assert months_from(NOV, NOV) == [NOV]
    assert months_from(DEC, NOV) == []
    assert due_date(NOV) == date(2026, 11, 10)


# --- status: worked examples --------------------------------------------------------------------

def test_all_paid_through_october_is_aktif_on_25_november():
    status = pbpu(date(2026, 11, 25), paid_on_the_5th(COVER, OCT))
    assert status == Status("aktif", date(2026, 1, 5), ())  # cover began with the first payment


def test_october_unpaid_suspends_from_1_november():
    paid = paid_on_the_5th(COVER, SEP)
    assert pbpu(date(2026, 10, 31), paid).code == "aktif"
    assert pbpu(date(2026, 11, 1), paid) == Status("nonaktif_tunggakan", NOV, (OCT,))


def test_october_paid_on_its_last_day_keeps_cover():
    paid = {**paid_on_the_5th(COVER, SEP), OCT: date(2026, 10, 31)}
    assert pbpu(date(2026, 11, 1), paid).code == "aktif"
    assert pbpu(date(2026, 11, 30), paid).code == "aktif"  # November is due but not yet late
    assert pbpu(date(2026, 12, 1), paid) == Status("nonaktif_tunggakan", DEC, (NOV,))


def test_october_paid_on_1_november_is_suspended_until_november_is_paid():
    paid = {**paid_on_the_5th(COVER, SEP), OCT: date(2026, 11, 1)}
    assert pbpu(date(2026, 10, 31), paid).code == "aktif"
    assert pbpu(date(2026, 11, 1), paid) == Status("nonaktif_tunggakan", NOV, ())
    assert pbpu(date(2026, 11, 20), paid) == Status("nonaktif_tunggakan", NOV, ())
    paid[NOV] = date(2026, 11, 20)
    assert pbpu(date(2026, 11, 20), paid) == Status("aktif", date(2026, 11, 20), ())
    assert pbpu(date(2026, 12, 31), paid) == Status("aktif", date(2026, 11, 20), ())


def test_reactivated_cover_counts_since_the_payment_that_cleared_everything():
    paid = {**paid_on_the_5th(COVER, SEP), OCT: date(2026, 11, 3), NOV: date(2026, 11, 8)}
    assert pbpu(date(2026, 11, 3), paid) == Status("nonaktif_tunggakan", NOV, ())
    assert pbpu(date(2026, 11, 25), paid) == Status("aktif", date(2026, 11, 8), ())


@pytest.mark.parametrize("paid_day", [10, 11])
@pytest.mark.parametrize("day", [date(2026, 10, 10), date(2026, 10, 11), date(2026, 10, 31),
                                 date(2026, 11, 5), date(2026, 11, 30)])
def test_paying_after_the_due_date_is_not_a_suspension_by_itself(paid_day, day):
    paid = {**paid_on_the_5th(COVER, SEP), OCT: date(2026, 10, paid_day)}
    assert pbpu(day, paid) == Status("aktif", date(2026, 1, 5), ())


def test_three_months_of_arrears():
    status = pbpu(date(2026, 11, 25), paid_on_the_5th(COVER, date(2026, 7, 1)))
    assert status == Status("nonaktif_tunggakan", SEP, (AUG, SEP, OCT))


def test_a_payment_dated_after_the_day_does_not_count_yet():
    paid = {**paid_on_the_5th(COVER, SEP), OCT: date(2026, 11, 26)}
    assert pbpu(date(2026, 11, 25), paid) == Status("nonaktif_tunggakan", NOV, (OCT,))
    assert pbpu(date(2026, 11, 26), paid) == Status("nonaktif_tunggakan", NOV, ())
    assert pbpu(date(2026, 1, 4), {COVER: date(2026, 1, 5)}).code == "menunggu_pembayaran"


def test_since_goes_back_to_the_suspension_still_running():
    """August paid late (on 20 September) while September stayed unpaid: cover never came back, so
    the suspension runs from 1 September although the oldest unpaid month is now September."""
    paid = {**paid_on_the_5th(COVER, date(2026, 7, 1)), AUG: date(2026, 9, 20)}
    assert pbpu(date(2026, 11, 25), paid) == Status("nonaktif_tunggakan", SEP, (SEP, OCT))


def test_holes_count_as_arrears_even_with_later_months_paid():
    paid = paid_on_the_5th(COVER, OCT)
    del paid[date(2026, 3, 1)]
    assert pbpu(date(2026, 11, 25), paid) == Status("nonaktif_tunggakan", date(2026, 4, 1),
                                                   (date(2026, 3, 1),))


@pytest.mark.parametrize("segment", ["PBI", "PPU"])
def test_pbi_and_ppu_are_aktif_without_va_payments(segment):
    assert status_on(date(2026, 11, 25), segment, COVER, {}) == Status("aktif", COVER, ())
    assert status_on(date(2026, 11, 25), segment, None, {}) == Status("aktif", None, ())


def test_no_payment_yet_is_awaiting_payment_and_lists_what_the_first_payment_covers():
    assert pbpu(date(2026, 1, 20), {}) == Status("menunggu_pembayaran", None, ())
    assert pbpu(date(2026, 3, 20), {}) == Status("menunggu_pembayaran", None,
                                                 (date(2026, 1, 1), date(2026, 2, 1)))
    assert pbpu(date(2026, 11, 25), {}, cover_start=None) == Status("menunggu_pembayaran", None, ())


def test_before_cover_starts_even_a_paid_family_is_awaiting():
    paid = {COVER: date(2025, 12, 20)}
    assert pbpu(date(2025, 12, 25), paid) == Status("menunggu_pembayaran", None, ())
    assert pbpu(date(2026, 1, 1), paid) == Status("aktif", COVER, ())


@pytest.mark.parametrize("segment", ["PBPU", "BP", "PBI", "PPU"])
def test_other_reason_wins(segment):
    paid = paid_on_the_5th(COVER, NOV)
    status = status_on(date(2026, 11, 25), segment, COVER, paid, other_reason="meninggal")
    assert status == Status("nonaktif_lain", None, (), "meninggal")


def test_status_of_an_unknown_segment():
    assert error_code(status_on, date(2026, 11, 25), "MANDIRI", COVER, {}) == "segment"


# --- reactivation -------------------------------------------------------------------------------

def test_three_arrears_and_the_current_month():
    day = date(2026, 11, 25)
    arrears = pbpu(day, paid_on_the_5th(COVER, date(2026, 7, 1))).arrears
    assert reactivation_amount(day, "PBPU", 3, 1, arrears, current_paid=False) == 4 * 35_000 == 140_000
    assert reactivation_amount(day, "PBPU", 3, 1, arrears, current_paid=True) == 105_000
    assert reactivation_amount(day, "BP", 1, 2, arrears, current_paid=False) == 4 * 300_000


def test_reactivation_counts_only_the_24_most_recent_months():
    day = date(2026, 11, 25)
    arrears = months_from(add_months(OCT, -29), OCT)
    assert len(arrears) == 30
    assert arrears_counted(arrears) == tuple(months_from(add_months(OCT, -23), OCT))
    assert reactivation_amount(day, "PBPU", 3, 1, arrears, current_paid=False) == 25 * 35_000


def test_arrears_counted_is_sorted_and_distinct():
    assert arrears_counted([OCT, AUG, OCT, SEP]) == (AUG, SEP, OCT)
    assert arrears_counted([]) == ()


def test_arrears_across_the_rate_change_each_at_its_own_table():
    day = date(2021, 2, 10)
    arrears = (date(2020, 12, 1), date(2021, 1, 1))
    assert reactivation_amount(day, "PBPU", 3, 1, arrears, False) == 25_500 + 35_000 + 35_000
    assert reactivation_amount(day, "PBPU", 3, 2, arrears, True) == 2 * (25_500 + 35_000)
    assert effective_dates([*arrears, month_of(day)]) == (date(2020, 7, 1), date(2021, 1, 1))


@pytest.mark.parametrize("segment", ["PBI", "PPU"])
def test_nothing_to_reactivate_for_pbi_and_ppu(segment):
    assert reactivation_amount(date(2026, 11, 25), segment, None, 3, (AUG, SEP), False) == 0


def test_reactivation_of_an_unknown_segment():
    assert error_code(reactivation_amount, date(2026, 11, 25), "X", 3, 1, (), True) == "segment"


def test_more_than_24_months_of_arrears_are_written_off_once_the_24_most_recent_are_paid():
    """30 unpaid months (May 2024 - Oct 2026): all are listed; paying the 24 most recent plus
    November reactivates, and the 6 oldest are no longer owed."""
    cover_start, day = date(2023, 1, 1), date(2026, 11, 25)
    paid = paid_on_the_5th(cover_start, date(2024, 4, 1))
    before = pbpu(day, paid, cover_start)
    assert before.code == "nonaktif_tunggakan" and len(before.arrears) == 30
    assert before.since == date(2024, 6, 1)
    paid.update({month: day for month in [*arrears_counted(before.arrears), NOV]})
    assert pbpu(day, paid, cover_start) == Status("aktif", day, ())


# --- allocate -----------------------------------------------------------------------------------

def test_allocate_exact_payment():
    assert allocate(105_000, [(AUG, 35_000), (SEP, 35_000), (OCT, 35_000)]) == (
        [(AUG, 35_000), (SEP, 35_000), (OCT, 35_000)], 0)


def test_allocate_overpayment_becomes_credit():
    assert allocate(150_000, [(AUG, 35_000), (SEP, 35_000)]) == ([(AUG, 35_000), (SEP, 35_000)], 80_000)


def test_allocate_partial_payment_goes_to_the_oldest_month():
    assert allocate(20_000, [(AUG, 35_000), (SEP, 35_000)]) == ([(AUG, 20_000)], 0)
    assert allocate(50_000, [(SEP, 35_000), (AUG, 35_000)]) == ([(AUG, 35_000), (SEP, 15_000)], 0)


def test_allocate_skips_settled_months_and_handles_nothing():
    assert allocate(35_000, [(AUG, 0), (SEP, 35_000)]) == ([(SEP, 35_000)], 0)
    assert allocate(0, [(AUG, 35_000)]) == ([], 0)
    assert allocate(35_000, []) == ([], 35_000)


@pytest.mark.parametrize("amount, outstanding", [
    (-1, [(AUG, 35_000)]),
    (35_000, [(AUG, -1)]),
    (35_000.0, [(AUG, 35_000)]),
    (35_000, [(AUG, 17_500.5)]),
])
def test_allocate_refuses_negative_or_fractional_money(amount, outstanding):
    assert error_code(allocate, amount, outstanding) == "amount"


# --- properties ---------------------------------------------------------------------------------

FIRST_MONTH = date(2020, 7, 1)  # the first month any table prices
months = st.integers(0, 200).map(lambda n: add_months(FIRST_MONTH, n))


@rules_settings
@given(amount=st.integers(0, 3_000_000),
       outstanding=st.lists(st.tuples(months, st.integers(0, 500_000)), max_size=30,
                            unique_by=lambda item: item[0]))
def test_property_allocate_keeps_every_rupiah_and_pays_oldest_first(amount, outstanding):
    applied, credit = allocate(amount, outstanding)
    owed = dict(outstanding)
    assert sum(share for _, share in applied) + credit == amount
    assert credit >= 0
    assert [month for month, _ in applied] == sorted({month for month, _ in applied})
    for month, share in applied:
        assert 0 < share <= owed[month]
        short_older = [m for m, o in outstanding if m < month and dict(applied).get(m, 0) < o]
        assert not short_older, "money went to a month while an older one is still short"
    if credit:
        assert all(dict(applied).get(month, 0) == o for month, o in outstanding)


@st.composite
def histories(draw):
    """(day, cover_start, paid) of a PBPU/BP family: up to 40 months, any of them unpaid (up to all),
    paid on time, late or early, some payments dated after the day."""
    day = draw(st.dates(min_value=FIRST_MONTH, max_value=date(2031, 12, 31)))
    since_first = (day.year - 2020) * 12 + day.month - 7
    cover_start = add_months(month_of(day), -draw(st.integers(0, min(40, since_first))))
    paid, habit = {}, draw(st.integers(0, 4))  # 0: never pays ... 4: pays every month
    for month in months_from(cover_start, add_months(month_of(day), 1)):
        if draw(st.integers(1, 4)) <= habit:
            paid[month] = month + timedelta(days=draw(st.integers(-25, 70)))
    return day, cover_start, paid


@rules_settings
@given(history=histories(), segment=st.sampled_from(["PBPU", "BP"]), care_class=st.integers(1, 3),
       members=st.integers(1, 8))
def test_property_paying_the_reactivation_amount_makes_the_family_aktif(history, segment, care_class,
                                                                        members):
    day, cover_start, paid = history
    current = month_of(day)
    status = status_on(day, segment, cover_start, paid)
    current_paid = current in paid and paid[current] <= day
    amount = reactivation_amount(day, segment, care_class, members, status.arrears, current_paid)
    bill = [(month, family_monthly_due(segment, care_class, members, month))
            for month in [*arrears_counted(status.arrears), *([] if current_paid else [current])]]
    applied, credit = allocate(amount, bill)
    assert credit == 0 and applied == bill
    paid = {**paid, **{month: day for month, _ in applied}}
    assert status_on(day, segment, cover_start, paid).code == "aktif"


@rules_settings
@given(history=histories(), extra=st.integers(-3, 45), extra_offset=st.integers(-25, 70))
def test_property_a_further_payment_never_suspends(history, extra, extra_offset):
    day, cover_start, paid = history
    month = add_months(cover_start, extra)
    if month in paid:
        return
    before = status_on(day, "PBPU", cover_start, paid)
    after = status_on(day, "PBPU", cover_start, {**paid, month: month + timedelta(days=extra_offset)})
    if before.code == "aktif":
        assert after.code == "aktif"
    assert set(after.arrears) <= set(before.arrears)


@rules_settings
@given(history=histories())
def test_property_status_is_consistent(history):
    day, cover_start, paid = history
    status = status_on(day, "BP", cover_start, paid)
    assert list(status.arrears) == sorted(set(status.arrears))
    assert all(cover_start <= month < month_of(day) for month in status.arrears)
    for month in status.arrears:
        assert month not in paid or paid[month] > day
    if status.since is not None:
        assert cover_start <= status.since <= day
        assert status_on(status.since - timedelta(days=1), "BP", cover_start, paid).code != status.code
    if status.code == "nonaktif_tunggakan" and status.arrears:  # suspended since the oldest unpaid
        first_payment = min(on for month, on in paid.items() if month >= cover_start and on <= day)
        assert status.since <= max(add_months(status.arrears[0], 1), first_payment)  # or awaiting
    if status.code == "aktif":
        assert status.arrears == ()


@rules_settings
@given(day=st.dates(min_value=date(1, 2, 1), max_value=date(9998, 11, 30)), n=st.integers(-1000, 1000))
def test_property_month_arithmetic_round_trips(day, n):
    month = month_of(day)
    assert month.day == 1 and (month.year, month.month) == (day.year, day.month)
    assert month_of(month) == month
    try:
        moved = add_months(month, n)
    except ValueError:  # beyond year 1 or 9999
        return
    assert moved.day == 1
    assert (moved.year * 12 + moved.month) - (month.year * 12 + month.month) == n
    assert add_months(moved, -n) == month
    assert month_of(add_months(day, n)) == moved
    span = months_from(month, moved)
    assert len(span) == (n + 1 if n >= 0 else 0)
    assert all(add_months(a, 1) == b for a, b in pairwise(span))


@rules_settings
@given(segment=st.sampled_from(["PBI", "PPU", "PBPU", "BP"]), care_class=st.integers(1, 3),
       members=st.integers(1, 50), month=months)
def test_property_family_due_is_linear_in_members(segment, care_class, members, month):
    one = family_monthly_due(segment, care_class, 1, month)
    assert family_monthly_due(segment, care_class, members, month) == members * one
    assert one >= 0 and isinstance(one, int)


@rules_settings
@given(wage=st.integers(0, 100_000_000))
def test_property_ppu_parts_are_integer_percentages_of_the_capped_wage(wage):
    employer, worker = ppu_contribution(wage, TABLE_2021)
    base = min(wage, 12_000_000)
    assert employer == base * 4 // 100 and worker == base // 100
    assert 0 <= base * 5 // 100 - (employer + worker) <= 1


def test_aktif_since_can_be_skipped_and_nothing_else_changes():
    from datetime import date as _date

    from app.rules.contributions import months_from, status_on

    paid = {m: m.replace(day=5) for m in months_from(_date(2021, 1, 1), _date(2026, 11, 1))}
    full = status_on(_date(2026, 11, 25), "PBPU", _date(2021, 1, 1), paid)
    quick = status_on(_date(2026, 11, 25), "PBPU", _date(2021, 1, 1), paid, aktif_since=False)
    assert (full.code, full.since) == ("aktif", _date(2021, 1, 5))
    assert (quick.code, quick.since, quick.arrears) == ("aktif", None, full.arrears)
    unpaid = {m: on for m, on in paid.items() if m < _date(2026, 8, 1)}
    assert status_on(_date(2026, 11, 25), "PBPU", _date(2021, 1, 1), unpaid, aktif_since=False).since == (
        _date(2026, 9, 1))
