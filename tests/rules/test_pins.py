"""PIN rules: six ASCII digits, not low-variety, not a run, not the person's own data, not common."""
import random
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.rules import pins
from app.rules.pins import COMMON_PINS, pin_problems

# The autouse `_isolated` fixture is function-scoped; it only opens a transaction nobody uses here.
rules_settings = settings(max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])

# A woman born 5 Nov 1990: the NIK's day is 05 + 40 = 45.
BORN = date(1990, 11, 5)
NIK = "3201054511900173"
CARD = "0001234987650"
PERSON = {"nik": NIK, "card_number": CARD, "birth_date": BORN}

six_digits = st.text(alphabet="0123456789", min_size=6, max_size=6)
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31))


# --- shape ----------------------------------------------------------------------------------

@pytest.mark.parametrize("pin", [
    "", "12345", "1234567", "93 7261", " 937261", "937261 ", "93726a", "１２３４５６", "93726²",
    "٩٣٧٢٦١", "93-726", "9372.6", "0x1234", None, 937261,
])
def test_only_six_ascii_digits_are_pins(pin):
    assert pin_problems(pin) == ["not_six_digits"]


def test_a_plain_pin_is_accepted():
    assert pin_problems("937261") == []
    assert pin_problems("937261", **PERSON) == []
    assert pin_problems("048273", nik=None, card_number=None, birth_date=None) == []


# --- low variety and runs -------------------------------------------------------------------

@pytest.mark.parametrize("pin", ["111111", "000000", "121212", "110011", "909090", "112233",
                                 "445566", "123123", "839839", "998877"])
def test_low_variety_is_repeated(pin):
    assert "repeated" in pin_problems(pin)


@pytest.mark.parametrize("pin", ["123456", "654321", "012345", "234567", "456789", "987654",
                                 "543210", "789012", "890123", "109876"])
def test_runs_are_sequences(pin):
    assert "sequence" in pin_problems(pin)


@pytest.mark.parametrize("pin", ["123457", "135246", "124356", "013579"])
def test_almost_runs_are_not_sequences(pin):
    assert "sequence" not in pin_problems(pin)


# --- the person's own data ------------------------------------------------------------------

@pytest.mark.parametrize("pin", [
    "051190",  # DDMMYY
    "901105",  # YYMMDD
    "110590",  # MMDDYY
    "051119", "511199", "111990",  # windows of DDMMYYYY 05111990
    "199011", "990110",  # windows of YYYYMMDD 19901105
    "110519", "105199", "051990",  # windows of MMDDYYYY 11051990
])
def test_birth_date_forms_are_refused(pin):
    assert "birth_date" in pin_problems(pin, birth_date=BORN)
    assert "birth_date" not in pin_problems(pin)


def test_the_nik_alone_gives_away_the_birth_date():
    assert pin_problems("451190", nik=NIK) == ["birth_date", "nik"]  # as written in the NIK
    assert "birth_date" in pin_problems("051190", nik=NIK)  # the real day (women: minus 40)
    assert "birth_date" in pin_problems("901105", nik=NIK)
    assert "birth_date" in pin_problems("051990", nik=NIK)  # century guessed both ways
    assert "birth_date" in pin_problems("052090", nik=NIK)


def test_nik_tail_and_card_tail_are_refused():
    assert pin_problems("900173", nik=NIK) == ["nik"]
    assert pin_problems("900173", nik="3201 0545 1190 0173") == ["nik"]  # as typed
    assert pin_problems("987650", card_number=CARD) == ["card_number"]
    assert pin_problems("987650", nik=NIK) == []
    assert pin_problems("900173", card_number=CARD) == []


def test_bad_identifiers_do_not_raise():
    assert pin_problems("937261", nik="12", card_number="", birth_date=None) == []
    assert pin_problems("937261", nik="320105991190017x", card_number="abc") == []
    assert pin_problems("937261", nik="3201059913900173") == []  # impossible date digits


# --- the blocklist --------------------------------------------------------------------------

def test_blocklist_is_six_digit_pins():
    assert all(len(pin) == 6 and pin.isascii() and pin.isdigit() for pin in COMMON_PINS)
    assert {"123123", "147258", "159753", "520520", "112233", "000000", "123456"} <= COMMON_PINS


@pytest.mark.parametrize("pin", ["147258", "159753", "520520", "170845", "314159", "123654"])
def test_common_pins_are_refused(pin):
    assert "common" in pin_problems(pin)


def test_codes_come_in_a_fixed_order_without_duplicates():
    problems = pin_problems("123456", nik="3201051234560001")  # also the NIK's date part
    assert problems == sorted(set(problems), key=pins.CODES.index)
    assert problems == ["sequence", "birth_date", "nik", "common"]


# --- properties -----------------------------------------------------------------------------

@rules_settings
@given(pin=st.text(max_size=10), born=st.none() | birth_dates)
def test_accepted_pins_are_six_ascii_digits_off_the_blocklist(pin, born):
    problems = pin_problems(pin, nik=NIK, card_number=CARD, birth_date=born)
    assert set(problems) <= set(pins.CODES)
    if not problems:
        assert len(pin) == 6 and all(c in "0123456789" for c in pin)
        assert pin not in COMMON_PINS


@rules_settings
@given(born=birth_dates)
def test_anyones_ddmmyy_is_refused_for_them(born):
    ddmmyy = born.strftime("%d%m%y")
    assert "birth_date" in pin_problems(ddmmyy, birth_date=born)
    assert "birth_date" in pin_problems(born.strftime("%y%m%d"), birth_date=born)


@rules_settings
@given(born=birth_dates, woman=st.booleans(), serial=st.integers(1, 9999))
def test_the_nik_date_part_is_refused(born, woman, serial):
    written = f"{born.day + (40 if woman else 0):02d}{born:%m%y}"
    nik = f"320105{written}{serial:04d}"
    assert {"birth_date", "nik"} <= set(pin_problems(written, nik=nik))
    assert "birth_date" in pin_problems(born.strftime("%d%m%y"), nik=nik)
    assert "nik" in pin_problems(nik[-6:], nik=nik)


@rules_settings
@given(pin=six_digits, born=st.none() | birth_dates)
def test_every_six_digit_string_is_accepted_or_has_a_reason(pin, born):
    problems = pin_problems(pin, nik=NIK, card_number=CARD, birth_date=born)
    assert problems == [] or set(problems) <= set(pins.CODES) - {"not_six_digits"}
    assert len(problems) == len(set(problems))


def test_random_pins_are_mostly_accepted():
    generator = random.Random(20261125)
    sample = [f"{generator.randrange(1_000_000):06d}" for _ in range(20_000)]
    accepted = sum(not pin_problems(pin, **PERSON) for pin in sample)
    assert accepted / len(sample) > 0.98

