"""Reminders (which fire on which day, event keys), quiet hours by province time zone, retries, and
GSM-7 SMS text."""
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.rules import reminders as r
from app.rules import sms_text

DAY = date(2026, 12, 7)
DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
ALL_PROVINCES = ("11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35",
                 "36", "51", "52", "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76",
                 "81", "82", "91", "92", "93", "94", "95", "96")


# --- which reminder fires when ------------------------------------------------------------------

def test_bill_reminder_three_days_before_the_10th_only_if_unpaid():
    due = date(2026, 12, 10)
    unpaid, paid = r.BillDue(17, due, False), r.BillDue(18, due, True)
    [reminder] = r.reminders_for(date(2026, 12, 7), bills=[unpaid, paid])
    assert reminder == r.Reminder("bill", "bill:2026-12:family:17", "family", 17, due)
    for other in (date(2026, 12, 6), date(2026, 12, 8), date(2026, 12, 10), date(2026, 11, 7)):
        assert r.reminders_for(other, bills=[unpaid]) == []


@given(DATES, DATES, st.booleans())
def test_bill_fires_exactly_on_due_minus_3_when_unpaid(day, due, paid):
    fired = r.reminders_for(day, bills=[r.BillDue(1, due, paid)])
    assert bool(fired) == (not paid and due - day == timedelta(days=3))


def test_rehab_instalment_three_days_before_unless_paid():
    due = date(2027, 1, 10)
    plan = r.InstalmentDue(plan_id=4, family_id=17, number=3, due_on=due, paid=False)
    [reminder] = r.reminders_for(date(2027, 1, 7), instalments=[plan])
    assert (reminder.kind, reminder.event_key, reminder.target, reminder.target_id, reminder.number) == (
        "rehab", "rehab:2027-01-10:plan:4", "family", 17, 3)
    assert r.reminders_for(date(2027, 1, 7), instalments=[r.InstalmentDue(4, 17, 3, due, True)]) == []
    assert r.reminders_for(date(2027, 1, 8), instalments=[plan]) == []


def test_control_pickup_and_queue_the_day_before():
    control = r.ControlVisit(5, date(2026, 12, 8))
    pickup = r.PrbPickup(5, date(2026, 12, 8))
    booking = r.QueueBooking(33, 5, date(2026, 12, 8), number=12)
    kinds = [x.kind for x in r.reminders_for(DAY, controls=[control], pickups=[pickup], bookings=[booking])]
    assert kinds == ["control", "prb_pickup", "queue"]
    for other in (DAY - timedelta(days=1), DAY + timedelta(days=1)):
        assert r.reminders_for(other, controls=[control], pickups=[pickup], bookings=[booking]) == []
    [queue] = r.reminders_for(DAY, bookings=[booking])
    assert queue.event_key == "queue:2026-12-08:booking:33" and queue.number == 12


def test_referral_expiry_within_seven_days_with_one_key():
    referral = r.ReferralExpiry(9, 5, valid_until=date(2026, 12, 31))
    fired = {d: r.reminders_for(d, referrals=[referral]) for d in
             (date(2026, 12, 1) + timedelta(days=i) for i in range(40))}
    days = sorted(d for d, found in fired.items() if found)
    assert days == [date(2026, 12, 25) + timedelta(days=i) for i in range(7)]
    assert {found[0].event_key for found in fired.values() if found} == {
        "referral_expiry:2026-12-31:referral:9"}  # once: a unique constraint keeps the first


def _inputs(ids, due):
    return {
        "bills": [r.BillDue(i, due, False) for i in ids],
        "instalments": [r.InstalmentDue(i, i, 1, due, False) for i in ids],
        "controls": [r.ControlVisit(i, DAY + timedelta(days=1)) for i in ids],
        "pickups": [r.PrbPickup(i, DAY + timedelta(days=1)) for i in ids],
        "referrals": [r.ReferralExpiry(i, i, DAY + timedelta(days=2)) for i in ids],
        "bookings": [r.QueueBooking(i, i, DAY + timedelta(days=1), 1) for i in ids],
    }


