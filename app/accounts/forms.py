"""The sign-in and change-password forms."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from app.core import clock
from app.core.forms import Form, IDENTIFIER_ERRORS, PASSWORD_ERRORS, REQUIRED, USERNAME
from app.rules import identity, passwords

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
