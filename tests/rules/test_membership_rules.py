"""Who may change what and when (pure rules), at the edge dates."""
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.rules.membership import (
    class_change,
    fktp_change,
    member_problems,
    months_after,
    newborn_days_late,
    similar_names,
)

SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=200)


@pytest.mark.parametrize("day,months,expected", [
    (date(2026, 1, 15), 3, date(2026, 4, 15)),
    (date(2025, 11, 30), 3, date(2026, 2, 28)),   # no 30 Feb: last day of February
    (date(2027, 11, 30), 3, date(2028, 2, 29)),   # leap year
    (date(2024, 2, 29), 12, date(2025, 2, 28)),   # a 29 Feb registration: one year later is 28 Feb
    (date(2024, 2, 29), 48, date(2028, 2, 29)),
    (date(2026, 12, 31), 1, date(2027, 1, 31)),
])
def test_months_after(day, months, expected):
    assert months_after(day, months) == expected


@SETTINGS
@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.integers(0, 48))
def test_months_after_is_never_early_and_stays_in_the_target_month(day, months):
    later = months_after(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == day.day or later.day < day.day and (later + timedelta(days=1)).day == 1


def test_fktp_change_exactly_three_months_after_the_last_change():
    last = date(2026, 8, 25)
    assert fktp_change("PBPU", date(2020, 1, 1), last, date(2026, 11, 24)).allowed is False
    assert fktp_change("PBPU", date(2020, 1, 1), last, date(2026, 11, 24)).possible_from == date(2026, 11, 25)
    assert fktp_change("PBPU", date(2020, 1, 1), last, date(2026, 11, 25)).allowed is True


def test_fktp_change_counts_from_registration_when_never_changed_and_never_for_pbi():
    assert fktp_change("BP", date(2026, 9, 1), None, date(2026, 11, 30)).code == "too_soon"
    assert fktp_change("BP", date(2026, 9, 1), None, date(2026, 12, 1)).allowed
    decision = fktp_change("PBI", date(2000, 1, 1), None, date(2026, 12, 1))
    assert (decision.allowed, decision.code) == (False, "segment")


def test_class_change_exactly_one_year_and_from_next_month():
    registered = date(2025, 11, 25)
    assert class_change("PBPU", registered, None, date(2026, 11, 24)).possible_from == date(2026, 11, 25)
    decision = class_change("PBPU", registered, None, date(2026, 11, 25))
    assert decision.allowed and decision.possible_from == date(2026, 12, 1)
    assert class_change("PBPU", registered, None, date(2026, 12, 31)).possible_from == date(2027, 1, 1)


def test_class_change_waits_a_year_after_the_last_class_change_too():
    decision = class_change("BP", date(2019, 1, 1), date(2026, 3, 1), date(2026, 11, 25))
    assert (decision.allowed, decision.possible_from) == (False, date(2027, 3, 1))


@pytest.mark.parametrize("segment", ["PBI", "PPU"])
def test_class_change_only_for_pbpu_and_bp(segment):
    assert class_change(segment, date(2000, 1, 1), None, date(2026, 1, 1)).code == "segment"


def test_class_change_for_a_29_february_registration():
    assert not class_change("PBPU", date(2024, 2, 29), None, date(2025, 2, 27)).allowed
    assert class_change("PBPU", date(2024, 2, 29), None, date(2025, 2, 28)).allowed


def test_newborn_window_is_28_days():
    born = date(2026, 11, 1)
    assert newborn_days_late(born, date(2026, 11, 29)) == 0
    assert newborn_days_late(born, date(2026, 11, 30)) == 1
    assert newborn_days_late(date(2024, 2, 29), date(2024, 3, 28)) == 0


def member(nik, relationship, born):
    return {"nik": nik, "relationship": relationship, "birth_date": born}


def test_member_problems_finds_each_kind():
    today = date(2026, 11, 25)
    members = [
        member("3201011708850001", "kepala", date(1985, 8, 17)),
        member("3201011708850001", "istri", date(1988, 3, 2)),      # same NIK again
        member("3201010101800003", "anak", date(1980, 1, 1)),        # older than the head
        member("3201010101270004", "anak", date(2027, 1, 1)),        # not born yet
        member("3201010101100005", "kepala", date(2010, 1, 1)),      # a second head
    ]
    assert sorted(member_problems(members, today), key=str) == sorted([
        (1, "nik", "duplicate_nik"), (2, "birth_date", "older_than_head"),
        (3, "birth_date", "future"), (4, "relationship", "two_heads")], key=str)
    assert member_problems([member("3201011708850001", "istri", date(1985, 1, 1))], today) == [
        (None, "relationship", "no_head")]
    assert member_problems(members[:1], today) == []


@pytest.mark.parametrize("a,b,similar", [
    ("Siti Aminah", "SITI  AMINAH", True),
    ("Siti Aminah", "Siti Aminnah", True),
    ("Muhammad Rizky", "Muhammad Rizki", True),
    ("Siti Aminah", "Dewi Lestari", False),
    ("Budi", "Budiman Santoso", False),
])
def test_similar_names(a, b, similar):
    assert similar_names(a, b) is similar
