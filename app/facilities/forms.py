"""The facility search form (GET /faskes), read from the query string.

A search is a GET with bookmarkable parameters, so it needs no CSRF token and no WTForms: every
parameter is checked here; a bad one is dropped with a message (in Indonesian), never a 500.

    nama        words of the name, address, district or regency, in any order (query_words())
    jenis       one of Facility.KINDS
    layanan     a service code (Facility.services)
    mitra=1     BPJS partners only
    provinsi, kabupaten, kecamatan   the region picker (RegionChoice)
    lat, lon    coordinates: sorted by distance
    terdekat=1  a signed-in participant without coordinates: their family's district, then regency
    halaman     page number, 1 by default
"""
import math

from app.core.extensions import lazy_gettext as _l
from app.core.labels import KIND_LABELS, SERVICE_LABELS
from app.facilities.service import Filters
from app.rules.facilities import query_words

NAME_MAX = 100
#: what is echoed back of an over-long name (the rest is not needed to correct it)
NAME_ECHO_MAX = 200
#: a page number beyond this is simply empty (and keeps OFFSET within 64 bits)
PAGE_MAX = 10_000_000

MESSAGES = {
    "name_long": _l("Nama faskes terlalu panjang: paling banyak %(n)d huruf.", n=NAME_MAX),
    "name_empty": _l("Ketik nama faskes dengan huruf atau angka."),
    "kind": _l("Jenis faskes tidak dikenal, jadi tidak dipakai. Pilih dari daftar."),
    "service": _l("Layanan tidak dikenal, jadi tidak dipakai. Pilih dari daftar."),
    "coordinates": _l("Lokasi tidak valid (lintang -90 sampai 90, bujur -180 sampai 180), "
                      "jadi hasil tidak diurutkan menurut jarak."),
    "region": _l("Wilayah yang dipilih tidak dikenal, jadi pencarian tanpa wilayah."),
    "nearest": _l("Untuk faskes terdekat, tekan “Gunakan lokasi saya” atau masuk sebagai peserta. "
                  "Anda juga bisa memilih wilayah."),
}


def _coordinate(text, limit):
    """A float within ±limit, or None (also for nan, inf and "1e999")."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) and -limit <= value <= limit else None


class FacilitySearchForm:
    """The arguments of one search, checked. `problems` holds message keys (see MESSAGES)."""

    def __init__(self, args, choice):
        self.choice = choice
        self.problems = []
        raw_name = args.get("nama") or ""
        self.name_text = raw_name[:NAME_ECHO_MAX]
        self.name_key = ""
        #: the name cannot be searched: the results stay empty, with a message
        self.blocked = False
        if raw_name.strip():
            if len(raw_name) > NAME_MAX:
                self.problems.append("name_long")
                self.blocked = True
            else:
                self.name_key = " ".join(query_words(raw_name))
                if not self.name_key:
                    self.problems.append("name_empty")
                    self.blocked = True

        self.kind = (args.get("jenis") or "").strip()
        if self.kind and self.kind not in KIND_LABELS:
            self.problems.append("kind")
            self.kind = ""
        self.service = (args.get("layanan") or "").strip()
        if self.service and self.service not in SERVICE_LABELS:
            self.problems.append("service")
            self.service = ""
        self.partner_only = (args.get("mitra") or "") in ("1", "on", "ya")

        lat_text, lon_text = (args.get("lat") or "").strip(), (args.get("lon") or "").strip()
        self.lat = self.lon = None
        if lat_text or lon_text:
            lat, lon = _coordinate(lat_text, 90), _coordinate(lon_text, 180)
            if lat is None or lon is None:
                self.problems.append("coordinates")
            else:
                self.lat, self.lon = lat, lon
        self.nearest = (args.get("terdekat") or "") == "1"
        if choice.invalid:
            self.problems.append("region")

        page = (args.get("halaman") or "").strip()
        self.page = min(int(page), PAGE_MAX) if page.isdigit() and page.isascii() and int(page) > 0 else 1

    @property
    def region(self):
        return self.choice.district or self.choice.regency or self.choice.province

    @property
    def has_coordinates(self):
        return self.lat is not None

    def has_criteria(self):
        """Anything to search by besides `terdekat`; a dropped bad value counts (the search runs
        without it, under its message)."""
        return bool(self.name_key or self.kind or self.service or self.partner_only or self.region
                    or self.has_coordinates or self.problems)

    def filters(self, **override):
        choice = self.choice
        values = dict(
            name=self.name_key, kind=self.kind, service=self.service, partner_only=self.partner_only,
            province_code=choice.province.code if choice.province else "",
            regency_code=choice.regency.code if choice.regency else "",
            district_code=choice.district.code if choice.district else "",
        )
        values.update(override)
        return Filters(**values)

    def messages(self):
        return [MESSAGES[key] for key in self.problems]

    def query_args(self, **override):
        """The checked arguments, for the links to other pages of the same search."""
        choice = self.choice
        args = {
            "nama": self.name_text if not self.blocked else "", "jenis": self.kind, "layanan": self.service,
            "mitra": "1" if self.partner_only else "",
            "provinsi": choice.province.code if choice.province else "",
            "kabupaten": choice.regency.code if choice.regency else "",
            "kecamatan": choice.district.code if choice.district else "",
            "lat": f"{self.lat:.5f}" if self.has_coordinates else "",
            "lon": f"{self.lon:.5f}" if self.has_coordinates else "",
            "terdekat": "1" if self.nearest else "",
        }
        args.update(override)
        return {name: value for name, value in args.items() if value not in ("", None)}
