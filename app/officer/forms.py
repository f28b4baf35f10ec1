"""The officer's forms: look up one participant, issue a one-time code, set "nonaktif lain", a
facility's BPJS partnership."""
from wtforms import SelectChoice, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from app.core import clock
from app.core.extensions import lazy_gettext as _l
from app.core.forms import REQUIRED, TOO_LONG, Form, SelectField, parse_date
from app.core.labels import INACTIVE_REASONS
from app.rules import identity
from app.rules.membership import OFFICER_INACTIVE_REASONS

NUMBER_ONLY = _l("Tulis satu nomor lengkap: 13 angka nomor kartu JKN, atau 16 angka NIK atau nomor KK. "
                 "Pencarian dengan nama atau sebagian nomor tidak bisa.")
MAX_PAST_DAYS = 366 * 5  # an effective date at most five years back
MAX_FUTURE_DAYS = 366  # and at most a year ahead


class LookupForm(Form):
    number = StringField(_l("Nomor kartu JKN, NIK, atau nomor KK"),
                         validators=[DataRequired(REQUIRED), Length(max=40, message=TOO_LONG)])

    def validate_number(self, field):
        value = identity.normalize_number(field.data)
        if not field.errors and not (identity.is_digits(value) and len(value) in (13, 16)):
            raise ValidationError(NUMBER_ONLY)


class InactiveForm(Form):
    """Nonaktif lain: who (the family or one member), why (a fixed list), from when."""

    target = SelectField(_l("Untuk"), validate_choice=False)
    reason = SelectField(_l("Alasan"), validate_choice=False)
    effective_from = StringField(_l("Berlaku mulai tanggal"),
                                 validators=[DataRequired(REQUIRED), Length(max=20, message=TOO_LONG)])

    def __init__(self, family, members, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.target.choices = [SelectChoice("keluarga", _l("Seluruh keluarga"))] + [
            SelectChoice(str(m.id), m.name) for m in members]
        self.reason.choices = [SelectChoice(code, INACTIVE_REASONS[code]) for code in OFFICER_INACTIVE_REASONS] + [
            SelectChoice("cabut", _l("Cabut status nonaktif lain (aktifkan lagi)"))]

    def validate_target(self, field):
        if field.data not in {choice.value for choice in self.target.choices}:
            raise ValidationError(_l("Pilih keluarga atau salah satu anggotanya."))

    def validate_reason(self, field):
        if field.data not in {choice.value for choice in self.reason.choices}:
            raise ValidationError(_l("Pilih alasan dari daftar."))

    def validate_effective_from(self, field):
        day = parse_date(field.data)
        today = clock.today()
        if not field.errors and day is None:
            raise ValidationError(_l("Tulis tanggal seperti 01-12-2026."))
        if day is not None and not (-MAX_PAST_DAYS <= (day - today).days <= MAX_FUTURE_DAYS):
            raise ValidationError(_l("Tanggal berlaku paling lama lima tahun lalu dan paling jauh setahun lagi."))

    @property
    def day(self):
        return parse_date(self.effective_from.data)


PARTNER_CHOICES = (("ya", _l("Mitra BPJS Kesehatan")), ("tidak", _l("Bukan mitra BPJS Kesehatan")),
                   ("belum_tercatat", _l("Belum tercatat")))


class PartnershipForm(Form):
    """Kerja sama: yes with the agreement's dates (optional), no, or not recorded."""

    state = SelectField(_l("Kerja sama BPJS"), validate_choice=False,
                        choices=[SelectChoice(value, label) for value, label in PARTNER_CHOICES])
    start = StringField(_l("Berlaku mulai (boleh kosong)"), validators=[Length(max=20, message=TOO_LONG)])
    end = StringField(_l("Berlaku sampai (boleh kosong)"), validators=[Length(max=20, message=TOO_LONG)])

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        if self.state.data not in dict(PARTNER_CHOICES):
            self.state.errors = [_l("Pilih salah satu.")]
            return False
        self.dates = []
        for field in (self.start, self.end):
            text = (field.data or "").strip()
            day = parse_date(text) if text else None
            if text and day is None:
                field.errors = [_l("Tulis tanggal seperti 01-01-2027.")]
            self.dates.append(day)
        if self.dates[0] and self.dates[1] and self.dates[1] < self.dates[0]:
            self.end.errors = [_l("Tanggal berakhir tidak boleh sebelum tanggal mulai.")]
        return not (self.start.errors or self.end.errors)
