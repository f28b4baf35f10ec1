"""Fasilitas kesehatan (faskes): the search and "nearest" queries, and the labels people see.

The queries take their filters as arguments (a `Filters`), so the pages, a future API and the SMS
adapter ("FASKES <kecamatan>") share them. Views never build SQL.

Name: the search key of the query is a prefix of Facility.search_name, found through its index
(a contains-match would read every row: see scripts/bench_facilities.py).

Nearest: a bounding box on the indexed (latitude, longitude) columns picks the candidates, grown
5 → 10 → 20 → 50 → 100 → 200 → 500 km until it holds enough rows; only those are measured exactly
(haversine) and sorted. Only the ids and coordinates of the candidates are read; the page's rows
are then read by id.
"""
import math
import re
from dataclasses import dataclass
from datetime import timedelta
from functools import reduce
from operator import and_

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from peewee import OP, SQL, Case, Expression, fn

from app.core import clock
from app.core.db import db, is_sqlite
from app.core.labels import BED_CLASS_LABELS, DAY_NAMES, SERVICE_LABELS
from app.models import BedAvailability, Facility, FacilityService, OpeningHours, Region
from app.rules.facilities import bounding_box, distance_km

PER_PAGE = 20
#: the growing bounding box of a nearest search, in km: steps of at most ×2.5, so the box that
#: first holds enough facilities holds not many more than needed
RADII_KM = (5, 10, 20, 50, 100, 200, 500)
#: a nearest search pages through at most this many facilities (10 pages)
NEAREST_MAX = 200
_NOT_KEY = re.compile(r"[^0-9a-z ]")
#: bed counts older than this are labelled "data lama"
STALE_AFTER = timedelta(hours=24)

#: lists that do not say whether a facility is a BPJS partner (is_partner False means "unknown")
PARTNER_UNKNOWN_SOURCES = ("hospitals", "jakarta")


@dataclass(frozen=True)
class Filters:
    """What a search asks for; empty means "any". `name` is already a search_key()."""

    name: str = ""
    kind: str = ""
    service: str = ""
    partner_only: bool = False
    province_code: str = ""
    regency_code: str = ""
    district_code: str = ""


@dataclass
class Page:
    """One page of results: [(facility, km or None)], and whether another page follows."""

    rows: list
    number: int
    has_next: bool
    #: nearest searches: the radius the rows were found in, and whether it had to stop there
    radius_km: float | None = None
    cut_off: bool = False


def _conditions(filters):
    conditions = []
    if filters.name:
        conditions.append(_starts_with(Facility.search_name, filters.name))
    if filters.kind:
        conditions.append(Facility.kind == filters.kind)
    if filters.partner_only:
        conditions.append(Facility.is_partner == True)  # SQL: peewee needs ==
    if filters.district_code:
        conditions.append(Facility.district == filters.district_code)
    elif filters.regency_code:
        conditions.append(Facility.regency_code == filters.regency_code)
    elif filters.province_code:
        conditions.append(Facility.province_code == filters.province_code)
    if filters.service:
        # EXISTS, not IN: the planner probes the (facility, service) index for each facility the
        # bounding box found, instead of hashing every facility that offers the service
        conditions.append(fn.EXISTS(FacilityService.select(SQL("1")).where(
            (FacilityService.facility == Facility.id) & (FacilityService.service == filters.service))))
    return conditions


def _starts_with(field, key):
    """`field` starts with `key`; both are search keys (lower case [a-z0-9 ]).

    The range lets the search_name index find the rows ("~" sorts after every key character); the
    pattern re-checks them whatever the database collation. Peewee writes the case-sensitive match
    as LIKE on PostgreSQL and GLOB on SQLite; characters outside [a-z0-9 ] are dropped first, so no
    wildcard of either can slip in.
    """
    key = _NOT_KEY.sub("", key)
    pattern = f"{key}*" if is_sqlite() else f"{key}%"
    return (field >= key) & (field < f"{key}~") & Expression(field, OP.LIKE, pattern)


def _filtered(query, filters, *more):
    conditions = _conditions(filters) + list(more)
    return query.where(reduce(and_, conditions)) if conditions else query


def search(filters, page=1, per_page=PER_PAGE, first_district=None):
    """Facilities matching `filters` by name (those in `first_district` first), one page."""
    order = [Facility.search_name, Facility.id]
    if first_district:
        order.insert(0, Case(None, ((Facility.district == first_district, 0),), 1))
    rows = list(_filtered(Facility.select(), filters).order_by(*order)
                .offset((page - 1) * per_page).limit(per_page + 1))
    return Page([(f, None) for f in rows[:per_page]], page, len(rows) > per_page)


