"""Forms of the tariff pages: the denda calculator (a GET form: bookmarkable, no CSRF needed) and the
admin's new rate version. Numbers are typed as text and parsed here, so every mistake gets a plain
Indonesian message next to its field and the input is kept as typed.
"""
import re

from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from app.core.extensions import fast_gettext as _
from app.core.extensions import lazy_gettext as _l
from app.core.formatting import date_id, rupiah
from app.core.forms import TOO_LONG, Form, SelectField, parse_date
from app.rules import contributions

#: `20000000`, `20.000.000`, `Rp20.000.000`, `Rp 20.000.000` (dots only as thousands separators)
RUPIAH = re.compile(r"^(?:rp\.?\s*)?(-?)([0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+)$", re.IGNORECASE)
WHOLE_NUMBER = re.compile(r"^(-?)([0-9]+)$")
MAX_DIGITS = 15  # longer input is absurd: refuse it before turning it into a number

MAX_ARREARS_INPUT = 120
MAX_TARIFF = 1_000_000_000
MAX_MONTHLY_RATE = 10_000_000  # per person per month: anything above is a typing mistake
MAX_WAGE_CEILING = 1_000_000_000
MAX_YEARS_AHEAD = 10

#: Common inpatient cases with ROUND EXAMPLE tariffs by kelas rawat, to give the calculator a
#: plausible figure. Written by us for illustration: not the official INA-CBG tariffs, which depend
#: on the hospital, region, diagnosis and severity.
EXAMPLE_CASES = {
    "persalinan-caesar": (_l("Persalinan caesar"), {1: 8_000_000, 2: 7_000_000, 3: 6_000_000}),
    "demam-berdarah": (_l("Demam berdarah (DBD)"), {1: 4_000_000, 2: 3_500_000, 3: 3_000_000}),
    "tifoid": (_l("Tifoid (tipes)"), {1: 3_500_000, 2: 3_000_000, 3: 2_500_000}),
    "pneumonia": (_l("Pneumonia (radang paru)"), {1: 6_000_000, 2: 5_000_000, 3: 4_000_000}),
    "stroke": (_l("Stroke"), {1: 12_000_000, 2: 10_000_000, 3: 8_000_000}),
    "patah-tulang": (_l("Operasi patah tulang paha"), {1: 21_000_000, 2: 18_000_000, 3: 15_000_000}),
    "bedah-jantung": (_l("Operasi bypass jantung"), {1: 80_000_000, 2: 70_000_000, 3: 60_000_000}),
}
CLASS_CHOICES = [SelectChoice("1", _l("Kelas 1")), SelectChoice("2", _l("Kelas 2")),
                 SelectChoice("3", _l("Kelas 3"))]

REQUIRED_NUMBER = _l("Wajib diisi.")
NOT_WHOLE_NUMBER = _l("Tulis angka bulat saja, tanpa koma. Contoh: 3.")
NOT_RUPIAH = _l("Tulis jumlah rupiah dengan angka saja, tanpa koma. Contoh: 20000000 atau 20.000.000.")


def parse_rupiah(text):
    """Typed rupiah → int (may be negative), or None when it is not a whole number of rupiah."""
    match = RUPIAH.match((text or "").strip())
    if not match or len(match.group(2).replace(".", "")) > MAX_DIGITS:
        return None
    sign, digits = match.groups()
    return int(sign + digits.replace(".", ""))


def parse_whole(text):
    """Typed whole number → int (may be negative), or None."""
    match = WHOLE_NUMBER.match((text or "").strip())
    if not match or len(match.group(2)) > MAX_DIGITS:
        return None
    return int(match.group(1) + match.group(2))


def _in_range(value, low, high, message):
    """`value` when low <= value <= high, else a ValidationError with `message`."""
    if value is None or not low <= value <= high:
        raise ValidationError(message)
    return value


# --- denda calculator ---------------------------------------------------------------------------

