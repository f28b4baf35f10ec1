"""Perubahan data: the workflows behind the pages, callable without HTTP (SPEC §2.2, §3, §6).

- Nomor HP and alamat domisili apply at once.
- Pindah FKTP: 3 months after the last change (or registration), not for PBI, and only to a
  first-level facility in the family's own province.
- Pindah kelas: PBPU/BP only, a year after registration and the last class change; it waits in
  Family.next_care_class until the 1st of next month.
- Name, birth date, sex and NIK: a ChangeRequest with a document photo that an officer decides.

Each submission is one write_lock() transaction that re-reads what it changes, re-checks the rules
inside it, records the change in MembershipChange and writes the audit entry.
"""
from datetime import date

from peewee import JOIN, IntegrityError

from app.contributions import ledger
from app.core import clock, uploads
from app.core.audit import audit
from app.core.db import db, write_lock
from app.core.extensions import lazy_gettext as _l
from app.core.formatting import date_id
from app.core.labels import FIELD_LABELS, SEX_LABELS
from app.models import ChangeRequest, Facility, Family, MembershipChange, Participant, RateVersion, Region
from app.rules import contributions, identity
from app.rules import membership as rules

#: Faskes tingkat pertama (FKTP) a family may register with.
FKTP_LIST_LIMIT = 25
HISTORY_LIMIT = 20
CARE_CLASSES = (1, 2, 3)



class ChangeRefused(Exception):
    """A change the rules do not allow now. `code`: segment, too_soon, facility, same, pending,
    decided, nik_taken, not_head, no_region; `possible_from` where a date explains it."""

    def __init__(self, code, possible_from=None):
        super().__init__(code)
        self.code = code
        self.possible_from = possible_from


# --- who may change what ------------------------------------------------------------------------

def fktp_decision(family, today):
    return rules.fktp_change(family.segment, family.registered_on, family.fktp_changed_on, today)


def class_decision(family, today):
    return rules.class_change(family.segment, family.registered_on, family.class_changed_on, today)


# --- FKTP choices -------------------------------------------------------------------------------

def province_of(code):
    return code.split(".")[0] if code else None


def regency_of(code):
    return ".".join(code.split(".")[:2]) if code and code.count(".") >= 1 else None


def fktp_options(family, area_code, limit=FKTP_LIST_LIMIT):
    """FKTPs in `area_code` for this family, nearest first. Returns (facilities, more)."""
    if not family.district_code:
        return [], False
    found = Facility.fktp_near(family.district_code, area_code, limit + 1)
    return found[:limit], len(found) > limit


def fktp_choosable(family, facility):
    """A partner FKTP in the family's province (never another province, whatever is posted)."""
    return bool(family.district_code) and facility.fktp_problem(family.district_code) is None


def region_areas(family, args):
    """The regency and district chosen in the picker (each checked against the family's province),
    and the area to list: no choice yet → the family's regency; an explicit empty regency → the
    whole province. Returns (province, regencies, regency, districts, district, area_code)."""
    home = family.district_code
    province = Region.get_or_none(Region.code == province_of(home)) if home else None
    if province is None:
        return None, [], None, [], None, None
    if "kabupaten" in args:
        regency = Region.lookup((args.get("kabupaten") or "").strip(), Region.REGENCY)
    else:
        regency = Region.lookup(regency_of(home), Region.REGENCY)
    if regency is not None and regency.parent_code != province.code:
        regency = None
    district = None
    if regency is not None:
        district = Region.lookup((args.get("kecamatan") or "").strip(), Region.DISTRICT)
        if district is not None and district.parent_code != regency.code:
            district = None
    area = (district or regency or province).code
    districts = Region.options(regency.code) if regency else ()
    return province, Region.options(province.code), regency, districts, district, area


# --- class change ------------------------------------------------------------------------------

def class_prices(family, effective_from):
    """[(kelas, monthly family total from `effective_from`)], the date of the rate version that
    prices them (the same dated tables bills use: RateVersion), and the member count."""
    members = family.member_count()
    month = contributions.month_of(effective_from)
    tables = RateVersion.tables()
    prices = [(care_class, contributions.family_monthly_due(family.segment, care_class, members, month, tables))
              for care_class in CARE_CLASSES]
    return prices, contributions.rate_table_on(month, tables).effective_from, members


# --- workflows -----------------------------------------------------------------------------------