@given(st.sets(st.integers(1, 10**9), min_size=1, max_size=20))
def test_event_keys_are_unique_and_deterministic(ids):
    ids = sorted(ids)
    first = r.reminders_for(DAY, **_inputs(ids, DAY + timedelta(days=3)))
    assert len(first) == 6 * len(ids)
    keys = [x.event_key for x in first]
    assert len(set(keys)) == len(keys)
    assert [x.event_key for x in r.reminders_for(DAY, **_inputs(ids, DAY + timedelta(days=3)))] == keys
    assert all(key.split(":")[0] in r.KINDS for key in keys)


@given(DATES, DATES)
def test_bill_keys_differ_exactly_between_months(due_a, due_b):
    def key(due):
        return r.reminders_for(due - timedelta(days=3), bills=[r.BillDue(1, due, False)])[0].event_key
    same_month = (due_a.year, due_a.month) == (due_b.year, due_b.month)
    assert (key(due_a) == key(due_b)) == same_month


# --- time zones and quiet hours -----------------------------------------------------------------

@pytest.mark.parametrize("code, zone", [
    ("11", "WIB"), ("31", "WIB"), ("36", "WIB"), ("61", "WIB"), ("62", "WIB"),
    ("63", "WITA"), ("64", "WITA"), ("65", "WITA"), ("51", "WITA"), ("52", "WITA"), ("53", "WITA"),
    ("71", "WITA"), ("76", "WITA"), ("81", "WIT"), ("82", "WIT"), ("91", "WIT"), ("96", "WIT"),
    (61, "WIB"), ("64.72.01", "WITA"), ("99", None), ("", None), (None, None), ("611", None), ("6", None),
])
def test_province_zones(code, zone):
    assert r.province_tz(code) == zone


def test_every_real_province_has_a_zone():
    assert set(r.PROVINCE_ZONES) == set(ALL_PROVINCES)
    assert sum(zone == "WIT" for zone in r.PROVINCE_ZONES.values()) == 8


UTC_TIMES = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1))


@given(UTC_TIMES, st.sampled_from(ALL_PROVINCES))
def test_quiet_exactly_for_local_hours_21_to_5(now, province):
    local_hour = (now + timedelta(hours=r.ZONE_OFFSETS[r.province_tz(province)])).hour
    assert r.quiet(now, province) == (local_hour >= 21 or local_hour < 6)
    assert r.quiet(now.replace(tzinfo=UTC), province) == r.quiet(now, province)


@pytest.mark.parametrize("utc_hour, province, expected", [
    (13, "31", False), (14, "31", True), (22, "31", True), (23, "31", False),   # WIB 20,21,05,06
    (12, "51", False), (13, "51", True), (21, "51", True), (22, "51", False),   # WITA 20,21,05,06
    (11, "91", False), (12, "91", True), (20, "91", True), (21, "91", False),   # WIT 20,21,05,06
    (11, "99", False), (12, "99", True), (22, "99", True), (23, "99", False),   # unknown: every zone awake
])
def test_quiet_at_the_edges(utc_hour, province, expected):
    assert r.quiet(datetime(2026, 12, 7, utc_hour, 0), province) is expected


@given(UTC_TIMES, st.sampled_from(ALL_PROVINCES + ("99",)))
def test_next_send_time_is_the_first_moment_out_of_quiet_hours(now, province):
    send = r.next_send_time(now, province)
    assert send >= now and not r.quiet(send, province)
    assert send - now <= timedelta(hours=9 if province != "99" else 11)  # unknown: 12:00..23:00 UTC
    if r.quiet(now, province):
        assert r.quiet(send - timedelta(seconds=1), province)
        assert send.minute == 0 and send.second == 0
    else:
        assert send == now


def test_next_send_time_keeps_awareness():
    now = datetime(2026, 12, 7, 15, 30, tzinfo=timezone(timedelta(hours=7)))  # 15:30 WIB
    assert r.next_send_time(now, "31") == datetime(2026, 12, 7, 8, 30, tzinfo=UTC)
    late = datetime(2026, 12, 7, 22, 15, tzinfo=timezone(timedelta(hours=7)))  # 22:15 WIB
    assert r.next_send_time(late, "31") == datetime(2026, 12, 7, 23, 0, tzinfo=UTC)  # 06:00 WIB
    assert r.next_send_time(datetime(2026, 12, 7, 15, 0), "91") == datetime(2026, 12, 7, 21, 0)  # 06:00 WIT


