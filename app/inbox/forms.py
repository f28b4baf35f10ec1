"""Forms of the SMS settings: consent, the phone to verify, the code."""
from wtforms import BooleanField, StringField
from wtforms.validators import ValidationError

from app.core.extensions import lazy_gettext as _l
from app.core.forms import REQUIRED, Form, normalize_phone

NOT_INDONESIAN = _l("Tulis nomor HP Indonesia, mulai 08 atau +628, misalnya 081234567890.")
BAD_CODE = _l("Kode terdiri dari 6 angka dari SMS yang kami kirim.")


class ConsentForm(Form):
    agree = BooleanField(_l("Saya setuju menerima pengingat lewat SMS"))


class PhoneForm(Form):
    phone = StringField(_l("Nomor HP"), render_kw={"inputmode": "tel", "autocomplete": "tel", "maxlength": 20})

    def validate_phone(self, field):
        if not (field.data or "").strip():
            raise ValidationError(REQUIRED)
        if normalize_phone(field.data) is None:
            raise ValidationError(NOT_INDONESIAN)

    @property
    def normalized(self):
        return normalize_phone(self.phone.data)


class CodeForm(Form):
    code = StringField(_l("Kode dari SMS"), render_kw={"inputmode": "numeric", "autocomplete": "one-time-code",
                                                     "maxlength": 6})

    def validate_code(self, field):
        value = (field.data or "").strip()
        if not (len(value) == 6 and value.isascii() and value.isdigit()):
            raise ValidationError(BAD_CODE)
        field.data = value
