"""Pendaftaran peserta baru and tambah anggota: the draft, the checks a family must pass, and the
writes that create it. Views call these functions; nothing here knows about forms or templates.

A draft's answers (`Registration.data`, encrypted) look like::

    {"kk_number": "3201…", "district": "32.01.01", "address": "…", "phone": "0812…",
     "members": [{"nik": "…", "name": "…", "sex": "L", "birth_date": "1985-08-17",
                  "relationship": "kepala"}, …],
     "fktp": 3, "segment": "PBPU", "care_class": 3}

plus "password_hash" while a flagged registration waits for an officer. `Registration.flags` is
plain text, so it holds only ids: [{"member": index in the draft, "participant": id}].
"""
import hmac
import json
import secrets
from datetime import date, timedelta

from peewee import IntegrityError

from app.contributions import ledger
from app.contributions.va import va_issuer
from app.core import clock, security, uploads
from app.core.audit import audit
from app.core.db import db, write_lock
from app.models import Facility, Family, MemberAddition, Participant, Registration, User
from app.rules import contributions, identity, membership

#: The pages of the form, in order; `Registration.step` is the furthest one the draft may open.
STEPS = ("keluarga", "anggota", "faskes", "periksa", "selesai")
#: First-level facilities a family can register with.
SEGMENTS = contributions.FAMILY_VA  # a family registering itself pays for itself: PBPU or BP
CARE_CLASSES = (1, 2, 3)
MAX_MEMBERS = 15
NEARBY_LIMIT = 15
TOKEN_DIGITS = 12  # the resume code: digits only, easy on a keypad


class RegistrationError(Exception):
    """A check failed. `code` names it; `index` is the member concerned (None: the whole draft)."""

    def __init__(self, code, index=None, step=None):
        super().__init__(code)
        self.code, self.index, self.step = code, index, step


# --- drafts ------------------------------------------------------------------------------------

def _new_token():
    while True:
        token = f"{secrets.randbelow(10 ** TOKEN_DIGITS):0{TOKEN_DIGITS}d}"
        if not Registration.select().where(Registration.token == token).exists():
            return token


def is_token(text):
    return len(text) == TOKEN_DIGITS and identity.is_digits(text)


def start_draft(actor):
    """A new, empty draft. `actor` is the signed-in staff member helping, or None."""
    staff = actor if actor is not None and getattr(actor, "role", "peserta") != "peserta" else None
    with write_lock():
        registration = Registration.create(token=_new_token(), created_by=staff, data_encrypted="")
        audit(actor, "registration_started", f"registration:{registration.id}")
    return registration


def by_token(token):
    return Registration.get_or_none(Registration.token == token) if is_token(token) else None


def find_for_resume(code, kk_number):
    """The registration with this resume code whose KK number is `kk_number`, or None (same answer
    for an unknown code and a wrong KK number)."""
    registration = by_token(identity.normalize_number(code))
    expected = (registration.data.get("kk_number") or "") if registration else ""
    given = identity.normalize_number(kk_number)
    if registration is None or not expected or not hmac.compare_digest(expected.encode(), given.encode()):
        return None
    return registration


def members_of(data):
    """The draft's members with their birth dates as dates."""
    return [dict(m, birth_date=date.fromisoformat(m["birth_date"])) for m in data.get("members", [])]


def stored_member(member):
    """A member as kept in the draft's JSON (the birth date as ISO text)."""
    return dict(member, birth_date=member["birth_date"].isoformat())


def reachable_step(data, today):
    """The furthest step this draft may open: the first one with something missing, else periksa."""
    if not (data.get("kk_number") and data.get("district") and data.get("phone")):
        return "keluarga"
    members = members_of(data)
    if not members or membership.member_problems(members, today):
        return "anggota"
    if not (data.get("segment") in SEGMENTS and data.get("care_class") in CARE_CLASSES
            and data.get("fktp") and facility_problem(data["fktp"], data["district"]) is None):
        return "faskes"
    return "periksa"


def may_open(step, data, today):
    return STEPS.index(step) <= STEPS.index(reachable_step(data, today))


def save_draft(registration, actor, step, change, today):
    """Apply `change(data)` to the draft under the write lock; refuses a draft no longer open."""
    with write_lock():
        locked = Registration.get_locked(registration.id)
        if locked.status != "draft":
            raise RegistrationError("not_draft")
        data = locked.data
        change(data)
        locked.data = data
        locked.step = reachable_step(data, today)
        locked.updated_at = clock.now()
        locked.save()
        audit(actor, "registration_saved", f"registration:{locked.id}", step=step)
    return locked


