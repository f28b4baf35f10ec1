"""Pembayaran iuran: payment callbacks from the payment channels, verified and applied exactly once,
and an officer's decision on a payment that could not be applied (SPEC §2 contributions, §6 API).

What the API does with a callback, in this order (app/routes/api.py):

1. `verify_signature`: the channel is known, X-Signature is hex HMAC-SHA256(secret of the channel,
   f"{X-Timestamp}." + raw body), and X-Timestamp is within 300 s of now.
2. `parse_callback`: the body is a JSON object whose fields are all present and sane.
3. `apply_payment`: one write_lock() transaction that locks the family row first, so callbacks for
   one family run one after the other; the unique index on (channel, reference) is the final guard
   against recording a payment twice.
4. `record_event`: every callback, accepted or not, leaves a CallbackEvent (never a secret).

Decisions the issue left open:

- Allocation. A family's unallocated money is spent oldest payment first (so existing credit goes
  before the new payment), on its outstanding months oldest first, through the later of the month of
  `paid_at` and the current month (WIB): a payment made on 31 October that arrives on 1 November
  still pays November. What a payment does not allocate is the family's credit (Family.credit()),
  never moved to another family; allocations of one payment never exceed its amount. Credit is spent
  again when the next payment arrives, when an officer assigns a payment, or by `apply_credit()`
  (which the daily `flask apply-credit` job calls, so that a month paid ahead counts as paid when it begins).
- "Amount mismatch" (status unmatched, reason amount_mismatch): the VA's family does not pay by VA
  (PBI, PPU), its bill cannot be computed (no class, no members), or the payment would leave more
  than 12 months of its current monthly contribution as credit (a year ahead: most likely a typing
  error at the bank). An officer then assigns the payment anyway or refunds it.
- An amount under Rp1 is a malformed callback (400), not a payment: no money was received.
- The `channel` in the body must be the channel that signed it (X-Channel): one channel cannot
  record payments, or claim references, in another channel's name.
"""
import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from peewee import JOIN, IntegrityError, Tuple, fn

from app.contributions import ledger
from app.core import clock
from app.core.audit import audit
from app.core.config import DEMO_PAYMENT_SECRET
from app.core.db import db, write_lock
from app.models import Allocation, CallbackEvent, Family, Payment
from app.rules import contributions
from app.rules.contributions import RuleError

MAX_BODY_BYTES = 16 * 1024
TIMESTAMP_TOLERANCE = 300  # seconds either side of now
MAX_AMOUNT = 1_000_000_000  # Rp1.000.000.000: more is a broken callback, not a contribution
MAX_PAID_AHEAD = timedelta(days=1)  # clocks differ; a payment from further in the future is not real
EARLIEST_PAID_AT = datetime(2014, 1, 1, tzinfo=clock.WIB)  # JKN began on 1 January 2014
CREDIT_LIMIT_MONTHS = 12
PAGE_SIZE = 50
FIELDS = ("va_number", "amount", "channel", "reference", "paid_at")

DIGITS_16 = re.compile(r"[0-9]{16}")  # ASCII digits only (\d would take Arabic-Indic digits too)
REFERENCE = re.compile(r"[!-~](?:[ -~]{0,62}[!-~])?")  # 1-64 printable ASCII, no outer spaces
SIGNATURE = re.compile(r"[0-9a-fA-F]{64}")
TIMESTAMP = re.compile(r"[0-9]{1,12}")

