"""The consent forms: the resident's number, date of birth and PIN, or a code sent to their phone."""
from wtforms import StringField
from wtforms.validators import DataRequired, Length, ValidationError

from app.core.extensions import lazy_gettext as _l
from app.core.forms import IDENTIFIER_ERRORS, NO_AUTOFILL, REQUIRED, Form, RadioField, ResidentPinForm
from app.core.labels import ASSIST_SCOPE_LABELS
from app.rules.identity import is_digits, normalize_number

SCOPE_REQUIRED = _l("Pilih untuk apa peserta mengizinkan Anda.")


def _scope_field():
    return RadioField(_l("Izin untuk"), validators=[DataRequired(SCOPE_REQUIRED)], validate_choice=True)


class ConsentPinForm(ResidentPinForm):
    """Typed by the resident on the facilitator's device."""

    scope = _scope_field()

    def __init__(self, scopes, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope.choices = [(scope, ASSIST_SCOPE_LABELS[scope]) for scope in scopes]


class ConsentCodeRequestForm(Form):
    number = StringField(_l("Nomor kartu JKN atau NIK"), render_kw=NO_AUTOFILL,
                         validators=[DataRequired(REQUIRED), Length(max=30, message=_l("Terlalu panjang."))])
    scope = _scope_field()

    def __init__(self, scopes, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope.choices = [(scope, ASSIST_SCOPE_LABELS[scope]) for scope in scopes]

    def validate_number(self, field):
        value = normalize_number(field.data)
        if not field.errors and not (is_digits(value) and len(value) in (13, 16)):
            raise ValidationError(IDENTIFIER_ERRORS["bad_number"])


class ConsentCodeForm(Form):
    code = StringField(_l("Kode di HP peserta (6 angka)"), render_kw=NO_AUTOFILL,
                       validators=[DataRequired(REQUIRED), Length(max=12, message=_l("Kode terdiri dari 6 angka."))])
