"""Cases at national size: the officer queue and the public dashboard with 1,000,000 cases.

Builds the benchmark database with tests.conftest.build_app (schema wiped and migrated, regions and
demo data loaded), adds synthetic cases in batches (opened over the last 180 days, about 85 % closed,
every kind, category and state, spread over the provinces and the demo facilities; one encrypted
text shared by all, since only the row count matters here), runs ANALYZE, then times full GETs
through the Flask test client (Accept-Encoding: gzip): the officer queue (first page, a later page,
escalated only), one case, the public dashboard (read from its snapshot), the recomputation of
the dashboard's figures (what `flask refresh-case-dashboard` does) and the officer report for 30
days. Prints p50/p99 ms and page sizes; figures only, it never fails on them.

    .venv/bin/python scripts/bench_cases.py --database-url postgresql://postgres@127.0.0.1:5432/bench_cases
"""
import argparse
import math
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.cases import reports, service  # noqa: E402
from app.core import clock  # noqa: E402
from app.core.config import TestConfig  # noqa: E402
from app.core.db import db, is_sqlite  # noqa: E402
from app.models import Case, Facility, Participant, Region  # noqa: E402
from app.rules import sla  # noqa: E402

try:
    from tests.conftest import build_app
    from tests.helpers import signed_in_client, transfer_size
except ImportError as error:  # the test tools (pytest, beautifulsoup4, html5lib)
    sys.exit(f"{error}: install the test tools first (make setup-dev)")

GZIP = {"Accept-Encoding": "gzip"}
WARM_UP = 20
BUDGET_MS = 20


def percentile(samples, q):
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def add_cases(count, rng, batch=5000):
    """`count` synthetic cases; the SLA deadlines come from the real rules."""
    people = list(Participant.select(Participant.id, Participant.family))
    facilities = [f.id for f in Facility.select(Facility.id)] + [None] * 3
    provinces = [code for (code,) in Region.select(Region.code).where(Region.level == Region.PROVINCE).tuples()]
    text = Case(data_encrypted="")
    text.data = {"text": "Kasus sintetis untuk uji beban."}
    now = clock.now()
    states = {kind: sla.STATES[kind] for kind in sla.KINDS}
    resolution = {}  # (kind, category, WIB date) → deadline: a working-day deadline ends a day

    def resolution_due_of(kind, category, aware):
        key = (kind, category, aware.astimezone(sla.WIB).date())
        if key not in resolution:
            resolution[key] = service.naive(sla.deadline(aware, sla.resolution_target(kind, category, aware)))
        return resolution[key]
    for start in range(0, count, batch):
        rows = []
        for number in range(start, min(start + batch, count)):
            kind = rng.choice(sla.KINDS)
            category = rng.choice(sla.CATEGORIES)
            person = rng.choice(people)
            opened = now - timedelta(minutes=rng.randint(1, 180 * 24 * 60))
            aware = service.aware(opened)
            first_target = sla.first_response_target(kind, aware)
            first_due = opened + timedelta(hours=first_target.amount) if first_target else None
            resolution_due = resolution_due_of(kind, category, aware)
            closed = rng.random() < 0.85
            state = rng.choice([s for s in states[kind] if sla.is_closed(kind, s) == closed])
            responded = state != sla.INITIAL_STATE[kind]
            first_seconds = rng.randint(60, 40 * 3600) if responded and first_due else None
            closed_at = opened + timedelta(hours=rng.randint(1, 24 * 20)) if closed else None
            paused = state == "menunggu_peserta"
            rows.append(dict(
                kind=kind, category=category, state=state, channel=rng.choice(Case.CHANNELS),
                participant=person.id, family=person.family_id, facility=rng.choice(facilities),
                data_encrypted=text.data_encrypted, claim_amount=rng.randint(10_000, 5_000_000) if kind == "klaim" else None,
                request_key=f"bench-{number}", province_code=rng.choice(provinces), opened_at=opened,
                clock_start=opened, first_response_due=first_due,
                first_response_at=opened + timedelta(seconds=first_seconds) if first_seconds else None,
                first_response_seconds=first_seconds, resolution_due=resolution_due,
                paused_since=opened + timedelta(hours=1) if paused else None,
                due_at=None if closed or paused else (first_due if first_due and not responded else resolution_due),
                closed_at=closed_at, is_open=not closed, escalated=rng.random() < 0.02,
                rating=rng.randint(1, 5) if closed and rng.random() < 0.4 else None))
        with db.atomic():
            Case.insert_many(rows).execute()
        if (start // batch) % 20 == 0:
            print(f"  {start + len(rows):,} cases", flush=True)


def time_get(client, urls):
    for url in urls[:WARM_UP]:
        client.get(url, headers=GZIP)
    timed = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url, headers=GZIP)
        timed.append(((time.perf_counter() - started) * 1000, response))
        if response.status_code != 200:
            sys.exit(f"{url}: status {response.status_code}")
    return timed


