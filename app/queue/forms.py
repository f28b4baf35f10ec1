"""Forms of the antrean, with their messages in plain Indonesian."""
import secrets

from wtforms import HiddenField
from wtforms.validators import DataRequired, ValidationError

from app.core.extensions import lazy_gettext as _l
from app.core.formatting import date_id
from app.core.forms import REQUIRED, Form, SelectField
from app.rules import identity
from app.rules import queue as rules

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


def new_request_key():
    return secrets.token_hex(16)


def _digits_or_none(value):
    value = (value or "").strip()
    return int(value) if identity.is_digits(value) and len(value) <= 9 else None


class BookingForm(Form):
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


def refusal_text(refused):
    facts = dict(refused.facts)
    for key in ("first", "last", "day", "month"):
        if key in facts:
            facts[key] = date_id(facts[key])
    facts.setdefault("number", 0)
    facts.pop("status", None)
    return str(REFUSALS[refused.code]) % facts
