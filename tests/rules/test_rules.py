"""The pure rules: NIK / card / KK numbers, sign-in identifier kinds, refused passwords, and how
dates and rupiah amounts are written. No request or query is made here; the autouse fixture of
conftest.py only wraps each test in the test app.
"""
import re
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.core.formatting import date_id, datetime_id, rupiah
from app.rules.identity import (
    IdentifierError,
    NikFacts,
    check_card_number,
    check_kk_number,
    identifier_kind,
    mask_nik,
    nik_mismatches,
    normalize_number,
    parse_nik,
)
from app.rules.passwords import MAX_LENGTH, MIN_LENGTH, password_problems

#: A fixed "today" so nothing depends on when the suite runs.
TODAY = date(2026, 11, 25)

# The autouse `_isolated` fixture is function-scoped; it only opens a transaction nobody uses here,
# so running many examples inside one of them is harmless.
rules_settings = settings(max_examples=200, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])


def build_nik(birth, sex="L", district="320101", serial=1):
    """The NIK a person with these facts would get: women have 40 added to the day."""
    day = birth.day + (40 if sex == "P" else 0)
    return f"{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def error_code(function, *args):
    with pytest.raises(IdentifierError) as raised:
        function(*args)
    return raised.value.code


# --- parse_nik: worked examples ---------------------------------------------------------------

def test_parse_nik_of_a_man():
    assert parse_nik("3201011708850001", TODAY) == NikFacts("32.01.01", date(1985, 8, 17), "L")


def test_parse_nik_of_a_woman_has_forty_added_to_the_day():
    assert parse_nik("3201014203880002", TODAY) == NikFacts("32.01.01", date(1988, 3, 2), "P")


def test_parse_nik_district_code_is_dotted_first_six_digits():
    assert parse_nik("3273026104790001", TODAY).district_code == "32.73.02"


@pytest.mark.parametrize("day_digits, day, sex", [
    ("01", 1, "L"), ("31", 31, "L"),
    ("41", 1, "P"),  # a woman born on the 1st
    ("71", 31, "P"),  # a woman born on the 31st
])
def test_parse_nik_day_and_sex_edges(day_digits, day, sex):
    facts = parse_nik(f"320101{day_digits}0190" + "0001", TODAY)
    assert (facts.birth_date, facts.sex) == (date(1990, 1, day), sex)


def test_identifier_error_is_a_value_error_carrying_its_code():
    error = IdentifierError("serial")
    assert isinstance(error, ValueError)
    assert error.code == "serial"


# --- parse_nik: century relative to today -----------------------------------------------------

@pytest.mark.parametrize("today, yy, year", [
    (date(2026, 11, 25), "26", 2026),  # same two digits as this year → 2000s
    (date(2026, 11, 25), "25", 2025),
    (date(2026, 11, 25), "00", 2000),
    (date(2026, 11, 25), "27", 1927),  # greater than this year's two digits → 1900s
    (date(2026, 11, 25), "99", 1999),
    (date(2030, 1, 1), "27", 2027),  # the same digits move century as today moves
    (date(2030, 1, 1), "30", 1930),  # 15 Jun 2030 has not come yet on 1 Jan 2030
    (date(2030, 1, 1), "31", 1931),
    (date(2000, 6, 1), "00", 1900),
    (date(2000, 6, 1), "01", 1901),
])
def test_parse_nik_century_follows_today(today, yy, year):
    assert parse_nik(f"3201011506{yy}0001", today).birth_date == date(year, 6, 15)


def test_parse_nik_never_gives_a_birth_date_after_today():
    # 31 Dec of this year has not come yet: the person was born a century earlier.
    assert parse_nik("3201013112260001", date(2026, 1, 1)).birth_date == date(1926, 12, 31)
    assert parse_nik("3201013112260001", date(2026, 12, 31)).birth_date == date(2026, 12, 31)


# --- parse_nik: each error code ----------------------------------------------------------------

@pytest.mark.parametrize("nik", [
    "320101170885000",  # 15 digits
    "32010117088500011",  # 17 digits
    "",
    "3201O11708850001",  # letter O for zero
    "320101170885000A",
    "3201 0117 0885 0001",  # parse_nik wants the normalized number
    "3201-0117-0885-01",
    "+320101170885001",
    "-320101170885001",
    " 320101170885001",
])
def test_parse_nik_format(nik):
    assert error_code(parse_nik, nik, TODAY) == "format"


