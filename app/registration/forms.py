"""Forms of pendaftaran peserta baru, tambah anggota and the officer's review, with their messages.

Format checks live here; checks against stored data (a NIK already registered, a facility in
another province) come from app/registration.py and are worded here too.
"""
import re

from flask import current_app
from flask_wtf.file import FileField
from wtforms import BooleanField, PasswordField, SelectChoice, StringField
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length, Optional, ValidationError

from app.core import clock, uploads
from app.core.extensions import lazy_gettext as _l
from app.core.forms import (
    IDENTIFIER_ERRORS,
    PASSWORD_ERRORS,
    REQUIRED,
    TOO_LONG,
    UPLOAD_ERRORS,
    Form,
    SelectField,
    normalize_phone,
    parse_date,
)
from app.core.labels import RELATIONSHIP_LABELS, SEGMENT_LABELS, SEX_LABELS
from app.registration import service as registration
from app.rules import identity, passwords
from app.rules.membership import MAX_FAMILY, MAX_PENDING, MIN_SPOUSE_AGE


def _required(max_length):
    return [DataRequired(REQUIRED), Length(max=max_length, message=TOO_LONG)]


CHOOSE = _l("Pilih salah satu.")
PICK = SelectChoice("", _l("— pilih —"))

#: Messages for the checks of app/registration.py and app/rules/membership.py, by code.
MESSAGES = {
    "kk_format": _l("Nomor KK harus 16 angka."),
    "kk_registered": _l(
        "Nomor KK ini sudah terdaftar, jadi keluarga ini tidak perlu mendaftar lagi. Kepala keluarga "
        "bisa masuk lalu memilih Tambah anggota keluarga, atau datangi kantor BPJS Kesehatan."),
    "nik_registered": _l(
        "NIK ini sudah terdaftar sebagai peserta JKN. Masuk memakai NIK ini untuk melihat statusnya, "
        "atau datangi kantor BPJS Kesehatan."),
    "nik_in_family": _l("NIK ini sudah terdaftar di keluarga Anda."),
    "future": _l("Tanggal lahir tidak boleh setelah hari ini."),
    "duplicate_nik": _l("NIK ini sudah dimasukkan untuk anggota lain di pendaftaran ini."),
    "older_than_head": _l(
        "Anak tidak mungkin lahir sebelum kepala keluarga. Periksa tanggal lahir atau hubungan."),
    "head_younger_than_child": _l(
        "Kepala keluarga tidak mungkin lahir setelah anaknya. Periksa tanggal lahir atau hubungan."),
    "two_heads": _l("Sudah ada kepala keluarga. Pilih hubungan yang lain."),
    "no_head": _l("Belum ada kepala keluarga. Tambahkan anggota dengan hubungan Kepala keluarga."),
    "no_members": _l("Tambahkan dulu anggota keluarga, mulai dari kepala keluarga."),
    "fix_members": _l("Perbaiki anggota yang ditandai, atau hapus lalu masukkan lagi."),
    "too_many": _l("Satu pendaftaran paling banyak %(n)d anggota.", n=registration.MAX_MEMBERS),
    "no_district": _l("Pilih kecamatan tempat tinggal. Tekan Pilih untuk membuka daftarnya."),
    "unknown": _l("Pilih salah satu faskes dari daftar."),
    "not_fktp": _l("Faskes ini bukan faskes tingkat pertama mitra BPJS. Pilih dari daftar."),
    "other_province": _l("Faskes ini ada di provinsi lain. Pilih faskes di provinsi tempat tinggal Anda."),
    "not_draft": _l("Pendaftaran ini sudah dikirim, jadi isinya tidak bisa diubah lagi."),
    "incomplete": _l("Ada langkah yang belum lengkap. Lengkapi dulu, lalu kirim lagi."),
    "taken": _l("Nomor KK atau NIK ini baru saja didaftarkan orang lain. Datangi kantor BPJS Kesehatan."),
    "decided": _l("Pendaftaran ini sudah diputuskan."),
    "resume_failed": _l("Kode pendaftaran atau nomor KK tidak cocok. Periksa lagi."),
    "spouse_too_young": _l("Suami atau istri harus berumur paling sedikit %(n)d tahun. Periksa tanggal "
                           "lahir atau hubungan: bayi didaftarkan sebagai Anak.", n=MIN_SPOUSE_AGE),
    "spouse_sex": _l("Jenis kelamin tidak cocok dengan hubungan: suami laki-laki, istri perempuan."),
    "spouse_of_head_sex": _l("Hubungan ini tidak mungkin untuk kepala keluarga ini. Periksa hubungan."),
    "second_husband": _l("Keluarga ini sudah punya suami. Periksa hubungan."),
    "too_many_pending": _l("Sudah ada %(n)d anggota baru yang menunggu pemeriksaan petugas. Tunggu "
                           "keputusannya dulu.", n=MAX_PENDING),
    "family_full": _l("Satu keluarga paling banyak %(n)d anggota. Datangi kantor BPJS Kesehatan.",
                      n=MAX_FAMILY),
    "reason": _l("Tulis alasan penolakan: peserta akan membacanya."),
}
NIK_WARNINGS = {
    "birth_date": _l("Tanggal lahir ini berbeda dengan yang tertulis di NIK. Periksa lagi; "
                     "jika tanggal lahir sudah benar, lanjutkan saja."),
    "sex": _l("Jenis kelamin ini berbeda dengan yang tertulis di NIK. Periksa lagi; jika sudah benar, "
              "lanjutkan saja."),
}
MEMBER_RELATIONSHIPS = tuple(k for k in RELATIONSHIP_LABELS if k != "kepala")  # tambah anggota



