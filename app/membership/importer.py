"""The office batch import of participants (CSV): an upsert by NIK, so running it twice changes nothing."""
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import NamedTuple

from peewee import IntegrityError

from app.contributions import ledger
from app.contributions import payments as va_payments
from app.contributions import va as payments
from app.core import clock, csvfile, security
from app.core.audit import audit
from app.core.csvfile import ImportFileError  # noqa: F401  (the CLI catches it here)
from app.core.db import db, write_lock
from app.models import Facility, Family, MembershipChange, Participant, RateVersion, Region
from app.rules import contributions, identity

#: The documented columns (README, "Office batch import"): every one must be in the header, in any order.
PARTICIPANT_COLUMNS = (
    "kk_number", "nik", "card_number", "name", "sex", "birth_date", "relationship", "segment",
    "care_class", "district_code", "address", "phone", "fktp_code", "employer",
)
REQUIRED_COLUMNS = (
    "kk_number", "nik", "name", "sex", "birth_date", "relationship", "segment", "district_code", "address",
)
#: optional columns (README): the history of a family that paid before it was imported
HISTORY_COLUMNS = ("cover_start", "paid_through")
#: what every row of one KK must repeat identically (the first row founds or updates the family)
FAMILY_FIELDS = ("segment", "care_class", "district_code", "address", "fktp_code", "employer", *HISTORY_COLUMNS)
HISTORY_CHANNEL = "riwayat"  # the payments that record an imported paid-through month
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})(?:-[0-9]{2})?")
EARLIEST_MONTH = date(2014, 1, 1)  # JKN began
OUTCOMES = ("created", "updated", "unchanged", "duplicate", "invalid")

NIK_PROBLEMS = {
    "format": "NIK harus 16 angka",
    "province": "NIK tidak valid: kode provinsi tidak ada",
    "birth_date": "NIK tidak valid: tanggal lahir di dalamnya tidak mungkin",
    "serial": "NIK tidak valid: nomor urut 0000",
}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PHONE = re.compile(r"\+?[0-9]{6,15}")
_LONG_NUMBER = re.compile(r"[0-9]{16,}")


class RowResult(NamedTuple):
    line: int  # as in the file: the header is line 1
    outcome: str  # one of OUTCOMES
    reason: str = ""  # why (duplicate, invalid) or a warning (NIK and birth date disagree)


