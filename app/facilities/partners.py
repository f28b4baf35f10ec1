"""`flask import partners FILE.csv [--dry-run]`: BPJS partner lists (daftar faskes mitra).

The file is UTF-8 (a byte-order mark is fine), comma-separated, with a header naming these columns
in any order:

    kode_faskes   the facility's code as stored (Facility.code)
    kerja_sama    ya, tidak or belum_tercatat (also: y/t, 1/0, mitra/bukan)
    mulai         first day of the agreement, DD-MM-YYYY or YYYY-MM-DD (optional, only with ya)
    sampai        last day of the agreement (optional, only with ya; not before mulai)

Every row is checked first; a bad row is reported with its line number and reason and changes
nothing, the good rows are saved together in one transaction (none in a dry run). A code that
appears twice is refused on its second line. Each saved row is audited as partnership_set.
"""
import csv
from dataclasses import dataclass, field
from pathlib import Path

from app.core import clock
from app.core.audit import audit
from app.core.db import write_lock
from app.core.forms import parse_date
from app.models import Facility

COLUMNS = ("kode_faskes", "kerja_sama", "mulai", "sampai")
STATES = {"ya": "ya", "y": "ya", "1": "ya", "mitra": "ya", "tidak": "tidak", "t": "tidak", "0": "tidak",
          "bukan": "tidak", "belum_tercatat": "belum_tercatat", "": "belum_tercatat"}
VALUES = {"ya": True, "tidak": False, "belum_tercatat": None}
MAX_ROWS = 100_000


class PartnerFileError(Exception):
    """The file as a whole cannot be read (missing, not UTF-8, no header, a column missing)."""


@dataclass
class PartnerReport:
    name: str
    dry_run: bool = False
    saved: int = 0
    unchanged: int = 0
    refused: list = field(default_factory=list)  # [(line, reason)]

    def text(self):
        lines = ["DRY RUN — nothing saved"] if self.dry_run else []
        verb = "would be saved" if self.dry_run else "saved"
        lines.append(f"Partners from {self.name}: {self.saved} {verb}, {self.unchanged} unchanged, "
                     f"{len(self.refused)} refused.")
        lines += [f"line {line}: {reason}" for line, reason in self.refused]
        return "\n".join(lines)


def _rows(path):
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [name.strip().lower() for name in reader.fieldnames or []]
            missing = [c for c in COLUMNS[:2] if c not in header]
            if missing:
                raise PartnerFileError(f"{Path(path).name}: the header lacks {', '.join(missing)} "
                                       f"(columns: {', '.join(COLUMNS)})")
            reader.fieldnames = header
            for number, row in enumerate(reader, start=2):
                if number > MAX_ROWS + 1:
                    raise PartnerFileError(f"more than {MAX_ROWS:,} rows: split the file")
                yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}
    except FileNotFoundError:
        raise PartnerFileError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise PartnerFileError(f"{Path(path).name} is not UTF-8: save it as CSV UTF-8") from None


def _check(row, seen, line):
    """(code, state, start, end), or a reason (str) why the row is refused."""
    if not any(row.values()):
        return None
    code = row.get("kode_faskes", "")
    if not code:
        return "kode_faskes kosong"
    if code in seen:
        return f"kode_faskes {code} sudah ada di baris {seen[code]}"
    seen[code] = line
    state = STATES.get(row.get("kerja_sama", "").lower())
    if state is None:
        return f"kerja_sama {row.get('kerja_sama', '')[:20]!r} tidak dikenal (ya, tidak, belum_tercatat)"
    dates = []
    for column in ("mulai", "sampai"):
        text = row.get(column, "")
        day = parse_date(text) if text else None
        if text and day is None:
            return f"{column} {text[:20]!r} bukan tanggal (DD-MM-YYYY)"
        dates.append(day)
    if state != "ya" and any(dates):
        return "mulai/sampai hanya untuk kerja_sama ya"
    if dates[0] and dates[1] and dates[1] < dates[0]:
        return "sampai sebelum mulai"
    return code, state, *dates


def import_partners(path, dry_run=False, actor=None):
    report = PartnerReport(Path(path).name, dry_run)
    checked, seen = [], {}
    for line, row in _rows(path):
        result = _check(row, seen, line)
        if isinstance(result, str):
            report.refused.append((line, result))
        elif result is not None:
            checked.append((line, *result))
    with write_lock():
        found = {f.code: f for f in Facility.select().where(Facility.code.in_([c[1] for c in checked]))}
        for line, code, state, start, end in checked:
            facility = found.get(code)
            if facility is None:
                report.refused.append((line, f"kode_faskes {code} tidak ada"))
                continue
            start, end = (start, end) if state == "ya" else (None, None)
            if (facility.is_partner, facility.partner_from, facility.partner_until) == (VALUES[state], start, end):
                report.unchanged += 1
                continue
            report.saved += 1
            if not dry_run:
                Facility.update(is_partner=VALUES[state], partner_from=start, partner_until=end,
                                updated_at=clock.now()).where(Facility.id == facility.id).execute()
                audit(actor, "partnership_set", f"facility:{facility.id}", state=state, start=start, end=end,
                      source=report.name)
    report.refused.sort()
    return report
