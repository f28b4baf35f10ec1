"""The office API's workflows: clients and their tokens, replayable writes, and the operations
(each calls the same service the pages or the import use). Raises ApiProblem; returns plain data."""
import base64
import csv
import hashlib
import hmac
import io
import json
import re
from datetime import UTC, datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from peewee import JOIN, IntegrityError, fn

from app.api import schemas
from app.api.problems import ApiProblem
from app.contributions import payments
from app.core import clock
from app.core.audit import audit
from app.core.db import db, is_sqlite, write_lock
from app.health import service as health
from app.membership import importer
from app.models import (
    SCOPES,
    ApiClient,
    Case,
    CaseEvent,
    ChangeRequest,
    Facility,
    IdempotentWrite,
    Participant,
)
from app.models.api import TOKEN_PREFIX, token_hash
from app.rules import sla
from app.staff import service as staff

IDEMPOTENCY_KEY = re.compile(r"[!-~]{1,100}")
TOKEN = re.compile(r"jkn_[A-Za-z0-9_-]{43}")
PAGE_LIMIT, MAX_LIMIT = 50, 200
EXPORT_BATCH = 500


# --- clients ------------------------------------------------------------------------------------

def create_client(actor, name, scopes):
    """A new client → (ApiClient, token). The token is shown once; only its hash is kept.
    None when the name is taken."""
    scopes = [s for s in SCOPES if s in scopes]
    token = ApiClient.new_token()
    try:
        with write_lock():
            client = ApiClient.create(name=name, token_hash=_hash(token), token_hint=token[:8],
                                      scopes=" ".join(scopes))
            audit(actor, "api_client_created", f"api-client:{client.id}", scopes=scopes)
    except IntegrityError:
        return None, None
    return client, token


def revoke_client(actor, client_id):
    """Revoke a client's token for good; False when there is no such active client."""
    with write_lock():
        changed = (ApiClient.update(revoked_at=clock.now())
                   .where((ApiClient.id == client_id) & ApiClient.revoked_at.is_null()).execute())
        if changed:
            audit(actor, "api_client_revoked", f"api-client:{client_id}")
    return bool(changed)


def _hash(token):
    return token_hash(token)


