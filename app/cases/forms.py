"""Forms of cases: filing one, the participant's reply, rating and reopening, the officer's step."""
import re
import secrets

from flask import current_app
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from app.cases.service import MAX_CLAIM, NOTE_MAX, TEXT_MAX
from app.core import uploads
from app.core.extensions import lazy_gettext as _l
from app.core.formatting import rupiah
from app.core.forms import Form, RadioField, SelectField
from app.core.labels import CASE_CATEGORY_LABELS, CASE_KIND_LABELS
from app.rules import sla

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
UPLOAD_ERRORS = {
    "too_large": _l("Foto terlalu besar: maksimal %(mb)d MB. Kirim foto yang lebih kecil."),
    "not_image": _l("Berkas ini bukan foto JPEG atau PNG. Kirim foto."),
    "dimensions": _l("Ukuran gambar terlalu besar. Kirim foto dengan resolusi lebih kecil."),
}


VISIT_REFUSED = _l("Pilih kunjungan keluarga Anda dari daftar. Kunjungan keluarga lain tidak bisa diadukan di sini.")
YES_NO = [SelectChoice("ya", _l("Ya")), SelectChoice("tidak", _l("Tidak"))]


def new_request_key():
    return secrets.token_hex(16)


def clean_text(value):
    """Free text without control characters (PostgreSQL refuses NUL) and outer spaces."""
    return CONTROL_CHARACTERS.sub("", value).strip() if isinstance(value, str) else value


def parse_rupiah(text):
    """'Rp150.000', '150000', '150.000' → 150000; None when it is not a whole number of rupiah."""
    digits = re.sub(r"[\s.]", "", (text or "").strip()).removeprefix("Rp").removeprefix("rp")
    if not digits.isascii() or not digits.isdigit() or len(digits) > 15:
        return None
    return int(digits)


def _too_long(field, limit):
    if field.data and len(field.data) > limit:
        raise ValidationError(_l("Terlalu panjang: maksimal %(n)d karakter (sekarang %(len)d).",
                                 n=limit, len=len(field.data)))


