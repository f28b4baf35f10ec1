"""`flask import payments FILE.csv`: a family's payment history from a channel's or the office's
records, applied through the same path as the payment callback (payments.apply_payment), so the
ledger, the status and the arrears come out as if each payment had arrived by callback.

Idempotent by the channel's reference: a (channel, reference) already stored is "unchanged", so
running the same file again changes nothing. Rows are applied oldest `paid_at` first (the order the
money arrived, which decides when each month became paid); the report keeps the file's line numbers.
Each row is applied in its own transaction: a row is applied wholly or not at all, and a bad row never
undoes the good ones. A row whose payment the callback would record as unmatched (unknown VA, a PBI or
PPU family, more than 12 months ahead) is refused here instead: an import is not a bank to refund.
"""
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

from app.contributions import payments
from app.core import clock, csvfile
from app.core.audit import audit
from app.core.csvfile import ImportFileError
from app.core.db import db, write_lock
from app.models import Family, Payment
from app.rules import contributions

PAYMENT_COLUMNS = ("va_number", "amount", "channel", "reference", "paid_at")
OUTCOMES = ("applied", "unchanged", "duplicate", "invalid")
CHANNEL_LENGTH = 30


class _Refused(Exception):
    def __init__(self, outcome, reason):
        super().__init__(reason)
        self.outcome, self.reason = outcome, reason


@dataclass
class PaymentImportReport:
    name: str
    dry_run: bool = False
    rows: list = field(default_factory=list)  # (line, outcome, reason)
    months: int = 0  # months paid by the applied rows

    @property
    def counts(self):
        counts = dict.fromkeys(OUTCOMES, 0)
        for _, outcome, _ in self.rows:
            counts[outcome] += 1
        return counts

    def text(self):
        counts = ", ".join(f"{n} {outcome}" for outcome, n in self.counts.items())
        lines = ["DRY RUN — nothing saved"] if self.dry_run else []
        lines.append(f"Payments from {self.name}: {counts}; {self.months} month(s) paid.")
        lines += [f"line {line}: {outcome} — {reason}"
                  for line, outcome, reason in sorted(self.rows) if reason]
        return "\n".join(lines)


@dataclass(frozen=True)
class _Row:
    line: int
    va_number: str
    amount: int
    channel: str
    reference: str
    paid_at: datetime  # naive UTC


def _records(text):
    header, rows = csvfile.records(text)
    if sorted(header) != sorted(PAYMENT_COLUMNS):
        raise ImportFileError(f"Wrong header: the first line must name the columns {','.join(PAYMENT_COLUMNS)} "
                              "(any order).")
    return header, rows


def parse_paid_at(text, now):
    """`2026-11-25T10:15:00+07:00` (ISO 8601 with an offset) or `2026-11-25` (the start of that day,
    WIB: the same moment whenever the file is imported, never in the future on its own day) → naive
    UTC; from 2014 (JKN began) and not in the future."""
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), time(0), clock.WIB)
        else:
            moment = datetime.fromisoformat(text)
            if moment.utcoffset() is None:
                raise _Refused("invalid", "paid_at perlu zona waktu, mis. 2026-11-25T10:15:00+07:00")
    except ValueError:
        raise _Refused("invalid", "paid_at harus YYYY-MM-DD atau 2026-11-25T10:15:00+07:00") from None
    if moment < payments.EARLIEST_PAID_AT:
        raise _Refused("invalid", "paid_at sebelum JKN dimulai (1 Jan 2014)")
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    if utc > now:
        raise _Refused("invalid", "paid_at di masa depan")
    return utc


