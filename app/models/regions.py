"""Wilayah: the Kemendagri region tree."""
import functools
import time
from collections import namedtuple

from peewee import (
    CharField,
    ForeignKeyField,
    SmallIntegerField,
)

from app.models.base import BaseModel


class Region(BaseModel):
    """Wilayah: provinsi (level 1), kabupaten/kota (2), kecamatan (3), desa/kelurahan (4).

    Kemendagri codes in dotted form ("32", "32.01", "32.01.05", "32.01.05.2001") are the keys.
    """

    PROVINCE, REGENCY, DISTRICT, VILLAGE = 1, 2, 3, 4

    code = CharField(primary_key=True, max_length=13)
    parent = ForeignKeyField("self", null=True, backref="children", column_name="parent_code")
    level = SmallIntegerField(index=True)
    name = CharField(max_length=100)
    kind = CharField(max_length=20, default="")  # kabupaten, kota, desa, kelurahan, desa_adat

    @classmethod
    def options(cls, parent_code=None):
        """(code, name) of the regions directly under `parent_code` (the provinces without one), by
        name. Every picker lists them, and the tree changes only with `flask import regions`: each
        worker reads a list once per OPTIONS_SECONDS."""
        return _options(parent_code, int(time.monotonic() // OPTIONS_SECONDS))

    @classmethod
    def forget_options(cls):
        """After an import: this process reads the lists afresh (other workers within OPTIONS_SECONDS)."""
        _options.cache_clear()

    @classmethod
    def lookup(cls, code, level):
        """The region with this code at this level, or None (never raises on bad input)."""
        if not code or len(code) > 13:
            return None
        region = cls.get_or_none(cls.code == code)  # by its key: a prepared query (BaseModel.get)
        return region if region is not None and region.level == level else None

    def lineage(self):
        """[province, regency, …, self], walking up by code prefixes (one query)."""
        parts = self.code.split(".")
        codes = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
        found = {r.code: r for r in Region.select().where(Region.code.in_(codes))}
        return [found[c] for c in codes if c in found]


OPTIONS_SECONDS = 600
RegionOption = namedtuple("RegionOption", "code name")


@functools.lru_cache(maxsize=1024)
def _options(parent_code, _period):
    query = Region.select(Region.code, Region.name)
    query = query.where(Region.parent == parent_code) if parent_code else query.where(Region.level == Region.PROVINCE)
    return tuple(RegionOption(*row) for row in query.order_by(Region.name).tuples())


class RegionChoice:
    """A province → regency → district choice from request arguments, each checked against the
    one above it; an unknown or mismatched code is dropped and flagged (`invalid`)."""

    FIELDS = ("provinsi", "kabupaten", "kecamatan")

    def __init__(self, args):
        self.invalid = False
        chosen = []
        for level, name in enumerate(self.FIELDS, start=Region.PROVINCE):
            code = (args.get(name) or "").strip()
            parent = chosen[-1] if chosen else None
            region = None
            if code and (parent is not None or level == Region.PROVINCE):
                region = Region.lookup(code, level)
                if region is not None and parent is not None and region.parent_code != parent.code:
                    region = None
            self.invalid |= bool(code) and region is None
            chosen.append(region)
        self.province, self.regency, self.district = chosen

    def levels(self):
        """(field name, options, selected) for each select that can be shown now."""
        rows = [(self.FIELDS[0], Region.options(), self.province)]
        if self.province:
            rows.append((self.FIELDS[1], Region.options(self.province.code), self.regency))
        if self.regency:
            rows.append((self.FIELDS[2], Region.options(self.regency.code), self.district))
        return rows
