"""Kasus: filing a case, the officer's work on it, the participant's reply, rating and reopening,
and the figures of the reports and the public dashboard (SPEC §2.4, §2.5; issue 12).

The clock rules are app/rules/sla.py; here they are applied to stored rows. Timestamps are stored
as naive UTC and turned into aware datetimes for the rules. Every write is one write_lock()
transaction that re-reads the case (a closed case cannot be answered by a second officer), writes a
CaseEvent for the timeline and an audit entry. Functions return codes, never sentences.
"""
from dataclasses import dataclass
from datetime import datetime, timezone

from peewee import IntegrityError

from app.core import clock, uploads
from app.core.audit import audit
from app.core.db import Prepared, db, write_lock
from app.core.labels import CASE_ANSWER_TEMPLATES
from app.models import Case, CaseEvent, CasePause, Facility, Participant, User, Visit
from app.rules import sla

#: a claim of more than this is surely a typing error (Rp100 juta); Rp0 or less is no claim
MAX_CLAIM = 100_000_000
TEXT_MAX = 2000
NOTE_MAX = 1000
FACILITY_CHOICES = 30
QUEUE_PAGE = 25
#: the public dashboard's figures are recomputed when older than this

#: officer action → the state it moves the case to (None: no state change)
ACTION_TARGETS = {
    "jawab": "ditanggapi", "proses": "diproses", "verifikasi": "diverifikasi",
    "minta_info": "menunggu_peserta", "selesai": "selesai", "tolak": "ditolak",
    "setujui": "disetujui", "bayar": "dibayar", "eskalasi": None, "bagikan": None,
}
#: actions that need a written note (the participant reads it)
NOTE_REQUIRED = ("jawab", "minta_info", "eskalasi", "selesai", "tolak")


def template_text(code):
    """The Indonesian text of a ready answer (what the participant reads), or "" for no template."""
    template = CASE_ANSWER_TEMPLATES.get(code)
    if template is None:
        return ""
    args = getattr(template, "_args", None)
    return args[0] if args else str(template)


class CaseRefused(Exception):
    """`code`: key_used, member, facility, visit, answered, closed, state, action, note, amount, not_waiting,
    not_closed, too_late, no_reopen, rated, rating, officer."""

    def __init__(self, code, **facts):
        super().__init__(code)
        self.code = code
        self.facts = facts


class NotFound(Exception):
    pass


# --- time ---------------------------------------------------------------------------------------

def aware(moment):
    return moment.replace(tzinfo=timezone.utc) if moment is not None else None


def naive(moment):
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _pauses_of(case):
    return [(aware(started), aware(ended)) for started, ended in _PAUSES(case.id, case.clock_start)]


_PAUSES = Prepared(lambda case, since: CasePause.select(CasePause.started_at, CasePause.ended_at)
                   .where((CasePause.case == case) & (CasePause.started_at >= since))
                   .order_by(CasePause.started_at).tuples())


def _resolution_due(case, now):
    target = sla.resolution_target(case.kind, case.category, aware(case.clock_start))
    return sla.deadline(aware(case.clock_start), target, _pauses_of(case), now=aware(now))


@dataclass(frozen=True)
class Deadline:
    """One clock of a case as shown: its deadline (aware, WIB), whether and when it was met, and
    what is left (sla.Remaining) while it still runs."""

    due: datetime
    done_at: datetime | None
    met: bool | None  # None while still running
    left: sla.Remaining | None
    paused: bool = False


def clocks(case, now=None):
    """(first response, resolution) Deadlines of `case` at `now`; first is None for a claim."""
    now = aware(now or clock.now())
    first = None
    if case.first_response_due is not None:
        due = aware(case.first_response_due).astimezone(sla.WIB)
        done = aware(case.first_response_at)
        first = Deadline(due, done, sla.met(due, done) if done else (False if now > due else None),
                         None if done else sla.remaining(due, now))
    paused = case.paused_since is not None
    due = (_resolution_due(case, now) if paused else aware(case.resolution_due)).astimezone(sla.WIB)
    done = aware(case.closed_at)
    if done:
        resolution = Deadline(due, done, sla.met(due, done), None)
    else:
        resolution = Deadline(due, None, False if (now > due and not paused) else None,
                              sla.remaining(due, now, paused=paused), paused)
    return first, resolution


