"""Forms of the facility staff's pages: beds, opening hours and services."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import Length, ValidationError

from app.core.forms import TOO_LONG, Form
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