# --- the member step ------------------------------------------------------------------------------

def add_draft_member(registration, actor, member, today):
    """Add one member to the draft. Returns [(field, code)] that refuse it (nothing is saved then);
    [] once saved. Raises RegistrationError("not_draft") for a draft already sent."""
    members = members_of(registration.data)
    found = new_member_problems(members, member, today)
    if nik_registered(member["nik"]):
        found.insert(0, ("nik", "nik_registered"))
    if len(members) >= MAX_MEMBERS:
        found.append((None, "too_many"))
    if not found:
        save_draft(registration, actor, "anggota",
                   lambda draft: draft.setdefault("members", []).append(stored_member(member)), today)
    return found


def remove_draft_member(registration, actor, index, today):
    """Remove the member at `index` (text from the form; anything else changes nothing)."""
    if not (identity.is_digits(index or "") and len(index) < 4):
        return

    def change(draft):
        if int(index) < len(draft.get("members", [])):
            del draft["members"][int(index)]
    save_draft(registration, actor, "anggota", change, today)


def finish_members(registration, actor, today):
    """Close the member step: None when the members pass the checks together, else the first
    problem as (index or None, code)."""
    members = members_of(registration.data)
    problems = membership.member_problems(members, today) if members else [(None, "", "no_members")]
    if problems:
        return problems[0][0], problems[0][2]
    save_draft(registration, actor, "anggota", lambda draft: None, today)
    return None


# --- checks ------------------------------------------------------------------------------------

def kk_registered(kk_number):
    return Family.select().where(Family.kk_number == kk_number).exists()


def nik_registered(nik):
    return Participant.by_nik(nik)


def registered_niks(members):
    """Indexes of members whose NIK already belongs to a participant (one query)."""
    index_of = {key: i for i, m in enumerate(members) for key in security.blind_indexes(m["nik"], "nik")}
    found = Participant.select(Participant.nik_index).where(Participant.nik_index.in_(list(index_of)))
    return sorted(index_of[p.nik_index] for p in found)


def new_member_problems(existing, member, today):
    """Problems the member about to be added would cause: [(field, code)], checked against the
    members already there (duplicate NIK, a child older than the head, a second head…)."""
    members = existing + [member]
    new = len(existing)
    found = []
    for index, field, code in membership.member_problems(members, today):
        if index == new:
            found.append((field, code))
        elif code == "older_than_head" and member["relationship"] == "kepala":
            found.append(("birth_date", "head_younger_than_child"))
    return list(dict.fromkeys(found))


def nik_warnings(member, today):
    """Facts the NIK disagrees with: a subset of {"birth_date", "sex"} — warned about, never refused."""
    try:
        return identity.nik_mismatches(member["nik"], member["birth_date"], member["sex"], today)
    except identity.IdentifierError:
        return set()


def nearby_fktp(district_code):
    """Partner FKTPs for a family in this district, nearest first (never another province)."""
    return Facility.fktp_near(district_code, limit=NEARBY_LIMIT)


def facility_problem(facility_id, district_code):
    """None when the family in `district_code` may register with this facility, else a code:
    "unknown", "not_fktp" or "other_province" (a forged choice is refused by the same check)."""
    facility = Facility.get_or_none(Facility.id == facility_id) if isinstance(facility_id, int) else None
    return "unknown" if facility is None else facility.fktp_problem(district_code)


