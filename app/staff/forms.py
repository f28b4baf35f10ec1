"""Forms of the facility staff's pages: beds, opening hours, services and polis."""
from wtforms import BooleanField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from app.core.extensions import lazy_gettext as _l
from app.core.forms import REQUIRED, TOO_LONG, Form
from app.core.labels import BED_CLASS_LABELS, DAY_NAMES, SERVICE_LABELS
from app.rules import queue as rules

BED_ERRORS = {
    "missing": _l("Isi jumlah tersedia dan jumlah seluruhnya."),
    "negative": _l("Jumlah tidak boleh negatif."),
    "not_number": _l("Tulis angka bulat saja, misalnya 12."),
    "too_large": _l("Jumlah terlalu besar."),
    "available_over_total": _l("Tempat tidur tersedia tidak boleh lebih dari jumlah seluruhnya."),
}
COUNT_LENGTH = 9  # beyond rules.queue.MAX_BEDS: "Jumlah terlalu besar." says more than "too long"
HOURS_ERRORS = {
    "format": _l("Tulis jam seperti 07:30 (00:00 sampai 23:59)."),
    "order": _l("Jam tutup harus sesudah jam buka."),
    "missing": _l("Isi jam buka dan jam tutup, atau centang Tutup."),
}


def beds_form(rows):
    """One form for every bed class at once: `tersedia_<class>` and `total_<class>`.

    `rows` is [(bed_class, BedAvailability or None)]: a class already reported must be filled in
    (0 when none); a class never reported may stay empty."""
    reported = {bed_class for bed_class, row in rows if row is not None}

    class BedsForm(Form):
        def fill(self):
            for bed_class, row in rows:
                if row is not None:
                    self[f"tersedia_{bed_class}"].data = str(row.available)
                    self[f"total_{bed_class}"].data = str(row.total)

        def validate(self, extra_validators=None):
            valid = super().validate(extra_validators)
            self.counts = {}
            for bed_class, _row in rows:
                available_field, total_field = self[f"tersedia_{bed_class}"], self[f"total_{bed_class}"]
                texts = ((available_field.data or "").strip(), (total_field.data or "").strip())
                if not any(texts) and bed_class not in reported:
                    continue  # a class this hospital does not have
                available, available_problem = rules.parse_count(texts[0])
                total, total_problem = rules.parse_count(texts[1])
                if available_problem:
                    available_field.errors.append(BED_ERRORS[available_problem])
                if total_problem:
                    total_field.errors.append(BED_ERRORS[total_problem])
                problem = None if available_problem or total_problem else rules.beds_problem(available, total)
                if problem:
                    available_field.errors.append(BED_ERRORS[problem])
                if available_problem or total_problem or problem:
                    valid = False
                else:
                    self.counts[bed_class] = (available, total)
            return valid

    for bed_class, _row in rows:
        label = BED_CLASS_LABELS.get(bed_class, bed_class)
        setattr(BedsForm, f"tersedia_{bed_class}", StringField(_l("%(label)s: tersedia", label=label),
                                                                 validators=[Length(max=COUNT_LENGTH, message=TOO_LONG)]))
        setattr(BedsForm, f"total_{bed_class}", StringField(_l("%(label)s: seluruhnya", label=label),
                                                              validators=[Length(max=COUNT_LENGTH, message=TOO_LONG)]))
    return BedsForm()


class HoursForm(Form):
    """Jam buka per weekday: `buka_<d>`, `tutup_<d>` as HH:MM, or `libur_<d>` ticked."""

    def fill(self, hours):
        for weekday in range(7):
            opens, closes = hours.get(weekday, ("", ""))
            self[f"buka_{weekday}"].data = opens
            self[f"tutup_{weekday}"].data = closes
            self[f"libur_{weekday}"].data = weekday not in hours

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        self.hours = {}
        for weekday in range(7):
            if self[f"libur_{weekday}"].data:
                continue
            opens_field, closes_field = self[f"buka_{weekday}"], self[f"tutup_{weekday}"]
            opens, closes = (opens_field.data or "").strip(), (closes_field.data or "").strip()
            if not opens or not closes:
                (opens_field if not opens else closes_field).errors.append(HOURS_ERRORS["missing"])
                valid = False
                continue
            problem = rules.hours_problem(opens, closes)
            if problem == "format":
                for field, text in ((opens_field, opens), (closes_field, closes)):
                    if rules.parse_time(text) is None:
                        field.errors.append(HOURS_ERRORS["format"])
                valid = False
            elif problem == "order":
                closes_field.errors.append(HOURS_ERRORS["order"])
                valid = False
            else:
                self.hours[weekday] = (rules.normalize_time(opens), rules.normalize_time(closes))
        return valid


