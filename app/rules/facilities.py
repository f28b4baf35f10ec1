"""Facility rules: how names are searched, and distances on the globe (pure functions)."""
import math
import re

from rapidfuzz.distance import OSA

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


# --- text search: the words of a facility and of a query ---------------------------------------------

#: spelled-out types → the abbreviation people type (longest first); the same on both sides
_ABBREVIATIONS = (
    ("rumah sakit umum daerah", "rsud"), ("rumah sakit ibu dan anak", "rsia"), ("rumah sakit ibu anak", "rsia"),
    ("rumah sakit umum", "rsu"), ("rumah sakit", "rs"), ("rs umum daerah", "rsud"),
    ("rs ibu dan anak", "rsia"), ("rs umum", "rsu"), ("puskesmas", "pkm"), ("apotik", "apotek"),
)
_ABBREVIATION = re.compile(r"\b(" + "|".join(re.escape(long) for long, _ in _ABBREVIATIONS) + r")\b")
_SHORT = dict(_ABBREVIATIONS)
#: a word for each kind, so "rs harapan" finds "Harapan Sehat" when it is a hospital
KIND_WORDS = {"rumah_sakit": "rs", "puskesmas": "pkm", "klinik_pratama": "klinik", "klinik_utama": "klinik",
              "apotek": "apotek", "optik": "optik", "laboratorium": "laboratorium"}
QUERY_WORDS_MAX = 8


def words(text):
    """Lower-case [a-z0-9] words with the spelled-out types abbreviated ("Rumah Sakit X" → rs, x)."""
    plain = " ".join(re.sub(r"[^0-9a-z]+", " ", (text or "").lower()).split())
    return _ABBREVIATION.sub(lambda m: _SHORT[m.group(1)], plain).split()


def _unique(items):
    return list(dict.fromkeys(items))


def name_text(name, kind):
    """The searched words of a facility's name, with its kind's word."""
    return " ".join(_unique(words(name) + ([KIND_WORDS[kind]] if kind in KIND_WORDS else [])))


def place_text(*parts):
    """The searched words of where it is: address, district, regency."""
    return " ".join(_unique(w for part in parts for w in words(part)))


def query_words(text):
    """The words of a query, in order, without repeats or single letters (at most QUERY_WORDS_MAX)."""
    return _unique(w for w in words(text) if len(w) > 1 or w.isdigit())[:QUERY_WORDS_MAX]


def max_edits(word):
    """Typos forgiven in a word: none under 4 letters, one under 8, two from 8 letters."""
    return 0 if len(word) < 4 or word.isdigit() else 1 if len(word) < 8 else 2


def close_words(word, vocabulary, limit=5):
    """Words of `vocabulary` within max_edits(word) of `word`, closest first (typos: "cibnong"; two
    letters swapped count as one edit)."""
    edits = max_edits(word)
    if not edits:
        return []
    found = sorted((distance, term) for term in vocabulary if abs(len(term) - len(word)) <= edits
                   and (distance := OSA.distance(word, term, score_cutoff=edits)) <= edits)
    return [term for _, term in found[:limit] if term != word]
