"""Forms of the editors' pages (articles, announcements, transparency pages) and of the admin's editor
right. Every mistake gets a plain Indonesian message next to its field; what was typed is kept.
"""
import io
import re
from datetime import date, datetime, time, timedelta, timezone

from flask import current_app, request
from flask_wtf.file import FileField
from PIL import Image
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from app.core import clock, labels, uploads
from app.core.extensions import fast_gettext as _
from app.core.extensions import lazy_gettext as _l
from app.core.forms import REQUIRED, Form, SelectField, parse_date
from app.models import Announcement, Article, Family, Region
from app.models.content import TARGET_CODE

ARTICLE_BODY_MAX = 6_000  # with the longest title, regions and the image: the page stays under 10 KB of HTML
PAGE_BODY_MAX = 12_000
MAX_TARGETS = 10
MAX_SCHEDULE_DAYS = 366
#: the earliest date a transparency page version may apply from (JKN began on 1 Jan 2014)
JKN_START = date(2014, 1, 1)
TIME = re.compile(r"^([01]?[0-9]|2[0-3])[.:]([0-5][0-9])$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
IMAGE_ERRORS = {
    "too_large": _l("Gambar terlalu besar: paling besar 2 MB. Kirim gambar yang lebih kecil."),
    "not_image": _l("Berkas ini bukan gambar JPEG atau PNG."),
    "dimensions": _l("Ukuran gambar terlalu besar. Kirim gambar dengan resolusi lebih kecil."),
}


def _clean(value):
    """Text without control characters (PostgreSQL refuses NUL) and outer spaces; newlines kept."""
    return CONTROL_CHARACTERS.sub("", value).strip() if isinstance(value, str) else value


def _text(label, area=False, maximum=None):
    """A text field; `maximum` (the body's limit) replaces the form's default length for its kind."""
    validators = [Length(max=maximum, message=_l("Terlalu panjang: paling banyak %(shown)s karakter.",
                                                 shown=_number(maximum)))] if maximum else []
    return (TextAreaField if area else StringField)(label, filters=[_clean], validators=validators)


def _number(n):
    return f"{n:,}".replace(",", ".")


def _check_length(field, maximum, required=True):
    if not field.data:
        if required:
            raise ValidationError(REQUIRED)
        return
    if len(field.data) > maximum:
        raise ValidationError(_("Terlalu panjang: paling banyak %(max)s karakter (sekarang %(n)s).",
                                max=_number(maximum), n=_number(len(field.data))))


class ArticleForm(Form):
    """Artikel baru or an edit. `aksi`: "draf" keeps it a draft, "terbitkan" publishes it now or at
    the date and time given (WIB). After validation: `publish_at` (naive UTC or None = now),
    `targets` (region codes) and `image_jpeg` (the re-encoded image, or None)."""

    kind = SelectField(_l("Jenis artikel"), choices=[SelectChoice(k, v) for k, v in labels.ARTICLE_KIND_LABELS.items()],
                       validate_choice=False)
    title = _text(_l("Judul"))
    summary = _text(_l("Ringkasan (tampil di daftar artikel)"), area=True)
    body = _text(_l("Isi artikel (Markdown)"), area=True, maximum=ARTICLE_BODY_MAX)
    regions = StringField(_l("Wilayah sasaran (kosongkan untuk seluruh Indonesia)"), filters=[_clean])
    image = FileField(_l("Gambar (boleh kosong)"))
    image_alt = _text(_l("Keterangan gambar untuk yang tidak bisa melihatnya"))
    remove_image = BooleanField(_l("Hapus gambar"))
    publish_date = StringField(_l("Tanggal terbit"), filters=[_clean])
    publish_time = StringField(_l("Jam terbit (WIB)"), filters=[_clean])

    def __init__(self, *args, article=None, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.article, self.now = article, now or clock.now()
        self.publish_at = self.image_jpeg = None
        self.targets = []

    @property
    def publishing(self):
        return request.form.get("aksi") == "terbitkan"

    @property
    def schedule_fixed(self):
        """A published article keeps the moment it appeared."""
        return self.article is not None and self.article.state_at(self.now) in ("published", "withdrawn")

    def validate_kind(self, field):
        if field.data not in Article.KINDS:
            raise ValidationError(_l("Pilih jenis artikel dari daftar."))

    def validate_title(self, field):
        _check_length(field, 150)

    def validate_summary(self, field):
        _check_length(field, 300)

    def validate_body(self, field):
        _check_length(field, ARTICLE_BODY_MAX)

    def validate_regions(self, field):
        codes = [c for c in re.split(r"[\s,;]+", field.data or "") if c]
        if len(codes) > MAX_TARGETS:
            raise ValidationError(_("Paling banyak %(n)d wilayah.", n=MAX_TARGETS))
        known = {r.code for r in Region.select(Region.code).where(
            Region.code.in_(codes) & Region.level.in_((Region.PROVINCE, Region.REGENCY)))} if codes else set()
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise ValidationError(_("Kode wilayah tidak dikenal: %(codes)s. Tulis kode provinsi (contoh 32) "
                                    "atau kabupaten/kota (contoh 32.01), dipisah koma.",
                                    codes=", ".join(unknown[:3])[:60]))
        self.targets = sorted(set(codes))

    def validate_image(self, field):
        upload = field.data
        if not getattr(upload, "filename", ""):
            return
        try:
            self.image_jpeg = small_image(upload)
        except uploads.UploadError as error:
            raise ValidationError(IMAGE_ERRORS.get(error.code, IMAGE_ERRORS["not_image"])) from None

    def validate_image_alt(self, field):
        has_image = self.image_jpeg is not None or (
            self.article is not None and self.article.image and not self.remove_image.data)
        _check_length(field, 200, required=has_image)

    def validate_publish_time(self, field):
        if self.publishing and not self.schedule_fixed and field.data and not TIME.match(field.data):
            raise ValidationError(_l("Tulis jam seperti 07.30 (jam.menit, WIB)."))

    def validate_publish_date(self, field):
        """Empty: now. Else a moment from now (a few minutes of slack) up to a year ahead."""
        if not self.publishing or self.schedule_fixed:
            return
        if not field.data:
            if self.publish_time.data:
                raise ValidationError(_l("Tulis juga tanggalnya, atau kosongkan jam untuk terbit sekarang."))
            return
        day = parse_date(field.data)
        if day is None:
            raise ValidationError(_l("Tulis tanggal seperti 25-11-2026 (tanggal-bulan-tahun)."))
        at = TIME.match(self.publish_time.data or "00.00")
        if at is None:
            return  # the time field says what is wrong
        local = datetime.combine(day, time(int(at.group(1)), int(at.group(2))), clock.WIB)
        moment = local.astimezone(timezone.utc).replace(tzinfo=None)
        if moment < self.now - timedelta(minutes=5):
            raise ValidationError(_l("Waktu terbit sudah lewat. Kosongkan untuk terbit sekarang, atau tulis "
                                     "waktu yang akan datang."))
        if moment > self.now + timedelta(days=MAX_SCHEDULE_DAYS):
            raise ValidationError(_l("Paling lambat satu tahun dari sekarang."))
        self.publish_at = max(moment, self.now)


IMAGE_MAX_BYTES = 30_000
IMAGE_SIDE = 480


def small_image(upload):
    """An uploaded JPEG or PNG → a re-encoded JPEG of at most IMAGE_MAX_BYTES (sniffed, cleaned of
    metadata and resized by app/core/uploads.py first, then made smaller until it fits)."""
    clean = uploads.to_jpeg(uploads.read_limited(upload, current_app.config["UPLOAD_MAX_BYTES"]))
    with Image.open(io.BytesIO(clean)) as image:
        image.load()
        side = IMAGE_SIDE
        while side >= 60:
            copy = image.copy()
            copy.thumbnail((side, side))
            for quality in (72, 55, 40):
                out = io.BytesIO()
                copy.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
                if out.tell() <= IMAGE_MAX_BYTES:
                    return out.getvalue()
            side = side * 3 // 4
    raise uploads.UploadError("dimensions")


class WithdrawForm(Form):
    reason = _text(_l("Alasan menarik artikel (tampil bagi pembaca)"), area=True)

    def validate_reason(self, field):
        _check_length(field, 300)


class AnnouncementForm(Form):
    """Pengumuman baru: a short notice, for everyone or for one region and/or one segment, shown
    from one date to another (WIB, inclusive). `values` holds the parsed fields once valid."""

    kind = SelectField(_l("Jenis pengumuman"), validate_choice=False,
                       choices=[SelectChoice(k, v) for k, v in labels.ANNOUNCEMENT_KIND_LABELS.items()])
    title = _text(_l("Judul"))
    body = _text(_l("Isi pengumuman"), area=True)
    region_code = StringField(_l("Wilayah sasaran (kosongkan untuk semua)"), filters=[_clean])
    segment = SelectField(_l("Segmen peserta"), validate_choice=False,
                          choices=[SelectChoice("", _l("Semua segmen"))]
                          + [SelectChoice(s, labels.SEGMENT_LABELS[s]) for s in Family.SEGMENTS])
    shown_from = StringField(_l("Tampil mulai tanggal"), filters=[_clean])
    shown_until = StringField(_l("Tampil sampai tanggal"), filters=[_clean])

    MAX_DAYS = 366

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or clock.today()
        self.values = {}

    def validate_kind(self, field):
        if field.data not in Announcement.KINDS:
            raise ValidationError(_l("Pilih jenis pengumuman dari daftar."))

    def validate_title(self, field):
        _check_length(field, 100)

    def validate_body(self, field):
        _check_length(field, 500)

    def validate_region_code(self, field):
        code = field.data or ""
        if code and not (TARGET_CODE.match(code) and Region.lookup(code, 1 if len(code) == 2 else 2)):
            raise ValidationError(_l("Kode wilayah tidak dikenal. Tulis kode provinsi (contoh 32) atau "
                                     "kabupaten/kota (contoh 32.01)."))

    def validate_segment(self, field):
        if field.data and field.data not in Family.SEGMENTS:
            raise ValidationError(_l("Pilih segmen dari daftar."))

    def _day(self, field):
        day = parse_date(field.data)
        if not field.data:
            raise ValidationError(REQUIRED)
        if day is None:
            raise ValidationError(_l("Tulis tanggal seperti 25-11-2026 (tanggal-bulan-tahun)."))
        return day

    def validate_shown_from(self, field):
        day = self._day(field)
        if day < self.today:
            raise ValidationError(_l("Tanggal ini sudah lewat. Tulis hari ini atau sesudahnya."))
        if day > self.today + timedelta(days=self.MAX_DAYS):
            raise ValidationError(_l("Paling lambat satu tahun dari sekarang."))
        self.values["shown_from"] = day

    def validate_shown_until(self, field):
        day = self._day(field)
        start = self.values.get("shown_from")
        if start and day < start:
            raise ValidationError(_l("Harus sama dengan atau sesudah tanggal mulai."))
        if start and day > start + timedelta(days=self.MAX_DAYS):
            raise ValidationError(_l("Paling lama satu tahun tampil."))
        self.values["shown_until"] = day


class PageVersionForm(Form):
    """A new version of a transparency page. `effective_from`: the date it applies from (berlaku per),
    not in the future, not before the previous version's."""

    title = _text(_l("Judul"))
    body = _text(_l("Isi halaman (Markdown)"), area=True, maximum=PAGE_BODY_MAX)
    effective_from = StringField(_l("Berlaku per tanggal"), filters=[_clean])
    source = _text(_l("Sumber (peraturan atau dokumen resmi)"))
    note = _text(_l("Apa yang berubah"))

    def __init__(self, *args, previous=None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.previous, self.today = previous, today or clock.today()
        self.day = None

    def validate_title(self, field):
        _check_length(field, 150)

    def validate_body(self, field):
        _check_length(field, PAGE_BODY_MAX)

    def validate_source(self, field):
        _check_length(field, 300)

    def validate_note(self, field):
        _check_length(field, 300, required=self.previous is not None)

    def validate_effective_from(self, field):
        if not field.data:
            raise ValidationError(REQUIRED)
        day = parse_date(field.data)
        if day is None:
            raise ValidationError(_l("Tulis tanggal seperti 25-11-2026 (tanggal-bulan-tahun)."))
        if day > self.today:
            raise ValidationError(_l("Tanggal berlaku tidak boleh di masa depan."))
        if day < JKN_START:
            raise ValidationError(_l("JKN dimulai 1 Jan 2014: tulis tanggal sesudahnya."))
        if self.previous and day < self.previous.effective_from:
            raise ValidationError(_l("Tidak boleh sebelum tanggal berlaku versi sebelumnya."))
        self.day = day
