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