@dataclass
class ImportReport:
    """What import_participants did, or would do in a dry run, row by row."""

    name: str
    dry_run: bool = False
    rows: list[RowResult] = field(default_factory=list)
    families_created: int = 0
    families_updated: int = 0
    history_months: int = 0  # months recorded as paid from paid_through

    @property
    def counts(self):
        counts = dict.fromkeys(OUTCOMES, 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    def add(self, line, outcome, reason=""):
        # Reasons never quote a 16-digit number in full (a NIK or a KK typed into another column).
        reason = _LONG_NUMBER.sub(lambda match: identity.mask_nik(match[0]), reason)
        self.rows.append(RowResult(line, outcome, reason))

    def text(self):
        counts = ", ".join(f"{n} {outcome}" for outcome, n in self.counts.items())
        lines = ["DRY RUN — nothing saved"] if self.dry_run else []
        lines.append(f"Participants from {self.name}: {counts}.")
        lines.append(f"Families: {self.families_created} created, {self.families_updated} updated.")
        if self.history_months:
            lines.append(f"History: {self.history_months} month(s) recorded as paid (paid_through).")
        lines += [f"line {row.line}: {row.outcome} — {row.reason}" for row in self.rows if row.reason]
        return "\n".join(lines)


@dataclass
class _Row:
    line: int
    kk_number: str
    nik: str
    card_number: str  # "" → keep the stored one, or a new one for a new participant
    name: str
    sex: str
    birth_date: date
    relationship: str
    segment: str
    care_class: int | None  # None → keep the stored one (PPU without a class)
    district: Region
    address: str
    phone: str  # "" → keep the stored one
    fktp: Facility | None  # None → keep the stored one
    employer: str  # "" → keep the stored one
    warnings: list[str]
    cover_start: date | None = None  # None → keep the stored one (a new family: this month)
    paid_through: date | None = None  # None → no history to record

    @property
    def family_values(self):
        return (self.segment, self.care_class, self.district.code, self.address,
                self.fktp.code if self.fktp else "", self.employer, self.cover_start, self.paid_through)


class _Refused(Exception):
    def __init__(self, outcome, reason):
        super().__init__(reason)
        self.outcome, self.reason = outcome, reason


def _records(text):
    """[(line, fields)] after the header, wholly blank rows skipped; the header is checked first."""
    header, rows = csvfile.records(text)
    missing = [c for c in PARTICIPANT_COLUMNS if c not in header]
    unknown = sorted({c or "(empty)" for c in header if c not in PARTICIPANT_COLUMNS + HISTORY_COLUMNS})
    repeated = sorted({c for c in header if header.count(c) > 1})
    if missing or unknown or repeated:
        problems = [f"{label}: {', '.join(names)}" for label, names in
                    (("missing", missing), ("unknown", unknown), ("repeated", repeated)) if names]
        raise ImportFileError(f"Wrong header ({'; '.join(problems)}). The first line must name the columns "
                              f"{','.join(PARTICIPANT_COLUMNS)} (any order; cover_start and paid_through "
                              "may be added).")
    return header, rows


class _ParticipantImport:
    """One run over the rows of a file; `report` collects the outcomes."""

    def __init__(self, report, dry_run):
        self.report, self.dry_run = report, dry_run
        self.today = clock.today()
        self.districts, self.facilities = {}, {}  # lookups cached for the run
        self.seen_niks = {}  # blind index → line of its first valid row
        self.founders = {}  # KK → (line, family values) of the row that founded or updated it
        self.histories = []  # first rows of the KKs with a paid_through, recorded after every row

    # -- checking one row, without writing ------------------------------------------------------

    def parse(self, line, header, fields):
        if len(fields) != len(header):
            raise _Refused("invalid", f"jumlah kolom {len(fields)}, seharusnya {len(header)}")
        values = {name: value.strip() for name, value in zip(header, fields)}
        missing = [c for c in REQUIRED_COLUMNS if not values[c]]
        if missing:
            raise _Refused("invalid", f"kolom wajib kosong: {', '.join(missing)}")
        kk = identity.normalize_number(values["kk_number"])
        nik = identity.normalize_number(values["nik"])
        card = identity.normalize_number(values["card_number"])
        try:
            identity.check_kk_number(kk)
        except identity.IdentifierError:
            raise _Refused("invalid", "nomor KK harus 16 angka") from None
        try:
            identity.parse_nik(nik, self.today)
        except identity.IdentifierError as error:
            raise _Refused("invalid", NIK_PROBLEMS[error.code]) from None
        if card:
            try:
                identity.check_card_number(card)
            except identity.IdentifierError:
                raise _Refused("invalid", "nomor kartu harus 13 angka (atau kosong)") from None
        name = " ".join(values["name"].split())
        if len(name) > Participant.name.max_length:
            raise _Refused("invalid", f"nama lebih dari {Participant.name.max_length} huruf")
        sex = values["sex"].upper()
        if sex not in Participant.SEXES:
            raise _Refused("invalid", "jenis kelamin (sex) harus L atau P")
        birth_date = self.parse_date(values["birth_date"])
        relationship = values["relationship"].lower()
        if relationship not in Participant.RELATIONSHIPS:
            raise _Refused("invalid", "hubungan (relationship) harus salah satu dari: "
                           + ", ".join(Participant.RELATIONSHIPS))
        segment = values["segment"].upper()
        if segment not in Family.SEGMENTS:
            raise _Refused("invalid", "segmen harus " + ", ".join(Family.SEGMENTS))
        care_class = self.parse_care_class(values["care_class"], segment)
        district = self.district(values["district_code"])
        phone = identity.normalize_number(values["phone"])
        if phone and not _PHONE.fullmatch(phone):
            raise _Refused("invalid", "nomor HP tidak valid")
        fktp = self.fktp(values["fktp_code"]) if values["fktp_code"] else None
        employer = " ".join(values["employer"].split())
        if employer and segment != "PPU":
            raise _Refused("invalid", "pemberi kerja (employer) hanya untuk segmen PPU")
        if len(employer) > Family.employer.max_length:
            raise _Refused("invalid", f"pemberi kerja lebih dari {Family.employer.max_length} huruf")
        mismatches = identity.nik_mismatches(nik, birth_date, sex, self.today)
        warnings = [f"peringatan: {label} tidak sesuai NIK" for key, label in
                    (("birth_date", "tanggal lahir"), ("sex", "jenis kelamin")) if key in mismatches]
        cover_start, paid_through = self.parse_history(values, segment)
        return _Row(line, kk, nik, card, name, sex, birth_date, relationship, segment, care_class, district,
                    " ".join(values["address"].split()), phone, fktp, employer, warnings, cover_start, paid_through)

    def parse_month(self, text, column):
        match = _MONTH.fullmatch(text)
        try:
            month = date(int(match[1]), int(match[2]), 1) if match else None
        except ValueError:
            month = None
        if month is None:
            raise _Refused("invalid", f"{column} harus YYYY-MM, mis. 2019-04")
        if month < EARLIEST_MONTH:
            raise _Refused("invalid", f"{column} sebelum JKN dimulai (2014-01)")
        if month > contributions.month_of(self.today):
            raise _Refused("invalid", f"{column} di masa depan")
        return month

    def parse_history(self, values, segment):
        """(cover_start, paid_through) months from the optional columns (None when empty)."""
        cover_text, paid_text = (values.get(name, "") for name in HISTORY_COLUMNS)
        cover = self.parse_month(cover_text, "cover_start") if cover_text else None
        paid = self.parse_month(paid_text, "paid_through") if paid_text else None
        first_rate = min((table.effective_from for table in RateVersion.tables()), default=None)
        if segment in contributions.FAMILY_VA and cover and first_rate and cover < contributions.month_of(first_rate):
            raise _Refused("invalid", f"belum ada tarif iuran sebelum {first_rate:%Y-%m}: cover_start lebih awal")
        if paid is not None:
            if segment not in contributions.FAMILY_VA:
                raise _Refused("invalid", f"paid_through hanya untuk PBPU dan BP (iuran {segment} dibayar pihak lain)")
            if paid < (cover or contributions.month_of(self.today)):
                raise _Refused("invalid", "paid_through sebelum cover_start")
        return cover, paid

    def parse_date(self, text):
        try:
            if not _ISO_DATE.fullmatch(text):
                raise ValueError
            day = date.fromisoformat(text)
        except ValueError:
            raise _Refused("invalid", "tanggal lahir harus YYYY-MM-DD, mis. 1985-08-17") from None
        if day > self.today:
            raise _Refused("invalid", "tanggal lahir di masa depan")
        return day

    @staticmethod
    def parse_care_class(text, segment):
        """PBPU/BP: 1, 2 or 3, required. PBI: always kelas 3 (empty means 3). PPU: 1 or 2 by wage,
        or empty (unknown: a stored class is kept)."""
        if text not in ("", "1", "2", "3"):
            raise _Refused("invalid", "kelas rawat (care_class) harus 1, 2 atau 3")
        care_class = int(text) if text else None
        if segment in contributions.FAMILY_VA and care_class is None:
            raise _Refused("invalid", f"kelas rawat (care_class) wajib untuk {segment}")
        if segment == "PBI":
            if care_class not in (None, 3):
                raise _Refused("invalid", "peserta PBI selalu kelas 3")
            care_class = 3
        if segment == "PPU" and care_class == 3:
            raise _Refused("invalid", "peserta PPU kelas 1 atau 2")
        return care_class

    def district(self, code):
        if code not in self.districts:
            self.districts[code] = Region.lookup(code, Region.DISTRICT)
        if self.districts[code] is None:
            raise _Refused("invalid", f"kode kecamatan tidak dikenal: {code[:20]}")
        return self.districts[code]

    def fktp(self, code):
        if code not in self.facilities:
            self.facilities[code] = Facility.get_or_none(Facility.code == code)
        facility = self.facilities[code]
        if facility is None:
            raise _Refused("invalid", f"kode FKTP tidak dikenal: {code[:20]}")
        if facility.kind not in Facility.FKTP_KINDS or not facility.is_partner:
            raise _Refused("invalid", f"{facility.code} bukan FKTP mitra BPJS")
        return facility

    def check_within_file(self, row):
        key = security.blind_index(row.nik, "nik")
        first = self.seen_niks.setdefault(key, row.line)
        if first != row.line:
            raise _Refused("duplicate", f"NIK {identity.mask_nik(row.nik)} sudah ada di baris {first}")
        if row.kk_number in self.founders:
            line, values = self.founders[row.kk_number]
            differ = [name for name, mine, theirs in zip(FAMILY_FIELDS, row.family_values, values)
                      if mine != theirs]
            if differ:
                raise _Refused("invalid", f"data keluarga berbeda dengan baris {line} (KK yang sama): "
                               + ", ".join(differ))

    # -- applying one row (inside its own transaction) -------------------------------------------

    def apply(self, row):
        """Upsert the family and the participant of a checked row.

        → (outcome: "created" / "updated" / "unchanged", what happened to the family: None /
        "created" / "updated"), counted by the caller only once the row's transaction succeeded.
        """
        # The person first: once a concurrent writer's participant is visible, so is its family
        # (read committed), so a NIK arriving twice at once never looks like "another KK's".
        person = Participant.by_nik(row.nik)
        family = Family.get_or_none(Family.kk_number == row.kk_number)
        if person is not None and (family is None or person.family_id != family.id):
            raise _Refused("duplicate", "NIK terdaftar di KK lain")
        if row.card_number:
            owner = Participant.by_card(row.card_number)
            if owner is not None and (person is None or owner.id != person.id):
                raise _Refused("duplicate", "nomor kartu sudah dipakai peserta lain")
            if person is not None and person.card_number != row.card_number:
                raise _Refused("invalid", "nomor kartu berbeda dengan yang terdaftar untuk NIK ini")
        if row.relationship == "kepala" and family is not None:
            heads = Participant.select().where((Participant.family == family)
                                               & (Participant.relationship == "kepala"))
            if person is not None:
                heads = heads.where(Participant.id != person.id)
            if heads.exists():
                raise _Refused("invalid", "KK ini sudah punya kepala keluarga")

        family_event = None
        if family is None:
            family, family_event = self.create_family(row), "created"
        elif row.kk_number not in self.founders and self.update_family(family, row):
            family_event = "updated"
        if person is None:
            person = Participant(card_number=row.card_number or Participant.new_card_number(), family=family,
                                 name=row.name, sex=row.sex, birth_date=row.birth_date, phone=row.phone,
                                 relationship=row.relationship,
                                 registered_on=row.cover_start or self.today)  # on the card since then
            person.nik = row.nik
            person.save()
            outcome = "created"
        else:
            changed = self.update_participant(person, family, row) or family_event is not None
            outcome = "updated" if changed else "unchanged"
        if outcome != "unchanged":  # in the row's transaction: every caller (CSV, API) keeps the ledger
            ledger.store(family, self.today)
        return outcome, family_event

    def create_family(self, row):
        family = Family.create(
            kk_number=row.kk_number, segment=row.segment, care_class=row.care_class, district=row.district,
            address=row.address, fktp=row.fktp, employer=row.employer, registered_on=self.today,
            cover_start=row.cover_start or contributions.month_of(self.today))
        self.issue_va(family)
        return family

    def issue_va(self, family):
        # A dry run asks no one for a number: a bank's issuer would hand out a real one.
        if family.segment in contributions.FAMILY_VA and not family.va_number and not self.dry_run:
            family.va_number = payments.va_issuer().issue(family)
            family.save()

    def update_family(self, family, row):
        """Apply the family columns that differ, each recorded as a MembershipChange. An empty
        optional column (care_class of PPU, fktp_code, employer) keeps what is stored."""
        changes = []  # (field, old as shown, new as shown)
        for name, old, new, value in (
            ("segment", family.segment, row.segment, row.segment),
            ("care_class", family.care_class, row.care_class, row.care_class),
            ("district", family.district_code, row.district.code, row.district),
            ("address", family.address, row.address, row.address),
            ("fktp", family.fktp_id and family.fktp.code, row.fktp and row.fktp.code, row.fktp),
            ("employer", family.employer, row.employer, row.employer),
            ("cover_start", family.cover_start and family.cover_start.isoformat(),
             row.cover_start and row.cover_start.isoformat(), row.cover_start),
        ):
            if new not in (None, "") and old != new:
                changes.append((name, old, new))
                setattr(family, name, value)
        if not changes:
            return False
        for name, old, new in changes:
            MembershipChange.record(family, name, old, new, effective_on=self.today)
        names = {name for name, _, _ in changes}
        family.fktp_changed_on = self.today if "fktp" in names else family.fktp_changed_on
        family.class_changed_on = self.today if "care_class" in names else family.class_changed_on
        family.save()
        self.issue_va(family)
        return True

    def update_participant(self, person, family, row):
        wanted = {"name": row.name, "sex": row.sex, "birth_date": row.birth_date,
                  "relationship": row.relationship, "phone": row.phone}
        changes = [(name, getattr(person, name), new) for name, new in wanted.items()
                   if new != "" and getattr(person, name) != new]
        for name, old, new in changes:
            MembershipChange.record(family, name, old, new, effective_on=self.today, participant=person)
            setattr(person, name, new)
        if changes:
            person.save()
        return bool(changes)

    def record_history(self, family, row):
        """Record the months from the cover start through `paid_through` that are still owed as paid
        on time: one payment each, dated the 10th of its month (10.00 WIB), applied like a callback
        (channel "riwayat", reference KK-YYYYMM, so a second run finds them). Returns how many."""
        if row.paid_through is None or family.cover_start is None:
            return 0
        owed = family.outstanding(row.paid_through)
        if self.dry_run and not family.va_number:  # a dry run issues no VA: count what would be paid
            return len(owed)
        for month, amount in owed:
            paid_at = datetime.combine(contributions.due_date(month), time(3, 0))  # 10.00 WIB
            outcome = va_payments.apply_payment(family.va_number, amount, HISTORY_CHANNEL,
                                                f"{family.kk_number}-{month:%Y%m}", paid_at, self.today)
            if outcome.status != "applied":
                raise _Refused("invalid", f"riwayat {month:%Y-%m} tidak bisa dicatat ({outcome.reason or outcome.status})")
        return len(owed)

    # -- the run ---------------------------------------------------------------------------------

    def run(self, header, records):
        for line, fields in records:
            try:
                row = self.parse(line, header, fields)
                self.check_within_file(row)
                with write_lock():
                    outcome, family_event = self.apply(row)
            except _Refused as refused:
                self.report.add(line, refused.outcome, refused.reason)
            except IntegrityError:  # a concurrent writer got there first: only this row is undone
                self.report.add(line, "invalid", "gagal disimpan: bentrok dengan data yang sudah ada")
            else:
                if row.paid_through and row.kk_number not in self.founders:
                    self.histories.append(row)
                self.founders.setdefault(row.kk_number, (line, row.family_values))
                self.report.add(line, outcome, "; ".join(row.warnings))
                if family_event == "created":
                    self.report.families_created += 1
                elif family_event == "updated":
                    self.report.families_updated += 1
        for row in self.histories:  # once every member is on the card: each month's due counts them all
            try:
                with write_lock():
                    family = Family.get(Family.kk_number == row.kk_number)
                    months = self.record_history(family, row)
                    ledger.store(family, self.today)
            except _Refused as refused:
                self.report.add(row.line, "invalid", refused.reason)
            else:
                self.report.history_months += months


def import_participants(path_or_file, dry_run=False):
    """Upsert families and participants from an office CSV (README: "Office batch import").

    Each row is applied in its own transaction, so a bad row never undoes the good ones, and
    running the same file again changes nothing. A dry run does all of it inside one transaction
    that is rolled back, so its report is the one a real run would give. Needs an app context.
    Raises ImportFileError (nothing imported) when the file cannot be read or its header is wrong.
    """
    given = getattr(path_or_file, "name", path_or_file)
    name = Path(given).name if isinstance(given, (str, Path)) else "upload"
    header, records = _records(csvfile.read_text(path_or_file))
    report = ImportReport(name, dry_run)
    run = _ParticipantImport(report, dry_run)
    if dry_run:
        with write_lock() as transaction:
            run.run(header, records)
            transaction.rollback()
        return report
    run.run(header, records)
    counts = report.counts
    with db.atomic():
        audit(None, "participants_imported", f"file:{name}"[:60], **counts,
              families_created=report.families_created, families_updated=report.families_updated)
    return report
