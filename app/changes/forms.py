"""Forms of perubahan data, with their messages in plain Indonesian.

Every form asks for the current password (SPEC §6: re-authentication before a data change); the
password itself is checked by the view through auth.check_password, which counts failures.
"""
import re

from flask import current_app
from flask_wtf.file import FileField
from wtforms import PasswordField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from app.core import clock, uploads
from app.core.extensions import lazy_gettext as _l
from app.core.forms import (  # noqa: F401
    IDENTIFIER_ERRORS,
    REQUIRED,
    UPLOAD_ERRORS,
    Form,
    SelectField,
    normalize_phone,
    parse_date,
)
from app.rules import identity, passwords

NAME_PATTERN = re.compile(r"^[^\W\d_]+(?:[ .,'\-]+[^\W\d_]+)*\.?$")
ADDRESS_MAX = 200
NAME_MAX = 100
REASON_MAX = 500

WRONG_PASSWORD = _l("Kata sandi salah, atau akun dikunci sementara karena terlalu banyak percobaan.")
SAME_AS_NOW = _l("Sama dengan data sekarang. Tulis data yang baru.")
SAME_CLASS = _l("Ini kelas Anda sekarang. Pilih kelas lain.")
FACILITY_ERRORS = {
    "facility": _l("Faskes ini tidak bisa dipilih. Pilih FKTP di provinsi tempat tinggal Anda."),
    "same": _l("Ini FKTP Anda sekarang. Pilih faskes lain."),
}


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _clean_text(value):
    """Free text without control characters (PostgreSQL refuses NUL) and outer spaces."""
    return CONTROL_CHARACTERS.sub("", value).strip() if isinstance(value, str) else value


class ReauthForm(Form):
    current_password = PasswordField(
        _l("Kata sandi Anda"),
        validators=[DataRequired(REQUIRED),
                    Length(max=passwords.MAX_LENGTH, message=_l("Kata sandi terlalu panjang."))],
    )


class ContactForm(ReauthForm):
    """Nomor HP (own) and, for the family head, the domicile address: both apply at once."""

    phone = StringField(_l("Nomor HP"), filters=[_strip],
                        validators=[DataRequired(_l("Tulis nomor HP Anda."))])
    address = TextAreaField(_l("Alamat domisili keluarga"), filters=[_clean_text],
                            validators=[DataRequired(_l("Tulis alamat domisili."))])

    def __init__(self, *args, with_address=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_address:
            del self.address

    def validate_phone(self, field):
        if normalize_phone(field.data) is None:
            raise ValidationError(_l(
                "Nomor HP tidak sah. Tulis nomor seluler 10–13 angka yang diawali 08, "
                "atau diawali +628. Contoh: 081234567890."))

    def validate_address(self, field):
        if len(field.data) > ADDRESS_MAX:
            raise ValidationError(_l("Alamat terlalu panjang: maksimal %(n)d karakter (sekarang %(len)d).",
                                     n=ADDRESS_MAX, len=len(field.data)))


class FktpForm(ReauthForm):
    """Pindah FKTP: the facility (choices set by the view from the listing) and the password."""

    facility = SelectField(_l("Faskes tingkat pertama baru"), validate_choice=False,
                           validators=[DataRequired(_l("Pilih salah satu faskes."))])

    def validate_facility(self, field):
        if not identity.is_digits(field.data or "") or len(field.data) > 12:
            raise ValidationError(_l("Pilih salah satu faskes dari daftar."))


class ClassForm(ReauthForm):
    """Pindah kelas: the new class (choices with their monthly totals, set by the view)."""

    care_class = SelectField(_l("Kelas rawat baru"), validate_choice=False,
                             validators=[DataRequired(_l("Pilih kelas rawat."))])

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current

    def validate_care_class(self, field):
        if field.data not in ("1", "2", "3"):
            raise ValidationError(_l("Pilih Kelas 1, Kelas 2 atau Kelas 3."))
        if int(field.data) == self.current:
            raise ValidationError(SAME_CLASS)


class RequestForm(ReauthForm):
    """Permintaan perubahan data kependudukan: the new value, why, and a photo of the document.

    Subclasses add `value`; `current` is the value now (a request must change something);
    `clean_value` is what is stored once valid; `image` the re-encoded photo.
    """

    reason = TextAreaField(
        _l("Alasan perubahan"), filters=[_clean_text],
        validators=[DataRequired(_l("Tulis alasan perubahan, misalnya: salah ketik saat pendaftaran.")),
                    Length(max=REASON_MAX, message=_l("Alasan terlalu panjang: maksimal %(max)d karakter."))],
    )
    document = FileField(_l("Foto dokumen pendukung"))

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        self.clean_value = None
        self.image = None

    def validate_value(self, field):
        self.clean_value = self.clean(field.data)
        if self.clean_value == self.current:
            raise ValidationError(SAME_AS_NOW)

    def clean(self, data):
        """The value to store, or ValidationError (each kind of request has its own)."""
        raise NotImplementedError

    def validate_document(self, field):
        try:
            self.image = uploads.prepare(field.data)
        except uploads.UploadError as error:
            mb = current_app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024)
            raise ValidationError(UPLOAD_ERRORS[error.code] % {"mb": mb}) from None


class NameRequestForm(RequestForm):
    value = StringField(_l("Nama baru (sesuai KTP/KK)"), filters=[_strip],
                        validators=[DataRequired(_l("Tulis nama yang benar."))])

    def clean(self, data):
        value = " ".join(data.split())
        if len(value) > NAME_MAX:
            raise ValidationError(_l("Nama terlalu panjang: maksimal %(n)d karakter.", n=NAME_MAX))
        if not NAME_PATTERN.match(value):
            raise ValidationError(_l(
                "Nama hanya boleh berisi huruf, spasi, titik, koma, tanda petik (') dan tanda hubung."))
        return value


class BirthDateRequestForm(RequestForm):
    value = StringField(_l("Tanggal lahir yang benar"), filters=[_strip],
                        validators=[DataRequired(_l("Tulis tanggal lahir."))])

    def clean(self, data):
        day = parse_date(data)
        if day is None:
            raise ValidationError(_l("Tanggal tidak dikenal. Tulis seperti 17-08-1985."))
        if day > clock.today():
            raise ValidationError(_l("Tanggal lahir tidak boleh di masa depan."))
        if day.year < 1900:
            raise ValidationError(_l("Periksa tahun lahir: tidak boleh sebelum 1900."))
        return day.isoformat()


class SexRequestForm(RequestForm):
    value = SelectField(_l("Jenis kelamin yang benar"), validate_choice=False,
                        choices=[SelectChoice("", _l("— pilih —")), SelectChoice("L", _l("Laki-laki")),
                                 SelectChoice("P", _l("Perempuan"))])

    def clean(self, data):
        if data not in ("L", "P"):
            raise ValidationError(_l("Pilih Laki-laki (L) atau Perempuan (P)."))
        return data


class NikRequestForm(RequestForm):
    value = StringField(_l("NIK yang benar (16 angka)"), filters=[_strip],
                        validators=[DataRequired(_l("Tulis NIK yang benar."))])

    def clean(self, data):
        nik = identity.normalize_number(data)
        try:
            identity.parse_nik(nik, clock.today())
        except identity.IdentifierError as error:
            raise ValidationError(IDENTIFIER_ERRORS[error.code]) from None
        return nik


REQUEST_FORMS = {
    "name": NameRequestForm,
    "birth_date": BirthDateRequestForm,
    "sex": SexRequestForm,
    "nik": NikRequestForm,
}