def derived_token(name):
    """A demo client's token, derived from SECRET_KEY (development data only, never for real clients)."""
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), f"api-demo:{name}".encode(), hashlib.sha256)
    return TOKEN_PREFIX + base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def bearer(header):
    """The token in an Authorization header, or "" (malformed counts as missing)."""
    scheme, _, token = (header or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def authenticate(header, scope):
    """The active client of this Authorization header holding `scope`, or ApiProblem (401/403)."""
    token = bearer(header)
    if not token:
        raise ApiProblem("missing_token")
    if not TOKEN.fullmatch(token):
        raise ApiProblem("bad_token")
    client = ApiClient.get_or_none(ApiClient.token_hash == _hash(token))
    if client is None:
        raise ApiProblem("bad_token")
    if client.revoked_at is not None:
        raise ApiProblem("revoked_token")
    if scope not in client.scope_list:
        raise ApiProblem("wrong_scope", f"scope {scope}")
    return client


def rate_key(header):
    """Flask-Limiter key: one bucket per token (hashed), whoever presents it."""
    return "api:" + _hash(bearer(header))[:20]


# --- idempotency ----------------------------------------------------------------------------------

def idempotent(client, key, fingerprint, work):
    """Run `work()` → (status, body) once per (client, key): the same key and fingerprint answers the
    stored first result; another fingerprint is a 409. The work and its record commit together, so a
    refused or failed write leaves nothing behind and a concurrent twin replays the winner's answer.
    A unique index that refuses the work (two calls creating one KK at once) means: try again."""
    if key is not None and not IDEMPOTENCY_KEY.fullmatch(key):
        raise ApiProblem("bad_idempotency_key")
    for _ in range(3):
        stored = IdempotentWrite.find(client, key) if key is not None else None
        if stored is not None:
            if stored.request_hash != fingerprint:
                raise ApiProblem("idempotency_conflict")
            audit(None, "api_write_replayed", f"api-client:{client.id}", client=client.name, status=stored.status)
            return stored.status, json.loads(stored.response)
        try:
            with write_lock():
                status, body = work()
                if key is not None:
                    IdempotentWrite.create(client=client, key=key, request_hash=fingerprint, status=status,
                                           response=json.dumps(body))
                return status, body
        except IntegrityError:
            continue  # a twin committed first: look again
    raise ApiProblem("unavailable")


def fingerprint(method, path, body):
    return hashlib.sha256(f"{method} {path}\n".encode() + body).hexdigest()


# --- operations ---------------------------------------------------------------------------------

def upsert_participant(client, data):
    """ParticipantIn (a dict) → (200, ParticipantOut dict), through the office import's row logic."""
    run = importer._ParticipantImport(importer.ImportReport(f"api-{client.id}"), dry_run=False)
    values = {**data, "birth_date": data["birth_date"].isoformat(),
              "care_class": "" if data["care_class"] is None else str(data["care_class"])}
    fields = [str(values[name]) for name in importer.PARTICIPANT_COLUMNS]
    try:
        row = run.parse(1, list(importer.PARTICIPANT_COLUMNS), fields)
        _lock_family(row.kk_number)
        outcome, family_event = run.apply(row)
    except importer._Refused as refused:
        raise ApiProblem("refused", refused.reason) from None
    person = Participant.by_nik(row.nik)
    audit(None, "api_participant_upserted", f"participant:{person.id}", on_behalf_of=person,
          client=client.name, outcome=outcome, family=family_event or "unchanged")
    return 200, {"outcome": outcome, "card_number": person.card_number, "warnings": row.warnings}


def _lock_family(kk_number):
    """One writer per KK until the transaction ends: the row checks (is this NIK in another KK? has the
    KK a head already?) read several rows, which read committed does not keep still on PostgreSQL.
    SQLite's IMMEDIATE transaction already lets one writer in at a time."""
    if not is_sqlite():
        key = int(hashlib.sha256(f"kk:{kk_number}".encode()).hexdigest()[:15], 16)
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (key,))


def push_payment(client, data):
    """PaymentIn → (200/202, PaymentOut dict): the ledger path of the payment callback."""
    try:
        paid_at = payments._paid_at(data["paid_at"])
    except payments.CallbackError:
        raise ApiProblem("refused", payments.ERRORS["invalid_paid_at"][1]) from None
    outcome = payments.apply_payment(data["va_number"], data["amount"], f"api-{client.id}",
                                   data["reference"], paid_at)
    audit(None, "api_payment_pushed", f"payment:{outcome.payment.id}", client=client.name,
          status=outcome.status, amount=data["amount"])
    return (202 if outcome.status == "unmatched" else 200), {"status": outcome.status,
                                                             "payment_id": outcome.payment.id}


def update_facility(client, data):
    """FacilityIn → (200, FacilityOut dict): the phone, and the bed counts through the staff service."""
    facility = Facility.get_or_none(Facility.code == data["code"])
    if facility is None:
        raise ApiProblem("not_found", f"faskes {data['code'][:20]}")
    counts = {}
    for bed in data["beds"]:
        if bed["available"] > bed["total"]:
            raise ApiProblem("refused", f"{bed['bed_class']}: available > total")
        counts[bed["bed_class"]] = (bed["available"], bed["total"])
    changed = False
    if data.get("phone") is not None and data["phone"] != facility.phone:
        Facility.update(phone=data["phone"], updated_at=clock.now()).where(Facility.id == facility.id).execute()
        changed = True
    if counts:
        try:
            staff.update_beds(None, facility, counts)
        except staff.QueueRefused:
            raise ApiProblem("unavailable") from None
        changed = True
    audit(None, "api_facility_updated", f"facility:{facility.id}", client=client.name, beds=len(counts))
    return 200, {"outcome": "updated" if changed else "unchanged", "code": facility.code}


VISIT_VALUES = ("service_type", "visit_date", "admitted_on", "discharged_on", "control_date", "diagnoses",
                "procedures")


