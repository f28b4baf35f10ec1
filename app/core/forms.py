"""Forms, with their messages in plain Indonesian (translated like every other text), and the base
class every form derives from (`Form`: nothing typed is longer than its field can hold)."""
import functools
import re
from datetime import date

import wtforms
from babel import support
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from markupsafe import Markup, escape
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    PasswordField,
    SelectChoice,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.i18n import messages_path
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from app.core.extensions import csrf_token, request_language
from app.core.extensions import lazy_gettext as _l
from app.rules import passwords
from app.rules.identity import is_digits, normalize_number

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_MOBILE_LOCAL = re.compile(r"^08[0-9]{8,11}$")  # 08…, 10–13 digits
_MOBILE_INTERNATIONAL = re.compile(r"^\+628[0-9]{7,10}$")  # +628…, the same numbers
#: (pattern, positions of year, month, day): what people type on a keypad or a date input sends
_DATE_FORMS = (
    (re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"), (1, 2, 3)),  # 1985-08-17
    (re.compile(r"([0-9]{1,2})[-/. ]([0-9]{1,2})[-/. ]([0-9]{4})"), (3, 2, 1)),  # 17-08-1985, 17/8/1985
    (re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})"), (3, 2, 1)),  # 17081985
)


def normalize_phone(text):
    """A mobile number as typed ("+62 812-3456-7890") → "081234567890", or None when it is not one."""
    value = _PHONE_SEPARATORS.sub("", text or "")
    if _MOBILE_LOCAL.match(value):
        return value
    if _MOBILE_INTERNATIONAL.match(value):
        return "0" + value[3:]
    return None


def parse_date(text):
    """"17-08-1985", "17/8/1985", "17081985" or "1985-08-17" → a date, else None."""
    text = (text or "").strip()
    for pattern, order in _DATE_FORMS:
        found = pattern.fullmatch(text)
        if found:
            try:
                return date(*(int(found.group(i)) for i in order))
            except ValueError:
                return None
    return None

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
TOO_LONG = _l("Terlalu panjang (maksimal %(max)d karakter).")

#: the longest a field may be when its form gives no Length: by kind, the most specific first
DEFAULT_MAX_LENGTH = (
    (TextAreaField, 2000),
    (PasswordField, passwords.MAX_LENGTH),
    (IntegerField, 15),
    (DecimalField, 20),
    (DateField, 20),
    (StringField, 200),  # hidden fields and every other one-line text
)


def max_length(field):
    """(the most characters `field` accepts, the message when it gets more): its Length validator's
    maximum and message, else the default of its kind; None for fields that do not take typed
    text (choices, ticks, files)."""
    for validator in field.validators:
        if isinstance(validator, Length) and validator.max not in (None, -1):
            return validator.max, validator.message or TOO_LONG
    for kind, limit in DEFAULT_MAX_LENGTH:
        if isinstance(field, kind):
            return limit, TOO_LONG
    return None


class FitsField:
    """Runs first: a value longer than the field refuses with a clear message, and only what fits is
    kept (re-rendered), so a 100 KB paste never comes back whole."""

    def __init__(self, limit, message):
        self.limit, self.message = limit, message

    def __call__(self, form, field):
        raw = field.raw_data[0] if field.raw_data else None
        if isinstance(raw, str) and len(raw) > self.limit:
            field.raw_data = [raw[:self.limit]] + list(field.raw_data[1:])
            if isinstance(field.data, str):
                field.data = field.data[:self.limit]
            field.errors[:] = []
            raise StopValidation(self.message % {"min": -1, "max": self.limit, "length": len(raw)})


@functools.cache
def _wtforms_catalogue(locale):
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _SessionCSRF(_FlaskFormCSRF):
    """A form's token is the page's token (csrf_token(): signed once per session and worker)."""

    def generate_csrf_token(self, csrf_token_field):
        return csrf_token()


class Form(FlaskForm):
    """The base of every form: each text field gets a length limit (`max_length`), shown to the
    browser as `maxlength` and enforced on the server first (`FitsField`)."""

    class Meta:
        csrf_class = _SessionCSRF

        def get_translations(self, form):
            # WTForms' own texts ("CSRF Token", a built-in validator's message) in the page's
            # language: Flask-WTF reads the catalogue from disk once a request, this once a process
            return _wtforms_catalogue(request_language())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self:
            found = max_length(field)
            if found is None:
                continue
            limit, message = found
            field.validators = [FitsField(limit, message), *field.validators]
            if not isinstance(field, (IntegerField, DecimalField)):
                field.flags.maxlength = limit