def parse(line, header, fields, now):
    if len(fields) != len(header):
        raise _Refused("invalid", f"jumlah kolom {len(fields)}, seharusnya {len(header)}")
    values = {name: value.strip() for name, value in zip(header, fields)}
    missing = [name for name in PAYMENT_COLUMNS if not values[name]]
    if missing:
        raise _Refused("invalid", f"kolom wajib kosong: {', '.join(missing)}")
    va = values["va_number"]
    if not payments.DIGITS_16.fullmatch(va):
        raise _Refused("invalid", "nomor VA harus 16 angka")
    amount = values["amount"]
    if amount.startswith("-"):
        raise _Refused("invalid", "jumlah tidak boleh negatif")
    if not amount.isascii() or not amount.isdigit() or len(amount) > 10 or not 1 <= int(amount) <= payments.MAX_AMOUNT:
        raise _Refused("invalid", "jumlah harus rupiah bulat 1 sampai 1000000000, tanpa titik atau koma")
    channel = values["channel"]
    if len(channel) > CHANNEL_LENGTH or not payments.REFERENCE.fullmatch(channel):
        raise _Refused("invalid", f"channel paling banyak {CHANNEL_LENGTH} huruf ASCII")
    reference = values["reference"]
    if not payments.REFERENCE.fullmatch(reference):
        raise _Refused("invalid", "reference harus 1-64 huruf ASCII yang bisa dicetak")
    return _Row(line, va, int(amount), channel, reference, parse_paid_at(values["paid_at"], now))


def _apply(row, today):
    """Apply one checked row in its own transaction; the number of months it paid, or _Refused."""
    family = Family.get_or_none(Family.va_number == row.va_number)
    if family is None:
        raise _Refused("invalid", "nomor VA tidak dikenal")
    if family.segment not in contributions.FAMILY_VA:
        raise _Refused("invalid", f"keluarga {family.segment} tidak membayar lewat VA")
    with db.atomic() as transaction:  # a savepoint inside a dry run's transaction
        outcome = payments.apply_payment(row.va_number, row.amount, row.channel, row.reference,
                                         row.paid_at, today)
        if outcome.status == "duplicate":
            if outcome.differs:
                raise _Refused("duplicate", "reference ini sudah ada dengan VA, jumlah atau waktu lain")
            return None
        if outcome.status != "applied":
            transaction.rollback()
            raise _Refused("invalid", "jumlah tidak bisa diterapkan (lebih dari 12 bulan iuran sebagai saldo)")
        return len({month for month, _ in outcome.allocations})


def import_payments(path_or_file, dry_run=False):
    """Apply a payments CSV (module docstring); returns the PaymentImportReport. Needs an app context.
    Raises ImportFileError (nothing imported) when the file cannot be read or its header is wrong."""
    given = getattr(path_or_file, "name", path_or_file)
    name = Path(given).name if isinstance(given, (str, Path)) else "upload"
    header, records = _records(csvfile.read_text(path_or_file))
    report = PaymentImportReport(name, dry_run)
    now, today = clock.now(), clock.today()
    rows, seen = [], {}
    for line, fields in records:
        try:
            row = parse(line, header, fields, now)
            key = (row.channel, row.reference)
            if key in seen:
                raise _Refused("duplicate", f"reference {row.reference} sudah ada di baris {seen[key]}")
            seen[key] = line
            rows.append(row)
        except _Refused as refused:
            report.rows.append((line, refused.outcome, refused.reason))
    rows.sort(key=lambda row: (row.paid_at, row.line))

    def run():
        for row in rows:
            try:
                with write_lock():
                    months = _apply(row, today)
            except _Refused as refused:
                report.rows.append((row.line, refused.outcome, refused.reason))
            else:
                report.rows.append((row.line, "unchanged" if months is None else "applied", ""))
                report.months += months or 0

    if dry_run:
        with write_lock() as transaction:
            run()
            transaction.rollback()
        return report
    run()
    with db.atomic():
        audit(None, "payments_imported", f"file:{name}"[:60], **report.counts, months=report.months)
    return report


def applied_payment(channel, reference):
    """The stored payment of (channel, reference), or None (for tests and the officer)."""
    return Payment.get_or_none((Payment.channel == channel) & (Payment.reference == reference))
