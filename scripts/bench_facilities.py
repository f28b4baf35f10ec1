"""Nearest-facility search at national size: server time of `/faskes?lat=…&lon=…` and its page size.

Builds the benchmark database with tests.conftest.build_app (its schema is wiped and migrated, the
regions and demo data loaded), imports the four shared facility lists with the real importer (read
from ../shared/data/facilities, never copied), adds synthetic facilities (random points inside
Indonesia's bounding box, made-up names, random regencies and services) in batches, runs VACUUM ANALYZE,
then times the full GET of the search page (by location, and by text: words of real names in
another order, the same with a typo, common words that match thousands) through the Flask test client (Accept-Encoding: gzip)
for random points: near real facilities (where people are) and, for the worst case, anywhere in the
bounding box (often at sea: the box grows to its largest radius). Prints p50/p99 ms, the transfer
size (gzip, headers included) and EXPLAIN ANALYZE of the bounding-box query. Figures only; it never
fails on them.

    .venv/bin/python scripts/bench_facilities.py --database-url postgresql://postgres@127.0.0.1:5432/bench_fac
"""
import argparse
import math
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from app.core import labels
from app.core.db import db, is_sqlite  # noqa: E402
from app.facilities import service as facilities  # noqa: E402
from app.facilities.importer import import_facilities  # noqa: E402
from app.models import Facility, Region  # noqa: E402
from app.rules.facilities import bounding_box, search_key  # noqa: E402

try:
    from tests.conftest import build_app
    from tests.helpers import transfer_size
except ImportError as error:  # the test tools (pytest, beautifulsoup4, html5lib)
    sys.exit(f"{error}: install the test tools first (make setup-dev)")

DATA = ROOT.parent / "shared" / "data" / "facilities"
FILES = (("hospitals.csv", "hospitals"), ("puskesmas.csv", "puskesmas"),
         ("jakarta_facilities_rbi.csv", "jakarta"), ("bpjs_faskes_banten_2019.csv", "banten"))
#: Indonesia's bounding box
LAT, LON = (-11.0, 6.0), (95.0, 141.0)
GZIP = {"Accept-Encoding": "gzip"}
WARM_UP = 20
BUDGET_MS = 20
PREFIXES = {
    "puskesmas": "Puskesmas", "klinik_pratama": "Klinik Pratama", "klinik_utama": "Klinik Utama",
    "dokter_praktik": "Praktik dr.", "dokter_gigi": "Praktik drg.", "rumah_sakit": "RS",
    "apotek": "Apotek", "optik": "Optik", "laboratorium": "Laboratorium",
}
SYLLABLES = ("ba", "ka", "ma", "ra", "sa", "ta", "wi", "ju", "lo", "ne", "ri", "do", "gu", "ya", "pe")


def percentile(samples, q):
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def made_up_word(rng):
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def add_synthetic(count, rng, batch=1000):
    """`count` facilities at random points in the bounding box, with 0-3 services each."""
    regencies = [code for (code,) in
                 Region.select(Region.code).where(Region.level == Region.REGENCY).tuples()]
    services = list(labels.SERVICE_LABELS)
    kinds = list(PREFIXES)
    for start in range(0, count, batch):
        rows = []
        for number in range(start, min(start + batch, count)):
            kind = rng.choice(kinds)
            name = f"{PREFIXES[kind]} {made_up_word(rng)} {made_up_word(rng)}"
            regency = rng.choice(regencies)
            rows.append(dict(code=f"SYN-{number:06d}", name=name, search_name=search_key(name), kind=kind,
                             province_code=regency[:2], regency_code=regency,
                             address=f"Jl. {made_up_word(rng)} No. {rng.randint(1, 200)}",
                             phone=f"0{rng.randint(21, 999)}-{rng.randint(100000, 9999999)}",
                             latitude=round(rng.uniform(*LAT), 6), longitude=round(rng.uniform(*LON), 6),
                             is_partner=rng.random() < 0.8, source="synthetic"))
        for row in rows:
            row["services"] = set(rng.sample(services, rng.randint(0, 3)))
        with db.atomic():
            Facility.insert_many(rows).execute()
            Facility.refresh_search_text([r["code"] for r in rows])


def text_query(rng, name):
    """Two words of a name (or its one word), the second first: "sehat harapan"."""
    words = [w for w in name.lower().split() if w.isalpha()] or ["puskesmas"]
    picked = rng.sample(words, min(2, len(words)))
    return "+".join(reversed(picked))


def typo(rng, query):
    """One letter left out of the longest word (of 5 letters or more; else the query as it is)."""
    words = query.split("+")
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) >= 5:
        cut = rng.randrange(1, len(word) - 1)
        words[longest] = word[:cut] + word[cut + 1:]
    return "+".join(words)


def time_get(client, urls):
    """[(ms, response)] of one GET each (after the warm-up)."""
    for url in urls[:WARM_UP]:
        client.get(url, headers=GZIP)
    timed = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url, headers=GZIP)
        timed.append(((time.perf_counter() - start) * 1000, response))
        if response.status_code != 200:
            sys.exit(f"{url}: status {response.status_code}")
    return timed


def report(label, timed):
    ms = [t for t, _ in timed]
    sizes = [transfer_size(r) for _, r in timed]
    p50, p99 = percentile(ms, 50), percentile(ms, 99)
    verdict = "within" if p99 <= BUDGET_MS else "OVER"
    print(f"{label:<44} n={len(ms):>3}  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms "
          f"(<= {BUDGET_MS} ms: {verdict})  page {percentile(sizes, 50):,} B median, {max(sizes):,} B max")