def change_contact(user, participant_id, phone, address=None):
    """Nomor HP of the participant and (head only) the family's domicile address, at once.
    Returns the fields that changed (nothing is written when none did)."""
    with write_lock():
        person = Participant.get_locked(participant_id)
        today = clock.today()
        changed = []
        if phone != person.phone:
            MembershipChange.record(person.family_id, "phone", person.phone, phone, today,
                                    actor=user, participant=person)
            person.phone = phone
            person.save()
            changed.append("phone")
        if address is not None:
            if not person.is_head:
                raise ChangeRefused("not_head")
            family = Family.get_locked(person.family_id)
            if address != family.address:
                MembershipChange.record(family, "address", family.address, address, today, actor=user)
                family.address = address
                family.save()
                changed.append("address")
        if changed:
            audit(user, "contact_changed", f"participant:{person.id}", person.id, fields=changed)
    return changed


def _head_and_family(head_id, rule, today):
    """Inside write_lock(): the head and their family, locked, when `rule` allows the change today;
    else ChangeRefused. The rules are checked again here, under the lock."""
    head = Participant.get_locked(head_id)
    if not head.is_head:
        raise ChangeRefused("not_head")
    family = Family.get_locked(head.family_id)
    decision = rule(family, today)
    if not decision.allowed:
        raise ChangeRefused(decision.code, decision.possible_from)
    return head, family, decision


def change_fktp(user, head_id, facility_id):
    """Pindah FKTP for the head's family."""
    with write_lock():
        today = clock.today()
        head, family, _ = _head_and_family(head_id, fktp_decision, today)
        facility = Facility.get_or_none(Facility.id == facility_id)
        if facility is None or not fktp_choosable(family, facility):
            raise ChangeRefused("facility")
        if facility.id == family.fktp_id:
            raise ChangeRefused("same")
        old = Facility.get_by_id(family.fktp_id).name if family.fktp_id else ""
        family.fktp = facility
        family.fktp_changed_on = today
        family.save()
        MembershipChange.record(family, "fktp", old, facility.name, today, actor=user)
        audit(user, "fktp_changed", f"family:{family.id}", head.id, facility=facility.code)
    return facility


def schedule_class_change(user, head_id, new_class):
    """Pindah kelas from the 1st of next month. Returns (effective_from, monthly total, rates_from)."""
    with write_lock():
        today = clock.today()
        head, family, decision = _head_and_family(head_id, class_decision, today)
        if new_class not in CARE_CLASSES:
            raise ChangeRefused("class")
        if family.next_care_class and family.next_care_class_from and family.next_care_class_from <= today:
            family.care_class = family.next_care_class  # the previous change is in force: fold it in
        if new_class == family.care_class:
            raise ChangeRefused("same")
        effective_from = decision.possible_from
        old = family.care_class
        family.next_care_class = new_class
        family.next_care_class_from = effective_from
        family.class_changed_on = today
        family.save()
        MembershipChange.record(family, "care_class", old, new_class, effective_from, actor=user)
        ledger.store(family, today)
        audit(user, "class_change_scheduled", f"family:{family.id}", head.id,
              care_class=new_class, effective_from=effective_from)
        prices, rates_from, _ = class_prices(family, effective_from)
    return effective_from, dict(prices)[new_class], rates_from


def pending_request(participant, kind):
    return (ChangeRequest.select()
            .where((ChangeRequest.participant == participant) & (ChangeRequest.kind == kind)
                   & (ChangeRequest.status == "menunggu"))
            .order_by(ChangeRequest.id.desc()).first())


def create_request(user, requester, participant_id, kind, value, reason, image):
    """A ChangeRequest with its document photo; the photo is stored first and removed again when
    the request is not saved, so nothing is left half-done."""
    if kind not in ChangeRequest.KINDS:
        raise ChangeRefused("kind")
    name = uploads.store(image)
    try:
        with write_lock():
            person = Participant.get_locked(participant_id)
            if not requester.may_act_for(person):
                raise ChangeRefused("not_head")
            if pending_request(person, kind) is not None:
                raise ChangeRefused("pending")
            request = ChangeRequest(participant=person, requested_by=user, kind=kind, reason=reason,
                                    document=name)
            request.data = {"value": value}
            request.save()
            audit(user, "change_requested", f"change_request:{request.id}", person.id, kind=kind)
    except BaseException:
        uploads.remove(name)
        raise
    return request