@pytest.mark.parametrize("province", ["00", "01", "09", "10"])
def test_parse_nik_province_below_11(province):
    assert error_code(parse_nik, f"{province}01011708850001", TODAY) == "province"


@pytest.mark.parametrize("province", ["11", "32", "99"])
def test_parse_nik_provinces_11_to_99_accepted(province):
    assert parse_nik(f"{province}01011708850001", TODAY).district_code == f"{province}.01.01"


@pytest.mark.parametrize("ddmmyy, why", [
    ("171385", "month 13"),
    ("170085", "month 00"),
    ("321285", "day 32"),
    ("001285", "day 00"),
    ("400185", "day 40: a man's day cannot be 40, and 40 - 40 = 0 is no day either"),
    ("721285", "day 72: a woman born on the 32nd"),
    ("800185", "day 80"),
    ("290223", "29 Feb 2023, not a leap year"),
    ("290201", "29 Feb 2001, not a leap year"),
    ("290297", "29 Feb 1997, not a leap year"),
    ("690223", "a woman born 29 Feb 2023"),
    ("300296", "30 Feb"),
    ("310485", "31 Apr"),
    ("710485", "a woman born 31 Apr"),
    ("311185", "31 Nov"),
])
def test_parse_nik_birth_date(ddmmyy, why):
    assert error_code(parse_nik, f"320101{ddmmyy}0001", TODAY) == "birth_date", why


@pytest.mark.parametrize("ddmmyy, birth, sex", [
    ("290296", date(1996, 2, 29), "L"),
    ("290200", date(2000, 2, 29), "L"),  # 2000 is a leap year
    ("690224", date(2024, 2, 29), "P"),
    ("290204", date(2004, 2, 29), "L"),
])
def test_parse_nik_accepts_29_february_of_a_leap_year(ddmmyy, birth, sex):
    facts = parse_nik(f"320101{ddmmyy}0001", TODAY)
    assert (facts.birth_date, facts.sex) == (birth, sex)


def test_parse_nik_serial_0000():
    assert error_code(parse_nik, "3201011708850000", TODAY) == "serial"


@pytest.mark.parametrize("serial", ["0001", "0010", "1000", "9999"])
def test_parse_nik_serials_0001_to_9999_accepted(serial):
    assert parse_nik(f"320101170885{serial}", TODAY).birth_date == date(1985, 8, 17)


@pytest.mark.parametrize("nik", [
    "３２０１０１１７０８８５０００１",  # full-width digits
    "٣٢٠١٠١١٧٠٨٨٥٠٠٠١",  # Arabic-Indic digits
    "²" * 16,  # superscript two
])
def test_parse_nik_non_ascii_digits_are_a_format_error(nik):
    assert error_code(parse_nik, nik, TODAY) == "format", f"{nik!r} must be refused as 'format'"


# --- parse_nik / mask_nik / nik_mismatches: properties ------------------------------------------

births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
sexes = st.sampled_from(["L", "P"])
districts = st.builds(
    lambda province, regency, district: f"{province:02d}{regency:02d}{district:02d}",
    st.integers(11, 99), st.integers(1, 99), st.integers(1, 99),
)
serials = st.integers(1, 9999)


@rules_settings
@given(birth=births, sex=sexes, district=districts, serial=serials)
def test_property_parse_nik_gives_back_the_encoded_facts(birth, sex, district, serial):
    facts = parse_nik(build_nik(birth, sex, district, serial), TODAY)
    assert (facts.birth_date.day, facts.birth_date.month) == (birth.day, birth.month)
    assert facts.birth_date.year % 100 == birth.year % 100
    assert facts.sex == sex
    assert facts.district_code == f"{district[:2]}.{district[2:4]}.{district[4:]}"


@rules_settings
@given(today=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), data=st.data(),
       sex=sexes)
def test_property_parse_nik_year_is_exact_within_the_last_99_years(today, data, sex):
    birth = data.draw(st.dates(min_value=date(today.year - 99, 1, 1), max_value=today))
    assert parse_nik(build_nik(birth, sex), today).birth_date == birth


@rules_settings
@given(birth=births, sex=sexes, district=districts, serial=serials)
def test_property_mask_nik_keeps_four_and_four(birth, sex, district, serial):
    nik = build_nik(birth, sex, district, serial)
    masked = mask_nik(nik)
    assert len(masked) == len(nik) == 16
    assert masked[:4] == nik[:4]
    assert masked[-4:] == nik[-4:]
    assert masked[4:-4] == "*" * 8