#: error code → (HTTP status, short text for the channel's developers, Indonesian / English)
ERRORS = {
    "body_too_large": (413, "Isi permintaan lebih dari 16 KB / body larger than 16 KB"),
    "missing_signature": (401, ("Header X-Channel, X-Timestamp dan X-Signature wajib ada / "
                                "X-Channel, X-Timestamp and X-Signature are required")),
    "unknown_channel": (401, "Kanal pembayaran tidak dikenal / unknown payment channel"),
    "bad_timestamp": (401, "X-Timestamp harus detik Unix / X-Timestamp must be Unix seconds"),
    "bad_signature": (401, "Tanda tangan tidak sah / invalid signature"),
    "stale_timestamp": (401, ("X-Timestamp berselisih lebih dari 300 detik / "
                              "X-Timestamp is more than 300 s from now")),
    "invalid_json": (400, "Isi harus objek JSON / body must be a JSON object"),
    "missing_field": (400, "Kolom wajib tidak ada / required field missing"),
    "channel_mismatch": (403, ("channel di isi tidak sama dengan X-Channel / "
                               "channel in the body differs from X-Channel")),
    "invalid_va_number": (400, "va_number harus 16 angka (teks) / va_number must be 16 digits (a string)"),
    "invalid_amount": (400, ("amount harus bilangan bulat rupiah 1 s.d. 1000000000 / "
                             "amount must be an integer from 1 to 1000000000 rupiah")),
    "invalid_reference": (400, "reference harus 1-64 karakter ASCII / reference must be 1-64 ASCII characters"),
    "invalid_paid_at": (400, ("paid_at harus ISO 8601 dengan zona waktu, sejak 2014, paling lambat besok / "
                              "paid_at must be ISO 8601 with an offset, from 2014, at most a day ahead")),
    "unavailable": (503, "Layanan sibuk, kirim ulang nanti / busy, retry later"),
}


class CallbackError(Exception):
    """A callback refused: `code` is a key of ERRORS; `detail` names the field when it helps."""

    def __init__(self, code, detail=""):
        super().__init__(code)
        self.code, self.detail = code, detail

    @property
    def status(self):
        return ERRORS[self.code][0]


class DecisionError(Exception):
    """An officer's decision refused: `code` says why, `field` is the form field it belongs to."""

    def __init__(self, code, field=None):
        super().__init__(code)
        self.code, self.field = code, field


@dataclass(frozen=True)
class Callback:
    va_number: str
    amount: int
    channel: str
    reference: str
    paid_at: datetime  # naive UTC, as stored


@dataclass
class Outcome:
    """What apply_payment did: status "applied", "unmatched" (see `reason`) or "duplicate"."""

    status: str
    payment: Payment
    reason: str = ""
    allocations: list = field(default_factory=list)  # [(month, rupiah)] made now
    differs: bool = False  # a duplicate reference whose amount, VA or paid_at is not the recorded one


# --- 1. signature -------------------------------------------------------------------------------

def channel_secret(channel):
    """The callback secret of `channel`, or None. The documented demo secret counts only in
    development and tests, even if someone puts it in a production environment."""
    secret = current_app.config.get("PAYMENT_CHANNEL_SECRETS", {}).get(channel)
    if not isinstance(secret, str) or not secret:
        return None
    if secret == DEMO_PAYMENT_SECRET and current_app.config["ENV_NAME"] not in ("development", "test"):
        return None
    return secret