def _apply(person, kind, value):
    """Set the approved value on the participant; (old, new) as history shows them."""
    if kind == "name":
        old, person.name = person.name, value
        return old, value
    if kind == "birth_date":
        old, person.birth_date = person.birth_date, date.fromisoformat(value)
        return old.isoformat(), value
    if kind == "sex":
        old, person.sex = person.sex, value
        return old, value
    other = Participant.by_nik(value)
    if other is not None and other.id != person.id:
        raise ChangeRefused("nik_taken")
    old = person.masked_nik
    person.nik = value  # re-encrypts and re-indexes
    return old, identity.mask_nik(value)


def decide(officer, request_id, approve, reason=""):
    """Approve (the change is applied to the participant) or reject (with a reason), once."""
    with write_lock():
        request = ChangeRequest.get_locked(request_id)
        if request.status != "menunggu":
            raise ChangeRefused("decided")
        if approve:
            person = Participant.get_locked(request.participant_id)
            old, new = _apply(person, request.kind, request.data["value"])
            try:
                with db.atomic():
                    person.save()
            except IntegrityError:  # the NIK's blind index is unique: a concurrent twin
                raise ChangeRefused("nik_taken") from None
            MembershipChange.record(person.family_id, request.kind, old, new, clock.today(),
                                    actor=officer, participant=person)
        elif not reason:
            raise ChangeRefused("reason")
        request.status = "disetujui" if approve else "ditolak"
        request.decided_by = officer
        request.decided_at = clock.now()
        request.decision_reason = reason or ""
        request.save()
        audit(officer, f"change_request_{'approved' if approve else 'rejected'}",
              f"change_request:{request.id}", request.participant_id, kind=request.kind)
    return request


# --- what people see -----------------------------------------------------------------------------

def shown_value(field, value, full_nik=False):
    """A stored value as a person reads it: dates as `17 Agu 1985`, the NIK masked."""
    if value in (None, ""):
        return "—"
    if field == "birth_date":
        try:
            return date_id(value if isinstance(value, date) else date.fromisoformat(value))
        except ValueError:
            return value
    if field == "sex":
        return SEX_LABELS.get(value, value)
    if field == "care_class" and identity.is_digits(str(value)):
        return _l("Kelas %(n)d", n=int(value))
    if field == "nik" and not full_nik and len(str(value)) == identity.NIK_LENGTH and "*" not in str(value):
        return identity.mask_nik(str(value))
    return value


def current_value(person, kind):
    return {"name": person.name, "birth_date": person.birth_date.isoformat(), "sex": person.sex,
            "nik": person.nik}[kind]


def request_facts(request, full_nik=False):
    """(label, value now, value asked) of a request, the NIK masked unless `full_nik` (officers)."""
    person = request.participant
    now = person.masked_nik if request.kind == "nik" else shown_value(request.kind, current_value(person, request.kind))
    asked = shown_value(request.kind, request.data.get("value"), full_nik=full_nik)
    return FIELD_LABELS[request.kind], now, asked


def nik_warnings(request, today):
    """What disagrees with the NIK once the request is applied: a subset of {"birth_date", "sex"}.
    A warning for the officer, never a refusal (SPEC §3: the NIK is permanent)."""
    person, value = request.participant, request.data.get("value")
    nik, born, sex = person.nik, person.birth_date, person.sex
    if request.kind == "nik":
        nik = value
    elif request.kind == "birth_date":
        born = date.fromisoformat(value)
    elif request.kind == "sex":
        sex = value
    try:
        return identity.nik_mismatches(nik, born, sex, today)
    except identity.IdentifierError:
        return set()


def nik_taken(request):
    """For a NIK request: another participant already has the NIK asked for."""
    if request.kind != "nik":
        return False
    other = Participant.by_nik(request.data.get("value", ""))
    return other is not None and other.id != request.participant_id


def family_requests(family_id, limit=HISTORY_LIMIT):
    """The family's change requests, newest first (bounded)."""
    return list(ChangeRequest.select(ChangeRequest, Participant).join(Participant)
                .where(Participant.family == family_id)
                .order_by(ChangeRequest.created_at.desc(), ChangeRequest.id.desc()).limit(limit))


def family_history(family_id, limit=HISTORY_LIMIT):
    """Riwayat perubahan of the family and its members, newest first (bounded)."""
    return list(MembershipChange.select(MembershipChange, Participant)
                .join(Participant, JOIN.LEFT_OUTER)
                .where(MembershipChange.family == family_id)
                .order_by(MembershipChange.at.desc(), MembershipChange.id.desc()).limit(limit))