@rules_settings
@given(number=st.text(alphabet="0123456789", min_size=8, max_size=40))
def test_property_mask_any_long_enough_number(number):
    masked = mask_nik(number)
    assert len(masked) == len(number)
    assert (masked[:4], masked[-4:]) == (number[:4], number[-4:])
    assert set(masked[4:-4]) <= {"*"}


def test_mask_nik_example():
    assert mask_nik("3201011708850001") == "3201********0001"


@rules_settings
@given(birth=births, sex=sexes, district=districts, serial=serials)
def test_property_no_mismatch_for_the_encoded_facts(birth, sex, district, serial):
    assert nik_mismatches(build_nik(birth, sex, district, serial), birth, sex, TODAY) == set()


@rules_settings
@given(birth=births, sex=sexes, other_day=st.integers(1, 28))
def test_property_a_different_stated_day_is_a_birth_date_mismatch(birth, sex, other_day):
    assume(other_day != birth.day)
    stated = birth.replace(day=other_day)
    assert nik_mismatches(build_nik(birth, sex), stated, sex, TODAY) == {"birth_date"}


@rules_settings
@given(birth=births.filter(lambda d: d.day <= 28), sex=sexes, other_month=st.integers(1, 12),
       years_off=st.integers(1, 99))
def test_property_a_different_month_or_year_is_a_birth_date_mismatch(birth, sex, other_month,
                                                                    years_off):
    nik = build_nik(birth, sex)
    if other_month != birth.month:
        assert "birth_date" in nik_mismatches(nik, birth.replace(month=other_month), sex, TODAY)
    earlier = birth.replace(year=birth.year - years_off) if birth.year - years_off >= 1 else None
    if earlier:
        assert "birth_date" in nik_mismatches(nik, earlier, sex, TODAY)


def test_a_stated_birth_date_a_century_apart_is_not_a_mismatch():
    # Only the two-digit year is in the NIK: 1926 and 2026 look the same.
    nik = build_nik(date(1926, 3, 10))
    assert nik_mismatches(nik, date(1926, 3, 10), "L", TODAY) == set()
    assert nik_mismatches(nik, date(2026, 3, 10), "L", TODAY) == set()


@pytest.mark.parametrize("encoded, stated", [("L", "P"), ("P", "L")])
def test_nik_mismatches_flags_sex(encoded, stated):
    birth = date(1985, 8, 17)
    assert nik_mismatches(build_nik(birth, encoded), birth, stated, TODAY) == {"sex"}


def test_nik_mismatches_flags_both():
    nik = "3201011708850001"
    assert nik_mismatches(nik, date(1985, 8, 18), "P", TODAY) == {"birth_date", "sex"}


@pytest.mark.parametrize("sex", [None, ""])
def test_nik_mismatches_ignores_an_unstated_sex(sex):
    assert nik_mismatches("3201014203880002", date(1988, 3, 2), sex, TODAY) == set()


@rules_settings
@given(birth=births, sex=sexes, district=districts, serial=serials,
       stated_birth=st.dates(), stated_sex=st.sampled_from(["L", "P", None, ""]))
def test_property_nik_mismatches_never_raises_for_a_valid_nik(birth, sex, district, serial,
                                                              stated_birth, stated_sex):
    found = nik_mismatches(build_nik(birth, sex, district, serial), stated_birth, stated_sex, TODAY)
    assert found <= {"birth_date", "sex"}
    assert ("sex" in found) == bool(stated_sex and stated_sex != sex)


def test_nik_mismatches_on_an_impossible_nik_raises():
    assert error_code(nik_mismatches, "3201013202850001", date(1985, 2, 1), "L", TODAY) == "birth_date"


# --- normalize_number / identifier_kind ---------------------------------------------------------

@pytest.mark.parametrize("typed, digits", [
    ("3201 0117 0885 0001", "3201011708850001"),
    ("0001-0000-00001", "0001000000001"),
    ("3201.0117.0885.0001", "3201011708850001"),
    (" 3201\t0117\n0885 - 0001 ", "3201011708850001"),
    ("0001000000001", "0001000000001"),
    ("", ""),
    (None, ""),
    ("petugas", "petugas"),
])
def test_normalize_number(typed, digits):
    assert normalize_number(typed) == digits