def monthly_totals(segment, members, today):
    """[(care class, per person, family total)] for this month, and the rate table's date."""
    month = contributions.month_of(today)
    rows = []
    for care_class in CARE_CLASSES:
        total = contributions.family_monthly_due(segment, care_class, members, month)
        rows.append((care_class, total // members, total))
    return rows, contributions.rate_table_on(month).effective_from


def similar_participants(data):
    """Possible duplicates for an officer: an existing participant born the same day, living in the
    same district, with a look-alike name (exact NIK matches are refused elsewhere)."""
    members = members_of(data)
    if not members:
        return []
    candidates = list(
        Participant.select(Participant.id, Participant.name, Participant.birth_date).join(Family)
        .where(Participant.birth_date.in_({m["birth_date"] for m in members})
               & (Family.district == data["district"])))
    return [{"member": i, "participant": p.id}
            for i, m in enumerate(members) for p in candidates
            if p.birth_date == m["birth_date"] and membership.similar_names(m["name"], p.name)]


def _check_complete(data, today):
    step = reachable_step(data, today)
    if step != "periksa":
        raise RegistrationError("incomplete", step=step)
    if kk_registered(data["kk_number"]):
        raise RegistrationError("kk_registered")
    taken = registered_niks(members_of(data))
    if taken:
        raise RegistrationError("nik_registered", index=taken[0])


# --- the writes --------------------------------------------------------------------------------

def submit(registration, password, actor, today):
    """Send a finished draft: the family is created at once, or — when a member looks like an
    existing participant — the draft waits for an officer. One transaction; raises RegistrationError."""
    password_hash = security.hash_password(password)  # slow: before taking the lock
    try:
        with write_lock():
            locked = Registration.get_locked(registration.id)
            if locked.status != "draft":
                raise RegistrationError("not_draft")
            data = locked.data
            _check_complete(data, today)
            flags = similar_participants(data)
            if flags:
                data["password_hash"] = password_hash
                locked.data = data
                locked.flags = json.dumps(flags)
                locked.status, locked.step, locked.updated_at = "review", "selesai", clock.now()
                locked.save()
                audit(actor, "registration_flagged", f"registration:{locked.id}",
                      possible_duplicates=len(flags))
                return locked
            _create_family(locked, data, password_hash, actor, today)
            return locked
    except IntegrityError:  # a concurrent registration took the KK or a NIK first
        raise RegistrationError("taken") from None


def _create_family(registration, data, password_hash, actor, today):
    """The family, its members (head first) and the head's account, from a checked draft."""
    family = Family.create(
        kk_number=data["kk_number"], segment=data["segment"], care_class=data["care_class"],
        district=data["district"], address=data.get("address", ""), fktp=data["fktp"],
        registered_on=today, cover_start=contributions.month_of(today))
    family.va_number = va_issuer().issue(family)
    family.save()
    head = None
    members = members_of(data)
    for member in sorted(members, key=lambda m: m["relationship"] != "kepala"):
        participant = Participant(
            card_number=Participant.new_card_number(), name=member["name"], sex=member["sex"],
            birth_date=member["birth_date"], family=family, relationship=member["relationship"],
            phone=data["phone"] if member["relationship"] == "kepala" else "", registered_on=today)
        participant.nik = member["nik"]
        participant.save()
        head = head or participant
        audit(actor, "participant_registered", f"participant:{participant.id}", participant)
    User.create(participant=head, role="peserta", password_hash=password_hash)
    data.pop("password_hash", None)
    registration.data = data
    registration.family = family
    registration.status, registration.step, registration.updated_at = "done", "selesai", clock.now()
    registration.save()
    audit(actor, "registration_completed", f"registration:{registration.id}", head, family=family.id)
    ledger.store(family, today)
    return family


def approve(registration, officer, today):
    """An officer found no duplicate: create the family exactly as a direct registration would."""
    try:
        with write_lock():
            locked = Registration.get_locked(registration.id)
            if locked.status != "review":
                raise RegistrationError("decided")
            data = locked.data
            _check_complete(data, today)
            locked.decided_by, locked.decided_at = officer, clock.now()
            family = _create_family(locked, data, data.get("password_hash", ""), officer, today)
            audit(officer, "registration_approved", f"registration:{locked.id}", family.head())
            return locked
    except IntegrityError:
        raise RegistrationError("taken") from None


def reject(registration, officer, reason):
    with write_lock():
        locked = Registration.get_locked(registration.id)
        if locked.status != "review":
            raise RegistrationError("decided")
        data = locked.data
        data.pop("password_hash", None)
        locked.data = data
        locked.status, locked.decision_reason = "rejected", reason
        locked.decided_by, locked.decided_at = officer, clock.now()
        locked.updated_at = locked.decided_at
        locked.save()
        audit(officer, "registration_rejected", f"registration:{locked.id}")
        return locked


def flagged_matches(registration):
    """[(member of the draft, the existing participant it resembles, where that one lives as
    [province, regency, district])] for the officer's page."""
    members = members_of(registration.data)
    flags = json.loads(registration.flags or "[]")
    ids = [flag["participant"] for flag in flags]
    query = Participant.select(Participant, Family).join(Family).where(Participant.id.in_(ids))
    found = {p.id: p for p in query}
    matches = []
    for flag in flags:
        participant = found.get(flag["participant"])
        if participant is not None and flag["member"] < len(members):
            district = participant.family.district if participant.family.district_code else None
            matches.append((members[flag["member"]], participant, district.lineage() if district else []))
    return matches


# --- tambah anggota ----------------------------------------------------------------------------

def family_members(family):
    return [{"nik": p.nik, "name": p.name, "sex": p.sex, "birth_date": p.birth_date,
             "relationship": p.relationship} for p in Participant.select().where(Participant.family == family)]


def newborn_days_late(family, member, today):
    """Days past the 28-day window, for a child born while the family was already covered (a
    newborn, bayi baru lahir); 0 for everyone else."""
    if member["relationship"] != "anak" or member["birth_date"] < family.registered_on:
        return 0
    return membership.newborn_days_late(member["birth_date"], today)


def pending_members(family):
    """The members waiting for an officer (as dicts like family_members())."""
    return [dict(a.data, birth_date=date.fromisoformat(a.data["birth_date"]))
            for a in MemberAddition.pending_for(family)]


def addition_problems(family, member, today):
    """Everything that refuses this member: [(field, code)] (field None: the whole form)."""
    existing, pending = family_members(family), pending_members(family)
    found = [f for f in new_member_problems(existing, member, today) if f[1] != "duplicate_nik"]
    if any(m["nik"] == member["nik"] for m in existing + pending):
        found.insert(0, ("nik", "nik_in_family"))
    elif nik_registered(member["nik"]):
        found.insert(0, ("nik", "nik_registered"))
    found += membership.addition_refusals(member, existing, pending, today)
    return list(dict.fromkeys(found))


def addition_reasons(family, member, today):
    """Why an officer must look first (codes; empty: the member is added at once)."""
    since = clock.now() - timedelta(days=membership.AT_ONCE_DAYS)
    return membership.addition_review_reasons(
        member, MemberAddition.recent_for(family, since), nik_warnings(member, today))


def request_addition(family, member, image, actor, today):
    """Tambah anggota with its document photo. An ordinary addition creates the participant at once;
    an unusual one waits for an officer (MemberAddition "menunggu") and counts toward the dues only
    once approved. Every check runs again under the lock (many forms sent at once meet the same
    limits). Raises RegistrationError(code, field); the photo is removed when nothing is saved."""
    name = uploads.store(image)
    try:
        with write_lock():
            Family.get_locked(family.id)  # one addition of a family at a time
            problems = addition_problems(family, member, today)
            if problems:
                field, code = problems[0]
                raise RegistrationError(code, step=field)
            reasons = addition_reasons(family, member, today)
            addition = MemberAddition(family=family, requested_by=actor, document=name,
                                      nik_index=security.blind_index(member["nik"], "nik"),
                                      reasons=",".join(reasons))
            addition.data = stored_member(member)
            if reasons:
                addition.save()
                audit(actor, "member_addition_requested", f"member_addition:{addition.id}",
                      family.head(), reasons=reasons)
                return addition
            addition.participant = add_member(family, member, actor, today)
            addition.status = "disetujui"
            addition.save()
            return addition
    except BaseException:
        uploads.remove(name)
        raise


def add_member(family, member, actor, today):
    """Put a checked member on the family's card: the participant, the ledger (dues from this month)
    and the audit entry, in the caller's transaction. RegistrationError("nik_registered") on a race."""
    try:
        with db.atomic():
            participant = Participant(
                card_number=Participant.new_card_number(), name=member["name"], sex=member["sex"],
                birth_date=member["birth_date"], family=family, relationship=member["relationship"],
                registered_on=today)
            participant.nik = member["nik"]
            participant.save()
            ledger.store(family, today)  # the new member counts toward the dues from this month
    except IntegrityError:
        raise RegistrationError("nik_registered", step="nik") from None
    audit(actor, "member_added", f"participant:{participant.id}", participant,
          days_late=newborn_days_late(family, member, today))
    return participant


def decide_addition(officer, addition_id, approve, reason, today):
    """An officer's decision on a waiting addition: approve (the member is created and counts from
    this month) or reject with a reason. Raises RegistrationError ("decided", "reason",
    "nik_registered")."""
    with write_lock():
        addition = MemberAddition.get_locked(addition_id)
        if addition.status != "menunggu":
            raise RegistrationError("decided")
        if not approve and not reason:
            raise RegistrationError("reason")
        if approve:
            member = members_of({"members": [addition.data]})[0]
            if nik_registered(member["nik"]):
                raise RegistrationError("nik_registered")
            addition.participant = add_member(addition.family, member, officer, today)
        addition.status = "disetujui" if approve else "ditolak"
        addition.decided_by, addition.decided_at, addition.decision_reason = officer, clock.now(), reason or ""
        addition.save()
        audit(officer, f"member_addition_{'approved' if approve else 'rejected'}",
              f"member_addition:{addition.id}", addition.family.head())
    return addition
