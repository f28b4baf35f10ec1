"""The sign-in and change-password forms."""
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from app.core import clock
from app.core.extensions import lazy_gettext as _l
from app.core.forms import (
    IDENTIFIER_ERRORS,
    PASSWORD_ERRORS,
    PIN_ERRORS,
    REQUIRED,
    USERNAME,
    Form,
    parse_date,
)
from app.rules import identity, passwords, pins

SIGN_IN_FAILED = _l(
    "Nomor, nama pengguna atau kata sandi salah — atau akun dikunci sementara karena terlalu "
    "banyak percobaan. Periksa lagi, atau coba lagi setelah %(minutes)d menit."
)


class SignInForm(Form):
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


class ChangePasswordForm(Form):
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


class CodeForm(Form):
    """Aktivasi / lupa kata sandi, step 1: who you are and the one-time code an officer gave you."""

    identifier = StringField(
        _l("Nomor kartu JKN, NIK, atau nama pengguna petugas"),
        validators=[DataRequired(REQUIRED), Length(max=40, message=_l("Terlalu panjang (maksimal 40 karakter)."))],
    )
    code = StringField(
        _l("Kode sekali pakai dari petugas"),
        validators=[DataRequired(REQUIRED), Length(max=20, message=_l("Kode terdiri dari 8 angka."))],
    )

    def validate_identifier(self, field):
        if field.errors:
            return
        kind = identity.identifier_kind(field.data)
        if kind == "bad_number" or (kind == "username" and not USERNAME.match(field.data.strip().lower())):
            raise ValidationError(IDENTIFIER_ERRORS[kind])

    def validate_code(self, field):
        value = identity.normalize_number(field.data)
        if not field.errors and not (identity.is_digits(value) and len(value) == 8):
            raise ValidationError(_l("Kode terdiri dari 8 angka."))


class NewPasswordForm(Form):
    """Step 2: the new password, checked against the person's own data and the blocklist."""

    new_password = PasswordField(_l("Kata sandi baru"), validators=[DataRequired(REQUIRED)])
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[DataRequired(REQUIRED), EqualTo("new_password", _l("Tidak sama dengan kata sandi baru."))],
    )

    def __init__(self, participant, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant

    def validate_new_password(self, field):
        person = self.participant
        problems = passwords.password_problems(
            field.data, nik=person.nik if person else None, card_number=person.card_number if person else None,
            birth_date=person.birth_date if person else None)
        if problems:
            raise ValidationError(PASSWORD_ERRORS[problems[0]])


class IssueCodeForm(Form):
    """The identity check before a code: the number and the date of birth on the KTP."""

    number = StringField(_l("Nomor kartu JKN atau NIK peserta"),
                         validators=[DataRequired(REQUIRED), Length(max=40, message=_l("Terlalu panjang (maksimal 40 karakter)."))])
    birth_date = StringField(_l("Tanggal lahir (seperti di KTP)"),
                             validators=[DataRequired(REQUIRED), Length(max=20, message=_l("Terlalu panjang (maksimal 20 karakter)."))])
    checked = BooleanField(_l("Saya sudah mencocokkan KTP atau kartu JKN dengan orang yang datang."),
                           validators=[DataRequired(_l("Periksa KTP atau kartu JKN orangnya dahulu, lalu centang."))])

    def validate_number(self, field):
        value = identity.normalize_number(field.data)
        if not field.errors and not (identity.is_digits(value) and len(value) in (13, 16)):
            raise ValidationError(_l("Tulis nomor kartu JKN (13 angka) atau NIK (16 angka) lengkap."))

    def validate_birth_date(self, field):
        if not field.errors and parse_date(field.data) is None:
            raise ValidationError(_l("Tulis tanggal lahir seperti 17-08-1985."))


class PinForm(Form):
    """Set or change the PIN (kiosk and facilitator consent only): the password first."""

    current_password = PasswordField(_l("Kata sandi sekarang"), validators=[DataRequired(REQUIRED)])
    pin = PasswordField(_l("PIN baru (6 angka)"), render_kw={"inputmode": "numeric", "autocomplete": "off"},
                        validators=[DataRequired(REQUIRED), Length(max=20, message=PIN_ERRORS["not_six_digits"])])
    confirm = PasswordField(_l("Ulangi PIN baru"), render_kw={"inputmode": "numeric", "autocomplete": "off"},
                            validators=[DataRequired(REQUIRED), EqualTo("pin", _l("Tidak sama dengan PIN baru."))])

    def __init__(self, participant, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant

    def validate_pin(self, field):
        if field.errors:
            return
        person = self.participant
        problems = pins.pin_problems(field.data, nik=person.nik, card_number=person.card_number,
                                     birth_date=person.birth_date)
        if problems:
            raise ValidationError(PIN_ERRORS[problems[0]])