def _options(labels, *leave_out):
    return [SelectChoice(value, label) for value, label in labels.items() if value not in leave_out]


def add_error(field, message):
    """An error found after validation (a check against stored data), shown next to the field."""
    field.errors = list(field.errors) + [message]


class StartForm(Form):
    """Only the CSRF token: the start button."""


class ResumeForm(Form):
    code = StringField(_l("Kode pendaftaran"), validators=_required(30))
    kk_number = StringField(_l("Nomor KK"), validators=_required(30))

    def validate_code(self, field):
        if not field.errors and not registration.is_token(identity.normalize_number(field.data)):
            raise ValidationError(
                _l("Kode pendaftaran terdiri dari %(n)d angka.", n=registration.TOKEN_DIGITS))


class FamilyForm(Form):
    kk_number = StringField(_l("Nomor Kartu Keluarga (KK)"), validators=_required(30))
    address = StringField(_l("Alamat (jalan, RT/RW, desa)"),
                          validators=[Optional(), Length(max=200, message=TOO_LONG)])
    phone = StringField(_l("Nomor HP kepala keluarga"), validators=_required(20))

    def validate_kk_number(self, field):
        if field.errors:
            return
        try:
            identity.check_kk_number(identity.normalize_number(field.data))
        except identity.IdentifierError:
            raise ValidationError(MESSAGES["kk_format"]) from None

    def validate_phone(self, field):
        if not field.errors and normalize_phone(field.data) is None:
            raise ValidationError(_l("Nomor HP tidak sah. Contoh: 081234567890."))


class MemberForm(Form):
    """One member: NIK, name, sex, birth date, relationship."""

    nik = StringField(_l("NIK"), validators=_required(30))
    name = StringField(_l("Nama lengkap (seperti di KK)"), validators=_required(100))
    sex = SelectField(_l("Jenis kelamin"), choices=[PICK, *_options(SEX_LABELS)], validate_choice=False,
                      validators=[DataRequired(REQUIRED), AnyOf(tuple(SEX_LABELS), message=CHOOSE)])
    birth_date = StringField(_l("Tanggal lahir"), validators=_required(20))
    relationship = SelectField(
        _l("Hubungan dalam keluarga"), choices=[PICK, *_options(RELATIONSHIP_LABELS)], validate_choice=False,
        validators=[DataRequired(REQUIRED), AnyOf(tuple(RELATIONSHIP_LABELS), message=CHOOSE)])

    def validate_nik(self, field):
        if field.errors:
            return
        try:
            identity.parse_nik(identity.normalize_number(field.data), clock.today())
        except identity.IdentifierError as error:
            raise ValidationError(IDENTIFIER_ERRORS[error.code]) from None

    def validate_name(self, field):
        if not field.errors and not re.search(r"[^\W\d_]", field.data):
            raise ValidationError(_l("Nama harus berisi huruf."))

    def validate_birth_date(self, field):
        if field.errors:
            return
        born = parse_date(field.data)
        if born is None or born.year < 1900:
            raise ValidationError(_l("Tulis tanggal lahir seperti 17-08-1985 (tanggal-bulan-tahun)."))
        if born > clock.today():
            raise ValidationError(MESSAGES["future"])

    def identity_facts(self):
        """NIK, birth date and sex as far as they passed their own checks (to warn about a NIK that
        disagrees even while another field still has an error), or None."""
        if self.nik.errors or self.birth_date.errors or not self.nik.data or not self.birth_date.data:
            return None
        return {"nik": identity.normalize_number(self.nik.data),
                "birth_date": parse_date(self.birth_date.data),
                "sex": None if self.sex.errors else self.sex.data}

    def member(self):
        """The validated answers, as app/registration.py takes them."""
        return {
            "nik": identity.normalize_number(self.nik.data),
            "name": " ".join(self.name.data.split()),
            "sex": self.sex.data,
            "birth_date": parse_date(self.birth_date.data),
            "relationship": self.relationship.data,
        }