def sign(secret, timestamp, body):
    """Hex HMAC-SHA256 over f"{timestamp}." + body: what a channel puts in X-Signature."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def verify_signature(channel, timestamp, signature, body, now=None):
    """None when `body` is signed by `channel` at `timestamp` within 300 s of `now` (Unix seconds),
    else the error code: missing_signature, unknown_channel, bad_timestamp, bad_signature or
    stale_timestamp. The signature is checked before the time, so only the channel learns that its
    clock is off."""
    if not (channel and timestamp and signature):
        return "missing_signature"
    secret = channel_secret(channel)
    if secret is None:
        return "unknown_channel"
    if not TIMESTAMP.fullmatch(timestamp):
        return "bad_timestamp"
    if not SIGNATURE.fullmatch(signature) or not hmac.compare_digest(
            sign(secret, timestamp, body), signature.lower()):
        return "bad_signature"
    now = clock.epoch() if now is None else now
    if abs(now - int(timestamp)) > TIMESTAMP_TOLERANCE:
        return "stale_timestamp"
    return None


# --- 2. body ------------------------------------------------------------------------------------

def _json_object(body):
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, a 5000-digit number, [[[[…]]]]
        return None
    return data if isinstance(data, dict) else None


def parse_callback(body, channel, now=None):
    """The Callback in a raw JSON body signed by `channel`, or CallbackError. Unknown fields are
    ignored (a channel may send more than we need). `now` is naive UTC."""
    data = _json_object(body)
    if data is None:
        raise CallbackError("invalid_json")
    missing = [name for name in FIELDS if data.get(name) is None]
    if missing:
        raise CallbackError("missing_field", ", ".join(missing))
    if data["channel"] != channel:
        raise CallbackError("channel_mismatch")
    va_number, amount, reference = data["va_number"], data["amount"], data["reference"]
    if not isinstance(va_number, str) or not DIGITS_16.fullmatch(va_number):
        raise CallbackError("invalid_va_number")
    if not isinstance(amount, int) or isinstance(amount, bool) or not 1 <= amount <= MAX_AMOUNT:
        raise CallbackError("invalid_amount")
    if not isinstance(reference, str) or not REFERENCE.fullmatch(reference):
        raise CallbackError("invalid_reference")
    return Callback(va_number, amount, channel, reference, _paid_at(data["paid_at"], now))


def _paid_at(value, now=None):
    """ISO 8601 with an offset → naive UTC; from 2014 (JKN began) to one day ahead of `now`."""
    if not isinstance(value, str) or len(value) > 40:
        raise CallbackError("invalid_paid_at")
    try:
        moment = datetime.fromisoformat(value)
        if moment.utcoffset() is None:  # "2026-11-25T10:15:00": whose 10.15?
            raise ValueError(value)
        latest = (now or clock.now()).replace(tzinfo=UTC) + MAX_PAID_AHEAD
        if not EARLIEST_PAID_AT <= moment <= latest:
            raise ValueError(value)
        return moment.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise CallbackError("invalid_paid_at") from None


def reference_hint(body):
    """The `reference` of a body that may be refused, for the event log only (never trusted)."""
    data = _json_object(body)
    reference = data.get("reference") if data else None
    return reference if isinstance(reference, str) else ""


# --- 3. applying --------------------------------------------------------------------------------

def apply_payment(va_number, amount, channel, reference, paid_at, today=None):
    """Record the payment `channel` reports as `reference` and apply it to the family whose VA is
    `va_number` — once, whatever arrives twice or at the same time. `paid_at` is naive UTC;
    `today` (WIB) defaults to now. Returns an Outcome:

    - "applied": allocated to the oldest outstanding months, the rest kept as the family's credit;
    - "unmatched" (reason unknown_va or amount_mismatch): recorded, for an officer to decide;
    - "duplicate": this channel reported this reference before; nothing changed.
    """
    through = _through(paid_at, today)
    with write_lock():
        found = Family.get_or_none(Family.va_number == va_number)
        family = Family.get_locked(found.id) if found else None  # one family's callbacks queue here
        existing = _recorded(channel, reference)
        if existing is not None:
            return _duplicate(existing, va_number, amount, paid_at)
        book = ledger.read(family, today) if family is not None else None  # under the family's lock
        reason = "unknown_va" if family is None else _mismatch(family, amount, through, book)
        try:
            with db.atomic():  # a savepoint: the unique index may refuse the row
                payment = Payment.create(
                    family=family, va_number=va_number, amount=amount, channel=channel,
                    reference=reference, paid_at=paid_at, status="unmatched" if reason else "applied",
                    unmatched_reason=reason)
        except IntegrityError:  # the same reference committed by a concurrent callback just now
            existing = _recorded(channel, reference)
            if existing is None:
                raise
            return _duplicate(existing, va_number, amount, paid_at)
        if reason:
            return Outcome("unmatched", payment, reason)
        made = _spend_credit(family, through, book)
        ledger.store(family, today)
        return Outcome("applied", payment, allocations=made)


def apply_credit(family_id, today=None):
    """Spend a family's credit on what it owes through the current month; [(month, rupiah)] made.
    For the daily job (a month paid ahead then counts as paid when it begins) and after rate changes."""
    with write_lock():
        family = Family.get_locked(family_id)
        made = _spend_credit(family, contributions.month_of(today or clock.today()))
        ledger.store(family, today)
        return made


def families_with_credit():
    """Ids of the families holding money not yet applied to any month (for the daily job)."""
    paid = (Payment.select(Payment.family_id.alias("family_id"), fn.SUM(Payment.amount).alias("total"))
            .where((Payment.status == "applied") & Payment.family_id.is_null(False))
            .group_by(Payment.family_id).alias("paid"))
    applied = (Allocation.select(Allocation.family_id.alias("family_id"), fn.SUM(Allocation.amount).alias("total"))
               .group_by(Allocation.family_id).alias("applied"))
    query = (Family.select(Family.id)
             .join(paid, on=(paid.c.family_id == Family.id))
             .join(applied, JOIN.LEFT_OUTER, on=(applied.c.family_id == Family.id))
             .where(paid.c.total > fn.COALESCE(applied.c.total, 0)))
    return [row.id for row in query]


def _through(paid_at, today=None):
    """The last month a payment may pay for: the later of its own month and the current one (WIB)."""
    paid_month = contributions.month_of(clock.to_wib(paid_at).date())
    return max(paid_month, contributions.month_of(today or clock.today()))


def _recorded(channel, reference):
    return Payment.get_or_none((Payment.channel == channel) & (Payment.reference == reference))


def _duplicate(existing, va_number, amount, paid_at):
    differs = (existing.va_number, existing.amount, existing.paid_at) != (va_number, amount, paid_at)
    return Outcome("duplicate", existing, differs=differs)


def _mismatch(family, amount, through, book):
    """"amount_mismatch" when this family's payment cannot be applied sensibly (module docstring).
    `book`: the family's stored ledger (read under its lock), whose owed months and credit are the
    rules' own (tests/contributions/test_ledger.py)."""
    if family.segment not in contributions.FAMILY_VA:
        return "amount_mismatch"
    try:
        owed = sum(rupiah for _, rupiah in book.outstanding(through))
        monthly = book.line(through).due
    except RuleError:
        return "amount_mismatch"
    if book.credit + amount - owed > CREDIT_LIMIT_MONTHS * monthly:
        return "amount_mismatch"
    return ""