for _weekday, _name in enumerate(DAY_NAMES):
    setattr(HoursForm, f"buka_{_weekday}", StringField(_l("Buka"), validators=[Length(max=5, message=TOO_LONG)]))
    setattr(HoursForm, f"tutup_{_weekday}", StringField(_l("Tutup"), validators=[Length(max=5, message=TOO_LONG)]))
    setattr(HoursForm, f"libur_{_weekday}", BooleanField(_l("Tutup sepanjang hari")))


class ServicesForm(Form):
    services = SelectMultipleField(_l("Layanan"), choices=[SelectChoice(s, SERVICE_LABELS[s]) for s in rules.SERVICES],
                                   validate_choice=False)

    def validate_services(self, field):
        if any(value not in rules.SERVICES for value in field.data or ()):
            raise ValidationError(_l("Pilih layanan dari daftar."))


POLI_ERRORS = {
    "code": _l("Kode poli: 2–20 huruf kecil, angka atau garis bawah, mulai dengan huruf (contoh: penyakit_dalam)."),
    "bpjs_code": _l("Kode poli BPJS: tiga huruf besar, contoh INT, ANA, GIG. Kosongkan bila belum tahu."),
    "no_days": _l("Pilih paling sedikit satu hari buka."),
    "format": _l("Tulis jam seperti 07:30 (00:00 sampai 23:59)."),
    "order": _l("Jam tutup harus sesudah jam buka."),
    "not_number": _l("Tulis angka bulat saja, misalnya 30."),
    "too_small": _l("Paling sedikit 1."),
}
QUOTA_TOO_LARGE = _l("Kuota paling banyak %(n)d nomor sehari.", n=rules.POLI_QUOTA_MAX)
MINUTES_TOO_LARGE = _l("Paling lama %(n)d menit per pasien.", n=rules.POLI_MINUTES_MAX)


class PoliForm(Form):
    """A poli: name, codes, the days and hours it serves, its JKN quota and minutes per patient."""

    name = StringField(_l("Nama poli"), validators=[DataRequired(REQUIRED), Length(max=60, message=TOO_LONG)])
    code = StringField(_l("Kode poli (untuk sistem)"), validators=[DataRequired(REQUIRED), Length(max=20, message=TOO_LONG)])
    bpjs_code = StringField(_l("Kode poli BPJS"), validators=[Length(max=3, message=TOO_LONG)])
    days = SelectMultipleField(_l("Hari buka"), validate_choice=False,
                               choices=[SelectChoice(str(d), name) for d, name in enumerate(DAY_NAMES)])
    start_time = StringField(_l("Jam mulai"), validators=[DataRequired(REQUIRED), Length(max=5, message=TOO_LONG)])
    end_time = StringField(_l("Jam selesai"), validators=[DataRequired(REQUIRED), Length(max=5, message=TOO_LONG)])
    daily_quota = StringField(_l("Kuota pasien JKN per hari"), validators=[DataRequired(REQUIRED), Length(max=9, message=TOO_LONG)])
    service_minutes = StringField(_l("Rata-rata menit per pasien"), validators=[DataRequired(REQUIRED), Length(max=9, message=TOO_LONG)])

    def fill(self, poli):
        for name in ("name", "code", "bpjs_code", "start_time", "end_time"):
            self[name].data = getattr(poli, name)
        self.days.data = list(poli.weekdays)
        self.daily_quota.data, self.service_minutes.data = str(poli.daily_quota), str(poli.service_minutes)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not valid:
            return False
        days = "".join(sorted({d for d in self.days.data or () if d in "0123456" and len(d) == 1}))
        bpjs_code = (self.bpjs_code.data or "").strip().upper()
        code = (self.code.data or "").strip().lower()
        problems = rules.poli_problems(code, bpjs_code, days, self.start_time.data, self.end_time.data,
                                       self.daily_quota.data, self.service_minutes.data)
        for field, problem in problems:
            message = POLI_ERRORS.get(problem)
            if problem == "too_large":
                message = QUOTA_TOO_LARGE if field == "daily_quota" else MINUTES_TOO_LARGE
            self[field].errors = list(self[field].errors) + [message]
        if problems:
            return False
        self.values = dict(name=" ".join(self.name.data.split()), code=code, bpjs_code=bpjs_code, weekdays=days,
                           start_time=rules.normalize_time(self.start_time.data),
                           end_time=rules.normalize_time(self.end_time.data),
                           daily_quota=int(self.daily_quota.data), service_minutes=int(self.service_minutes.data))
        return True
