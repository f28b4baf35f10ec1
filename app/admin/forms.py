"""Staff accounts (akun petugas): the admin's form."""
import re

from wtforms import BooleanField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.core.extensions import fast_gettext as _
from app.core.extensions import lazy_gettext as _l
from app.core.forms import REQUIRED, USERNAME, Form, SelectField
from app.core.labels import ROLE_LABELS
from app.models import SCOPES, STAFF_ROLES, Facility, Region

_SPLIT = re.compile(r"[\s,;]+")
MAX_DISTRICTS = 20


def district_codes(text):
    """"32.01.01, 32.73.02" → the codes, in order, once each."""
    return list(dict.fromkeys(code for code in _SPLIT.split(text or "") if code))


class StaffForm(Form):
    username = StringField(_l("Nama pengguna"), validators=[Optional(), Length(max=40, message=_l(
        "Terlalu panjang (maksimal 40 karakter)."))])
    role = SelectField(_l("Peran"), validate_choice=False,
                       choices=[SelectChoice(role, ROLE_LABELS[role]) for role in STAFF_ROLES])
    facility = StringField(_l("Kode faskes (untuk petugas faskes)"),
                           validators=[Length(max=20, message=_l("Kode faskes paling panjang 20 karakter."))])
    districts = StringField(_l("Kecamatan tugas (untuk fasilitator)"),
                            validators=[Length(max=300, message=_l("Terlalu panjang (maksimal 300 karakter)."))])
    active = BooleanField(_l("Akun aktif (bisa masuk)"))

    def __init__(self, *args, new=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.new = new
        if new:
            self.username.validators = [DataRequired(REQUIRED), *self.username.validators]

    def validate_username(self, field):
        if self.new and not field.errors and not USERNAME.match((field.data or "").strip().lower()):
            raise ValidationError(_l("3–40 huruf kecil, angka, titik, garis bawah atau tanda hubung."))

    def validate_role(self, field):
        if field.data not in STAFF_ROLES:
            raise ValidationError(_l("Pilih peran dari daftar."))

    def validate_facility(self, field):
        code = (field.data or "").strip()
        if self.role.data == "petugas_faskes" and not code:
            raise ValidationError(_l("Petugas faskes bekerja di satu faskes: isi kodenya."))
        if code and Facility.get_or_none(Facility.code == code) is None:
            raise ValidationError(_l("Tidak ada faskes dengan kode ini. Periksa lagi kodenya."))

    def validate_districts(self, field):
        codes = district_codes(field.data)
        if self.role.data == "fasilitator" and not codes:
            raise ValidationError(_l("Fasilitator melayani kecamatan tertentu: isi kodenya, misalnya 32.01.01."))
        if len(codes) > MAX_DISTRICTS:
            raise ValidationError(_l("Paling banyak 20 kecamatan."))
        unknown = [code for code in codes if Region.lookup(code, Region.DISTRICT) is None]
        if unknown:
            # gettext, not lazy_gettext: a lazy string is markup-safe to Jinja, and these codes were typed
            raise ValidationError(_("Bukan kode kecamatan: %(codes)s", codes=", ".join(unknown[:3])))


class KioskForm(Form):
    """A terminal of a facility to register as a kiosk."""

    facility = StringField(_l("Kode faskes"), validators=[DataRequired(REQUIRED), Length(max=20)])
    name = StringField(_l("Nama perangkat (contoh: Kios lobi)"),
                       validators=[DataRequired(REQUIRED), Length(max=60, message=_l("Maksimal 60 karakter."))])

    def validate_facility(self, field):
        self.found = Facility.get_or_none(Facility.code == field.data.strip().upper())
        if self.found is None:
            raise ValidationError(_l("Tidak ada faskes dengan kode ini."))
class ApiClientForm(Form):
    """A new client of the office API (klien API): a name and the scopes its token may use."""

    name = StringField(_l("Nama klien"), validators=[DataRequired(REQUIRED), Length(max=60, message=_l(
        "Terlalu panjang (maksimal 60 karakter)."))])
    scopes = SelectMultipleField(_l("Izin (scope)"), choices=[SelectChoice(s, s) for s in SCOPES],
                                 validators=[DataRequired(_l("Pilih paling sedikit satu izin."))])

    def validate_name(self, field):
        field.data = " ".join((field.data or "").split())
        if not re.fullmatch(r"[A-Za-z0-9 ._-]{2,60}", field.data):
            raise ValidationError(_l("2–60 huruf, angka, spasi, titik, garis bawah atau tanda hubung."))
