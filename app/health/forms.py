"""Forms of the facility staff: visit, referral, PRB enrolment; messages in plain Indonesian."""
from wtforms import SelectChoice, StringField, TextAreaField
from wtforms.validators import ValidationError

from app.core import clock
from app.core.extensions import lazy_gettext as _l
from app.core.forms import REQUIRED, Form, SelectField, parse_date
from app.core.labels import PRB_CONDITION_LABELS, SERVICE_TYPE_LABELS
from app.health import service
from app.rules import health as rules

MEDICINE_ROWS = 3
PROCEDURES_MAX = service.PROCEDURES_MAX
BAD_DATE = _l("Tulis tanggal seperti 25-11-2026.")
VISIT_ERRORS = {
    "visit_future": ("visit_date", _l("Tanggal kunjungan tidak boleh setelah hari ini.")),
    "visit_before_birth": ("visit_date", _l("Tanggal kunjungan sebelum peserta lahir.")),
    "admission_missing": ("admitted_on", _l("Rawat inap: isi tanggal masuk.")),
    "admission_not_inpatient": ("admitted_on", _l("Tanggal masuk dan pulang hanya untuk rawat inap.")),
    "admission_future": ("admitted_on", _l("Tanggal masuk tidak boleh setelah hari ini.")),
    "admission_before_birth": ("admitted_on", _l("Tanggal masuk sebelum peserta lahir.")),
    "discharge_future": ("discharged_on", _l("Tanggal pulang tidak boleh setelah hari ini.")),
    "discharge_before_admission": ("discharged_on", _l("Tanggal pulang sebelum tanggal masuk.")),
    "visit_outside_stay": ("visit_date", _l("Rawat inap: tanggal kunjungan harus di antara tanggal masuk dan pulang.")),
    "control_not_after_visit": ("control_date", _l("Tanggal kontrol harus setelah tanggal kunjungan.")),
    "control_before_discharge": ("control_date", _l("Tanggal kontrol harus setelah tanggal pulang.")),
    "service_type": ("service_type", _l("Pilih jenis pelayanan.")),
}
DIAGNOSIS_ERRORS = {
    "icd10_format": _l("Kode ICD-10 ditulis seperti E11.9 atau I10."),
    "icd10_unknown": _l("Kode ICD-10 ini tidak ada. Cari kodenya di daftar ICD-10."),
    "icd10_not_specific": _l("Kode ini terlalu umum: pilih kode yang lebih rinci (misalnya E11.9, bukan E11)."),
}
MEDICINE_ERRORS = {
    "name_missing": ("name", _l("Tulis nama obat.")),
    "name_too_long": ("name", _l("Nama obat maksimal 100 karakter.")),
    "dose_missing": ("dose", _l("Tulis aturan pakai, misalnya 3 x 1 tablet.")),
    "dose_too_long": ("dose", _l("Aturan pakai maksimal 60 karakter.")),
    "quantity_missing": ("quantity", _l("Tulis jumlah obat.")),
    "quantity_not_number": ("quantity", _l("Jumlah ditulis dengan angka.")),
    "quantity_range": ("quantity", _l("Jumlah obat 1 sampai 1000.")),
    "days_missing": ("days", _l("Tulis untuk berapa hari.")),
    "days_not_number": ("days", _l("Hari ditulis dengan angka.")),
    "days_range": ("days", _l("Lama pemakaian 1 sampai 90 hari.")),
}


def _date_field(label):
    return StringField(label, render_kw={"placeholder": "25-11-2026", "maxlength": 10, "inputmode": "numeric"})