class CaseForm(Form):
    """Kirim pengaduan, pertanyaan, konsultasi atau klaim. Choices for `member` and `facility` are
    set by the view; what is posted is checked against them."""

    request_key = HiddenField()
    kind = RadioField(_l("Jenis"), validate_choice=False,
                      choices=[SelectChoice(k, CASE_KIND_LABELS[k]) for k in sla.KINDS],
                      validators=[DataRequired(_l("Pilih jenisnya."))])
    category = SelectField(_l("Tentang apa"), validate_choice=False,
                           choices=[SelectChoice("", _l("— pilih —"))]
                           + [SelectChoice(c, CASE_CATEGORY_LABELS[c]) for c in sla.CATEGORIES],
                           validators=[DataRequired(_l("Pilih tentang apa."))])
    member = SelectField(_l("Untuk siapa"), validate_choice=False)
    visit = SelectField(_l("Kunjungan yang bersangkutan (bila ada)"), validate_choice=False)
    facility = SelectField(_l("Faskes yang bersangkutan (bila ada)"), validate_choice=False)
    text = TextAreaField(_l("Ceritakan apa yang terjadi"), filters=[clean_text],
                         validators=[DataRequired(_l("Tulis ceritanya: apa, kapan, dan di mana."))])
    amount = StringField(_l("Jumlah yang Anda bayar (khusus klaim)"))
    photo_1 = FileField(_l("Foto 1 (kuitansi, resep, surat) — boleh kosong"))
    photo_2 = FileField(_l("Foto 2 — boleh kosong"))
    photo_3 = FileField(_l("Foto 3 — boleh kosong"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.amount_value = None
        self.images = []

    def validate_request_key(self, field):
        key = (field.data or "").strip()
        if len(key) != 32 or any(c not in "0123456789abcdef" for c in key):
            field.data = new_request_key()
            raise ValidationError(_l("Formulir ini sudah kedaluwarsa. Periksa isinya, lalu kirim lagi."))

    def validate_kind(self, field):
        if field.data not in sla.KINDS:
            raise ValidationError(_l("Pilih jenisnya."))

    def validate_category(self, field):
        if field.data not in sla.CATEGORIES:
            raise ValidationError(_l("Pilih tentang apa."))

    def validate_member(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Pilih anggota keluarga dari daftar."))

    def validate_facility(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Pilih faskes dari daftar."))

    def validate_visit(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(VISIT_REFUSED)

    @property
    def visit_id(self):
        return int(self.visit.data) if self.visit.data else None

    def validate_text(self, field):
        _too_long(field, TEXT_MAX)

    def validate_amount(self, field):
        if self.kind.data != "klaim":
            return
        value = parse_rupiah(field.data)
        if value is None:
            raise ValidationError(_l("Tulis jumlahnya dalam rupiah, hanya angka. Contoh: 150000."))
        if value < 1:
            raise ValidationError(_l("Jumlah klaim harus lebih dari Rp0."))
        if value > MAX_CLAIM:
            raise ValidationError(_l("Jumlah klaim paling banyak %(max)s. Periksa lagi angkanya.",
                                     max=rupiah(MAX_CLAIM)))
        self.amount_value = value

    def _photo(self, field):
        if not (field.data and getattr(field.data, "filename", "")):
            return
        try:
            self.images.append(uploads.prepare(field.data))
        except uploads.UploadError as error:
            if error.code == "missing":
                return
            mb = current_app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024)
            raise ValidationError(UPLOAD_ERRORS[error.code] % {"mb": mb}) from None

    validate_photo_1 = _photo
    validate_photo_2 = _photo
    validate_photo_3 = _photo


class ReplyForm(Form):
    text = TextAreaField(_l("Informasi yang diminta petugas"), filters=[clean_text],
                         validators=[DataRequired(_l("Tulis informasi yang diminta."))])

    def validate_text(self, field):
        _too_long(field, NOTE_MAX)


class RatingForm(Form):
    rating = RadioField(_l("Seberapa puas Anda dengan jawabannya? (1 = sangat tidak puas, 5 = sangat puas)"),
                        validate_choice=False, choices=[SelectChoice(str(n), str(n)) for n in range(1, 6)],
                        validators=[DataRequired(_l("Pilih nilai 1 sampai 5."))])

    def validate_rating(self, field):
        if field.data not in ("1", "2", "3", "4", "5"):
            raise ValidationError(_l("Pilih nilai 1 sampai 5."))


class ReopenForm(Form):
    text = TextAreaField(_l("Mengapa dibuka kembali?"), filters=[clean_text],
                         validators=[DataRequired(_l("Tulis mengapa masalahnya belum selesai."))])

    def validate_text(self, field):
        _too_long(field, NOTE_MAX)


class ActionForm(Form):
    """The officer's step: the action (choices set by the view), a note (or a ready answer), an amount."""

    action = SelectField(_l("Tindakan"), validate_choice=False, validators=[DataRequired(_l("Pilih tindakan."))])
    template = SelectField(_l("Jawaban siap pakai (dipakai bila catatan kosong)"), validate_choice=False)
    note = TextAreaField(_l("Catatan untuk peserta"), filters=[clean_text])
    amount = StringField(_l("Jumlah disetujui (khusus klaim)"))

    def validate_note(self, field):
        _too_long(field, NOTE_MAX)


class AssignForm(Form):
    officer = SelectField(_l("Tugaskan ke"), validate_choice=False, validators=[DataRequired(_l("Pilih petugas."))])


def _yes_no(label):
    return RadioField(label, validate_choice=False, choices=YES_NO,
                      validators=[DataRequired(_l("Pilih ya atau tidak."))])


class FeedbackForm(Form):
    """Umpan balik kunjungan: four short questions, answered once."""

    treated = _yes_no(_l("Apakah Anda dilayani pada tanggal itu?"))
    asked_to_pay = _yes_no(_l("Apakah Anda diminta membayar?"))
    all_medicines = _yes_no(_l("Apakah semua obat diberikan? (Pilih Ya bila tidak ada obat.)"))
    satisfaction = RadioField(_l("Seberapa puas Anda? (1 = sangat tidak puas, 5 = sangat puas)"),
                              validate_choice=False, choices=[SelectChoice(str(n), str(n)) for n in range(1, 6)],
                              validators=[DataRequired(_l("Pilih nilai 1 sampai 5."))])

    def _check_yes_no(self, field):
        if field.data not in ("ya", "tidak"):
            raise ValidationError(_l("Pilih ya atau tidak."))

    validate_treated = validate_asked_to_pay = validate_all_medicines = _check_yes_no

    def validate_satisfaction(self, field):
        if field.data not in ("1", "2", "3", "4", "5"):
            raise ValidationError(_l("Pilih nilai 1 sampai 5."))

    @property
    def answers(self):
        return {"treated": self.treated.data == "ya", "asked_to_pay": self.asked_to_pay.data == "ya",
                "all_medicines": self.all_medicines.data == "ya", "satisfaction": int(self.satisfaction.data)}