def _spend_credit(family, through, book=None):
    """Allocate the family's unallocated money, oldest payment first, to its outstanding months
    (oldest first) through `through`, as its stored ledger (`book`, read here when not given) has
    them. Runs inside write_lock() with the family row locked."""
    owed = dict((book or ledger.read(family)).outstanding(through))
    if not owed:
        return []
    allocated = fn.COALESCE(fn.SUM(Allocation.amount), 0)
    open_payments = (Payment.select(Payment.id, Payment.amount, allocated.alias("allocated"))
                     .join(Allocation, JOIN.LEFT_OUTER, on=(Allocation.payment == Payment.id))
                     .where((Payment.family == family) & (Payment.status == "applied"))
                     .group_by(Payment.id, Payment.amount)
                     .having(Payment.amount > allocated)
                     .order_by(Payment.id).namedtuples())
    made = []
    for payment in open_payments:
        applied, _ = contributions.allocate(payment.amount - payment.allocated, list(owed.items()))
        if applied:
            Allocation.insert_many([
                {"payment": payment.id, "family": family.id, "month": month, "amount": rupiah}
                for month, rupiah in applied]).execute()
        for month, rupiah in applied:
            owed[month] -= rupiah
            made.append((month, rupiah))
        owed = {month: rupiah for month, rupiah in owed.items() if rupiah > 0}
        if not owed:
            break
    return made


# --- 4. the callback log ------------------------------------------------------------------------