class DendaForm(Form):
    """Kalkulator denda. Read from the query string; `months`, `care_class` and `tariff` (from the
    typed number, else the example case for the kelas; None when neither) hold the parsed values."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    bulan = StringField(_l("Lama tunggakan (bulan)"), validators=[Length(max=10, message=TOO_LONG)])
    kelas = SelectField(_l("Kelas rawat"), choices=CLASS_CHOICES, default="3", validate_choice=False)
    kasus = SelectField(_l("Contoh kasus rawat inap"), validate_choice=False,
                        choices=[SelectChoice("", _l("— tidak memilih —"))]
                        + [SelectChoice(code, label) for code, (label, _tariffs) in EXAMPLE_CASES.items()])
    tarif = StringField(_l("Atau tulis perkiraan tarif INA-CBG (rupiah)"),
                        validators=[Length(max=20, message=TOO_LONG)])

    FIELDS = ("bulan", "kelas", "kasus", "tarif")

    def __init__(self, args, max_months=contributions.DENDA_MAX_MONTHS):
        super().__init__(formdata=args if self.submitted(args) else None)
        self.months = self.care_class = self.tariff = self.case = None
        self.max_months = max_months  # of the denda rule in force

    @classmethod
    def submitted(cls, args):
        return any(name in args for name in cls.FIELDS)

    def validate_bulan(self, field):
        text = (field.data or "").strip()
        if not text:
            raise ValidationError(_l("Tulis lama tunggakan dalam bulan (0 jika tidak ada tunggakan)."))
        months = parse_whole(text)
        if months is None:
            raise ValidationError(NOT_WHOLE_NUMBER)
        self.months = _in_range(months, 0, MAX_ARREARS_INPUT, _(
            "Tulis angka 0 sampai %(max)d. Untuk denda, paling banyak %(n)d bulan yang dihitung.",
            max=MAX_ARREARS_INPUT, n=self.max_months))

    def validate_kelas(self, field):
        if field.data not in ("1", "2", "3"):
            raise ValidationError(_l("Pilih Kelas 1, 2 atau 3."))
        self.care_class = int(field.data)

    def validate_kasus(self, field):
        if field.data and field.data not in EXAMPLE_CASES:
            raise ValidationError(_l("Contoh kasus ini tidak dikenal. Pilih dari daftar."))
        self.case = field.data or None

    def validate_tarif(self, field):
        text = (field.data or "").strip()
        if not text:
            return
        tariff = parse_rupiah(text)
        if tariff is None:
            raise ValidationError(NOT_RUPIAH)
        self.tariff = _in_range(tariff, 1, MAX_TARIFF, _l(
            "Perkiraan tarif harus antara Rp1 dan Rp1.000.000.000."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and self.tariff is None and self.case:
            self.tariff = EXAMPLE_CASES[self.case][1][self.care_class]
        return valid

    @property
    def typed_tariff(self):
        return bool((self.tarif.data or "").strip())


# --- admin: a new rate version ------------------------------------------------------------------

def _text_field(label):
    return StringField(label, filters=[lambda value: value.strip() if isinstance(value, str) else value])


class RateVersionForm(Form):
    """Versi tarif iuran baru. `values` holds the parsed figures once valid (RateVersion's fields).

    The date must be the first day of a month (bills price a whole month by the table in force on
    its first day, so a mid-month date would be shown as in force while the month's bill still used
    the old rates), not in the past, after the latest version, and at most 10 years ahead.
    """

    effective_from = StringField(_l("Berlaku mulai"))
    class1 = _text_field(_l("Iuran Kelas 1 per orang per bulan"))
    class2 = _text_field(_l("Iuran Kelas 2 per orang per bulan"))
    class3 = _text_field(_l("Iuran Kelas 3 per orang per bulan"))
    class3_government_share = _text_field(_l("Bagian Kelas 3 yang dibayar pemerintah"))
    pbi_rate = _text_field(_l("Iuran PBI per orang per bulan (dibayar pemerintah)"))
    ppu_employer_percent = _text_field(_l("PPU: persen dari gaji, dibayar pemberi kerja"))
    ppu_worker_percent = _text_field(_l("PPU: persen dari gaji, dibayar pekerja"))
    ppu_wage_ceiling = _text_field(_l("PPU: batas gaji tertinggi yang dihitung"))

    RUPIAH_FIELDS = ("class1", "class2", "class3", "class3_government_share", "pbi_rate", "ppu_wage_ceiling")
    PERCENT_FIELDS = ("ppu_employer_percent", "ppu_worker_percent")

    def __init__(self, *args, latest=None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.latest, self.today = latest, today
        self.values = {}

    def _rupiah(self, field, low, high):
        text = field.data or ""
        if not text:
            raise ValidationError(REQUIRED_NUMBER)
        value = parse_rupiah(text)
        if value is None:
            raise ValidationError(NOT_RUPIAH)
        self.values[field.name] = _in_range(value, low, high, _(
            "Tulis jumlah antara %(low)s dan %(high)s.", low=rupiah(low), high=rupiah(high)))

    def validate_effective_from(self, field):
        day = parse_date(field.data)
        if day is None:
            raise ValidationError(_l("Tulis tanggal seperti 1-1-2027 (tanggal-bulan-tahun)."))
        if day.day != 1:
            raise ValidationError(_l("Tarif baru berlaku mulai tanggal 1 suatu bulan."))
        if day < self.today:
            raise ValidationError(_l("Tanggal ini sudah lewat. Tulis tanggal hari ini atau sesudahnya."))
        if self.latest and day <= self.latest:
            raise ValidationError(_("Harus sesudah versi tarif terakhir (berlaku %(when)s).",
                                    when=date_id(self.latest)))
        if day.year > self.today.year + MAX_YEARS_AHEAD:
            raise ValidationError(_("Paling lambat %(n)d tahun dari sekarang.", n=MAX_YEARS_AHEAD))
        self.values["effective_from"] = day

    def validate_class1(self, field):
        self._rupiah(field, 1, MAX_MONTHLY_RATE)

    def validate_class2(self, field):
        self._rupiah(field, 1, MAX_MONTHLY_RATE)

    def validate_class3(self, field):
        self._rupiah(field, 1, MAX_MONTHLY_RATE)

    def validate_class3_government_share(self, field):
        self._rupiah(field, 0, MAX_MONTHLY_RATE)

    def validate_pbi_rate(self, field):
        self._rupiah(field, 1, MAX_MONTHLY_RATE)

    def validate_ppu_wage_ceiling(self, field):
        self._rupiah(field, 1, MAX_WAGE_CEILING)

    def _percent(self, field):
        if not field.data:
            raise ValidationError(REQUIRED_NUMBER)
        value = parse_whole(field.data)
        if value is None:
            raise ValidationError(_l("Tulis persen dengan angka bulat saja, tanpa koma. Contoh: 4."))
        self.values[field.name] = _in_range(value, 0, 100, _l("Tulis angka 0 sampai 100."))

    def validate_ppu_employer_percent(self, field):
        self._percent(field)

    def validate_ppu_worker_percent(self, field):
        self._percent(field)

    def validate(self, extra_validators=None):
        """Each field alone, then the figures against each other (only where both are valid)."""
        valid = super().validate(extra_validators)
        values = self.values
        checks = (
            ("class2", ("class1", "class2"), lambda a, b: a >= b,
             _l("Iuran Kelas 2 tidak boleh lebih besar dari Kelas 1.")),
            ("class3", ("class2", "class3"), lambda a, b: a >= b,
             _l("Iuran Kelas 3 tidak boleh lebih besar dari Kelas 2.")),
            ("class3_government_share", ("class3", "class3_government_share"), lambda a, b: b < a,
             _l("Bagian pemerintah harus lebih kecil dari iuran Kelas 3: peserta tetap membayar sebagian.")),
            ("ppu_worker_percent", ("ppu_employer_percent", "ppu_worker_percent"),
             lambda a, b: 0 < a + b <= 100, _l("Jumlah kedua persen harus 1 sampai 100.")),
        )
        for target, (first, second), ok, message in checks:
            if first in values and second in values and not ok(values[first], values[second]):
                getattr(self, target).errors.append(message)
                valid = False
        return valid


# --- admin: a new denda rule version ------------------------------------------------------------

class DendaVersionForm(Form):
    """Versi aturan denda baru. `values` holds the parsed figures once valid (DendaVersion's fields).
    The date may be any day (a denda is decided by the day of reactivation), not in the past, after
    the latest version, at most 10 years ahead."""

    effective_from = StringField(_l("Berlaku mulai"))
    percent = _text_field(_l("Persen dari tarif INA-CBG per bulan tunggakan"))
    max_months = _text_field(_l("Bulan tunggakan yang dihitung, paling banyak"))
    cap = _text_field(_l("Denda paling banyak (rupiah)"))
    window_days = _text_field(_l("Rawat inap sampai berapa hari setelah aktif kembali"))

    FIELDS = ("percent", "max_months", "cap", "window_days")

    def __init__(self, *args, latest=None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.latest, self.today = latest, today
        self.values = {}

    def validate_effective_from(self, field):
        day = parse_date(field.data)
        if day is None:
            raise ValidationError(_l("Tulis tanggal seperti 1-1-2027 (tanggal-bulan-tahun)."))
        if day < self.today:
            raise ValidationError(_l("Tanggal ini sudah lewat. Tulis tanggal hari ini atau sesudahnya."))
        if self.latest and day <= self.latest:
            raise ValidationError(_("Harus sesudah versi aturan terakhir (berlaku %(when)s).",
                                    when=date_id(self.latest)))
        if day.year > self.today.year + MAX_YEARS_AHEAD:
            raise ValidationError(_("Paling lambat %(n)d tahun dari sekarang.", n=MAX_YEARS_AHEAD))
        self.values["effective_from"] = day

    def _whole(self, field, low, high):
        if not (field.data or "").strip():
            raise ValidationError(REQUIRED_NUMBER)
        value = parse_whole(field.data)
        if value is None:
            raise ValidationError(NOT_WHOLE_NUMBER)
        self.values[field.name] = _in_range(value, low, high, _(
            "Tulis angka %(low)d sampai %(high)d.", low=low, high=high))

    def validate_percent(self, field):
        self._whole(field, 1, 100)

    def validate_max_months(self, field):
        self._whole(field, 1, MAX_ARREARS_INPUT)

    def validate_window_days(self, field):
        self._whole(field, 1, 365)

    def validate_cap(self, field):
        text = field.data or ""
        if not text:
            raise ValidationError(REQUIRED_NUMBER)
        value = parse_rupiah(text)
        if value is None:
            raise ValidationError(NOT_RUPIAH)
        self.values["cap"] = _in_range(value, 1, MAX_TARIFF, _(
            "Tulis jumlah antara %(low)s dan %(high)s.", low=rupiah(1), high=rupiah(MAX_TARIFF)))
