"""Loading facility lists (daftar faskes) into Facility: `flask import facilities FILE --format=…`.

Four formats, one per list described in ../shared/data/README.md (those files have no licence:
they are read from where they are, never copied into the project):

    hospitals  Kemenkes SIRS hospital list        code "R" + 7-digit kode RS   (BPPSDMK's own form)
    puskesmas  Kemenkes BPPSDMK 2019 puskesmas    code "P" + 10 digits, as given
    jakarta    DKI Jakarta base-map points (RBI)  code "JKT-<APT|KLN|PKM|BDN|RS>-<objectid>"
    banten     BPJS provider list (Banten, 2019)  code = the BPJS kode faskes, as text ("02190002")

The code schemes cannot collide: BPJS codes start with a digit, Kemenkes codes with R or P, the
Jakarta points (which have no official code) with "JKT-", the demo data with "DEMO-".

search_name is search_key() of the name, with the lists' spelled-out types abbreviated first
("RS Umum Daerah X" → "RSUD X" → "x"), so a prefix search finds the distinctive name.

Rows are upserted by code in batches, one transaction per batch, so running a file again updates
instead of duplicating (and leaves unchanged rows untouched). A row without a name, with a bad code,
with a type that is not a Facility kind, or repeating a code is skipped with its reason and line.
Coordinates flagged `coord_suspect=yes`, outside Indonesia or unreadable are dropped (the facility
stays), as are region codes that do not exist; each is counted with its lines.
"""
import csv
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from peewee import chunked

from app.core import clock
from app.core.db import db
from app.facilities import service as facility_search
from app.models import Facility, Region
from app.rules.facilities import search_key

FORMATS = ("hospitals", "puskesmas", "jakarta", "banten")
BATCH = 500
#: Indonesia with a margin: a point outside is a data error
LAT_RANGE, LON_RANGE = (-11.5, 6.5), (94.5, 141.5)
#: the columns each format needs (others are ignored)
COLUMNS = {
    "hospitals": ("kemenkes_code", "name", "hospital_class", "address", "phone", "province_code",
                  "regency_code", "latitude", "longitude", "coord_suspect"),
    "puskesmas": ("kemenkes_code", "name", "address", "province_code", "regency_code", "district_code",
                  "latitude", "longitude", "coord_suspect"),
    "jakarta": ("category", "subtype", "name", "latitude", "longitude", "province_code", "source_objectid",
                "regency_code_approx", "district_code_approx"),
    "banten": ("bpjs_code", "name", "facility_type", "address", "phone", "province_code", "regency_code",
               "latitude", "longitude", "district_code_approx"),
}
HOSPITAL_CLASSES = {"A": "A", "B": "B", "C": "C", "D": "D", "D PRATAMA": "D PRATAMA"}  # else "" (not set)
#: Jakarta `category` → (code part, kind or None when every row of it is skipped)
JAKARTA_CATEGORIES = {
    "pharmacy": ("APT", "apotek"),
    "clinic": ("KLN", None),  # by subtype, below
    "puskesmas": ("PKM", "puskesmas"),
    "hospital": ("RS", "rumah_sakit"),
    "midwife_practice": ("BDN", None),
}
#: Jakarta clinic `subtype` → kind, or the reason it is skipped
JAKARTA_CLINICS = {
    "Klinik": "klinik_pratama",
    "Klinik Pemerintah": "klinik_pratama",
    "Klinik Kantor": "klinik_pratama",
    "Praktek Mandiri": "dokter_praktik",
    "Klinik Gigi": "dokter_gigi",
    "Klinik Mata": "klinik_utama",
}
JAKARTA_CLINICS_SKIPPED = {
    "Klinik Kecantikan": "klinik kecantikan: bukan layanan JKN",
    "Klinik Akupuntur": "klinik akupunktur: bukan jenis faskes JKN",
    "Klinik Rutan": "klinik rutan: tidak melayani umum",
}
BANTEN_TYPES = {
    "Klinik Pratama": "klinik_pratama",
    "Klinik Utama": "klinik_utama",
    "Puskesmas": "puskesmas",
    "Apotek": "apotek",
    "Rumah Sakit": "rumah_sakit",
    "Dokter Praktik Perorangan": "dokter_praktik",
    "Dokter Gigi": "dokter_gigi",
}
CODE_PATTERNS = {
    "hospitals": re.compile(r"[0-9]{7}"),
    "puskesmas": re.compile(r"P[0-9]{10}"),
    "jakarta": re.compile(r"[0-9]{1,9}"),
    "banten": re.compile(r"[0-9]{4}[A-Z][0-9]{3}|[0-9]{8}"),
}
_PHONE = re.compile(r"\+?[0-9][0-9 ()./-]{4,28}")
_ROMAN = re.compile(r"^(?=[IVXL]+$)L?X{0,3}(IX|IV|V?I{0,3})$")
_UPPER_WORDS = {"UPT", "UPTD", "UPTD.", "RSUD", "RS", "BLUD"}
#: how the lists spell out a type that people abbreviate, and search_key() removes as a prefix:
#: "RS Umum Daerah Meuraxa" is found as "RSUD Meuraxa", "Meuraxa" or "Rumah Sakit Meuraxa"
_SEARCH_CONTRACTIONS = (
    (re.compile(r"^RS Umum Daerah\b", re.IGNORECASE), "RSUD"),
    (re.compile(r"^RS (Khusus )?Ibu (dan )?Anak\b", re.IGNORECASE), "RSIA"),
    (re.compile(r"^RS Umum\b", re.IGNORECASE), "RSU"),
    (re.compile(r"^Puskesmas (Kecamatan|Kelurahan)\b", re.IGNORECASE), "Puskesmas"),
)
#: the Facility fields an import writes (and compares, to tell "updated" from "unchanged")
FIELDS = ("name", "search_name", "kind", "hospital_class", "province_code", "regency_code", "district",
          "address", "phone", "latitude", "longitude", "is_partner", "source")


