"""Facility rules: how names are searched, and distances on the globe (pure functions)."""
import math
import re

#: Prefixes people type or leave out: "RS Hermina" = "Rumah Sakit Hermina" = "hermina".
_PREFIXES = re.compile(
    r"^(rumah sakit umum daerah|rumah sakit umum|rumah sakit|rsud|rsu|rsia|rs|puskesmas|pkm|"
    r"klinik pratama|klinik utama|klinik|apotek|apotik)\b\s*")
EARTH_RADIUS_KM = 6371.0
#: fasilitas kesehatan tingkat pertama: where a family registers and where referrals start
FKTP_KINDS = ("puskesmas", "klinik_pratama", "dokter_praktik", "dokter_gigi")


def search_key(name):
    """Lower case, letters and digits only, without a facility-type prefix."""
    text = " ".join(re.sub(r"[^0-9a-z]+", " ", (name or "").lower()).split())
    return _PREFIXES.sub("", text, count=1).strip() or text


def distance_km(lat1, lon1, lat2, lon2):
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def bounding_box(lat, lon, radius_km):
    """(min_lat, max_lat, min_lon, max_lon) containing every point within radius_km."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    dlon = math.degrees(radius_km / (EARTH_RADIUS_KM * max(math.cos(math.radians(lat)), 1e-6)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
