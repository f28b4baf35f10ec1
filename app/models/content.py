"""Konten: articles (artikel) with their target regions, announcements (pengumuman), the versions of
the transparency pages (informasi), and the entries of the full-text search across them.

The full-text index itself lives outside these models, in the database's own machinery: an FTS5
table on SQLite, a tsvector table with a GIN index on PostgreSQL (migrations/0011_content.py),
both kept in step with `search_entry` by triggers. `SearchEntry.matching` is the one query.
"""
import re

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    SmallIntegerField,
    TextField,
    fn,
)

from app.core import clock
from app.core.db import Prepared, db, is_sqlite
from app.models.accounts import User
from app.models.base import BaseModel

#: regions an article or announcement may target: a province ("32") or a regency ("32.01")
TARGET_CODE = re.compile(r"^[0-9]{2}(\.[0-9]{2})?$")


def _region_condition(target_field, code):
    """`target_field` is the region `code`, a region above it, or (for a province) one below it."""
    above = [code[:2]] + ([code] if len(code) > 2 else [])
    condition = target_field.in_(above)
    if len(code) == 2:
        condition |= target_field.startswith(f"{code}.")
    return condition


class Article(BaseModel):
    """Artikel: berita daerah, testimoni peserta or hidup sehat, written in Markdown by an editor.

    status: "draft", "published" (scheduled while `published_at` is still ahead), "withdrawn".
    `body_html` is the rendered and sanitised body, made once when the article is saved.
    """

    KINDS = ("berita_daerah", "testimoni", "hidup_sehat")
    STATUSES = ("draft", "published", "withdrawn")

    kind = CharField(max_length=20)
    title = CharField(max_length=150)
    summary = CharField(max_length=300)
    body_markdown = TextField()
    body_html = TextField()
    status = CharField(max_length=10, default="draft")
    published_at = DateTimeField(null=True)  # naive UTC: visible from this moment
    image = CharField(max_length=40, null=True)  # a stored upload's name (app/core/uploads.py)
    image_alt = CharField(max_length=200, default="")
    withdrawn_at = DateTimeField(null=True)
    withdrawn_reason = CharField(max_length=300, default="")
    created_by = ForeignKeyField(User)
    created_at = DateTimeField(default=clock.now)
    updated_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("status", "published_at"), False),)

    def state_at(self, moment):
        """"draft", "scheduled", "published" or "withdrawn" at `moment` (naive UTC)."""
        if self.status == "published" and self.published_at > moment:
            return "scheduled"
        return self.status

    @property
    def targets(self):
        return [t.region_code for t in self.regions.order_by(ArticleRegion.region_code)]

    @classmethod
    def visible(cls, moment):
        """Published articles whose time has come: the scheduled ones appear exactly at it."""
        return cls.select().where((cls.status == "published") & (cls.published_at <= moment))

    @classmethod
    def feed(cls, moment, kind=None, region=None):
        """The list and the Atom feed: newest first, of one kind and for one reader's region
        (articles for every region, or for that region, a region above it or below it)."""
        query = cls.visible(moment)
        if kind:
            query = query.where(cls.kind == kind)
        if region:
            targeted = ArticleRegion.select().where(ArticleRegion.article == cls.id)
            query = query.where(~fn.EXISTS(targeted)
                                | fn.EXISTS(targeted.where(_region_condition(ArticleRegion.region_code, region))))
        return query.order_by(cls.published_at.desc(), cls.id.desc())

    @classmethod
    def last_change(cls, moment, kind=None):
        """When the feed last changed: an article appeared, was edited or was withdrawn."""
        query = cls.select(fn.MAX(cls.updated_at), fn.MAX(cls.published_at)).where(
            cls.status.in_(("published", "withdrawn")) & (cls.published_at <= moment))
        if kind:
            query = query.where(cls.kind == kind)
        updated, published = query.scalar(as_tuple=True)
        return max((m for m in (updated, published) if m is not None), default=None)

    @classmethod
    def for_editors(cls, limit=50):
        """The editors' list: everything, the latest change first (bounded)."""
        return cls.select().order_by(cls.updated_at.desc(), cls.id.desc()).limit(limit)

    @classmethod
    def targeted_regions(cls, moment):
        """The region codes that visible articles target (the feed's region choice)."""
        return [code for code, in _TARGETED_REGIONS(moment)]


class ArticleRegion(BaseModel):
    """A region an article is meant for (wilayah sasaran): a province or a regency code."""

    article = ForeignKeyField(Article, backref="regions", on_delete="CASCADE")
    region_code = CharField(max_length=5)

    class Meta:
        indexes = ((("article", "region_code"), True), (("region_code",), False))


