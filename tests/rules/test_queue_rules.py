"""Antrean rules at their edges: the 7-day window, estimated times, out of area, referrals, steps."""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules import queue as rules

TODAY = date(2026, 11, 25)


# --- the booking window ---------------------------------------------------------------------

def test_window_is_today_through_today_plus_six():
    assert rules.booking_window(TODAY) == (TODAY, date(2026, 12, 1))
    assert rules.booking_days(TODAY) == [TODAY + timedelta(days=i) for i in range(7)]


@pytest.mark.parametrize("offset, problem", [
    (-1, "past"), (0, None), (1, None), (6, None), (7, "too_far"), (-400, "past"), (400, "too_far"),
])
def test_date_problem_at_the_edges(offset, problem):
    assert rules.date_problem(TODAY + timedelta(days=offset), TODAY) == problem


def test_window_crosses_the_year():
    assert rules.booking_window(date(2026, 12, 28)) == (date(2026, 12, 28), date(2027, 1, 3))
    assert rules.date_problem(date(2027, 1, 3), date(2026, 12, 28)) is None
    assert rules.date_problem(date(2027, 1, 4), date(2026, 12, 28)) == "too_far"


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(-30, 30))
def test_date_problem_agrees_with_the_window(today, offset):
    day = today + timedelta(days=offset)
    first, last = rules.booking_window(today)
    assert (rules.date_problem(day, today) is None) == (first <= day <= last)


@pytest.mark.parametrize("text, expected", [
    ("2026-11-25", date(2026, 11, 25)), (" 2026-02-28 ", date(2026, 2, 28)),
    ("2026-02-29", None), ("2026-13-01", None), ("25-11-2026", None), ("", None), (None, None),
    ("2026-11-25T00:00", None), ("２０２６-11-25", None),
])
def test_parse_iso_date(text, expected):
    assert rules.parse_iso_date(text) == expected


@pytest.mark.parametrize("day, expected", [
    (date(2026, 11, 1), (date(2026, 11, 1), date(2026, 12, 1))),
    (date(2026, 11, 30), (date(2026, 11, 1), date(2026, 12, 1))),
    (date(2026, 12, 31), (date(2026, 12, 1), date(2027, 1, 1))),
    (date(2028, 2, 29), (date(2028, 2, 1), date(2028, 3, 1))),
])
def test_month_range_for_the_out_of_area_count(day, expected):
    assert rules.month_range(day) == expected


def test_month_boundary_separates_out_of_area_counts():
    """A booking on 30 Nov and one on 1 Dec fall in different counting months."""
    nov, dec = rules.month_range(date(2026, 11, 30)), rules.month_range(date(2026, 12, 1))
    assert nov[1] == dec[0] and not (nov[0] <= date(2026, 12, 1) < nov[1])


# --- times -----------------------------------------------------------------------------------

@pytest.mark.parametrize("start, minutes, number, expected", [
    ("08:00", 10, 1, "08:00"),
    ("08:00", 10, 3, "08:20"),
    ("07:30", 8, 5, "08:02"),    # crosses the hour
    ("08:00", 10, 7, "09:00"),   # lands on the hour
    ("09:00", 15, 5, "10:00"),
    ("08:50", 20, 2, "09:10"),
    ("23:50", 15, 2, "00:05"),   # wraps past midnight rather than failing
    ("08:00", 0, 9, "08:00"),
    ("8:00", 10, 2, "08:10"),
])
def test_estimated_time(start, minutes, number, expected):
    assert rules.estimated_time(start, minutes, number) == expected


def test_estimated_time_refuses_a_bad_start():
    with pytest.raises(ValueError):
        rules.estimated_time("25:00", 10, 1)


@given(st.integers(0, 23 * 60 + 59), st.integers(0, 60), st.integers(1, 200))
def test_estimated_time_is_start_plus_the_numbers_before(start, minutes, number):
    text = rules.estimated_time(rules.format_time(start), minutes, number)
    assert rules.parse_time(text) == (start + (number - 1) * minutes) % (24 * 60)


def test_time_text_uses_a_dot():
    assert rules.time_text("09:20") == "09.20"


@pytest.mark.parametrize("text, minutes", [
    ("00:00", 0), ("07:30", 450), ("7:30", 450), ("07.30", 450), ("23:59", 1439), (" 14:00 ", 840),
    ("24:00", None), ("25:00", None), ("07:60", None), ("7:5", None), ("0730", None), ("", None),
    (None, None), ("ab:cd", None), ("-1:00", None), ("07:30:00", None), ("０７:３０", None),
])
def test_parse_time(text, minutes):
    assert rules.parse_time(text) == minutes


def test_normalize_time():
    assert rules.normalize_time("7.30") == "07:30"
    assert rules.normalize_time("25:00") is None


