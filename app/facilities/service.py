"""Fasilitas kesehatan (faskes): the search and "nearest" queries, and the labels people see.

The queries take their filters as arguments (a `Filters`), so the pages, a future API and the SMS
adapter ("FASKES <kecamatan>") share them. Views never build SQL.

Text: every word of the query (abbreviated like the stored words: "rumah sakit" → rs, "puskesmas" →
pkm) must start a word of the facility's name, kind, address, district or regency, in any order;
a word found nowhere is replaced by the stored words within one or two typos ("cibnong" → cibinong).
The database's own full-text index does the matching: FTS5 (facility_fts, its vocabulary
facility_fts_vocab) on SQLite; the tsvector column search_tsv (GIN) and the word list facility_word
(pg_trgm) on PostgreSQL. Results are ranked by relevance (a word in the name counts more than one
in the address, a typo less) and then by distance when the location is known, else by name.

Nearest: a bounding box on the indexed (latitude, longitude) columns picks the candidates, grown
5 → 10 → 20 → 50 → 100 → 200 → 500 km until it holds enough rows; only those are measured exactly
(haversine) and sorted. Only the ids and coordinates of the candidates are read; the page's rows
are then read by id.
"""
import functools
import math
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import reduce
from operator import and_

from flask_babel import get_locale
from peewee import OP, SQL, Case, Expression, Value, fn

from app.core import clock
from app.core.audit import audit
from app.core.db import Prepared, db, is_sqlite, write_lock
from app.core.extensions import lazy_gettext as _l
from app.core.labels import BED_CLASS_LABELS, DAY_NAMES, SERVICE_LABELS
from app.models import BedAvailability, Facility, OpeningHours, Region
from app.queue import service as queue
from app.rules import facilities as facility_rules
from app.rules.facilities import bounding_box, distance_km

PER_PAGE = 20
#: the growing bounding box of a nearest search, in km: steps of at most ×2.5, so the box that
#: first holds enough facilities holds not many more than needed
RADII_KM = (5, 10, 20, 50, 100, 200, 500)
#: a nearest search pages through at most this many facilities (10 pages)
NEAREST_MAX = 200
#: bed counts older than this are labelled "data lama"
STALE_AFTER = timedelta(hours=24)



@dataclass(frozen=True)
class Filters:
    """What a search asks for; empty means "any". `name` is the query's words (query_words()),
    space-separated."""

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


#: a search's region filters, the most specific first, and the facility column each is matched on
_REGION_COLUMNS = {"district_code": Facility.district, "regency_code": Facility.regency_code,
                   "province_code": Facility.province_code}


def _region(filters):
    """(level, code) of the most specific region the filters give (district, regency, province), or
    ("", "")."""
    return next(((level, getattr(filters, level)) for level in _REGION_COLUMNS if getattr(filters, level)),
                ("", ""))


def _conditions(filters, today=None):
    """The SQL conditions of `filters`: its values, or a prepared query's placeholders (`_shaped`)."""
    conditions = []
    if filters.name:
        conditions.append(_matches(_alternatives(filters.name.split())))
    if filters.kind:
        conditions.append(Facility.kind == filters.kind)
    if filters.partner_only:
        today = clock.today() if today is None else today
        conditions.append((Facility.is_partner == True)  # SQL: peewee needs ==
                          & (Facility.partner_from.is_null() | (Facility.partner_from <= today))
                          & (Facility.partner_until.is_null() | (Facility.partner_until >= today)))
    level, code = _region(filters)
    if level:
        conditions.append(_REGION_COLUMNS[level] == code)
    if filters.service:
        conditions.append(Facility.offering(filters.service))
    return conditions


# --- text search -----------------------------------------------------------------------------------

def _known_prefix(word):
    """Some stored word starts with `word` (the vocabulary's index answers)."""
    if is_sqlite():
        sql = "SELECT 1 FROM facility_fts_vocab WHERE term >= ? AND term < ? LIMIT 1"
    else:  # the pattern operators of the index's text_pattern_ops (plain >= and < scan the list)
        sql = "SELECT 1 FROM facility_word WHERE word ~>=~ %s AND word ~<~ %s LIMIT 1"
    return db.execute_sql(sql, (word, word + "~")).fetchone() is not None


