"""Antrean online: the booking window, estimated times, who may book where, and the staff's steps
(SPEC §2.3, §3 "Referral" and "Out of area"). Pure functions: no Flask, no database.
"""
import re
from datetime import date, timedelta

from app.rules.facilities import FKTP_KINDS  # first-level facilities: the registered one, or "out of area"

#: a number can be taken for today and the 6 days after it
BOOKING_DAYS = 7
#: SPEC §3: at most 3 visits a month at an FKTP other than the registered one
OUT_OF_AREA_MONTHLY_LIMIT = 3
#: advanced facilities (FKRTL): only with a valid referral from the FKTP
REFERRAL_KINDS = ("rumah_sakit", "klinik_utama")
#: booking statuses that count as a visit for the out-of-area limit (not cancelled, not a no-show)
VISIT_STATUSES = ("aktif", "hadir", "dipanggil", "selesai")

#: staff action → the statuses it may start from
STAFF_ACTIONS = {
    "hadir": ("aktif",),                              # check-in at the counter
    "dipanggil": ("hadir",),                          # called to the poli
    "selesai": ("hadir", "dipanggil"),                # served
    "tidak_hadir": ("aktif", "hadir", "dipanggil"),   # no-show
}
#: a participant may cancel only before checking in
CANCELLABLE = ("aktif",)

#: layanan a facility can tick (Facility.services); the facility search labels the same codes
SERVICES = (
    "igd_24_jam", "poli_umum", "poli_gigi", "kia", "persalinan", "rawat_inap", "apotek_prb",
    "laboratorium", "radiologi", "poli_spesialis",
)
#: bed classes (BedAvailability.bed_class), in the order people read them
BED_CLASSES = ("kelas_1", "kelas_2", "kelas_3", "vip", "icu", "nicu", "picu", "isolasi")
MAX_BEDS = 10_000

#: booking codes: no 0/O, 1/I/L, so they can be read aloud and typed on a keypad
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8

_TIME = re.compile(r"^([0-9]{1,2})[:.]([0-9]{2})$")
_INTEGER = re.compile(r"^[0-9]{1,9}$")


# --- dates -----------------------------------------------------------------------------------

def booking_window(today):
    """(first, last) day a number can be taken for: today through today + 6."""
    return today, today + timedelta(days=BOOKING_DAYS - 1)


def booking_days(today):
    """Every day of the window, in order."""
    first, _ = booking_window(today)
    return [first + timedelta(days=i) for i in range(BOOKING_DAYS)]


def date_problem(day, today):
    """None when `day` is in the window, else "past" or "too_far"."""
    first, last = booking_window(today)
    if day < first:
        return "past"
    if day > last:
        return "too_far"
    return None