def _within(lat, lon, radius, filters):
    """[(km, id)] of the facilities matching `filters` within `radius` km (via the bounding box)."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
    query = _filtered(Facility.select(Facility.id, Facility.latitude, Facility.longitude),
                      filters, Facility.latitude.between(min_lat, max_lat),
                      Facility.longitude.between(min_lon, max_lon))
    candidates = db.execute(query).fetchall()  # plain tuples: no model rows for hundreds of ids
    return [(km, pk) for pk, la, lo in candidates if (km := distance_km(lat, lon, la, lo)) <= radius]


def near(lat, lon, filters, page=1, per_page=PER_PAGE):
    """Facilities matching `filters`, nearest to (lat, lon) first, one page, with distances (km).

    Only facilities within the largest radius are listed; `cut_off` says when the list stops there.
    """
    offset = (page - 1) * per_page
    need = offset + per_page + 1
    if offset >= NEAREST_MAX:
        return Page([], page, False, RADII_KM[-1], True)
    step, found = 0, []
    while True:
        radius = RADII_KM[step]
        found = _within(lat, lon, radius, filters)
        if len(found) >= need or step == len(RADII_KM) - 1:
            break
        # the next step, or further when the density so far says it will not be enough (nothing
        # found: at least four times the radius, 5 → 20 → 100 → 500 km)
        wanted = radius * math.sqrt(need / len(found)) if found else radius * 4
        step = next((i for i in range(step + 1, len(RADII_KM)) if RADII_KM[i] >= wanted), len(RADII_KM) - 1)
    found.sort()
    chosen = found[offset:offset + per_page]
    by_id = {f.id: f for f in Facility.select().where(Facility.id.in_([pk for _, pk in chosen]))}
    has_next = len(found) > offset + per_page and offset + per_page < NEAREST_MAX
    return Page([(by_id[pk], km) for km, pk in chosen], page, has_next, radius, len(found) < need)


def regions_of(facility):
    """[district, regency, province] names as far as known (most specific first)."""
    codes = [c for c in (facility.district_code, facility.regency_code, facility.province_code) if c]
    found = {r.code: r.name for r in Region.select(Region.code, Region.name).where(Region.code.in_(codes))}
    return [found[c] for c in codes if c in found]


def hours_of(facility):
    """[(day name, text)] Monday to Sunday: "07.30–14.00", "24 jam" or "Tutup"; [] when none are known."""
    hours = {h.weekday: h for h in OpeningHours.select().where(OpeningHours.facility == facility)}
    if not hours:
        return []
    days = []
    for weekday, day in enumerate(DAY_NAMES):
        h = hours.get(weekday)
        if h is None:
            days.append((day, _l("Tutup")))
        elif (h.opens, h.closes) == ("00:00", "23:59"):
            days.append((day, _l("24 jam")))
        else:
            days.append((day, f"{h.opens.replace(':', '.')}–{h.closes.replace(':', '.')}"))
    return days


def services_of(facility):
    """Labels of the services offered, in the order of SERVICE_LABELS."""
    offered = {s.service for s in FacilityService.select(FacilityService.service)
               .where(FacilityService.facility == facility)}
    return [label for code, label in SERVICE_LABELS.items() if code in offered]


def beds_of(facility, now=None):
    """[(label, available, total, updated_at, stale)] per bed class, in the order of BED_CLASS_LABELS."""
    now = now or clock.now()
    order = {bed_class: i for i, bed_class in enumerate(BED_CLASS_LABELS)}
    beds = sorted(BedAvailability.select().where(BedAvailability.facility == facility),
                  key=lambda b: (order.get(b.bed_class, len(order)), b.bed_class))
    return [(BED_CLASS_LABELS.get(b.bed_class, b.bed_class), b.available, b.total, b.updated_at,
             now - b.updated_at > STALE_AFTER) for b in beds]


def partner_status(facility):
    """"ya", "tidak", or "belum_tercatat" when the list it came from does not say."""
    if facility.is_partner:
        return "ya"
    return "belum_tercatat" if facility.source in PARTNER_UNKNOWN_SOURCES else "tidak"


def distance_text(km):
    """`1,2 km` (one decimal under 10 km, whole km above; a decimal point in English)."""
    text = f"{km:.1f}" if km < 10 else f"{km:.0f}"
    if str(get_locale()) != "en":
        text = text.replace(".", ",")
    return f"{text} km"