class Announcement(BaseModel):
    """Pengumuman: a short notice shown from `shown_from` to `shown_until` (WIB dates, inclusive)
    on the home and dashboard pages of the participants it targets. An empty `region_code` or
    `segment` means everyone."""

    KINDS = ("kebijakan", "tarif", "program_baru", "gangguan")

    kind = CharField(max_length=20)
    title = CharField(max_length=100)
    body = TextField()
    region_code = CharField(max_length=5, default="")
    segment = CharField(max_length=4, default="")
    shown_from = DateField()
    shown_until = DateField()
    stopped = BooleanField(default=False)
    created_by = ForeignKeyField(User)
    created_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("shown_until", "shown_from"), False),)

    @classmethod
    def current(cls, day):
        return cls.select().where((cls.shown_from <= day) & (cls.shown_until >= day) & (cls.stopped == False))  # noqa: E712

    @classmethod
    def targets(cls, province, regency, segment):
        """SQL: the notice is for a family in this province and regency (codes) and segment; "" for
        an unknown region or segment matches only the notices without that target."""
        return (((cls.region_code == "") | (cls.region_code == province) | (cls.region_code == regency))
                & ((cls.segment == "") | (cls.segment == segment)))

    @classmethod
    def for_everyone(cls, day):
        """What the public home page shows: the notices without a target."""
        return list(_FOR_FAMILY(day, "", "", ""))

    @classmethod
    def for_family(cls, day, district_code, segment):
        """What a participant's dashboard shows: untargeted notices and those for their region
        (province or regency of the family's district) and segment."""
        district_code = district_code or ""
        return list(_FOR_FAMILY(day, district_code[:2], district_code[:5], segment))

    @classmethod
    def for_editors(cls, limit=50):
        return cls.select().order_by(cls.shown_until.desc(), cls.id.desc()).limit(limit)

    def state_on(self, day):
        """"tampil", "terjadwal", "selesai" (window over or stopped)."""
        if self.stopped or self.shown_until < day:
            return "selesai"
        return "terjadwal" if self.shown_from > day else "tampil"


class PageVersion(BaseModel):
    """One version of a transparency page (halaman informasi). Every version is kept; the page
    shows the newest, with the date it applies from (berlaku per) and its source."""

    SLUGS = ("hak-dan-kewajiban", "manfaat", "prosedur", "biaya")

    slug = CharField(max_length=30)
    number = SmallIntegerField()
    title = CharField(max_length=150)
    body_markdown = TextField()
    body_html = TextField()
    effective_from = DateField()
    source = CharField(max_length=300)
    note = CharField(max_length=300, default="")  # what changed
    created_by = ForeignKeyField(User)
    created_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("slug", "number"), True),)

    @classmethod
    def latest(cls, slug):
        return cls.select().where(cls.slug == slug).order_by(cls.number.desc()).first()

    @classmethod
    def version(cls, slug, number):
        return cls.get_or_none((cls.slug == slug) & (cls.number == number))

    @classmethod
    def history(cls, slug):
        return list(cls.select(cls, User).join(User).where(cls.slug == slug).order_by(cls.number.desc()))

    @classmethod
    def latest_of_each(cls):
        """slug → its newest version (the pages that exist)."""
        newest = cls.select(cls.slug, fn.MAX(cls.number).alias("top")).group_by(cls.slug)
        rows = cls.select().join(newest, on=((cls.slug == newest.c.slug) & (cls.number == newest.c.top)))
        return {row.slug: row for row in rows}


class SearchEntry(BaseModel):
    """What the search finds: one row per published article and per transparency page, as plain
    text. `key` is "artikel:<id>" or "informasi:<slug>"; `visible_from` keeps a scheduled
    article out of the results until its time."""

    key = CharField(max_length=40, unique=True)
    title = CharField(max_length=150)
    summary = CharField(max_length=300, default="")
    body = TextField()
    visible_from = DateTimeField()
    updated_at = DateTimeField(default=clock.now)

    MAX_WORDS = 8

    @classmethod
    def matching(cls, words, moment, limit=20):
        """Entries that hold every word (each also as a prefix), best first: FTS5 on SQLite,
        tsvector with a GIN index on PostgreSQL. `words` are already plain word characters."""
        if not words:
            return []
        param = db.obj.param
        if is_sqlite():
            query = " ".join(f'"{word}"*' for word in words)
            sql = ("SELECT e.* FROM search_entry e JOIN search_fts f ON f.rowid = e.id "
                   f"WHERE search_fts MATCH {param} AND e.visible_from <= {param} "
                   f"ORDER BY bm25(search_fts, 5.0, 1.0, 1.0), e.id DESC LIMIT {param}")
        else:
            query = " & ".join(f"{word}:*" for word in words)
            sql = ("SELECT e.* FROM search_entry e JOIN search_vector v ON v.entry_id = e.id "
                   f"WHERE v.document @@ to_tsquery('simple', {param}) AND e.visible_from <= {param} "
                   f"ORDER BY ts_rank(v.document, to_tsquery('simple', {param})) DESC, e.id DESC LIMIT {param}")
            return list(cls.raw(sql, query, moment, query, limit))
        return list(cls.raw(sql, query, moment, limit))


#: the regions published articles are meant for (the article list's choice of region)
_TARGETED_REGIONS = Prepared(lambda moment: (
    ArticleRegion.select(ArticleRegion.region_code).distinct().join(Article)
    .where((Article.status == "published") & (Article.published_at <= moment))
    .order_by(ArticleRegion.region_code).tuples()))

#: the three newest notices for a family (the home page and every dashboard show them)
_FOR_FAMILY = Prepared(lambda day, province, regency, segment: (
    Announcement.current(day).where(Announcement.targets(province, regency, segment))
    .order_by(Announcement.shown_from.desc(), Announcement.id.desc()).limit(3)))