def target_facts(case):
    """(first-response hours or None, resolution working days, the rules' effective date)."""
    opened = aware(case.clock_start)
    first = sla.first_response_target(case.kind, opened)
    resolution = sla.resolution_target(case.kind, case.category, opened)
    return (first.amount if first else None), resolution.amount, resolution.effective_from


# --- filing -------------------------------------------------------------------------------------

def facility_choices(family):
    """Facilities a case may be about, id and name: the family's FKTP and those in its regency."""
    regency = family.district_code[:5] if family.district_code else None
    found = [family.fktp] if family.fktp_id else []
    if regency:
        found += _REGENCY_FACILITIES(regency, family.fktp_id or 0)
    return found


_REGENCY_FACILITIES = Prepared(lambda regency, except_id: (
    Facility.select(Facility.id, Facility.name)
    .where((Facility.regency_code == regency) & (Facility.id != except_id))
    .order_by(Facility.name).limit(FACILITY_CHOICES)))


def _region_of(facility, family):
    if facility is not None and facility.province_code:
        return facility.province_code, facility.regency_code
    district = family.district_code or ""
    return district[:2], district[:5]


def _replay(request_key, family_id):
    first = Case.by_key(request_key)
    if first is None:
        return None
    if first.family_id != family_id:
        raise CaseRefused("key_used")
    return first


VISIT_CHOICES = 30


def visit_choices(family_id):
    """The family's visits a case may be about (newest first), with the facility's name."""
    return _VISIT_CHOICES(family_id)


_VISIT_CHOICES = Prepared(lambda family: (
    Visit.select(Visit.id, Visit.visit_date, Visit.participant, Visit.facility, Facility.name,
                 Participant.name)
    .join(Facility).switch(Visit).join(Participant)
    .where(Participant.family == family)
    .order_by(Visit.visit_date.desc(), Visit.id.desc()).limit(VISIT_CHOICES)))


def _check_visit(visit_id, member):
    """The visit a case is about must be one of the member's family (the database's foreign key
    does not exist on a migrated SQLite, and it would not know families anyway)."""
    visit = Visit.get_or_none(Visit.id == visit_id)
    if visit is None or visit.participant.family_id != member.family_id:
        raise CaseRefused("visit")
    return visit


def file_case(user, member, kind, category, text, facility=None, amount=None, images=(), request_key=None,
              channel="web", visit_id=None):
    """Open a case about `member` (already checked to be reachable by `user`), about one of the
    family's visits when `visit_id` is given. `images` are the re-encoded JPEG bytes (at most 3).
    Returns (case, replayed): replayed when this one-time form key already made a case, which is
    returned instead of a second one."""
    if kind not in sla.KINDS or category not in sla.CATEGORIES or channel not in Case.CHANNELS:
        raise CaseRefused("state")
    if kind == "klaim" and not (isinstance(amount, int) and 1 <= amount <= MAX_CLAIM):
        raise CaseRefused("amount")
    if visit_id is not None:
        _check_visit(visit_id, member)
    first = _replay(request_key, member.family_id)
    if first is not None:
        return first, True
    names = [uploads.store(image) for image in images[:Case.MAX_PHOTOS]]
    now = clock.now()
    opened = aware(now)
    first_target = sla.first_response_target(kind, opened)
    province, regency = _region_of(facility, member.family)
    try:
        with write_lock():
            first = _replay(request_key, member.family_id)
            if first is not None:
                raise _Replayed(first)
            case = Case(kind=kind, category=category, state=sla.INITIAL_STATE[kind], channel=channel,
                        participant=member.id, family=member.family_id, created_by=user.id,
                        facility=facility.id if facility else None, visit=visit_id,
                        claim_amount=amount if kind == "klaim" else None, photos=" ".join(names),
                        request_key=request_key or None, province_code=province, regency_code=regency,
                        opened_at=now, clock_start=now,
                        first_response_due=naive(sla.deadline(opened, first_target)) if first_target else None,
                        resolution_due=naive(sla.deadline(opened, sla.resolution_target(kind, category, opened))))
            case.data = {"text": text}
            case.due_at = case.first_response_due or case.resolution_due
            with db.atomic():
                case.save()
            CaseEvent.create(case=case, at=now, actor=user.id, action="dibuat", to_state=case.state)
            audit(user, "case_filed", f"case:{case.id}", member.id, kind=kind, category=category, channel=channel)
    except _Replayed as replayed:
        _drop(names)
        return replayed.case, True
    except IntegrityError:
        _drop(names)
        first = _replay(request_key, member.family_id)
        if first is None:
            raise
        return first, True
    except Exception:
        _drop(names)
        raise
    return case, False


