"""Identifiers of a participant: NIK, card number (noka), KK number (SPEC §3).

NIK = province(2) regency(2) district(2) DDMMYY serial(4); women have 40 added to the day.
A NIK that disagrees with the stated birth date is only warned about: the NIK is permanent even
when a birth date is corrected later.
"""
import re
from dataclasses import dataclass
from datetime import date

NIK_LENGTH = 16
CARD_LENGTH = 13
KK_LENGTH = 16
_SEPARATORS = re.compile(r"[\s.\-]")
_DIGITS = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() also accepts "²" and "３"


def is_digits(text):
    return bool(_DIGITS.fullmatch(text))


class IdentifierError(ValueError):
    """`code` says what is wrong: format, province, birth_date or serial."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class NikFacts:
    district_code: str  # dotted Kemendagri form, e.g. "32.01.05"
    birth_date: date
    sex: str  # "L" (laki-laki) or "P" (perempuan)


def normalize_number(text):
    """What people type ("3201 0512 …", "0001-0000-00001") → digits only (or the text unchanged)."""
    return _SEPARATORS.sub("", text or "")


def parse_nik(nik, today):
    """Facts encoded in a NIK; raises IdentifierError for a NIK that cannot exist."""
    if len(nik) != NIK_LENGTH or not is_digits(nik):
        raise IdentifierError("format")
    if not 11 <= int(nik[:2]) <= 99:
        raise IdentifierError("province")
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "P" if day > 40 else "L"
    if sex == "P":
        day -= 40
    birth_date = None
    for year in (2000 + yy, 1900 + yy):  # the latest real date that is not in the future
        try:
            candidate = date(year, month, day)
        except ValueError:  # no such day (29 Feb 1900), or no such month
            continue
        if candidate <= today:
            birth_date = candidate
            break
    if birth_date is None:
        raise IdentifierError("birth_date")
    if nik[12:] == "0000":
        raise IdentifierError("serial")
    return NikFacts(f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}", birth_date, sex)


def nik_mismatches(nik, birth_date, sex, today):
    """Which stated facts disagree with the NIK: a subset of {"birth_date", "sex"} (warnings only)."""
    facts = parse_nik(nik, today)
    found = set()
    if (facts.birth_date.day, facts.birth_date.month, facts.birth_date.year % 100) != (
        birth_date.day, birth_date.month, birth_date.year % 100
    ):
        found.add("birth_date")
    if sex and facts.sex != sex:
        found.add("sex")
    return found


def mask_nik(nik):
    """3201********0001: enough to recognise one's own NIK (or KK number), not enough to use it."""
    return nik[:4] + "*" * (len(nik) - 8) + nik[-4:] if nik else ""


mask_kk = mask_nik  # a KK number is 16 digits too, and as little a secret


def check_card_number(card):
    if len(card) != CARD_LENGTH or not is_digits(card):
        raise IdentifierError("format")
    return card


def check_kk_number(kk):
    if len(kk) != KK_LENGTH or not is_digits(kk):
        raise IdentifierError("format")
    return kk


def identifier_kind(text):
    """Sign-in identifier → "nik", "card", "username", or "bad_number" (digits of a wrong length)."""
    value = normalize_number(text)
    if is_digits(value):
        return {NIK_LENGTH: "nik", CARD_LENGTH: "card"}.get(len(value), "bad_number")
    return "username"