@rules_settings
@given(pieces=st.lists(st.tuples(st.text(alphabet="0123456789", min_size=1, max_size=5),
                                 st.text(alphabet=" .-\t", max_size=3)), max_size=8))
def test_property_normalize_number_removes_only_separators(pieces):
    typed = "".join(digits + separators for digits, separators in pieces)
    assert normalize_number(typed) == "".join(digits for digits, _ in pieces)


@pytest.mark.parametrize("text, kind", [
    ("3201011708850001", "nik"),
    ("3201 0117 0885 0001", "nik"),
    ("3201-0117-0885-0001", "nik"),
    ("0001000000001", "card"),
    ("0001-0000-00001", "card"),
    (" 0001000000001 ", "card"),
    ("12345", "bad_number"),
    ("320101170885000", "bad_number"),  # 15
    ("32010117088500011", "bad_number"),  # 17
    ("000100000000", "bad_number"),  # 12
    ("00010000000012", "bad_number"),  # 14
    ("petugas", "username"),
    ("admin", "username"),
    ("fasilitator1", "username"),
    ("3201O11708850001", "username"),  # a letter makes it a name, whatever the length
])
def test_identifier_kind(text, kind):
    assert identifier_kind(text) == kind


@rules_settings
@given(digits=st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_property_identifier_kind_by_digit_count(digits):
    expected = {16: "nik", 13: "card"}.get(len(digits), "bad_number")
    assert identifier_kind(digits) == expected


# --- card and KK numbers --------------------------------------------------------------------------

def test_check_card_number_accepts_13_digits():
    assert check_card_number("0001000000001") == "0001000000001"


@pytest.mark.parametrize("card", [
    "000100000001", "00010000000011", "", "000100000000A", "0001-0000-001", "0001 00000001",
    "3201011708850001",
])
def test_check_card_number_format(card):
    assert error_code(check_card_number, card) == "format"


def test_check_kk_number_accepts_16_digits():
    assert check_kk_number("3201010101100001") == "3201010101100001"


@pytest.mark.parametrize("kk", [
    "320101010110000", "32010101011000011", "0001000000001", "", "320101010110000X",
    "3201 0101 0110 01",
])
def test_check_kk_number_format(kk):
    assert error_code(check_kk_number, kk) == "format"


# --- password_problems ----------------------------------------------------------------------------

BUDI_BIRTH = date(1985, 8, 17)
BUDI_NIK = "3201011708850001"
BUDI_CARD = "0001234567890"


@pytest.mark.parametrize("password", ["", "a", "abc", "kopi-pa"])
def test_password_too_short(password):
    assert len(password) < MIN_LENGTH
    assert password_problems(password) == ["too_short"]


def test_password_length_bounds():
    assert MIN_LENGTH == 8 and MAX_LENGTH == 128
    assert password_problems("kopipagi") == []  # exactly 8
    long_ok = ("kopi-pagi-di-sawah-" * 7)[:MAX_LENGTH]
    assert len(long_ok) == 128
    assert password_problems(long_ok) == []
    assert password_problems(long_ok + "x") == ["too_long"]
    assert password_problems("password" * 20) == ["too_long"]


@pytest.mark.parametrize("password", [
    "password", "PASSWORD", "Password", "password1", "Password123", "Bismillah123!",
    "bismillah", "indonesia2024", "Indonesia45!", "sayangku!!", "qwertyuiop", "Persib_1933",
    "alhamdulillah", "bpjskesehatan", "iloveyou", "katasandi", "admin123", "abcdefgh",
])
def test_password_common_words(password):
    assert password_problems(password) == ["common"]


@pytest.mark.parametrize("password", [
    "12345678", "87654321", "11111111", "00000000", "1234567890", "0987654321", "23456789",
    "98765432", "01234567", "123456789012",
])
def test_password_digit_runs(password):
    assert password_problems(password) == ["common"]


@pytest.mark.parametrize("password", ["aaaaaaaa", "abababab", "a1a1a1a1", "!!!!!!!!"])
def test_password_of_one_or_two_characters_is_common(password):
    assert password_problems(password) == ["common"]


@pytest.mark.parametrize("password", ["13572468", "31415926", "kopi-pagi-di-sawah", "Sawah2Kopi",
                                      "passwordku-panjang"])
def test_password_not_common(password):
    assert password_problems(password) == []


@pytest.mark.parametrize("password", [
    "17081985",  # ddmmyyyy
    "170885ab",  # ddmmyy
    "19850817",  # yyyymmdd
    "budi17081985",
    "Budi170885!",
    "x19850817y",
    "lahir-17081985-bogor",
])
def test_password_birth_date(password):
    assert password_problems(password, birth_date=BUDI_BIRTH) == ["birth_date"]


def test_password_birth_date_only_counts_when_known():
    assert password_problems("budi17081985") == []
    assert password_problems("budi17081985", birth_date=date(1985, 8, 18)) == []


def test_password_nik_tail_and_ddmmyy_segment():
    assert password_problems("rumah850001", nik=BUDI_NIK) == ["nik"]  # last six digits
    assert password_problems("rumah170885", nik=BUDI_NIK) == ["nik"]  # DDMMYY of the NIK
    # a woman's NIK carries day + 40: that segment is refused too
    assert password_problems("hujan420388", nik="3201014203880002") == ["nik"]
    assert password_problems("rumah-sawah", nik=BUDI_NIK) == []


def test_password_card_number_tail():
    assert password_problems("sawah567890!", card_number=BUDI_CARD) == ["card_number"]
    assert password_problems("sawah567890!") == []


def test_password_several_problems_at_once():
    problems = password_problems("17081985850001", nik=BUDI_NIK, birth_date=BUDI_BIRTH)
    assert set(problems) == {"birth_date", "nik"}


def test_good_passphrase_with_all_personal_data_known():
    assert password_problems("kopi-pagi-di-sawah", nik=BUDI_NIK, card_number=BUDI_CARD,
                             birth_date=BUDI_BIRTH) == []


@rules_settings
@given(birth=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
       prefix=st.text(max_size=60), suffix=st.text(max_size=60))
def test_property_password_with_birth_date_ddmmyyyy_is_refused(birth, prefix, suffix):
    password = prefix + birth.strftime("%d%m%Y") + suffix
    assert len(password) <= MAX_LENGTH
    assert "birth_date" in password_problems(password, birth_date=birth)


@rules_settings
@given(password=st.text(max_size=200))
def test_property_password_problems_are_known_codes(password):
    problems = password_problems(password)
    assert set(problems) <= {"too_short", "too_long", "common"}
    if len(password) < MIN_LENGTH:
        assert problems == ["too_short"]
    elif len(password) > MAX_LENGTH:
        assert problems == ["too_long"]


# --- formatting ----------------------------------------------------------------------------------

@pytest.mark.parametrize("amount, text", [
    (150000, "Rp150.000"),
    (0, "Rp0"),
    (1234567, "Rp1.234.567"),
    (-7000, "-Rp7.000"),
    (999, "Rp999"),
    (1000, "Rp1.000"),
    (-1, "-Rp1"),
    (1000000, "Rp1.000.000"),
])
def test_rupiah(amount, text):
    assert rupiah(amount) == text


@rules_settings
@given(amount=st.integers(min_value=-10**15, max_value=10**15))
def test_property_rupiah_round_trips(amount):
    text = rupiah(amount)
    assert re.fullmatch(r"-?Rp\d{1,3}(\.\d{3})*", text)
    assert text.startswith("-") == (amount < 0)
    digits = text.replace("Rp", "").replace("-", "").replace(".", "")
    assert int(digits) * (-1 if amount < 0 else 1) == amount


def test_date_id():
    assert date_id(date(2026, 11, 25)) == "25 Nov 2026"
    assert date_id(date(2026, 5, 1)) == "1 Mei 2026"  # no leading zero
    assert date_id(date(1985, 8, 17)) == "17 Agu 1985"
    assert date_id(date(2026, 12, 31)) == "31 Des 2026"
    assert date_id(None) == ""


@pytest.mark.parametrize("month, name", list(enumerate(
    ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"], start=1)))
def test_date_id_month_names(month, name):
    assert date_id(date(2026, month, 9)) == f"9 {name} 2026"


def test_datetime_id_shows_wib():
    assert datetime_id(datetime(2026, 11, 25, 7, 5)) == "25 Nov 2026 14.05 WIB"
    # 20.00 UTC is already the next day in WIB
    assert datetime_id(datetime(2026, 12, 31, 20, 0)) == "1 Jan 2027 03.00 WIB"
    assert datetime_id(None) == ""


def test_datetime_id_is_utc_plus_seven_for_any_moment():
    moment = datetime(2026, 3, 1, 16, 59)
    assert datetime_id(moment) == date_id(moment + timedelta(hours=7)) + " 23.59 WIB"