class _Replayed(Exception):
    def __init__(self, case):
        super().__init__("replayed")
        self.case = case


def _drop(names):
    for name in names:
        uploads.remove(name)


# --- access -------------------------------------------------------------------------------------

def family_case(participant, case_id):
    """A case the participant may see — their own, or any of their family's for the family head —
    else NotFound (another family's case does not exist for them)."""
    case = Case.get_or_none(Case.id == case_id)
    if case is None or case.family_id != participant.family_id:
        raise NotFound
    if not participant.is_head and case.participant_id != participant.id:
        raise NotFound
    return case


def visible_cases(participant):
    """The cases listed for the participant: the whole family's for the head, else their own."""
    return Case.of_family(participant.family_id, None if participant.is_head else participant.id)


def facility_case(user, case_id):
    case = Case.get_or_none(Case.id == case_id)
    if case is None or user.facility_id is None or case.facility_id != user.facility_id:
        raise NotFound
    return case


def any_case(case_id):
    case = Case.get_or_none(Case.id == case_id)
    if case is None:
        raise NotFound
    return case


def may_see_photo(user, case):
    if user.role in ("petugas_bpjs", "admin"):
        return True
    if user.role == "peserta":
        return user.participant_id is not None and case.family_id == user.participant.family_id
    return (user.role == "petugas_faskes" and case.share_identity and user.facility_id is not None
            and case.facility_id == user.facility_id)


# --- state changes ------------------------------------------------------------------------------

def _event(case, user, action, from_state, note="", at=None):
    event = CaseEvent(case=case.id, at=at or clock.now(), actor=user.id if user else None, action=action,
                      from_state=from_state, to_state=case.state)
    event.note = note
    event.save()
    return event


def _move(case, to_state, now):
    """Move the locked `case` to `to_state`, keeping its clocks: the first response, the pauses,
    closing. The caller has checked the transition."""
    from_state = case.state
    if from_state == sla.INITIAL_STATE[case.kind] and case.first_response_at is None:
        case.first_response_at = now
        case.first_response_seconds = int((now - case.opened_at).total_seconds())
    if from_state in sla.PAUSED_STATES and to_state not in sla.PAUSED_STATES:
        CasePause.update(ended_at=now).where((CasePause.case == case.id) & CasePause.ended_at.is_null()).execute()
        case.paused_since = None
        case.resolution_due = naive(_resolution_due(case, now))
    case.state = to_state
    if to_state in sla.PAUSED_STATES:
        CasePause.create(case=case.id, started_at=now)
        case.paused_since = now
        case.due_at = None
    elif sla.is_closed(case.kind, to_state):
        case.closed_at = now
        case.is_open = False
        case.due_at = None
    else:
        case.due_at = case.resolution_due


def officer_actions(case):
    """The actions an officer may take on `case` now, in form order."""
    if not case.is_open:
        return []
    found = [action for action, target in ACTION_TARGETS.items()
             if target is not None and sla.transition_allowed(case.kind, case.state, target)]
    found.append("eskalasi")
    if case.facility_id and not case.share_identity:
        found.append("bagikan")
    return found


