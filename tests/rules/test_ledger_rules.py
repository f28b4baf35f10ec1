"""standing_from_unsettled (what the stored ledger reads) equals status_on's own walk over every month,
and the dated denda rules."""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules import contributions as rules

COVER = date(2022, 3, 1)


@st.composite
def histories(draw):
    """(day, paid: month → the date it became fully paid) around COVER."""
    day = COVER + timedelta(days=draw(st.integers(-40, 1500)))
    months = rules.months_from(rules.add_months(COVER, -2), rules.add_months(rules.month_of(day), 3))
    paid = {}
    for month in months:
        if draw(st.booleans()):
            paid[month] = month + timedelta(days=draw(st.integers(-200, 400)))
    return day, paid


def compact(day, paid):
    """The ledger's compact form of `paid` on `day` (see standing_from_unsettled)."""
    current = rules.month_of(day)
    unsettled = [m for m in rules.months_from(COVER, current) if m not in paid or paid[m] > day]
    settled = [on for month, on in paid.items() if month >= COVER]
    previous = paid.get(rules.add_months(current, -1))
    return (unsettled, min(settled) if settled else None,
            previous if previous is not None and previous <= day else None)


@given(histories())
def test_the_compact_standing_is_the_walk_over_every_month(history):
    day, paid = history
    assert rules.standing_from_unsettled(day, COVER, *compact(day, paid)) == rules._standing(day, COVER, paid)


def test_more_than_24_months_paid_after_an_unpaid_month_write_it_off():
    day = date(2025, 6, 15)
    paid = {m: m for m in rules.months_from(date(2022, 4, 1), date(2025, 6, 1))}  # March 2022 unpaid
    assert rules.standing_from_unsettled(day, COVER, *compact(day, paid)) == ("aktif", ())


def test_the_denda_rule_in_force_is_the_latest_before_the_day():
    newer = rules.DendaRule(date(2027, 1, 1), percent=4, max_months=10, cap=25_000_000, window_days=30)
    table = (rules.DENDA_RULES[0], newer)
    assert rules.denda_rule_on(date(2026, 12, 31), table) == rules.DENDA_RULES[0]
    assert rules.denda_rule_on(date(2027, 1, 1), table) == newer
    assert rules.denda(15, 80_000_000, newer) == 25_000_000  # 4 % × 80 jt × 10 = 32 jt, capped
    assert rules.denda(3, 20_000_000, newer) == 2_400_000
    assert rules.denda_applies(date(2027, 1, 1), date(2027, 1, 31), newer)
    assert not rules.denda_applies(date(2027, 1, 1), date(2027, 2, 1), newer)
    with pytest.raises(rules.RuleError):
        rules.denda_rule_on(date(2020, 1, 1), table)