def _printable(text, length):
    return "".join(c for c in str(text or "") if " " <= c <= "~")[:length]


def record_event(outcome, channel="", reference="", ip="", **detail):
    """Log one callback, accepted or not: the outcome code, the channel it claimed, its reference,
    the caller's IP and a short detail. Never pass a secret, a signature or the raw body."""
    return CallbackEvent.create(
        outcome=outcome[:20], channel=_printable(channel, 30), reference=_printable(reference, 64),
        ip=(ip or "")[:45], detail=json.dumps(detail, sort_keys=True, default=str)[:1000] if detail else "")


# --- officers: payments that could not be applied -----------------------------------------------

def unmatched_payments(after=None, limit=PAGE_SIZE):
    """(up to `limit` unmatched payments oldest first, starting after payment `after`; whether
    more follow). Keyset paging on (received_at, id): the (status, received_at) index serves it."""
    query = Payment.select().where(Payment.status == "unmatched")
    cursor = Payment.get_or_none(Payment.id == after) if after else None
    if cursor is not None:
        query = query.where(Tuple(Payment.received_at, Payment.id) > Tuple(cursor.received_at, cursor.id))
    rows = list(query.order_by(Payment.received_at, Payment.id).limit(limit + 1))
    return rows[:limit], len(rows) > limit


def family_by_number(number):
    """The family whose VA number or KK number is exactly `number` (16 digits), or DecisionError."""
    number = (number or "").strip()
    if not number:
        raise DecisionError("number_required", "number")
    if not DIGITS_16.fullmatch(number):
        raise DecisionError("number_format", "number")
    found = list(Family.select().where((Family.va_number == number) | (Family.kk_number == number)).limit(2))
    if len(found) != 1:
        raise DecisionError("number_unknown" if not found else "number_ambiguous", "number")
    return found[0]


def _undecided(payment_id):
    payment = Payment.get_locked(payment_id)
    if payment.status != "unmatched":
        raise DecisionError("decided")
    return payment


def assign_payment(payment_id, officer, number, note="", today=None):
    """An officer gives an unmatched payment to the family with this exact VA or KK number; it is
    then applied like a callback (credit first, oldest months first). Audited. Returns
    (payment, [(month, rupiah)] allocated now); raises DecisionError and changes nothing."""
    if Payment.get_by_id(payment_id).status != "unmatched":
        raise DecisionError("decided")
    found = family_by_number(number)
    if found.segment not in contributions.FAMILY_VA:
        raise DecisionError("number_no_va", "number")
    with write_lock():
        family = Family.get_locked(found.id)  # families first, then payments: no lock cycles
        payment = _undecided(payment_id)
        payment.family = family
        payment.status = "applied"
        payment.resolved_by = officer
        payment.resolved_at = clock.now()
        payment.resolution_note = (note or "").strip()
        payment.save()
        made = _spend_credit(family, _through(payment.paid_at, today))
        ledger.store(family, today)
        audit(officer, "payment_assigned", f"payment:{payment.id}", family.head(), family=family.id,
              amount=payment.amount, months=[f"{month:%Y-%m}" for month, _ in made])
    return payment, made


def refund_payment(payment_id, officer, note):
    """An officer marks an unmatched payment as refunded (the money goes back to the payer outside
    this system); the note, saying how, is required. Audited; raises DecisionError."""
    if Payment.get_by_id(payment_id).status != "unmatched":
        raise DecisionError("decided")
    note = (note or "").strip()
    if not note:
        raise DecisionError("note_required", "note")
    with write_lock():
        payment = _undecided(payment_id)
        payment.status = "refunded"
        payment.resolved_by = officer
        payment.resolved_at = clock.now()
        payment.resolution_note = note
        payment.save()
        audit(officer, "payment_refunded", f"payment:{payment.id}",
              payment.family.head() if payment.family_id else None, amount=payment.amount,
              channel=payment.channel, reference=payment.reference)
    return payment