def _vocabulary_near(word):
    """Stored words that may be `word` with a typo (checked exactly by close_words)."""
    if is_sqlite():  # same first letter, length within the typos allowed
        edits = facility_rules.max_edits(word)
        rows = db.execute_sql("SELECT term FROM facility_fts_vocab WHERE term >= ? AND term < ? "
                              "AND length(term) BETWEEN ? AND ?",
                              (word[0], word[0] + "~", len(word) - edits, len(word) + edits))
    else:  # trigram similarity through the word list's GIN index
        rows = db.execute_sql("SELECT word FROM facility_word WHERE word %% %s", (word,))
    return [term for (term,) in rows.fetchall()]


def _alternatives(words):
    """[(word, [stored words it may be a typo of])]; the list is empty for a word that is found."""
    found = []
    for word in words:
        if facility_rules.max_edits(word) and not _known_prefix(word):
            found.append((word, facility_rules.close_words(word, _vocabulary_near(word))))
        else:
            found.append((word, []))
    return found


def _matches(alternatives):
    """Every word (as a prefix, or one of its typo alternatives) is among the facility's words."""
    if is_sqlite():
        expression = " AND ".join(
            "(" + " OR ".join([f'"{word}"*'] + [f'"{alt}"' for alt in alts]) + ")" for word, alts in alternatives)
        return _fts_match(expression)
    query = " & ".join("(" + " | ".join([f"{word}:*"] + alts) + ")" for word, alts in alternatives)
    return Expression(SQL("search_tsv"), "@@", fn.to_tsquery("simple", query))


def _fts_match(expression):
    """SQLite: the facilities FTS5 finds for `expression`."""
    return Facility.id.in_(SQL("(SELECT rowid FROM facility_fts WHERE facility_fts MATCH ?)", [expression]))


def _all_in_name(words):
    """Every word is (the start of) a word of the facility's name: the best relevance there is."""
    if is_sqlite():
        expression = "search_text : (" + " AND ".join(f'"{word}"*' for word in words) + ")"
        return _fts_match(expression)
    # the expression of the GIN index facility_name_words (migration 0017)
    return Expression(fn.to_tsvector("simple", Facility.search_text), "@@",
                      fn.to_tsquery("simple", " & ".join(f"{word}:*" for word in words)))


def _has_word(field, word, prefix=True):
    """`field` (space-separated words) has a word starting with (or equal to) `word` ([a-z0-9] only)."""
    spaced = Value(" ").concat(field).concat(Value(" "))
    wildcard = "*" if is_sqlite() else "%"
    return Expression(spaced, OP.LIKE, f"{wildcard} {word}{wildcard if prefix else ' ' + wildcard}")


def _relevance(alternatives):
    """Per word: 4 in the name, 2 in the place, 2 a typo in the name, 1 a typo in the place."""
    total = None
    for word, alts in alternatives:
        cases = [(_has_word(Facility.search_text, word), 4), (_has_word(Facility.search_place, word), 2)]
        for alt in alts:
            cases += [(_has_word(Facility.search_text, alt, prefix=False), 2),
                      (_has_word(Facility.search_place, alt, prefix=False), 1)]
        score = Case(None, cases, 0)
        total = score if total is None else total + score
    return total


def refresh_words():
    """After a bulk change of facilities: PostgreSQL's word list for typos is rebuilt (SQLite's
    FTS5 vocabulary follows by itself)."""
    if not is_sqlite():
        db.execute_sql("REFRESH MATERIALIZED VIEW facility_word")


def _filtered(query, filters, *more, today=None):
    conditions = _conditions(filters, today) + list(more)
    return query.where(reduce(and_, conditions)) if conditions else query


def _order(near_to=None, first_district=None, scale=None):
    """Those in `first_district` first, then the nearest to `near_to` (lat, lon) with the located
    ones first, then by name. `scale` (cos² of the latitude) is worked out unless given (a prepared
    query's placeholder)."""
    order = [Facility.search_name, Facility.id]
    if near_to:
        lat, lon = near_to
        scale = math.cos(math.radians(lat)) ** 2 if scale is None else scale
        located = Facility.latitude.is_null(False)
        order[:0] = [Case(None, ((located, 0),), 1), Case(None, ((located, (
            (Facility.latitude - lat) * (Facility.latitude - lat)
            + (Facility.longitude - lon) * (Facility.longitude - lon) * scale)),), 0)]
    if first_district:
        order.insert(0, Case(None, ((Facility.district == first_district, 0),), 1))
    return order