def explain(lat, lon, radius):
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
    query = facilities._filtered(
        Facility.select(Facility.id, Facility.latitude, Facility.longitude), facilities.Filters(),
        Facility.latitude.between(min_lat, max_lat), Facility.longitude.between(min_lon, max_lon))
    sql, params = query.sql()
    prefix = "EXPLAIN QUERY PLAN " if is_sqlite() else "EXPLAIN ANALYZE "
    print(f"\n{prefix.strip()} — {radius} km box around ({lat:.4f}, {lon:.4f}):")
    for row in db.execute_sql(prefix + sql, params).fetchall():
        print("  " + " | ".join(str(c) for c in row))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/bench_fac",
                        help="a database whose name contains 'bench' (it is wiped)")
    parser.add_argument("--synthetic", type=int, default=20_000, help="synthetic facilities (default 20000)")
    parser.add_argument("--requests", type=int, default=200, help="timed searches per set (default 200)")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--data", type=Path, default=DATA, help=f"the shared facility lists (default {DATA})")
    args = parser.parse_args()
    name = urlsplit(args.database_url).path.rsplit("/", 1)[-1]
    if "bench" not in name:
        parser.error(f"refusing {args.database_url}: the database name must contain 'bench'")
    data = args.data
    if not data.is_dir():
        sys.exit(f"{data} is missing: the facility lists are read from ../shared, never copied")
    rng = random.Random(args.seed)

    print(f"database: {args.database_url}")
    app = build_app(args.database_url)
    with app.app_context(), db.connection_context():
        started = time.perf_counter()
        for filename, file_format in FILES:
            print(import_facilities(data / filename, file_format).text(first=3))
        print(f"imported the four lists in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        add_synthetic(args.synthetic, rng)
        facilities.refresh_words()
        print(f"added {args.synthetic:,} synthetic facilities in {time.perf_counter() - started:.1f} s")
        # dead rows of the import cleared and fresh planner statistics, as autovacuum gives a live database
        db.execute_sql("VACUUM ANALYZE")
        total = Facility.select().count()
        located = Facility.select().where(Facility.latitude.is_null(False)).count()
        print(f"facilities: {total:,} ({located:,} with coordinates)\n")
        real = list(Facility.select(Facility.latitude, Facility.longitude)
                    .where(Facility.latitude.is_null(False), Facility.source != "synthetic").tuples())
        real_names = [name for (name,) in Facility.select(Facility.name)
                      .where(Facility.source != "synthetic").tuples()]

    def jitter(lat, lon):
        return lat + rng.uniform(-0.02, 0.02), lon + rng.uniform(-0.02, 0.02)

    near_people = [jitter(*rng.choice(real)) for _ in range(args.requests)]
    anywhere = [(rng.uniform(*LAT), rng.uniform(*LON)) for _ in range(args.requests)]
    client = app.test_client()

    def urls(points, extra=""):
        return [f"/faskes?lat={lat:.5f}&lon={lon:.5f}{extra}" for lat, lon in points]

    report("nearest, points near real facilities", time_get(client, urls(near_people)))
    report("nearest, uniform points in the box (worst)", time_get(client, urls(anywhere)))
    report("nearest + jenis=puskesmas", time_get(client, urls(near_people, "&jenis=puskesmas")))
    report("nearest + layanan=igd_24_jam", time_get(client, urls(near_people, "&layanan=igd_24_jam")))
    report("nearest, page 3", time_get(client, urls(near_people, "&halaman=3")))
    words = [made_up_word(rng).lower()[:4] for _ in range(args.requests)]
    report("name search (prefix of 4 letters)", time_get(client, [f"/faskes?nama={w}" for w in words]))
    text_queries = [text_query(rng, rng.choice(real_names)) for _ in range(args.requests)]
    report("text: two words of a real name, reversed", time_get(client, [f"/faskes?nama={q}" for q in text_queries]))
    typos = [typo(rng, q) for q in text_queries]
    report("text: the same with a typo", time_get(client, [f"/faskes?nama={q}" for q in typos]))
    common = ["puskesmas", "rs jakarta", "klinik", "apotek", "rsud", "puskesmas bogor", "rs umum"]
    report("text: common words (thousands match)", time_get(
        client, [f"/faskes?nama={rng.choice(common)}" for _ in range(args.requests)]))
    report("text + location (relevance, then distance)", time_get(
        client, [f"/faskes?nama={q}&lat={lat:.5f}&lon={lon:.5f}" for q, (lat, lon) in zip(text_queries, near_people)]))
    report("text + jenis + kabupaten", time_get(
        client, [f"/faskes?nama={rng.choice(common)}&jenis=puskesmas&provinsi=32&kabupaten=32.01"
                 for _ in range(args.requests)]))
    report("region search (regency 32.01)", time_get(
        client, ["/faskes?provinsi=32&kabupaten=32.01"] * args.requests))
    fragment = client.get(urls(near_people[:1])[0], headers={**GZIP, "HX-Request": "true"})
    print(f"\nhtmx results fragment (20 rows): {len(fragment.get_data()):,} B gzip body")

    with app.app_context(), db.connection_context():
        lat, lon = near_people[0]
        explain(lat, lon, 5)
        explain(lat, lon, 100)
    if not db.is_closed():
        db.close()


if __name__ == "__main__":
    main()