class VisitForm(Form):
    visit_date = _date_field(_l("Tanggal kunjungan"))
    service_type = SelectField(_l("Jenis pelayanan"), choices=[SelectChoice(k, v) for k, v in SERVICE_TYPE_LABELS.items()],
                               validate_choice=False)  # checked by rules.visit_problems, with our words
    admitted_on = _date_field(_l("Tanggal masuk (rawat inap)"))
    discharged_on = _date_field(_l("Tanggal pulang (rawat inap)"))
    diagnosis_1 = StringField(_l("Diagnosis utama (kode ICD-10)"), render_kw={"maxlength": 8})
    diagnosis_2 = StringField(_l("Diagnosis tambahan (kode ICD-10, boleh kosong)"), render_kw={"maxlength": 8})
    procedures = TextAreaField(_l("Tindakan (boleh kosong)"), render_kw={"maxlength": PROCEDURES_MAX, "rows": 2})
    control_date = _date_field(_l("Tanggal kontrol (boleh kosong)"))
    for _i in range(1, MEDICINE_ROWS + 1):
        locals()[f"med{_i}_name"] = StringField(_l("Obat %(n)d: nama", n=_i), render_kw={"maxlength": 100})
        locals()[f"med{_i}_dose"] = StringField(_l("Obat %(n)d: aturan pakai", n=_i), render_kw={"maxlength": 60})
        locals()[f"med{_i}_quantity"] = StringField(_l("Obat %(n)d: jumlah", n=_i),
                                                    render_kw={"maxlength": 5, "inputmode": "numeric"})
        locals()[f"med{_i}_days"] = StringField(_l("Obat %(n)d: untuk berapa hari", n=_i),
                                                render_kw={"maxlength": 3, "inputmode": "numeric"})
    del _i

    def medicine_rows(self):
        return [[getattr(self, f"med{i}_{part}") for part in ("name", "dose", "quantity", "days")]
                for i in range(1, MEDICINE_ROWS + 1)]

    def checked(self, birth_date):
        """The record to save, or None after putting each problem next to its field. The rules are
        applied by service.check_visit (the office API uses the same)."""
        ok = self.validate()
        dates = {}
        for name in ("visit_date", "admitted_on", "discharged_on", "control_date"):
            field = getattr(self, name)
            text = (field.data or "").strip()
            if not text:
                if name == "visit_date":
                    field.errors.append(REQUIRED)
                    ok = False
                dates[name] = None
                continue
            dates[name] = parse_date(text)
            if dates[name] is None:
                field.errors.append(BAD_DATE)
                ok = False
        diagnosis_fields = [f for f in (self.diagnosis_1, self.diagnosis_2) if (f.data or "").strip()]
        if not (self.diagnosis_1.data or "").strip():
            self.diagnosis_1.errors.append(REQUIRED)
            ok = False
        medicine_rows = [row for row in self.medicine_rows() if any((f.data or "").strip() for f in row)]
        values = {**dates, "service_type": self.service_type.data, "procedures": self.procedures.data,
                  "diagnoses": [f.data.strip() for f in diagnosis_fields],
                  "medicines": [tuple((f.data or "").strip() for f in row) for row in medicine_rows]}
        if not ok:
            values["visit_date"] = None  # a date is missing or unreadable: check the rest only
        record, problems = service.check_visit(values, birth_date, clock.today())
        for where, code in problems:
            if code == "diagnosis_missing":
                continue  # said above, next to the main diagnosis
            if code == "procedures_too_long":
                self.procedures.errors.append(_l("Tindakan maksimal 300 karakter."))
            elif isinstance(where, str):
                getattr(self, where).errors.append(VISIT_ERRORS[code][1])
            elif where[0] == "diagnoses":
                diagnosis_fields[where[1]].errors.append(DIAGNOSIS_ERRORS[code])
            else:
                medicine_rows[where[1]][service.MEDICINE_PARTS.index(where[2])].errors.append(MEDICINE_ERRORS[code][1])
        return record if ok and not problems else None


class ReferralForm(Form):
    poli = SelectField(_l("Rujuk ke poli rumah sakit"), choices=[], validate_choice=False)

    def validate_poli(self, field):
        if not (field.data or "").isdigit():
            raise ValidationError(_l("Pilih poli tujuan."))


class PrbForm(Form):
    condition = SelectField(_l("Penyakit kronis"), choices=[SelectChoice(k, v) for k, v in PRB_CONDITION_LABELS.items()],
                            validate_choice=False)
    pharmacy = SelectField(_l("Apotek PRB"), choices=[], validate_choice=False)
    pickup_day = StringField(_l("Tanggal ambil obat setiap bulan (1–28)"), render_kw={"maxlength": 2, "inputmode": "numeric"})
    last_control = _date_field(_l("Tanggal kontrol terakhir ke dokter spesialis"))

    def validate_condition(self, field):
        if field.data not in rules.PRB_CONDITIONS:
            raise ValidationError(_l("Pilih penyakit kronis dari daftar."))

    def validate_pickup_day(self, field):
        text = (field.data or "").strip()
        if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 28):
            raise ValidationError(_l("Tulis tanggal 1 sampai 28."))

    def validate_last_control(self, field):
        day = parse_date(field.data)
        if day is None:
            raise ValidationError(BAD_DATE)
        if day > clock.today():
            raise ValidationError(_l("Tanggal kontrol terakhir tidak boleh setelah hari ini."))
        field.parsed = day

    def validate_pharmacy(self, field):
        if not (field.data or "").isdigit():
            raise ValidationError(_l("Pilih apotek PRB."))