#: the value each placeholder of a search without words stands for (`_shaped`)
_SLOTS = ("kind", "service", "region", "today", "lat", "lon", "scale", "first_district", "offset", "limit")


def _shape(filters, near_to=None, first_district=None):
    """What decides the SQL of a search without words: which filters it has, at which region level,
    whether it has a point or a district to put first; not their values."""
    return (bool(filters.kind), bool(filters.service), _region(filters)[0], filters.partner_only,
            bool(near_to), bool(first_district))


@functools.cache
def _shaped(shape, candidates=False):
    """The search of one shape as a prepared query, its arguments in the order of `_SLOTS`: its SQL
    made once a process, never PREPAREd (a province and a district want other plans). `candidates`:
    the nearest search's [(id, latitude, longitude)] in a bounding box instead, whose (min lat, max
    lat, min lon, max lon) follow the slots."""
    kind, service, level, partner_only, near, first = shape

    def build(*slot):
        value = dict(zip(_SLOTS, slot))
        filters = Filters(kind=value["kind"] if kind else "", service=value["service"] if service else "",
                          partner_only=partner_only, **({level: value["region"]} if level else {}))
        if candidates:
            return _in_box(filters, *slot[len(_SLOTS):], today=value["today"])
        order = _order((value["lat"], value["lon"]) if near else None,
                       value["first_district"] if first else None, value["scale"])
        return (_filtered(Facility.select(), filters, today=value["today"]).order_by(*order)
                .offset(value["offset"]).limit(value["limit"]))

    return Prepared(build, on_server=False, arity=len(_SLOTS) + (4 if candidates else 0))


def _values(filters, near_to=None, first_district=None, offset=0, limit=0):
    """The arguments of `_shaped`, in the order of `_SLOTS`."""
    lat, lon = near_to or (0, 0)
    return (filters.kind, filters.service, _region(filters)[1], clock.today(), lat, lon,
            math.cos(math.radians(lat)) ** 2, first_district or "", offset, limit)


def search(filters, page=1, per_page=PER_PAGE, first_district=None, near_to=None):
    """Facilities matching `filters`, one page: the most relevant first when there are words, then
    the nearest to `near_to` (lat, lon) when given (with distances), those in `first_district`
    first, then by name."""
    if not filters.name:  # (a search by region and kind, the commonest: its SQL made once a shape)
        rows = _shaped(_shape(filters, near_to, first_district))(
            *_values(filters, near_to, first_district, (page - 1) * per_page, per_page + 1))
    else:
        query = Facility.select()
        order = _order(near_to, first_district)
        words, filters = filters.name.split(), replace(filters, name="")
        # A page of facilities with every word in their name is a page of the most relevant ones, in
        # the order below: found without scoring every match (a common word matches thousands).
        rows = _page(_filtered(query.where(_all_in_name(words)), filters).order_by(*order), page, per_page)
        if len(rows) <= per_page:  # not a full page: score every match
            alternatives = _alternatives(words)
            rows = _page(_filtered(query.where(_matches(alternatives)), filters)
                         .order_by(_relevance(alternatives).desc(), *order), page, per_page)
    km = (lambda f: distance_km(*near_to, f.latitude, f.longitude) if f.latitude is not None else None) \
        if near_to else (lambda f: None)
    return Page([(f, km(f)) for f in rows[:per_page]], page, len(rows) > per_page)


def _page(query, page, per_page):
    """One page of rows, and the first of the next when there is one."""
    return list(query.offset((page - 1) * per_page).limit(per_page + 1))


def _in_box(filters, min_lat, max_lat, min_lon, max_lon, today=None):
    """[(id, latitude, longitude)] of the facilities matching `filters` in a bounding box (plain
    tuples: no model rows for hundreds of ids)."""
    return _filtered(Facility.select(Facility.id, Facility.latitude, Facility.longitude).tuples(), filters,
                     Facility.latitude.between(min_lat, max_lat),
                     Facility.longitude.between(min_lon, max_lon), today=today)


