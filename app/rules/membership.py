"""Who may change what, and when (SPEC §3 "Changes"), plus the checks a new family must pass.

Each `*_change` function answers with a `Decision`: allowed or not, why not (a code), and the first
day it becomes possible, so a form can say "bisa diubah mulai 1 Mar 2027".
"""
import difflib
import re
from dataclasses import dataclass
from datetime import date

from app.rules.months import first_of_next_month, months_after  # noqa: F401  (tests use membership.*)

FKTP_WAIT_MONTHS = 3
CLASS_WAIT_MONTHS = 12
NEWBORN_DAYS = 28
CLASS_SEGMENTS = ("PBPU", "BP")
#: why an officer may set a family or a member "nonaktif lain" (other than arrears), a fixed list
OFFICER_INACTIVE_REASONS = ("ppu_berhenti", "meninggal", "pindah_luar_negeri", "pendaftaran_ganda",
                            "pbi_dinonaktifkan", "data_tidak_valid", "pindah_segmen")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    code: str | None = None  # "segment" or "too_soon" when not allowed
    possible_from: date | None = None


def fktp_change(segment, registered_on, last_change, today):
    """Pindah FKTP: not for PBI; at least 3 months after the last change (or registration)."""
    if segment == "PBI":
        return Decision(False, "segment")
    possible_from = months_after(last_change or registered_on, FKTP_WAIT_MONTHS)
    if today < possible_from:
        return Decision(False, "too_soon", possible_from)
    return Decision(True, possible_from=today)


def class_change(segment, registered_on, last_change, today):
    """Pindah kelas: PBPU/BP only; a year after registration and after the last class change.
    When allowed, `possible_from` is the date it takes effect: the 1st of next month."""
    if segment not in CLASS_SEGMENTS:
        return Decision(False, "segment")
    possible_from = months_after(max(filter(None, (registered_on, last_change))), CLASS_WAIT_MONTHS)
    if today < possible_from:
        return Decision(False, "too_soon", possible_from)
    return Decision(True, possible_from=first_of_next_month(today))


def newborn_days_late(birth_date, today):
    """Days past the 28-day window for registering a newborn (0 when in time)."""
    return max(0, (today - birth_date).days - NEWBORN_DAYS)


def member_problems(members, today):
    """Checks across one family's members: list of (index, field, code).

    Codes: "future" (born after today), "duplicate_nik" (same NIK twice in the submission),
    "older_than_head" (a child born before the head), "no_head" / "two_heads".
    """
    problems = []
    heads = [i for i, m in enumerate(members) if m["relationship"] == "kepala"]
    if not heads:
        problems.append((None, "relationship", "no_head"))
    for extra in heads[1:]:
        problems.append((extra, "relationship", "two_heads"))
    head_born = members[heads[0]]["birth_date"] if heads else None
    seen = {}
    for i, member in enumerate(members):
        if member["birth_date"] > today:
            problems.append((i, "birth_date", "future"))
        if member["nik"] in seen:
            problems.append((i, "nik", "duplicate_nik"))
        seen.setdefault(member["nik"], i)
        if member["relationship"] == "anak" and head_born and member["birth_date"] <= head_born:
            problems.append((i, "birth_date", "older_than_head"))
    return problems


def name_key(name):
    """A name as compared for look-alikes: lower case, letters only, single spaces."""
    return " ".join(re.sub(r"[^a-z ]", " ", name.lower()).split())


def similar_names(a, b, threshold=0.85):
    """"Siti Aminah" ~ "Siti Aminnah" ~ "SITI  AMINAH": a possible duplicate for an officer to see."""
    return difflib.SequenceMatcher(None, name_key(a), name_key(b)).ratio() >= threshold


# --- tambah anggota: what the office checks ---------------------------------------------------------

#: a spouse younger than this cannot be one (the marriage law allows 19, with a court's
#: dispensation younger; below this no dispensation is given)
MIN_SPOUSE_AGE = 16
#: additions in this many days count as "at once"; more than AT_ONCE of them need an officer
AT_ONCE_DAYS = 30
AT_ONCE = 2
#: additions of one family waiting for an officer at the same time
MAX_PENDING = 3
MAX_FAMILY = 15
SPOUSE_SEX = {"suami": "L", "istri": "P"}


def age_on(birth_date, day):
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def addition_refusals(member, family, pending, today):
    """Why this member can never be added this way: [(field, code)], empty when it may be.

    `family` is the members on the card and `pending` those waiting for an officer (dicts with
    relationship, sex, birth_date). Codes: "spouse_too_young", "spouse_sex", "second_husband",
    "spouse_of_head_sex", "too_many_pending", "family_full".
    """
    found = []
    relationship = member["relationship"]
    everyone = list(family) + list(pending)
    head = next((m for m in family if m["relationship"] == "kepala"), None)
    if relationship in SPOUSE_SEX:
        if age_on(member["birth_date"], today) < MIN_SPOUSE_AGE:
            found.append(("birth_date", "spouse_too_young"))
        if member["sex"] != SPOUSE_SEX[relationship]:
            found.append(("sex", "spouse_sex"))
        if head is not None and head["sex"] == SPOUSE_SEX[relationship]:
            found.append(("relationship", "spouse_of_head_sex"))
        elif relationship == "suami" and any(m["relationship"] == "suami" for m in everyone):
            found.append(("relationship", "second_husband"))
    if len(pending) >= MAX_PENDING:
        found.append((None, "too_many_pending"))
    if len(everyone) >= MAX_FAMILY:
        found.append((None, "family_full"))
    return found


def addition_review_reasons(member, recent, nik_mismatches):
    """Why an officer must look before the member counts: a list of codes, empty when the addition
    is ordinary (a child, at most AT_ONCE additions within AT_ONCE_DAYS, a NIK that agrees).

    `recent`: additions of the family (applied or waiting) within AT_ONCE_DAYS before this one;
    `nik_mismatches`: what the NIK disagrees with ({"birth_date", "sex"}).
    """
    reasons = []
    if member["relationship"] != "anak":
        reasons.append("not_child")
    if recent >= AT_ONCE:
        reasons.append("many_at_once")
    if "birth_date" in nik_mismatches:
        reasons.append("nik_birth_date")
    return reasons