class AddMemberForm(MemberForm):
    """Tambah anggota: never a second head; a late newborn needs an explicit confirmation."""

    relationship = SelectField(
        _l("Hubungan dengan kepala keluarga"),
        choices=[PICK, *_options(RELATIONSHIP_LABELS, "kepala")], validate_choice=False,
        validators=[DataRequired(REQUIRED), AnyOf(MEMBER_RELATIONSHIPS, message=CHOOSE)])
    confirm_late = BooleanField(
        _l("Saya mengerti: jaminan bayi berlaku setelah terdaftar dan iurannya dibayar."))
    document = FileField(_l("Foto surat keterangan lahir atau akta kelahiran"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.image = None

    def validate_document(self, field):
        try:
            self.image = uploads.prepare(field.data)
        except uploads.UploadError as error:
            mb = current_app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024)
            raise ValidationError(UPLOAD_ERRORS[error.code] % {"mb": mb}) from None


class FacilityForm(Form):
    fktp = SelectField(_l("Faskes tingkat pertama (FKTP)"), validate_choice=False,
                       validators=[DataRequired(CHOOSE)])
    segment = SelectField(_l("Jenis peserta"), validate_choice=False,
                          choices=[PICK, *_options({s: SEGMENT_LABELS[s] for s in registration.SEGMENTS})],
                          validators=[DataRequired(CHOOSE), AnyOf(registration.SEGMENTS, message=CHOOSE)])
    care_class = SelectField(_l("Kelas rawat"), validate_choice=False,
                             validators=[DataRequired(CHOOSE), AnyOf(("1", "2", "3"), message=CHOOSE)])

    def __init__(self, district_code, facilities, totals, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.district_code = district_code
        self.fktp.choices = [PICK] + [
            SelectChoice(str(f.id), f"{f.name} — {f.district.name}") for f in facilities]
        self.care_class.choices = [PICK] + [
            SelectChoice(str(c), _l("Kelas %(n)d", n=c)) for c, _, _ in totals]

    def validate_fktp(self, field):
        if field.errors:
            return
        digits = identity.is_digits(field.data or "") and len(field.data) < 10
        facility_id = int(field.data) if digits else None
        problem = registration.facility_problem(facility_id, self.district_code)
        if problem:
            raise ValidationError(MESSAGES[problem])


class ConfirmForm(Form):
    """The last step: the head's password, and that the answers are true."""

    password = PasswordField(_l("Kata sandi untuk masuk"), validators=[DataRequired(REQUIRED)])
    confirm = PasswordField(_l("Ulangi kata sandi"), validators=[
        DataRequired(REQUIRED), EqualTo("password", _l("Tidak sama dengan kata sandi di atas."))])
    agree = BooleanField(_l("Data di atas benar dan sesuai Kartu Keluarga."),
                         validators=[DataRequired(_l("Centang pernyataan ini untuk mengirim."))])

    def __init__(self, head, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.head = head

    def validate_password(self, field):
        head = self.head or {}
        problems = passwords.password_problems(
            field.data, nik=head.get("nik"), birth_date=head.get("birth_date"))
        if problems:
            raise ValidationError(PASSWORD_ERRORS[problems[0]])