def push_visit(client, data):
    """VisitIn → (200, VisitOut dict), checked and saved by the health service like the staff form.
    The problems name fields and rule codes only: no health data in answers' details or the audit."""
    values = {name: data[name] for name in VISIT_VALUES}
    values["medicines"] = [(m["name"], m["dose"], m["quantity"], m["days"]) for m in data["medicines"]]
    try:
        visit = health.office_visit(client.name, data["card_number"], data["facility_code"], values,
                                    clock.today())
    except health.Refused as refused:
        if refused.code in ("card", "facility"):
            raise ApiProblem("not_found", "card_number" if refused.code == "card" else "facility_code") from None
        errors = [{"field": _field(where), "message": code} for where, code in refused.facts.get("problems", [])]
        raise ApiProblem("refused", errors[0]["field"] if errors else "", errors) from None
    return 200, {"visit_id": visit.id, "card_number": data["card_number"], "facility_code": data["facility_code"]}


def _field(where):
    """("medicines", 0, "dose") → "medicines.0.dose", like pydantic's locations."""
    return where if isinstance(where, str) else ".".join(str(part) for part in where)


# --- reading: cursors, pages, export --------------------------------------------------------------

def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="api-cursor")


def make_cursor(client, after, since):
    return _serializer().dumps({"c": client.id, "a": after, "s": since})


def read_cursor(client, cursor):
    """(after id, updated_since text) of a cursor this client was given, or ApiProblem."""
    try:
        data = _serializer().loads(cursor)
    except (BadSignature, ValueError, UnicodeError):
        raise ApiProblem("bad_cursor") from None
    if not isinstance(data, dict) or data.get("c") != client.id or not isinstance(data.get("a"), int):
        raise ApiProblem("bad_cursor")
    return data["a"], data.get("s")


def parse_since(text):
    """ISO 8601 → naive UTC; without an offset it means WIB. ApiProblem when malformed."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text) if len(text) <= 40 else None
        if moment is None:
            raise ValueError(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=clock.WIB)
        return moment.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise ApiProblem("bad_query", "updated_since: ISO 8601") from None


def parse_limit(text):
    if text is None:
        return PAGE_LIMIT
    if not re.fullmatch(r"[0-9]{1,3}", text) or not 1 <= int(text) <= MAX_LIMIT:
        raise ApiProblem("bad_query", f"limit: 1-{MAX_LIMIT}")
    return int(text)


def _changes(since, after, limit):
    query = (ChangeRequest.select(ChangeRequest, Participant.card_number).join(Participant)
             .where(ChangeRequest.id > after).order_by(ChangeRequest.id).limit(limit))
    if since is not None:
        query = query.where((ChangeRequest.created_at >= since) | (ChangeRequest.decided_at >= since))
    return list(query)


def _change_item(request):
    return {"id": request.id, "kind": request.kind, "status": request.status,
            "card_number": request.participant.card_number,
            "created_at": request.created_at.replace(tzinfo=UTC).isoformat(),
            "decided_at": request.decided_at.replace(tzinfo=UTC).isoformat() if request.decided_at else None}


def change_page(client, cursor, since_text, limit):
    """One page of data-change requests (no requested values: those stay with the officers)."""
    after = 0
    if cursor is not None:
        after, since_text = read_cursor(client, cursor)
    since = parse_since(since_text)
    rows = _changes(since, after, limit + 1)
    items = [_change_item(r) for r in rows[:limit]]
    more = len(rows) > limit
    audit(None, "api_changes_read", f"api-client:{client.id}", client=client.name, count=len(items))
    return {"items": items, "next_cursor": make_cursor(client, items[-1]["id"], since_text) if more else None}


def _csv(columns, batches):
    """CSV text, batch by batch: `batches(after)` → (rows of the batch as dicts, last id)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    after = 0
    while True:
        items, last = batches(after)
        for item in items:
            writer.writerow(["" if item[c] is None else item[c] for c in columns])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
        if len(items) < EXPORT_BATCH:
            return
        after = last


