"""Forms of the antrean and of the facility staff's pages, with their messages in plain Indonesian."""
import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, ValidationError

from app.facilities import BED_CLASS_LABELS, DAY_NAMES, SERVICE_LABELS
from app.forms import REQUIRED
from app.rules import identity
from app.rules import queue as rules

#: the facility pages' own labels, so staff tick exactly what the facility search shows
WEEKDAYS = DAY_NAMES

BOOKING_STATUS_LABELS = {
    "aktif": _l("Terdaftar, belum datang"),
    "hadir": _l("Sudah hadir, menunggu dipanggil"),
    "dipanggil": _l("Dipanggil"),
    "selesai": _l("Selesai dilayani"),
    "tidak_hadir": _l("Tidak hadir"),
    "batal": _l("Dibatalkan"),
}
STAFF_ACTION_LABELS = {
    "hadir": _l("Hadir"),
    "dipanggil": _l("Panggil"),
    "selesai": _l("Selesai"),
    "tidak_hadir": _l("Tidak hadir"),
}
#: QueueRefused.code → message; facts from the refusal fill the placeholders.
REFUSALS = {
    "member": _l("Hanya kepala keluarga yang bisa mengambil antrean untuk anggota keluarga lain."),
    "nonaktif": _l("Kepesertaan %(name)s sedang nonaktif, jadi antrean belum bisa diambil."),
    "other_facility": _l("Poli ini tidak ada di faskes yang dipilih. Pilih poli dari daftar."),
    "no_queue": _l("Faskes ini tidak menerima antrean online peserta JKN."),
    "past": _l("Tanggal itu sudah lewat. Pilih hari ini atau sesudahnya."),
    "too_far": _l("Antrean bisa diambil paling lama 7 hari ke depan, sampai %(last)s."),
    "closed": _l("Faskes tutup pada hari itu. Pilih hari lain."),
    "referral": _l("%(name)s tidak punya rujukan yang berlaku ke poli ini pada tanggal itu. Rumah sakit "
                   "hanya bisa dengan rujukan dari FKTP (berlaku 90 hari)."),
    "duplicate": _l("%(name)s sudah punya antrean aktif di poli ini pada hari itu."),
    "out_of_area": _l("%(name)s sudah %(count)d kali mengambil antrean di FKTP lain bulan ini. Di luar "
                      "FKTP terdaftar paling banyak 3 kali sebulan."),
    "full": _l("Kuota JKN hari itu sudah penuh. Pilih hari lain."),
    "key_used": _l("Formulir ini sudah dipakai untuk antrean lain. Periksa pilihan Anda, lalu kirim lagi."),
    "try_again": _l("Antrean sedang ramai. Kirim sekali lagi."),
    "not_cancellable": _l("Antrean ini tidak bisa dibatalkan lagi."),
    "not_today": _l("Hanya antrean hari ini yang bisa diproses."),
    "status": _l("Status antrean nomor %(number)d sudah berubah. Lihat daftar terbaru."),
    "nobody_waiting": _l("Belum ada peserta yang sudah hadir untuk dipanggil."),
}
BED_ERRORS = {
    "missing": _l("Isi jumlah tersedia dan jumlah seluruhnya."),
    "negative": _l("Jumlah tidak boleh negatif."),
    "not_number": _l("Tulis angka bulat saja, misalnya 12."),
    "too_large": _l("Jumlah terlalu besar."),
    "available_over_total": _l("Tempat tidur tersedia tidak boleh lebih dari jumlah seluruhnya."),
}
HOURS_ERRORS = {
    "format": _l("Tulis jam seperti 07:30 (00:00 sampai 23:59)."),
    "order": _l("Jam tutup harus sesudah jam buka."),
    "missing": _l("Isi jam buka dan jam tutup, atau centang Tutup."),
}


def new_request_key():
    return secrets.token_hex(16)


def _digits_or_none(value):
    value = (value or "").strip()
    return int(value) if identity.is_digits(value) and len(value) <= 9 else None


class BookingForm(FlaskForm):
    """Ambil antrean. The choices are filled by the view; what is posted is checked by the rules
    (app/queue.py), so a tampered value gets a message, not a 500."""

    faskes = HiddenField()
    request_key = HiddenField()
    member = SelectField(_l("Untuk siapa"), validate_choice=False, validators=[DataRequired(REQUIRED)])
    poli = SelectField(_l("Poli"), validate_choice=False, validators=[DataRequired(REQUIRED)])
    visit_date = SelectField(_l("Tanggal berobat"), validate_choice=False, validators=[DataRequired(REQUIRED)])

    def validate_member(self, field):
        if _digits_or_none(field.data) is None:
            raise ValidationError(_l("Pilih anggota keluarga dari daftar."))

    def validate_poli(self, field):
        if _digits_or_none(field.data) is None:
            raise ValidationError(_l("Pilih poli dari daftar."))

    def validate_visit_date(self, field):
        if rules.parse_iso_date(field.data) is None:
            raise ValidationError(_l("Pilih tanggal dari daftar."))

    def validate_request_key(self, field):
        key = (field.data or "").strip()
        if len(key) != 32 or any(c not in "0123456789abcdef" for c in key):
            field.data = new_request_key()
            raise ValidationError(_l("Formulir ini sudah kedaluwarsa. Periksa pilihan Anda, lalu kirim lagi."))

    @property
    def member_id(self):
        return _digits_or_none(self.member.data)

    @property
    def poli_id(self):
        return _digits_or_none(self.poli.data)

    @property
    def day(self):
        return rules.parse_iso_date(self.visit_date.data)


def beds_form(rows):
    """One form for every bed class at once: `tersedia_<class>` and `total_<class>`.

    `rows` is [(bed_class, BedAvailability or None)]: a class already reported must be filled in
    (0 when none); a class never reported may stay empty."""
    reported = {bed_class for bed_class, row in rows if row is not None}

    class BedsForm(FlaskForm):
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
        setattr(BedsForm, f"tersedia_{bed_class}", StringField(_l("%(label)s: tersedia", label=label)))
        setattr(BedsForm, f"total_{bed_class}", StringField(_l("%(label)s: seluruhnya", label=label)))
    return BedsForm()


class HoursForm(FlaskForm):
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


for _weekday, _name in enumerate(WEEKDAYS):
    setattr(HoursForm, f"buka_{_weekday}", StringField(_l("Buka")))
    setattr(HoursForm, f"tutup_{_weekday}", StringField(_l("Tutup")))
    setattr(HoursForm, f"libur_{_weekday}", BooleanField(_l("Tutup sepanjang hari")))


class ServicesForm(FlaskForm):
    services = SelectMultipleField(_l("Layanan"), choices=[SelectChoice(s, SERVICE_LABELS[s]) for s in rules.SERVICES],
                                   validate_choice=False)

    def validate_services(self, field):
        if any(value not in rules.SERVICES for value in field.data or ()):
            raise ValidationError(_l("Pilih layanan dari daftar."))
