"""Which passwords are refused: too short, common, or guessable from the person's own data.

NIK, card number and birth date are not secrets (SPEC §6), so a password made of them protects
nothing. Returns problem codes; the form words them.
"""
import re

MIN_LENGTH = 8
MAX_LENGTH = 128

#: Words people pick first, in Indonesia and elsewhere; checked after lower-casing and after
#: stripping trailing digits and symbols ("Bismillah123!" → "bismillah").
COMMON_WORDS = frozenset("""
    password passw0rd sandi katasandi rahasia masuk login admin administrator user
    bismillah alhamdulillah allahuakbar subhanallah insyaallah
    indonesia merdeka garuda pancasila nusantara jakarta bandung surabaya medan semarang
    sayang sayangku cinta cintaku kasih iloveyou aku kamu
    bpjs bpjskesehatan jkn jknlite mobilejkn kesehatan sehat puskesmas
    qwerty qwertyuiop asdfgh asdfghjkl zxcvbnm abc abcd abcde abcdef abcdefg abcdefgh
    welcome letmein monkey dragon sunshine princess football sepakbola superman batman
    persib persija arema doraemon naruto pokemon kucing anjing monyet
""".split())


def _digit_patterns(digits):
    """All one digit, or a run up or down the keypad (123456…, 987654…)."""
    if len(set(digits)) == 1:
        return True
    ascending = "01234567890123456789"
    return digits in ascending or digits in ascending[::-1]


def _date_forms(birth_date):
    d, m, y = f"{birth_date.day:02d}", f"{birth_date.month:02d}", f"{birth_date.year:04d}"
    return {d + m + y, d + m + y[2:], y + m + d, m + d + y, y[2:] + m + d}


def password_problems(password, *, nik=None, card_number=None, birth_date=None):
    """A list of codes, empty when the password may be used."""
    if len(password) < MIN_LENGTH:
        return ["too_short"]
    if len(password) > MAX_LENGTH:
        return ["too_long"]
    problems = []
    lowered = password.lower()
    stem = re.sub(r"[\d\W_]+$", "", lowered)
    if lowered in COMMON_WORDS or stem in COMMON_WORDS or (
        lowered.isdigit() and _digit_patterns(lowered)
    ) or len(set(lowered)) <= 2:
        problems.append("common")
    if birth_date and any(form in password for form in _date_forms(birth_date)):
        problems.append("birth_date")
    if nik and (nik[-6:] in password or nik[6:12] in password):
        problems.append("nik")
    if card_number and card_number[-6:] in password:
        problems.append("card_number")
    return problems