def test_retry_backoff():
    assert [r.retry_delay(n) for n in range(1, 7)] == [timedelta(minutes=m) for m in (1, 5, 15, 60, 60, 60)]
    assert r.should_retry(1) and not r.should_retry(r.MAX_ATTEMPTS)
    for bad in (0, -1, True, "1"):
        with pytest.raises(ValueError):
            r.retry_delay(bad)


@given(st.integers(1, 1000))
def test_retry_delays_never_shrink(attempt):
    assert r.retry_delay(attempt) <= r.retry_delay(attempt + 1) <= timedelta(hours=1)


# --- GSM-7 SMS text -----------------------------------------------------------------------------

def test_gsm7_tables():
    assert len(sms_text.GSM7_BASIC) == 127  # 128 positions minus the escape
    assert len(sms_text.GSM7_EXTENSION) == 10
    assert sms_text.is_gsm7("Tagihan Rp150.000, bayar sebelum 10 Des @ VA 8888. é è ü ñ Å ß Δ {€}")
    assert not sms_text.is_gsm7("ê") and not sms_text.is_gsm7("…") and not sms_text.is_gsm7("“")


def test_gsm7_length_counts_extension_characters_twice():
    assert sms_text.gsm7_length("abc") == 3
    assert sms_text.gsm7_length("€[]") == 6
    assert sms_text.gsm7_length("") == 0
    with pytest.raises(ValueError):
        sms_text.gsm7_length("ê")


@pytest.mark.parametrize("text, expected", [
    ("Antrean “poli umum” — nomor 12…", 'Antrean "poli umum" - nomor 12...'),
    ("Dokter ‘Ani’", "Dokter 'Ani'"),
    ("Café crème fraîche", "Café crème fraiche"),  # é and è are GSM-7 and stay; î → i
    ("Rp 150.000\u00a0/ bulan", "Rp 150.000 / bulan"),
    ("e\u0301", "é"),                      # combining accent composed first
    ("ﬁle Ａ½", "file A1/2"),
    ("日本", "??"),
    ("a\tb\r\nc", "a b\nc"),
])
def test_fit_sms_replacements(text, expected):
    assert sms_text.fit_sms(text) == expected


def test_fit_sms_truncates_with_three_dots():
    assert sms_text.fit_sms("x" * 160) == "x" * 160
    assert sms_text.fit_sms("x" * 161) == "x" * 157 + "..."
    assert sms_text.fit_sms("€" * 81) == "€" * 78 + "..."  # 156 + 3 septets; never half an escape
    assert sms_text.fit_sms("kata " * 40) == ("kata " * 31).rstrip() + "..."  # not in mid-word
    assert sms_text.fit_sms("x" * 150 + " " + "y" * 20) == "x" * 150 + "..."
    assert sms_text.fit_sms("y" * 30 + " " + "x" * 150) == ("y" * 30 + " " + "x" * 150)[:157] + "..."
    assert sms_text.fit_sms("abcdef", limit=5) == "ab..."
    assert sms_text.fit_sms("abcdef", limit=2) == "ab"


@given(st.text(max_size=400))
def test_fit_sms_is_always_gsm7_and_at_most_160(text):
    fitted = sms_text.fit_sms(text)
    assert sms_text.is_gsm7(fitted)
    assert sms_text.gsm7_length(fitted) <= 160


# without "\r": fit_sms writes a "\r\n" line break as "\n"
@given(st.text(alphabet=st.sampled_from(sorted((sms_text.GSM7_BASIC | sms_text.GSM7_EXTENSION) - {"\r"})),
               max_size=400))
def test_fit_sms_keeps_short_gsm7_text_and_prefixes_long_text(text):
    fitted = sms_text.fit_sms(text)
    if sms_text.gsm7_length(text) <= 160:
        assert fitted == text
    else:
        assert fitted.endswith("...") and text.startswith(fitted[:-3])


@given(st.text(max_size=300), st.integers(0, 200))
def test_fit_sms_respects_any_limit(text, limit):
    assert sms_text.gsm7_length(sms_text.fit_sms(text, limit)) <= limit