@pytest.mark.parametrize("opens, closes, problem", [
    ("07:30", "14:00", None), ("00:00", "23:59", None),
    ("25:00", "14:00", "format"), ("07:30", "", "format"), ("pagi", "siang", "format"),
    ("14:00", "07:30", "order"), ("08:00", "08:00", "order"),
])
def test_hours_problem(opens, closes, problem):
    assert rules.hours_problem(opens, closes) == problem


# --- who may book where ----------------------------------------------------------------------

@pytest.mark.parametrize("kind, own, route", [
    ("puskesmas", True, "own"),
    ("puskesmas", False, "out_of_area"),
    ("klinik_pratama", False, "out_of_area"),
    ("dokter_praktik", False, "out_of_area"),
    ("rumah_sakit", False, "referral"),
    ("klinik_utama", False, "referral"),
    ("apotek", False, None),
    ("laboratorium", False, None),
])
def test_access_route(kind, own, route):
    assert rules.access_route(kind, own) == route


@pytest.mark.parametrize("count, allowed", [(0, True), (2, True), (3, False), (7, False)])
def test_out_of_area_allows_three_a_month(count, allowed):
    assert rules.out_of_area_allowed(count) is allowed


@pytest.mark.parametrize("visit, covered", [
    (date(2026, 8, 31), False),  # before it was issued
    (date(2026, 9, 1), True),
    (date(2026, 11, 29), True),  # day 90: the last valid day
    (date(2026, 11, 30), False),
])
def test_referral_covers_from_issue_through_valid_until(visit, covered):
    issued = date(2026, 9, 1)
    assert rules.referral_covers(issued, issued + timedelta(days=89), visit) is covered


@pytest.mark.parametrize("quota, booked, left, full", [(40, 0, 40, False), (40, 39, 1, False),
                                                       (40, 40, 0, True), (1, 2, 0, True)])
def test_quota(quota, booked, left, full):
    assert rules.slots_left(quota, booked) == left
    assert rules.is_full(quota, booked) is full


def test_open_days():
    monday, sunday = date(2026, 11, 23), date(2026, 11, 29)
    assert rules.is_open_on(sunday, set())  # no hours recorded: not known, so open
    assert rules.is_open_on(monday, {0, 1, 2, 3, 4, 5})
    assert not rules.is_open_on(sunday, {0, 1, 2, 3, 4, 5})


# --- steps -----------------------------------------------------------------------------------

@pytest.mark.parametrize("action, status, allowed", [
    ("hadir", "aktif", True), ("hadir", "hadir", False), ("hadir", "batal", False),
    ("dipanggil", "hadir", True), ("dipanggil", "aktif", False), ("dipanggil", "selesai", False),
    ("selesai", "dipanggil", True), ("selesai", "hadir", True), ("selesai", "aktif", False),
    ("tidak_hadir", "aktif", True), ("tidak_hadir", "dipanggil", True), ("tidak_hadir", "selesai", False),
    ("tidak_hadir", "batal", False), ("batal", "aktif", False), ("hapus", "aktif", False),
])
def test_staff_steps(action, status, allowed):
    assert rules.staff_action_allowed(action, status) is allowed


@pytest.mark.parametrize("status, offset, allowed", [
    ("aktif", 0, True), ("aktif", 3, True), ("aktif", -1, False), ("hadir", 0, False),
    ("batal", 1, False), ("selesai", 0, False),
])
def test_cancel_only_before_check_in(status, offset, allowed):
    assert rules.can_cancel(status, TODAY + timedelta(days=offset), TODAY) is allowed


def test_booking_code_uses_an_unambiguous_alphabet():
    import secrets

    codes = {rules.booking_code(secrets.randbelow) for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == rules.CODE_LENGTH and not set(code) & set("01OIL")
    assert rules.booking_code(lambda n: 0) == "A" * rules.CODE_LENGTH


# --- beds ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, result", [
    ("0", (0, None)), ("12", (12, None)), (" 7 ", (7, None)), ("10000", (10000, None)),
    ("", (None, "missing")), (None, (None, "missing")), ("-1", (None, "negative")), ("- 3", (None, "negative")),
    ("abc", (None, "not_number")), ("1.5", (None, "not_number")), ("1e3", (None, "not_number")),
    ("１２", (None, "not_number")), ("10001", (None, "too_large")), ("99999999999", (None, "not_number")),
])
def test_parse_count(text, result):
    assert rules.parse_count(text) == result


@pytest.mark.parametrize("available, total, problem", [
    (0, 0, None), (3, 5, None), (5, 5, None), (6, 5, "available_over_total"),
])
def test_beds_problem(available, total, problem):
    assert rules.beds_problem(available, total) == problem