def report(label, timed, budget=BUDGET_MS):
    ms = [t for t, _ in timed]
    sizes = [transfer_size(r) for _, r in timed]
    p50, p99 = percentile(ms, 50), percentile(ms, 99)
    verdict = "within" if p99 <= budget else "OVER"
    print(f"{label:<40} n={len(ms):>3}  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms "
          f"(<= {budget} ms: {verdict})  page {max(sizes):,} B max")


def explain_queue():
    sql, params = Case.open_queue(0, service.QUEUE_PAGE + 1).sql()
    prefix = "EXPLAIN QUERY PLAN " if is_sqlite() else "EXPLAIN ANALYZE "
    print("\nofficer queue query:")
    for row in db.execute_sql(prefix + sql, params).fetchall():
        print("  " + " | ".join(str(c) for c in row))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/bench_cases",
                        help="a database whose name contains 'bench' (it is wiped)")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--reuse", action="store_true",
                        help="time the pages on the cases a previous run left (no wipe, no inserts)")
    args = parser.parse_args()
    if "bench" not in urlsplit(args.database_url).path.rsplit("/", 1)[-1]:
        parser.error(f"refusing {args.database_url}: the database name must contain 'bench'")
    rng = random.Random(args.seed)
    print(f"database: {args.database_url}")
    if args.reuse:
        app = create_app(type("BenchConfig", (TestConfig,), {"DATABASE_URL": args.database_url}))
    else:
        app = build_app(args.database_url)
    with app.app_context(), db.connection_context():
        started = time.perf_counter()
        if not args.reuse:
            add_cases(args.cases, rng)
            db.execute_sql("ANALYZE")
        print(f"{'reused' if args.reuse else 'added'} {Case.select().count():,} cases "
              f"in {time.perf_counter() - started:.1f} s; "
              f"{Case.select().where(Case.is_open == True).count():,} open")  # noqa: E712
        started = time.perf_counter()
        reports.dashboard(refresh=True)
        print(f"dashboard figures recomputed (90 days) in {(time.perf_counter() - started) * 1000:,.0f} ms")
        some_case = Case.select(Case.id).order_by(Case.id.desc()).first().id
        explain_queue()
    officer = signed_in_client(app, "petugas_bpjs")
    public = app.test_client()
    n = args.requests
    print()
    report("baseline: /tarif-iuran (anonymous)", time_get(public, ["/tarif-iuran"] * n))
    report("baseline: /petugas/antrean-kerja", time_get(officer, ["/petugas/antrean-kerja"] * n))
    report("officer queue, first page", time_get(officer, ["/petugas/kasus"] * n))
    report("officer queue, page 20", time_get(officer, ["/petugas/kasus?hal=20"] * n))
    report("officer queue, escalated", time_get(officer, ["/petugas/kasus?eskalasi=1"] * n))
    report("one case (officer)", time_get(officer, [f"/petugas/kasus/{some_case - i}" for i in range(n)]))
    report("public dashboard (snapshot)", time_get(public, ["/dasbor-layanan"] * n))
    report("officer report, 30 days", time_get(officer, ["/petugas/kasus/laporan"] * 5), budget=5000)
    if not db.is_closed():
        db.close()


if __name__ == "__main__":
    main()