def parse_iso_date(text):
    """`2026-11-25` → date, or None for anything else (never raises)."""
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", (text or "").strip())
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def month_range(day):
    """(first day of `day`'s month, first day of the next month): the out-of-area counting window."""
    first = day.replace(day=1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, following


# --- times -----------------------------------------------------------------------------------

def parse_time(text):
    """`07:30`, `7:30` or `07.30` → minutes after midnight, or None (`25:00`, `7:5`, `abc`)."""
    match = _TIME.fullmatch((text or "").strip())
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        return None
    return hours * 60 + minutes


def format_time(minutes):
    """Minutes after midnight → `HH:MM` (wrapping past midnight)."""
    minutes %= 24 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def normalize_time(text):
    """A typed time in the stored form `HH:MM`, or None when it is not a time of day."""
    minutes = parse_time(text)
    return None if minutes is None else format_time(minutes)


def estimated_time(start_time, service_minutes, number):
    """When number `number` is expected: start + (number - 1) × minutes per patient, as `HH:MM`."""
    start = parse_time(start_time)
    if start is None:
        raise ValueError(f"bad start time {start_time!r}")
    return format_time(start + (max(number, 1) - 1) * max(service_minutes, 0))


def time_text(hhmm):
    """`09:20` → `09.20`, the way Indonesians write a time."""
    return hhmm.replace(":", ".")


def hours_problem(opens, closes):
    """None when both are times and closing comes after opening; else "format" or "order"."""
    start, end = parse_time(opens), parse_time(closes)
    if start is None or end is None:
        return "format"
    if end <= start:
        return "order"
    return None


# --- who may book where ----------------------------------------------------------------------

def access_route(facility_kind, is_registered_fktp):
    """How a participant may book at a facility: "own" (their FKTP), "out_of_area" (another FKTP),
    "referral" (a hospital or klinik utama, with a referral), or None (no queue there)."""
    if is_registered_fktp:
        return "own"
    if facility_kind in FKTP_KINDS:
        return "out_of_area"
    if facility_kind in REFERRAL_KINDS:
        return "referral"
    return None


def out_of_area_allowed(count_this_month):
    """Another booking at a non-registered FKTP is allowed when fewer than 3 count this month."""
    return count_this_month < OUT_OF_AREA_MONTHLY_LIMIT


def referral_covers(issued_on, valid_until, visit_date):
    """A referral covers a visit from the day it is issued through its last valid day."""
    return issued_on <= visit_date <= valid_until


def slots_left(daily_quota, booked):
    return max(0, daily_quota - booked)


def is_full(daily_quota, booked):
    return booked >= daily_quota


def is_open_on(day, open_weekdays):
    """Open on `day`'s weekday (0 = Monday). No hours recorded at all (empty) means not known:
    treated as open, so a facility without hours still takes bookings."""
    return not open_weekdays or day.weekday() in open_weekdays


# --- steps -----------------------------------------------------------------------------------

def staff_action_allowed(action, status):
    return status in STAFF_ACTIONS.get(action, ())


def can_cancel(status, visit_date, today):
    return status in CANCELLABLE and visit_date >= today


def booking_code(random_index):
    """A code of CODE_LENGTH characters; `random_index(n)` returns 0 ≤ i < n (secrets.randbelow)."""
    return "".join(CODE_ALPHABET[random_index(len(CODE_ALPHABET))] for _ in range(CODE_LENGTH))


# --- beds ------------------------------------------------------------------------------------

def parse_count(text):
    """A typed bed count → (int, None), or (None, why): "missing", "negative", "not_number",
    "too_large". Only ASCII digits count ("１２" is not a number here)."""
    text = (text or "").strip()
    if not text:
        return None, "missing"
    if re.fullmatch(r"-\s*[0-9]+", text):
        return None, "negative"
    if not _INTEGER.fullmatch(text):
        return None, "not_number"
    value = int(text)
    if value > MAX_BEDS:
        return None, "too_large"
    return value, None


def beds_problem(available, total):
    """None, or "available_over_total" when more beds are free than exist."""
    if available > total:
        return "available_over_total"
    return None


# --- poli settings (the facility staff's form) ----------------------------------------------------

POLI_QUOTA_MAX = 500
POLI_MINUTES_MAX = 120
_POLI_CODE = re.compile(r"[a-z][a-z0-9_]{1,19}")
_BPJS_POLI_CODE = re.compile(r"[A-Z]{3}")


def poli_problems(code, bpjs_code, days, start_time, end_time, daily_quota, service_minutes):
    """[(field, problem)] of a poli's settings: code "code", bpjs_code "bpjs_code", days "no_days",
    times "format"/"order", quota and minutes "not_number"/"too_small"/"too_large"."""
    found = []
    if not _POLI_CODE.fullmatch(code or ""):
        found.append(("code", "code"))
    if bpjs_code and not _BPJS_POLI_CODE.fullmatch(bpjs_code):
        found.append(("bpjs_code", "bpjs_code"))
    if not days:
        found.append(("days", "no_days"))
    problem = hours_problem(start_time, end_time)
    if problem:
        found.append(("start_time" if problem == "format" and parse_time(start_time) is None else "end_time",
                      problem))
    for field, value, top in (("daily_quota", daily_quota, POLI_QUOTA_MAX),
                              ("service_minutes", service_minutes, POLI_MINUTES_MAX)):
        number = int(value) if _INTEGER.fullmatch((value or "").strip()) else None
        if number is None:
            found.append((field, "not_number"))
        elif number < 1:
            found.append((field, "too_small"))
        elif number > top:
            found.append((field, "too_large"))
    return found