class FacilityFileError(ValueError):
    """The file cannot be read as this format: nothing was imported."""


class _Skip(Exception):
    pass


@dataclass
class FacilityImportReport:
    """What one import did: counts, skipped rows by reason, and dropped values by reason, with lines."""

    filename: str
    file_format: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: dict = field(default_factory=dict)  # reason → [line, …]
    dropped: dict = field(default_factory=dict)  # what was dropped and why → [line, …]

    @property
    def loaded(self):
        return self.created + self.updated + self.unchanged

    @property
    def skipped_count(self):
        return sum(len(lines) for lines in self.skipped.values())

    def skip(self, reason, line):
        self.skipped.setdefault(reason, []).append(line)

    def drop(self, reason, line):
        self.dropped.setdefault(reason, []).append(line)

    def text(self, first=5):
        def lines(numbers):
            shown = ", ".join(str(n) for n in numbers[:first])
            return shown + (", …" if len(numbers) > first else "")

        out = [(f"Facilities from {self.filename} (format {self.file_format}): {self.rows:,} rows, "
                f"{self.loaded:,} loaded ({self.created:,} created, {self.updated:,} updated, "
                f"{self.unchanged:,} unchanged), {self.skipped_count:,} skipped.")]
        out += [f"  skipped {len(n):,}: {why} (line {lines(n)})" for why, n in self.skipped.items()]
        out += [f"  kept without {what}: {len(n):,} (line {lines(n)})" for what, n in self.dropped.items()]
        return "\n".join(out)


def _clean(text):
    return " ".join((text or "").split())


def _title(name):
    """"PASIE MALI (WOYLA BARAT)" → "Pasie Mali (Woyla Barat)", keeping roman numerals and "UPT"."""
    words = []
    for word in name.split():
        upper = word.upper()
        keep = upper in _UPPER_WORDS or (_ROMAN.match(upper.strip(".,()")) and upper.strip(".,()"))
        words.append(upper if keep else word.title())
    return " ".join(words)


def search_name(name):
    """The name as searched: search_key() after the list's spelled-out types are abbreviated."""
    for pattern, short in _SEARCH_CONTRACTIONS:
        name = pattern.sub(short, name, count=1)
    return search_key(name)[:Facility.search_name.max_length]


def _phone(text, report, line):
    phone = _clean(text)
    if phone in ("", "-"):
        return ""
    if not _PHONE.fullmatch(phone) or len(phone) > Facility.phone.max_length:
        report.drop("telepon (tidak valid)", line)
        return ""
    return phone