def _within(filters):
    """`_in_box` as a function of the box, its SQL made once a search (once a process without words)."""
    if not filters.name:
        within, values = _shaped(_shape(filters), candidates=True), _values(filters)
        return lambda *box: within(*values, *box)
    return Prepared(lambda *box: _in_box(filters, *box), on_server=False, arity=4)


#: one page of facilities by id (a shorter page is padded with 0, which is no id)
_PAGE_BY_IDS = Prepared(lambda *ids: Facility.select().where(Facility.id.in_(ids)), arity=PER_PAGE)


def near(lat, lon, filters, page=1):
    """Facilities matching `filters`, nearest to (lat, lon) first, one page, with distances (km).

    Only facilities within the largest radius are listed; `cut_off` says when the list stops there.
    """
    offset = (page - 1) * PER_PAGE
    need = offset + PER_PAGE + 1
    if offset >= NEAREST_MAX:
        return Page([], page, False, RADII_KM[-1], True)
    within = _within(filters)
    step, found = 0, []
    while True:
        radius = RADII_KM[step]
        found = [(km, pk) for pk, la, lo in within(*bounding_box(lat, lon, radius))
                 if (km := distance_km(lat, lon, la, lo)) <= radius]
        if len(found) >= need or step == len(RADII_KM) - 1:
            break
        # the next step, or further when the density so far says it will not be enough (nothing
        # found: at least four times the radius, 5 → 20 → 100 → 500 km)
        wanted = radius * math.sqrt(need / len(found)) if found else radius * 4
        step = next((i for i in range(step + 1, len(RADII_KM)) if RADII_KM[i] >= wanted), len(RADII_KM) - 1)
    found.sort()
    chosen = found[offset:offset + PER_PAGE]
    by_id = {f.id: f for f in _PAGE_BY_IDS(*[pk for _, pk in chosen], *[0] * (PER_PAGE - len(chosen)))}
    has_next = len(found) > offset + PER_PAGE and offset + PER_PAGE < NEAREST_MAX
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
    return [label for code, label in SERVICE_LABELS.items() if code in facility.services]


def beds_of(facility, now=None):
    """[(label, available, total, updated_at, stale)] per bed class, in the order of BED_CLASS_LABELS."""
    now = now or clock.now()
    order = {bed_class: i for i, bed_class in enumerate(BED_CLASS_LABELS)}
    beds = sorted(BedAvailability.select().where(BedAvailability.facility == facility),
                  key=lambda b: (order.get(b.bed_class, len(order)), b.bed_class))
    return [(BED_CLASS_LABELS.get(b.bed_class, b.bed_class), b.available, b.total, b.updated_at,
             now - b.updated_at > STALE_AFTER) for b in beds]


def partner_status(facility, day=None):
    """"ya", "tidak", or "belum_tercatat" when no list or officer has said."""
    return facility.partner_on(day or clock.today())


def distance_text(km):
    """`1,2 km` (one decimal under 10 km, whole km above; a decimal point in English)."""
    text = f"{km:.1f}" if km < 10 else f"{km:.0f}"
    if str(get_locale()) != "en":
        text = text.replace(".", ",")
    return f"{text} km"


# --- kerja sama and booking ------------------------------------------------------------------------

PARTNER_STATES = {"ya": True, "tidak": False, "belum_tercatat": None}


def set_partnership(officer, facility_id, state, start=None, end=None):
    """An officer records a facility's BPJS partnership ("ya", "tidak", "belum_tercatat") and the
    agreement's dates (only for "ya"). Returns the facility; audited."""
    with write_lock():
        facility = Facility.get_locked(facility_id)
        facility.is_partner = PARTNER_STATES[state]
        facility.partner_from, facility.partner_until = (start, end) if state == "ya" else (None, None)
        facility.updated_at = clock.now()
        facility.save()
        audit(officer, "partnership_set", f"facility:{facility.id}", state=state, start=start, end=end)
    return facility


def may_book_at(participant, facility, today):
    """A participant (or the family they act for) may take a queue number here: the same rules as
    the queue (app/queue/service.py): a partner with polis, their own FKTP or another FKTP, or a
    hospital they hold a valid referral to."""
    route = queue.route_to(participant.family.fktp_id, facility)
    if route is None or not queue.polis_of(facility):
        return False
    if route != "referral":
        return True
    return any(r.to_facility_id == facility.id for r in queue.valid_referrals(participant, today))
