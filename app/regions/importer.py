"""Loading the reference regions (data/regions/, Kemendagri codes): an upsert by code, so running it
twice changes nothing."""
import csv
import gzip
from pathlib import Path

from peewee import EXCLUDED, chunked

from app.core.config import ROOT
from app.core.db import db
from app.models import Region

REGIONS_DIR = ROOT / "data" / "regions"
#: file → (level, parent column, kind column or None)
REGION_FILES = (
    ("provinces.csv", Region.PROVINCE, None, None),
    ("regencies.csv", Region.REGENCY, "province_code", "type"),
    ("districts.csv", Region.DISTRICT, "regency_code", None),
    ("villages.csv.gz", Region.VILLAGE, "district_code", "type"),
)
LEVEL_NAMES = {1: "provinces", 2: "regencies", 3: "districts", 4: "villages"}


def _rows(path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def load_regions(directory=REGIONS_DIR):
    """Upsert every region, parents before children, in one transaction. Returns counts by level."""
    counts = {}
    with db.atomic():
        for filename, level, parent_column, kind_column in REGION_FILES:
            rows = [
                {
                    "code": row["code"],
                    "parent": row[parent_column] if parent_column else None,
                    "level": level,
                    "name": row["name"],
                    "kind": row[kind_column] if kind_column else "",
                }
                for row in _rows(Path(directory) / filename)
            ]
            for batch in chunked(rows, 2000):
                (Region.insert_many(batch)
                 .on_conflict(conflict_target=[Region.code],
                              update={Region.parent: EXCLUDED.parent_code, Region.level: EXCLUDED.level,
                                      Region.name: EXCLUDED.name, Region.kind: EXCLUDED.kind})
                 .execute())
            counts[LEVEL_NAMES[level]] = len(rows)
    Region.forget_options()
    return counts