class _Regions:
    """Which province, regency and district codes exist (read once per import)."""

    def __init__(self):
        self.levels = dict(Region.select(Region.code, Region.level)
                           .where(Region.level <= Region.DISTRICT).tuples())

    def resolve(self, province, regency, district, report, line):
        """(province, regency, district) codes, each kept only if it exists under the one above."""
        province, regency, district = (_clean(c) for c in (province, regency, district))
        if province and self.levels.get(province) != Region.PROVINCE:
            report.drop("kode provinsi (tidak dikenal)", line)
            province = ""
        if regency and (self.levels.get(regency) != Region.REGENCY or regency[:2] != province):
            report.drop("kode kabupaten/kota (tidak dikenal)", line)
            regency = ""
        if district and (self.levels.get(district) != Region.DISTRICT or district[:5] != regency):
            report.drop("kode kecamatan (tidak dikenal)", line)
            district = ""
        return province, regency, district


def _coordinates(lat_text, lon_text, suspect, report, line):
    lat_text, lon_text = _clean(lat_text), _clean(lon_text)
    if not lat_text and not lon_text:
        return None, None
    if suspect:
        report.drop("koordinat (coord_suspect=yes)", line)
        return None, None
    try:
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        report.drop("koordinat (tidak terbaca)", line)
        return None, None
    if not (math.isfinite(lat) and math.isfinite(lon) and LAT_RANGE[0] <= lat <= LAT_RANGE[1]
            and LON_RANGE[0] <= lon <= LON_RANGE[1]):
        report.drop("koordinat (di luar Indonesia)", line)
        return None, None
    return round(lat, 6), round(lon, 6)


def _code(row, column, file_format):
    code = _clean(row[column])
    if not CODE_PATTERNS[file_format].fullmatch(code):
        raise _Skip("kode tidak valid")
    return code


def _hospital(row, regions, report, line):
    code = "R" + _code(row, "kemenkes_code", "hospitals")
    province, regency, _ = regions.resolve(row["province_code"], row["regency_code"], "", report, line)
    lat, lon = _coordinates(row["latitude"], row["longitude"], row["coord_suspect"] == "yes", report, line)
    return dict(code=code, name=_clean(row["name"]), kind="rumah_sakit",
                hospital_class=HOSPITAL_CLASSES.get(_clean(row["hospital_class"]).upper(), ""),
                province_code=province, regency_code=regency, district=None, address=_clean(row["address"]),
                phone=_phone(row["phone"], report, line), latitude=lat, longitude=lon, is_partner=None)


def _puskesmas(row, regions, report, line):
    code = _code(row, "kemenkes_code", "puskesmas")
    name = _clean(row["name"])
    province, regency, district = regions.resolve(row["province_code"], row["regency_code"],
                                                  row["district_code"], report, line)
    lat, lon = _coordinates(row["latitude"], row["longitude"], row["coord_suspect"] == "yes", report, line)
    return dict(code=code, name=f"Puskesmas {_title(name)}" if name else "", kind="puskesmas",
                hospital_class="", province_code=province, regency_code=regency, district=district or None,
                address=_clean(row["address"]), phone="", latitude=lat, longitude=lon, is_partner=True)


def _jakarta(row, regions, report, line):
    category, subtype = _clean(row["category"]), _clean(row["subtype"])
    if category not in JAKARTA_CATEGORIES:
        raise _Skip("kategori tidak dikenal")
    part, kind = JAKARTA_CATEGORIES[category]
    code = f"JKT-{part}-{_code(row, 'source_objectid', 'jakarta')}"
    if category == "midwife_practice":
        raise _Skip("praktik bidan: belum ada jenis faskes untuk bidan")
    if category == "clinic":
        if subtype in JAKARTA_CLINICS_SKIPPED:
            raise _Skip(JAKARTA_CLINICS_SKIPPED[subtype])
        kind = JAKARTA_CLINICS.get(subtype)
        if kind is None:
            raise _Skip("jenis klinik tidak dikenal")
    province, regency, district = regions.resolve(row["province_code"], row["regency_code_approx"],
                                                  row["district_code_approx"], report, line)
    lat, lon = _coordinates(row["latitude"], row["longitude"], False, report, line)
    return dict(code=code, name=_clean(row["name"]), kind=kind, hospital_class="", province_code=province,
                regency_code=regency, district=district or None, address="", phone="",
                latitude=lat, longitude=lon, is_partner=True if kind == "puskesmas" else None)