def act(officer, case_id, action, note="", amount=None):
    """An officer's step on a case. Raises CaseRefused: closed (nothing to do any more), action
    (not possible in this state), note (required), amount (claim approval outside 1..claimed)."""
    with write_lock():
        case = Case.get_locked(case_id)
        if not case.is_open:
            raise CaseRefused("closed")
        if action not in officer_actions(case):
            raise CaseRefused("action")
        if action in NOTE_REQUIRED and not note:
            raise CaseRefused("note")
        now = clock.now()
        from_state = case.state
        if action == "setujui":
            if not (isinstance(amount, int) and 1 <= amount <= (case.claim_amount or 0)):
                raise CaseRefused("amount", claimed=case.claim_amount)
            case.approved_amount = amount
        if action == "eskalasi":
            case.escalated = True
        elif action == "bagikan":
            case.share_identity = True
        else:
            _move(case, ACTION_TARGETS[action], now)
        if case.assigned_to_id is None:
            case.assigned_to = officer.id
        case.save()
        _event(case, officer, action, from_state, note, now)
        audit(officer, "case_updated", f"case:{case.id}", case.participant_id, step=action, state=case.state)
    return case


def assign(officer, case_id, assignee_id):
    """Give the case to an officer (oneself or a colleague)."""
    assignee = User.get_or_none((User.id == assignee_id) & (User.role.in_(("petugas_bpjs", "admin")))
                                & (User.active == True))  # noqa: E712
    if assignee is None:
        raise CaseRefused("officer")
    with write_lock():
        case = Case.get_locked(case_id)
        if not case.is_open:
            raise CaseRefused("closed")
        case.assigned_to = assignee.id
        case.save()
        _event(case, officer, "tugaskan", case.state, assignee.username or "")
        audit(officer, "case_assigned", f"case:{case.id}", case.participant_id, to=assignee.id)
    return case


def officers():
    return list(User.select().where(User.role.in_(("petugas_bpjs", "admin")) & (User.active == True))  # noqa: E712
                .order_by(User.username).limit(100))


# --- the participant after filing ----------------------------------------------------------------

def reply(user, case_id, text):
    """The participant sends the information asked for: the clock runs again."""
    with write_lock():
        case = family_case(user.participant, case_id)
        case = Case.get_locked(case.id)
        if case.state not in sla.PAUSED_STATES:
            raise CaseRefused("not_waiting")
        now = clock.now()
        from_state = case.state
        _move(case, "diverifikasi" if case.kind == "klaim" else "diproses", now)
        case.save()
        _event(case, user, "info_dikirim", from_state, text, now)
        audit(user, "case_replied", f"case:{case.id}", case.participant_id)
    return case


def rate(user, case_id, rating):
    if rating not in (1, 2, 3, 4, 5):
        raise CaseRefused("rating")
    with write_lock():
        case = Case.get_locked(family_case(user.participant, case_id).id)
        if case.is_open:
            raise CaseRefused("not_closed")
        if case.rating is not None:
            raise CaseRefused("rated")
        case.rating = rating
        case.rated_at = clock.now()
        case.save()
        _event(case, user, "nilai", case.state, str(rating))
        audit(user, "case_rated", f"case:{case.id}", case.participant_id, rating=rating)
    return case


def may_reopen(case, now=None):
    return (not case.is_open and case.closed_at is not None
            and sla.reopen_state(case.kind, case.state) is not None
            and sla.may_reopen(aware(case.closed_at), aware(now or clock.now())))


def reopen(user, case_id, text):
    """Buka kembali within 7 days of closing: a fresh resolution clock from now."""
    with write_lock():
        case = Case.get_locked(family_case(user.participant, case_id).id)
        if case.is_open:
            raise CaseRefused("not_closed")
        now = clock.now()
        if sla.reopen_state(case.kind, case.state) is None:
            raise CaseRefused("no_reopen")
        if not may_reopen(case, now):
            raise CaseRefused("too_late")
        from_state = case.state
        case.state = sla.reopen_state(case.kind, case.state)
        case.clock_start = now
        case.resolution_due = naive(sla.deadline(aware(now), sla.resolution_target(case.kind, case.category, aware(now))))
        case.due_at = case.resolution_due
        case.closed_at = None
        case.is_open = True
        case.rating = None
        case.rated_at = None
        case.reopen_count += 1
        case.save()
        _event(case, user, "buka_lagi", from_state, text, now)
        audit(user, "case_reopened", f"case:{case.id}", case.participant_id)
    return case