_QUOTE, _QUOTE_ENTITY = Markup('"'), Markup("&quot;")


def html_params(**kwargs):
    """WTForms' attribute writer (`wtforms.widgets.html_params`: every input, label, text area and
    list of radio buttons), byte for byte, at a quarter of its cost (seven attributes: 99 → 25 µs on
    the machine of 2026-12-02): WTForms writes each attribute through `Markup.format` (a
    `string.Formatter`), this one with an f-string of the same escapes. `install_html_params` puts
    it where WTForms looks."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = escape(widgets.core.clean_key(key))
        if value is True:
            params.append(key)
        elif value is not False:
            params.append(f'{key}="{escape(value).replace(_QUOTE, _QUOTE_ENTITY)}"')
    return Markup(" ".join(params))


def install_html_params():
    """WTForms' widgets find their attribute writer in their module (lists, text areas, drop-downs;
    labels through `wtforms.widgets`) or on the Input and Button classes: `html_params` goes in
    each place (tests/core/test_forms.py checks the output is WTForms' own)."""
    widgets.core.html_params = widgets.html_params = html_params
    widgets.Input.html_params = widgets.Button.html_params = staticmethod(html_params)


class Select(widgets.Select):
    """WTForms' <select>, each plain option written in one step, byte for byte as WTForms writes it:
    its attribute builder costs ~10 µs an option, and the case form lists up to 80 (60 options: 0.67
    → 0.15 ms). An option with attributes of its own goes the library's way."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or choice.value)
        return Markup(f'<option {selected}value="{escape(choice.value)}">{label}</option>')

    @classmethod
    def _dispatch_render_option(cls):
        # WTForms reads render_option's signature (inspect.signature, ~20 µs) on every drawing of every
        # list, to call an override of the old (value, label, selected) form; ours is the new one
        return cls.render_option


class SelectField(wtforms.SelectField):
    """WTForms' SelectField, drawn by `Select`: every form's drop-down list is this one."""

    widget = Select()


class RadioList(widgets.ListWidget):
    """WTForms' list of radio buttons, byte for byte as WTForms writes it (attributes in name order),
    without the field WTForms binds for every button on every drawing (its label, flags and
    translations) nor its attribute builder: 5 buttons 220 → 40 µs; the case form's kinds and the
    visit feedback's questions hold up to 20. A list whose field or choices carry attributes of
    their own, or whose flags are not plain yes/no, goes the library's way."""

    def __init__(self):
        super().__init__(prefix_label=False)

    def __call__(self, field, **kwargs):
        choices = list(field.iter_choices())
        flags = [getattr(field.flags, name) for name in ("disabled", "required")]  # each button carries them
        if (field.render_kw or type(field.option_widget) is not widgets.RadioInput
                or any(c.render_kw for c in choices) or any(f not in (None, True, False) for f in flags)):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        disabled, required = ("disabled " if flags[0] else ""), ("required " if flags[1] else "")
        name = escape(field.name)
        html = [f"<ul {html_params(**kwargs)}>"]
        for number, choice in enumerate(choices):
            button, checked = escape(f"{field.id}-{number}"), ("checked " if choice.selected else "")
            html.append(f'<li><input {checked}{disabled}id="{button}" name="{name}" {required}type="radio" '
                        f'value="{escape(str(choice.value))}"> <label for="{button}">'
                        f"{escape(choice.label or choice.value)}</label></li>")
        html.append("</ul>")
        return Markup("".join(html))


class RadioField(wtforms.RadioField):
    """WTForms' RadioField, drawn by `RadioList`: every form's list of radio buttons is this one."""

    widget = RadioList()


# --- the officer's decision (registration review, change-request review) -------------------------

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DECISION_REASON_MAX = 500


def clean_text(value):
    """Free text without control characters (PostgreSQL refuses NUL) and outer spaces."""
    return _CONTROL_CHARACTERS.sub("", value).strip() if isinstance(value, str) else value


class DecisionForm(Form):
    """An officer's one decision, the same on every page that has one: approve (`approve_label`
    says what that does there), or reject with a reason the person reads."""

    decision = SelectField(_l("Keputusan"), validate_choice=False)
    reason = TextAreaField(_l("Alasan (wajib bila ditolak)"), filters=[clean_text], validators=[
        Length(max=DECISION_REASON_MAX, message=_l("Alasan terlalu panjang: maksimal %(max)d karakter."))])

    def __init__(self, approve_label, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = [SelectChoice("", _l("— pilih —")), SelectChoice("setujui", approve_label),
                                 SelectChoice("tolak", _l("Tolak"))]

    @property
    def approved(self):
        return self.decision.data == "setujui"

    def validate_decision(self, field):
        if field.data not in ("setujui", "tolak"):
            raise ValidationError(_l("Pilih setujui atau tolak."))

    def validate_reason(self, field):
        if not field.errors and self.decision.data == "tolak" and not field.data:
            raise ValidationError(_l("Tulis alasan penolakan: peserta akan membacanya."))
#: what is wrong with an uploaded document photo (app/core/uploads.py codes); %(mb)d: the limit
UPLOAD_ERRORS = {
    "missing": _l("Lampirkan foto dokumen (KTP, KK, atau akta kelahiran)."),
    "too_large": _l("Foto terlalu besar: maksimal %(mb)d MB. Kirim foto yang lebih kecil."),
    "not_image": _l("Berkas ini bukan foto JPEG atau PNG. Kirim foto dokumen."),
    "dimensions": _l("Ukuran gambar terlalu besar. Kirim foto dengan resolusi lebih kecil."),
}


# --- the resident's PIN: kiosk sign-in and facilitator consent (SPEC §5.3, §5.4) -----------------

PIN_ERRORS = {
    "not_six_digits": _l("PIN terdiri dari tepat 6 angka."),
    "repeated": _l("PIN ini terlalu mudah ditebak (angka berulang). Pilih yang lain."),
    "sequence": _l("PIN ini terlalu mudah ditebak (angka berurutan). Pilih yang lain."),
    "birth_date": _l("Jangan memakai tanggal lahir sebagai PIN."),
    "nik": _l("Jangan memakai bagian dari NIK sebagai PIN."),
    "card_number": _l("Jangan memakai nomor kartu JKN sebagai PIN."),
    "common": _l("PIN ini terlalu umum dan mudah ditebak. Pilih yang lain."),
}
#: one answer for unknown person, another date of birth, a wrong PIN and a locked PIN
PIN_SIGN_IN_FAILED = _l("Nomor, tanggal lahir atau PIN salah — atau PIN dikunci sementara karena terlalu "
                        "banyak percobaan. Periksa lagi, atau coba lagi setelah %(minutes)d menit.")
#: identity fields on a shared device: nothing for the browser to remember
NO_AUTOFILL = {"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}


class ResidentPinForm(Form):
    """The resident's own proof on a shared device: number, date of birth and PIN."""

    number = StringField(_l("Nomor kartu JKN atau NIK"), render_kw={**NO_AUTOFILL, "inputmode": "numeric"},
                         validators=[DataRequired(REQUIRED), Length(max=30, message=_l("Terlalu panjang."))])
    birth_date = StringField(_l("Tanggal lahir (contoh 17-08-1985)"), render_kw=NO_AUTOFILL,
                             validators=[DataRequired(REQUIRED), Length(max=20, message=_l("Terlalu panjang."))])
    pin = PasswordField(_l("PIN (6 angka)"), render_kw={**NO_AUTOFILL, "inputmode": "numeric", "autocomplete": "off"},
                        validators=[DataRequired(REQUIRED), Length(max=20, message=PIN_ERRORS["not_six_digits"])])

    def validate_number(self, field):
        value = normalize_number(field.data)
        if not field.errors and not (is_digits(value) and len(value) in (13, 16)):
            raise ValidationError(IDENTIFIER_ERRORS["bad_number"])

    def validate_birth_date(self, field):
        if not field.errors and parse_date(field.data) is None:
            raise ValidationError(_l("Tulis tanggal lahir seperti 17-08-1985."))

    def validate_pin(self, field):
        if not field.errors and not (is_digits(field.data) and len(field.data) == 6):
            raise ValidationError(PIN_ERRORS["not_six_digits"])