def _banten(row, regions, report, line):
    code = _code(row, "bpjs_code", "banten")
    kind = BANTEN_TYPES.get(_clean(row["facility_type"]))
    if kind is None:
        raise _Skip("jenis faskes tidak dikenal")
    name = _clean(row["name"])
    if kind == "puskesmas" and search_key(name) and not name.lower().startswith(("puskesmas", "pkm")):
        name = f"Puskesmas {name}"  # the list gives puskesmas by place name only
    province, regency, district = regions.resolve(row["province_code"], row["regency_code"],
                                                  row["district_code_approx"], report, line)
    lat, lon = _coordinates(row["latitude"], row["longitude"], False, report, line)
    address = _clean(row["address"])
    return dict(code=code, name=name, kind=kind, hospital_class="", province_code=province,
                regency_code=regency, district=district or None, address="" if address == "-" else address,
                phone=_phone(row["phone"], report, line), latitude=lat, longitude=lon, is_partner=True)


PARSERS = {"hospitals": _hospital, "puskesmas": _puskesmas, "jakarta": _jakarta, "banten": _banten}


def _records(path, file_format):
    """Yield (line, row) after checking the header; `line` is where the record starts (header = 1)."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by the `with` below
    except OSError as error:
        raise FacilityFileError(f"Cannot read {path}: {error.strerror or error}.") from None
    with handle:
        reader = csv.DictReader(handle)
        try:
            header = reader.fieldnames or []
        except (csv.Error, UnicodeDecodeError) as error:
            raise FacilityFileError(f"{path}: not a UTF-8 CSV file ({error}).") from None
        missing = [c for c in COLUMNS[file_format] if c not in header]
        if missing:
            raise FacilityFileError(
                f"{path} is not a {file_format} file: missing columns {', '.join(missing)}.")
        start = reader.line_num + 1
        try:
            for row in reader:
                yield start, row
                start = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as error:
            raise FacilityFileError(f"{path}, line {reader.line_num}: {error}.") from None


def _parse(path, file_format, report):
    """[(line, values)] of the rows to load; skipped rows are recorded in `report`."""
    regions, parse = _Regions(), PARSERS[file_format]
    parsed, seen = [], {}
    for line, row in _records(path, file_format):
        report.rows += 1
        if None in row or any(v is None for v in row.values()):
            report.skip("jumlah kolom salah", line)
            continue
        try:
            values = parse(row, regions, report, line)
            if not values["name"] or values["name"] == "-":
                raise _Skip("nama kosong")
            if len(values["name"]) > Facility.name.max_length:
                raise _Skip("nama terlalu panjang")
        except _Skip as skip:
            report.skip(str(skip), line)
            continue
        if values["code"] in seen:
            report.skip(f"kode ganda (sama dengan baris {seen[values['code']]})", line)
            continue
        seen[values["code"]] = line
        values.update(search_name=search_name(values["name"]), source=file_format)
        parsed.append(values)
    return parsed


def _changed(stored, values):
    return any(stored[name] != values[name] for name in FIELDS)


def import_facilities(path, file_format):
    """Upsert the facilities of one file; returns a FacilityImportReport."""
    if file_format not in FORMATS:
        raise FacilityFileError(f"Unknown format {file_format!r}: one of {', '.join(FORMATS)}.")
    path = Path(path)
    report = FacilityImportReport(path.name, file_format)
    rows = _parse(path, file_format, report)
    columns = [getattr(Facility, name) for name in FIELDS] + [Facility.updated_at]
    for batch in chunked(rows, BATCH):
        with db.atomic():
            stored = {row["code"]: row for row in
                      Facility.select(Facility.code, *[getattr(Facility, name) for name in FIELDS])
                      .where(Facility.code.in_([values["code"] for values in batch])).dicts()}
            now = clock.now()
            writes = []
            for values in batch:
                old = stored.get(values["code"])
                if old is not None and values["is_partner"] is None:
                    values["is_partner"] = old["is_partner"]  # a list that does not say keeps what is known
                if old is None:
                    report.created += 1
                elif _changed(old, values):
                    report.updated += 1
                else:
                    report.unchanged += 1
                    continue
                writes.append(dict(values, updated_at=now))
            if writes:
                (Facility.insert_many(writes)
                 .on_conflict(conflict_target=[Facility.code], preserve=columns)
                 .execute())
                Facility.refresh_search_text([values["code"] for values in writes])
    if report.created or report.updated:
        facility_search.refresh_words()
    return report
