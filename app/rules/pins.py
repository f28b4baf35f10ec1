"""Which 6-digit PINs are refused (SPEC §5.3 consent, §5.4 kiosk sign-in, §6 blocklist).

A PIN is exactly six ASCII digits: "１２３４５６" and "²" are digits to `str.isdigit()` but not on a
keypad. With only a million PINs, the ones people pick first are the ones an attacker tries first:
low variety (111111, 121212, 112233), runs (123456, 654321, 890123), well-known PINs, and anything
made of the person's own data. NIK, card number and birth date are not secrets (SPEC §6): the
NIK carries the birth date as DDMMYY (women +40 on the day), so its date part, its last six
digits, the card's last six digits and every usual way of writing the birth date are refused.

Returns problem codes in a fixed order; the form words them. A PIN that is not six ASCII digits
gets only `not_six_digits`: the other checks mean nothing for it.
"""
import re

from app.rules.identity import NIK_LENGTH, is_digits, normalize_number

PIN_LENGTH = 6
CODES = ("not_six_digits", "repeated", "sequence", "birth_date", "nik", "card_number", "common")

_PIN = re.compile(r"[0-9]{6}")  # ASCII only, and no spaces
_RUNS = "01234567890123456"  # wraps around: 789012 and 890123 are runs too

#: PINs picked far more often than 1 in a million: keypad shapes (147258, 159753 on a phone pad),
#: mirrors, doubled halves, 520 ("I love you" in Chinese), 17-08-1945 (Hari Kemerdekaan).
COMMON_PINS = frozenset("""
    000000 111111 222222 333333 444444 555555 666666 777777 888888 999999
    123456 654321 234567 345678 456789 987654 012345 543210
    123123 321321 456456 789789 147147 258258 369369 159159 520520 521521 520131 131420
    112233 332211 445566 778899 112211 121212 101010 202020 212121 010101 696969 131313
    123321 456654 789987 147741 100200 102030 112358 314159 135790 246810 135791 246802
    147258 258369 147369 369258 741852 852963 963852 789456 456123 123654 147852 741963
    159753 753159 951753 357159 753951 159357 357951 789123 321654 987321
    170845 081945 170819 000001 100000 999000 000999 123000 000123 110110 111222 222111
""".split())  # noqa: SIM905 (a wrong-length entry stays visible to the test)


def _runs(pin):
    """Up or down the digits by one each step (123456, 654321, 890123)."""
    return pin in _RUNS or pin in _RUNS[::-1]


def _low_variety(pin):
    """At most two distinct digits (111111, 121212, 110011), or doubled/tripled blocks (112233, 123123)."""
    return (
        len(set(pin)) <= 2
        or (pin[0] == pin[1] and pin[2] == pin[3] and pin[4] == pin[5])
        or pin[:3] == pin[3:]
    )


def _date_forms(day, month, years):
    """6-digit ways of writing a date: DDMMYY, MMDDYY, YYMMDD and the windows of the 8-digit forms.

    `day`/`month` are 2-digit strings, `years` 4-digit strings (several when the century is unknown).
    """
    forms = set()
    for year in years:
        yy = year[2:]
        forms |= {day + month + yy, month + day + yy, yy + month + day}
        for long_form in (day + month + year, year + month + day, month + day + year):
            forms |= {long_form[i:i + PIN_LENGTH] for i in range(len(long_form) - PIN_LENGTH + 1)}
    return forms


def _nik_date(nik):
    """(DDMMYY as written in the NIK, the birth date's forms) for a 16-digit NIK, else (None, set())."""
    if len(nik) != NIK_LENGTH or not is_digits(nik):
        return None, set()
    written = nik[6:12]
    day = int(written[:2])
    if day > 40:  # women: 40 is added to the day
        day -= 40
    yy = written[4:]
    return written, _date_forms(f"{day:02d}", written[2:4], ("19" + yy, "20" + yy))


def pin_problems(pin, *, nik=None, card_number=None, birth_date=None):
    """A list of codes (see CODES), empty when the PIN may be used. Never raises."""
    if not isinstance(pin, str) or not _PIN.fullmatch(pin):
        return ["not_six_digits"]
    problems = []
    if _low_variety(pin):
        problems.append("repeated")
    if _runs(pin):
        problems.append("sequence")

    nik = normalize_number(nik) if isinstance(nik, str) else ""
    nik_written, nik_dates = _nik_date(nik)
    dates = set(nik_dates)
    if birth_date is not None:
        dates |= _date_forms(f"{birth_date.day:02d}", f"{birth_date.month:02d}",
                             (f"{birth_date.year:04d}",))
    if pin in dates or pin == nik_written:
        problems.append("birth_date")
    if nik_written is not None and pin in (nik[-PIN_LENGTH:], nik_written):
        problems.append("nik")

    card = normalize_number(card_number) if isinstance(card_number, str) else ""
    if len(card) >= PIN_LENGTH and pin == card[-PIN_LENGTH:]:
        problems.append("card_number")
    if pin in COMMON_PINS:
        problems.append("common")
    return problems