EXPORT_COLUMNS = ("id", "kind", "status", "card_number", "created_at", "decided_at")


def export_changes(client, since_text):
    """A generator of CSV text, batch by batch, of every data-change request (since `since_text`)."""
    since = parse_since(since_text)
    audit(None, "api_changes_exported", f"api-client:{client.id}", client=client.name)

    def batches(after):
        rows = _changes(since, after, EXPORT_BATCH)
        return [_change_item(r) for r in rows], rows[-1].id if rows else after

    return _csv(EXPORT_COLUMNS, batches)


# --- cases (cases:read): what the SLA figures need, never the case's text, photos or names -----------

CASE_COLUMNS = tuple(schemas.CaseItem.model_fields)


def _cases(since, after, limit):
    """Cases after id `after`, oldest first, with card number, facility code and last event time;
    with `since`, only those opened or changed (an event) at or after it."""
    # each case's own last event (the (case, at) index: a batch reads its cases' events, not every
    # event of every case grouped for each batch)
    last_at = CaseEvent.select(fn.MAX(CaseEvent.at)).where(CaseEvent.case == Case.id).alias("last_at")
    query = (Case.select(Case, Participant.card_number, Facility.code, last_at)
             .join(Participant, on=(Case.participant == Participant.id))
             .switch(Case).join(Facility, JOIN.LEFT_OUTER, on=(Case.facility == Facility.id))
             .where(Case.id > after).order_by(Case.id).limit(limit))
    if since is not None:
        changed = CaseEvent.select(CaseEvent.case).where(CaseEvent.at >= since)
        query = query.where((Case.opened_at >= since) | Case.id.in_(changed))
    return list(query.objects())


def _utc(moment):
    return moment.replace(tzinfo=UTC).isoformat() if moment is not None else None


def _case_item(case, now):
    """One case as CaseItem's fields. Breached as the public dashboard counts it (app/cases/reports.py):
    answered or closed after the deadline, or still open past it (a paused resolution clock waits)."""
    first_due, first_at = case.first_response_due, case.first_response_at
    first_breached = first_due is not None and (
        not sla.met(first_due, first_at) if first_at is not None else now > first_due)
    if case.closed_at is not None:
        resolution_breached = not sla.met(case.resolution_due, case.closed_at)
    else:
        resolution_breached = case.paused_since is None and now > case.resolution_due
    last_at = CaseEvent.at.python_value(case.last_at)  # an aggregate: text on SQLite
    updated = max(case.opened_at, last_at or case.opened_at)
    return {"id": case.id, "kind": case.kind, "category": case.category, "state": case.state,
            "channel": case.channel, "card_number": case.card_number, "facility_code": case.code,
            "created_at": _utc(case.opened_at), "updated_at": _utc(updated),
            "first_response_due": _utc(first_due), "first_response_at": _utc(first_at),
            "resolution_due": _utc(case.resolution_due), "closed_at": _utc(case.closed_at),
            "paused": case.paused_since is not None, "first_response_breached": first_breached,
            "resolution_breached": resolution_breached}


def case_page(client, cursor, since_text, limit):
    """One page of cases (no text, photos or names: the card number only)."""
    after = 0
    if cursor is not None:
        after, since_text = read_cursor(client, cursor)
    since = parse_since(since_text)
    rows = _cases(since, after, limit + 1)
    now = clock.now()
    items = [_case_item(r, now) for r in rows[:limit]]
    more = len(rows) > limit
    audit(None, "api_cases_read", f"api-client:{client.id}", client=client.name, count=len(items))
    return {"items": items, "next_cursor": make_cursor(client, items[-1]["id"], since_text) if more else None}


def export_cases(client, since_text):
    """A generator of CSV text of every case (since `since_text`), the columns of CaseItem."""
    since = parse_since(since_text)
    audit(None, "api_cases_exported", f"api-client:{client.id}", client=client.name)

    def batches(after):
        rows = _cases(since, after, EXPORT_BATCH)
        now = clock.now()
        return [_case_item(r, now) for r in rows], rows[-1].id if rows else after

    return _csv(CASE_COLUMNS, batches)
