"""Forms, with their messages in plain Indonesian (translated like every other text)."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from app import clock
from app.rules import identity, passwords

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")

IDENTIFIER_ERRORS = {
    "bad_number": _l("Nomor kartu JKN terdiri dari 13 angka, NIK dari 16 angka. Periksa lagi."),
    "username": _l("Nama pengguna petugas: 3–40 huruf kecil, angka, titik, garis bawah atau tanda hubung."),
    "format": _l("NIK harus 16 angka."),
    "province": _l("NIK ini tidak sah: dua angka pertamanya bukan kode provinsi."),
    "birth_date": _l("NIK ini tidak sah: angka ke-7 sampai ke-12 bukan tanggal lahir yang benar."),
    "serial": _l("NIK ini tidak sah: empat angka terakhirnya tidak boleh 0000."),
}
PASSWORD_ERRORS = {
    "too_short": _l("Kata sandi minimal %(n)d karakter.", n=passwords.MIN_LENGTH),
    "too_long": _l("Kata sandi maksimal %(n)d karakter.", n=passwords.MAX_LENGTH),
    "common": _l("Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain."),
    "birth_date": _l("Jangan memakai tanggal lahir sebagai kata sandi."),
    "nik": _l("Jangan memakai bagian dari NIK sebagai kata sandi."),
    "card_number": _l("Jangan memakai nomor kartu JKN sebagai kata sandi."),
}
REQUIRED = _l("Wajib diisi.")
#: One message for unknown account, wrong password and locked account (no enumeration).
SIGN_IN_FAILED = _l(
    "Nomor, nama pengguna atau kata sandi salah — atau akun dikunci sementara karena terlalu "
    "banyak percobaan. Periksa lagi, atau coba lagi setelah %(minutes)d menit."
)


class SignInForm(FlaskForm):
    identifier = StringField(
        _l("Nomor kartu JKN, NIK, atau nama pengguna petugas"),
        validators=[DataRequired(REQUIRED), Length(max=40, message=_l("Terlalu panjang (maksimal 40 karakter)."))],
    )
    password = PasswordField(
        _l("Kata sandi"),
        validators=[DataRequired(REQUIRED), Length(max=passwords.MAX_LENGTH, message=PASSWORD_ERRORS["too_long"])],
    )
    next = HiddenField()

    def validate_identifier(self, field):
        if field.errors:  # one message at a time: the length already failed
            return
        kind = identity.identifier_kind(field.data)
        if kind == "bad_number":
            raise ValidationError(IDENTIFIER_ERRORS[kind])
        if kind == "username" and not USERNAME.match(field.data.strip().lower()):
            raise ValidationError(IDENTIFIER_ERRORS[kind])
        if kind == "nik":
            try:
                identity.parse_nik(identity.normalize_number(field.data), clock.today())
            except identity.IdentifierError as error:
                raise ValidationError(IDENTIFIER_ERRORS[error.code]) from None


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Kata sandi sekarang"), validators=[DataRequired(REQUIRED)])
    new_password = PasswordField(_l("Kata sandi baru"), validators=[DataRequired(REQUIRED)])
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[DataRequired(REQUIRED), EqualTo("new_password", _l("Tidak sama dengan kata sandi baru."))],
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_new_password(self, field):
        participant = self.user.participant if self.user.participant_id else None
        problems = passwords.password_problems(
            field.data,
            nik=participant.nik if participant else None,
            card_number=participant.card_number if participant else None,
            birth_date=participant.birth_date if participant else None,
        )
        if problems:
            raise ValidationError(PASSWORD_ERRORS[problems[0]])
