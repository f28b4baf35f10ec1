"""Petugas BPJS: look up one participant by an exact number, see the family, set "nonaktif lain".

Every look-up and every view of a family is audited; services return codes (LookupRefused.code).
"""
from app.contributions import ledger
from app.core.audit import audit
from app.core.db import write_lock
from app.models import ChangeRequest, Family, MembershipChange, Participant, Payment
from app.rules import identity

HISTORY_ROWS = 20


class Refused(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


def look_up(officer, text):
    """The family of the participant whose card number or NIK is exactly `text`, or of the KK
    `text`; Refused("not_found") otherwise. Never a list, never a partial match."""
    number = identity.normalize_number(text)
    participant = Participant.by_number(number)
    family = participant.family if participant else None
    kind = "card" if len(number) == 13 else "nik"
    if family is None and len(number) == 16:
        family, kind = Family.get_or_none(Family.kk_number == number), "kk"
    masked = number[:4] + "*" * (len(number) - 8) + number[-4:]
    head = family.head() if family else None
    audit(officer, "participant_looked_up", f"family:{family.id}" if family else "unknown",
          participant or head, kind=kind if family else "none", number=masked)
    if family is None:
        raise Refused("not_found")
    return family


def family_facts(officer, family, today):
    """What the officer sees of one family; the read is audited on behalf of its head."""
    head = family.head()
    members = head.family_members() if head else []
    audit(officer, "family_viewed", f"family:{family.id}", head)
    member_ids = [member.id for member in members]
    status = ledger.family_status(family, today)  # (the stored ledger, not every payment again)
    return {
        "members": members,
        "status": status,
        "member_status": {member.id: member.status_on(today, status) for member in members},
        "payments": list(Payment.select().where(Payment.family == family)
                         .order_by(Payment.paid_at.desc()).limit(12)),
        "history": list(MembershipChange.select().where(MembershipChange.family == family)
                        .order_by(MembershipChange.at.desc(), MembershipChange.id.desc()).limit(HISTORY_ROWS)),
        "requests": list(ChangeRequest.awaiting_decision().where(ChangeRequest.participant.in_(member_ids)))
        if member_ids else [],
    }


def set_inactive(officer, family_id, target, reason, effective_from):
    """Nonaktif lain for the family or one member (`target`: "keluarga" or a member id), from
    `effective_from`; reason "cabut" lifts it. Recorded in the membership history and audited."""
    with write_lock():
        family = Family.get_locked(family_id)
        if target == "keluarga":
            record, member = family, None
        else:
            member = Participant.get_or_none((Participant.id == int(target)) & (Participant.family == family))
            if member is None:
                raise Refused("target")
            record = Participant.get_locked(member.id)
        old = record.inactive_reason or ""
        new = None if reason == "cabut" else reason
        if old == (new or "") and (new is None or record.inactive_from == effective_from):
            raise Refused("unchanged")
        record.inactive_reason, record.inactive_from = new, effective_from if new else None
        record.save()
        MembershipChange.record(family, "inactive_reason", old, new or "", effective_from, actor=officer,
                                participant=member)
        audit(officer, "inactive_status_set" if new else "inactive_status_cleared",
              f"participant:{member.id}" if member else f"family:{family.id}", member or family.head(),
              reason=new or old, effective_from=effective_from)
    return record
