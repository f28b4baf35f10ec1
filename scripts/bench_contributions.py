"""Contributions at national scale: family ledger queries over 300,000 families and 10 million payments.

Builds the database with the real migrations, region loader and demo data (tests/conftest.py
build_app: the public schema is dropped first, so the database name must contain "bench"; it is
created when missing), then loads synthetic data in PostgreSQL itself (INSERT … SELECT over
generate_series, secondary indexes dropped during the load and rebuilt from their own definitions,
then VACUUM ANALYZE):

- 300,000 PBPU/BP families (kelas 1-3) with 1-5 members each and 10-12-year histories: cover start
  120-147 months ago, one payment a quarter covering three months (so ~40-48 payments and 120-144
  allocations per family), 0-3 months left unpaid at the end; every 50th payment is Rp5.000 too much,
  so families have credit. 2,000 unmatched payments for the officer queue. Every month is priced at
  the rates of its own version: the migration's 2020 and 2021 versions, and for the years before a
  version dated 1 Jan 2014 with the 2021 figures (synthetic: the bench inserts it).

Then it times `ledger.rebuild` (what `flask ledger rebuild` runs) over a sample of families and
extrapolates it to all of them, and, for 200 random families (seeded), each in its own app context as
a request would be: the old path — Family.outstanding(today), paid_months(), status_on(today) and
credit(), which walk every payment and month — against the stored ledger (ledger.read(...).status(),
and bill_for), first visit and repeat; apply_payment() (the callback with its ledger update, rolled
back); and the full bill and status pages as the family's head (test client: server time without the
network). It prints p50/p99 and EXPLAIN (ANALYZE, BUFFERS) of every query involved. It prints
figures and never fails on them.

    .venv/bin/python scripts/bench_contributions.py --database-url postgresql://postgres@127.0.0.1:5432/bench_pay
    .venv/bin/python scripts/bench_contributions.py --database-url … --reuse   # measure only, keep the data
    .venv/bin/python scripts/bench_contributions.py --database-url … --rebuild-sample 0   # rebuild every ledger
"""
import argparse
import math
import random
import sys
import time
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask

from app import create_app
from app.contributions import billing, ledger
from app.contributions import payments as service
from app.core import clock
from app.core.config import TestConfig
from app.core.db import db
from app.models import Allocation, Family, FamilyLedger, LedgerMonth, Participant, Payment, RateVersion

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_pay"
FAMILIES = 300_000
FIRST_FAMILY_ID = 1_000  # the demo families come first
QUARTERS = (40, 48)  # paid quarters per family: 120-144 months
HISTORY_MONTHS = 3 * QUARTERS[1] + 4  # the oldest cover start is 147 months before this month
FIRST_PAYMENT_ID = 1_000
UNMATCHED = 2_000
SAMPLES = 200
LOADED_TABLES = ("participant", "payment", "allocation")
REBUILD_SAMPLE = 2_000


def database_name(url):
    return urlsplit(url).path.lstrip("/")


def ensure_database(url):
    """CREATE DATABASE when it does not exist (connecting to the server's `postgres` database)."""
    import psycopg2

    name = database_name(url)
    parts = urlsplit(url.replace("+pool", ""))
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    admin.close()


def run(sql):
    """Plain SQL on the open connection, without parameter substitution (the SQL has % in it)."""
    cursor = db.cursor()
    cursor.execute(sql)
    return cursor


def step(label, sql):
    start = time.perf_counter()
    cursor = run(sql)
    print(f"  {label:<52} {time.perf_counter() - start:7.1f} s  ({cursor.rowcount:,} rows)", flush=True)


def load(families):
    """The synthetic rows, in one connection; returns the seconds it took."""
    start = time.perf_counter()
    RateVersion.get_or_create(effective_from=date(2014, 1, 1), defaults={  # synthetic: see the docstring
        "class1": 150_000, "class2": 100_000, "class3": 42_000, "class3_government_share": 7_000,
        "pbi_rate": 42_000})
    month = "date_trunc('month', (now() AT TIME ZONE 'Asia/Jakarta'))::date"
    quarters = f"{QUARTERS[0]} + g % {QUARTERS[1] - QUARTERS[0] + 1}"
    per_family = f"""
        generate_series(1, {families}) AS g,
        LATERAL (SELECT 3 * ({quarters}) AS n_paid, (g / 11) % 4 AS unpaid,
                        1 + (g / 3) % 3 AS class, 1 + (g / 7) % 5 AS members) AS f,
        LATERAL (SELECT ({month} - make_interval(months => f.n_paid + f.unpaid - 1))::date AS cover) AS c"""
    share = ("CASE f.class WHEN 1 THEN 150000 WHEN 2 THEN 100000 "
             "ELSE CASE WHEN {m} BETWEEN DATE '2020-07-01' AND DATE '2020-12-01' THEN 25500 ELSE 35000 END END")
    run("SET synchronous_commit = off")
    run("SET maintenance_work_mem = '512MB'")
    run("SET session_replication_role = replica")  # no FK triggers: rows are consistent by construction
    indexes = db.execute_sql(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN %s AND indexname NOT LIKE '%%_pkey'",
        (LOADED_TABLES,)).fetchall()
    for name, _ in indexes:
        run(f'DROP INDEX "{name}"')
    print(f"  dropped {len(indexes)} secondary indexes of {', '.join(LOADED_TABLES)} for the load")
    step("families", f"""
        INSERT INTO family (id, kk_number, segment, care_class, address, va_number, employer,
                            registered_on, cover_start)
        SELECT {FIRST_FAMILY_ID} + g, '99' || lpad(g::text, 14, '0'), CASE WHEN g % 10 = 0 THEN 'BP' ELSE 'PBPU' END,
               f.class, 'Jl. Bench No. ' || g, '77777' || lpad(g::text, 11, '0'), '', c.cover, c.cover
        FROM {per_family}""")
    step("participants (1-5 per family)", f"""
        INSERT INTO participant (card_number, nik_encrypted, nik_index, name, sex, birth_date, phone, phone_verified,
                                 family_id, relationship, registered_on)
        SELECT '9' || lpad((g * 5 + m)::text, 12, '0'), 'bench', md5('bench' || (g * 5 + m)),
               'Peserta ' || g || '-' || m, CASE WHEN m % 2 = 0 THEN 'P' ELSE 'L' END,
               DATE '1960-01-01' + ((g * 7 + m * 3001) % 20000), '', '', {FIRST_FAMILY_ID} + g,
               CASE WHEN m = 1 THEN 'kepala' ELSE 'anak' END, c.cover
        FROM {per_family}, generate_series(1, f.members) AS m""")
    # Month by month, every family paying that month, as the callbacks would arrive: a family's
    # payments and allocations end up scattered over the tables, as in production. m counts calendar
    # months from HISTORY_MONTHS - 1 months before this one; k = m - (first month of the family):
    # a family pays in the months with k = 0, 3, 6, … for that month and the next two.
    by_month = f"""generate_series(0, {HISTORY_MONTHS - 1}) AS m
        CROSS JOIN LATERAL generate_series(1, {families} + 0 * m) AS g,
        LATERAL (SELECT 3 * ({quarters}) AS n_paid, (g / 11) % 4 AS unpaid,
                        1 + (g / 3) % 3 AS class, 1 + (g / 7) % 5 AS members) AS f,
        LATERAL (SELECT ({month} - make_interval(months => f.n_paid + f.unpaid - 1))::date AS cover,
                        m - ({HISTORY_MONTHS} - f.n_paid - f.unpaid) AS k) AS c
        WHERE c.k BETWEEN 0 AND f.n_paid - 1 AND c.k % 3 = 0"""
    payment_id = f"{FIRST_PAYMENT_ID} + m * {families} + g"
    paid_at = "(c.cover + make_interval(months => c.k, days => 4, hours => 3 + g % 8))"
    month_of = "(c.cover + make_interval(months => c.k + {j}))::date"
    quarter_due = " + ".join(f"f.members * ({share.format(m=month_of.format(j=j))})" for j in range(3))
    step("payments (applied, one a quarter, month by month)", f"""
        INSERT INTO payment (id, family_id, va_number, amount, channel, reference, paid_at, received_at, status,
                             unmatched_reason, resolution_note)
        SELECT {payment_id}, {FIRST_FAMILY_ID} + g, '77777' || lpad(g::text, 11, '0'),
               {quarter_due} + CASE WHEN ({payment_id}) % 50 = 0 THEN 5000 ELSE 0 END, 'bench', 'B' || ({payment_id}),
               {paid_at}, {paid_at} + interval '40 seconds', 'applied', '', ''
        FROM {by_month}""")
    by_quarter_month = by_month.replace("        WHERE", "        CROSS JOIN generate_series(0, 2) AS j WHERE")
    step("allocations (three months per payment)", f"""
        INSERT INTO allocation (payment_id, family_id, month, amount)
        SELECT {payment_id}, {FIRST_FAMILY_ID} + g, {month_of.format(j="j")},
               f.members * ({share.format(m=month_of.format(j="j"))})
        FROM {by_quarter_month}""")
    for table in ("family", "payment"):
        run(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    step("unmatched payments (officer queue)", f"""
        INSERT INTO payment (family_id, va_number, amount, channel, reference, paid_at, received_at, status,
                             unmatched_reason, resolution_note)
        SELECT NULL, '66666' || lpad(u::text, 11, '0'), 35000 * (1 + u % 5), 'bench', 'U' || u,
               now() AT TIME ZONE 'UTC' - make_interval(hours => u), now() AT TIME ZONE 'UTC' - make_interval(hours => u),
               'unmatched', 'unknown_va', ''
        FROM generate_series(1, {UNMATCHED}) AS u""")
    run("SET session_replication_role = DEFAULT")
    for name, definition in indexes:
        step(f"index {name}", definition)
    for table in ("family", *LOADED_TABLES):
        step(f"VACUUM ANALYZE {table}", f"VACUUM ANALYZE {table}")
    return time.perf_counter() - start


def percentile(samples, q):
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def timed(function):
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def measure(app, family_ids):
    """ms per (operation, pass) over the families, each in its own app context (a fresh `g`)."""
    today = clock.today()
    results = {}
    db.connect(reuse_if_open=True)  # one connection for the run, as a worker keeps its pooled one
    operations = (
        ("old: outstanding(today)", lambda f: f.outstanding(today)),
        ("old: paid_months()", lambda f: f.paid_months()),
        ("old: status_on(today)", lambda f: f.status_on(today)),
        ("old: credit()", lambda f: f.credit()),
    )
    for label in ("first visit", "repeat"):
        for family_id in family_ids:
            with app.app_context():
                family = Family.get_by_id(family_id)
                total = 0
                for name, operation in operations:
                    ms = timed(lambda operation=operation, family=family: operation(family))
                    results.setdefault((name, label), []).append(ms)
                    total += ms
                results.setdefault(("old: all four (bill figures)", label), []).append(total)
            with app.app_context():
                family = Family.get_by_id(family_id)
                results.setdefault(("ledger: read().status()", label), []).append(
                    timed(lambda family=family: ledger.read(family, today).status()))
            with app.app_context():
                family = Family.get_by_id(family_id)
                results.setdefault(("ledger: bill_for()", label), []).append(
                    timed(lambda family=family: billing.bill_for(family, today)))
    for family_id in family_ids:
        with app.app_context():
            va = Family.get_by_id(family_id).va_number
            with db.atomic() as transaction:
                ms = timed(lambda va=va: service.apply_payment(
                    va, 105_000, "bench", f"R-{uuid.uuid4().hex}", clock.now()))
                transaction.rollback()
            results.setdefault(("apply_payment() (rolled back)", "callback"), []).append(ms)
    return results


def time_rebuild(app, family_ids, total):
    """Seconds `ledger.rebuild` takes for these families (committed), and that extrapolated to
    `total` families."""
    with app.app_context(), db.connection_context():
        start = time.perf_counter()
        ledger.rebuild(family_ids)
        seconds = time.perf_counter() - start
        months = LedgerMonth.select().where(LedgerMonth.family.in_(family_ids)).count()
    per_family = seconds / max(len(family_ids), 1)
    print(f"ledger rebuild: {len(family_ids):,} families ({months:,} months) in {seconds:.1f} s = "
          f"{per_family * 1000:.2f} ms a family; {total:,} families ≈ {per_family * total / 60:.0f} min "
          f"in one process (families are independent: `flask ledger rebuild --ids FIRST LAST`, one per core)")


def measure_pages(app, family_ids, paths=("/iuran", "/kepesertaan", "/beranda", "/antrean")):
    """ms per full GET of the participant pages (test client, gzip) as each family's head, each after
    a GET of a bare Flask hello-world through its own test client: the machine's speed at that moment
    (this machine is shared; read the pages against it).

    The loaded members carry a placeholder instead of an encrypted NIK: the sampled families' members
    get a real (synthetic) one first. Each head gets an account once (one argon2 hash shared by all:
    signing in is not what is timed); the session is written directly, as Flask-Login would."""
    from app.core import security
    from app.models import User

    results = {}
    with app.app_context(), db.connection_context():
        password_hash = security.hash_password("bench-not-a-password")
        heads = {}
        for family_id in family_ids:
            for member in Participant.select().where(Participant.family == family_id):
                if member.nik_encrypted == "bench":
                    member.nik = f"32{member.id:014d}"
                    member.save()
            head = (Participant.select().where(Participant.family == family_id)
                    .order_by(Participant.id).first())
            user = User.get_or_none(User.participant == head) or User.create(
                participant=head, role="peserta", password_hash=password_hash)
            heads[family_id] = user.get_id()
    hello = Flask("hello")
    hello.add_url_rule("/", "hello", lambda: "Hello, World!")
    yardstick = hello.test_client()
    for family_id in family_ids:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"], session["seen"] = heads[family_id], True, clock.epoch()
        for path in paths:
            client.get(path)  # first visit: warms this family's rows
            results.setdefault(("bare Flask hello-world", "yardstick"), []).append(
                timed(lambda: yardstick.get("/")))
            ms = timed(lambda client=client, path=path: client.get(path, headers={"Accept-Encoding": "gzip"}))
            results.setdefault((f"GET {path} (full page)", "repeat"), []).append(ms)
    return results


def explain(label, query):
    sql, params = query.sql()
    rows = db.execute_sql("EXPLAIN (ANALYZE, BUFFERS) " + sql, params).fetchall()
    shown = tuple(p if isinstance(p, int) else f"'{p}'" for p in params)
    print(f"\n-- {label}\n{sql % shown if params else sql}")
    for (line,) in rows:
        print(f"   {line}")


def explain_all(family):
    """EXPLAIN ANALYZE of the queries behind the bill figures and the callback."""
    from peewee import JOIN, Tuple, fn

    explain("members of the family (member_dates / member_count)",
            Participant.select(Participant.registered_on).where(Participant.family == family))
    explain("allocated_by_month() (outstanding)",
            Allocation.select(Allocation.month, fn.SUM(Allocation.amount).alias("total"))
            .where(Allocation.family == family).group_by(Allocation.month))
    explain("credit(): applied payments",
            Payment.select(fn.COALESCE(fn.SUM(Payment.amount), 0))
            .where((Payment.family == family) & (Payment.status == "applied")))
    explain("credit(): allocations",
            Allocation.select(fn.COALESCE(fn.SUM(Allocation.amount), 0)).where(Allocation.family == family))
    explain("paid_months() (status_on)",
            Allocation.select(Allocation.month, Allocation.amount, Payment.paid_at).join(Payment)
            .where(Allocation.family == family).order_by(Payment.paid_at, Allocation.id))
    today = clock.today()
    from app.models import User
    from app.models.accounts import _BY_ID_WITH_PARTICIPANT

    account = User.select().join(Participant).where(Participant.family == family).first()
    if account is not None:  # measure_pages() made it
        explain("every signed-in page: the account, its participant, family, FKTP and unread count",
                _BY_ID_WITH_PARTICIPANT.build(account.id, today))
    previous = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    explain("ledger: the summary", FamilyLedger.select().where(FamilyLedger.family == family))
    explain("ledger: the months still owed, paid lately, or from last month on",
            LedgerMonth.select().where((LedgerMonth.family == family)
                                       & (LedgerMonth.paid_on.is_null() | (LedgerMonth.paid_on > today)
                                          | (LedgerMonth.month >= previous))))
    explain("callback: family by VA", Family.select().where(Family.va_number == family.va_number))
    explain("callback: payment by (channel, reference)",
            Payment.select().where((Payment.channel == "bench") & (Payment.reference == "B123456")))
    allocated = fn.COALESCE(fn.SUM(Allocation.amount), 0)
    explain("callback: the family's payments with money left (_spend_credit)",
            Payment.select(Payment.id, Payment.amount, allocated.alias("allocated"))
            .join(Allocation, JOIN.LEFT_OUTER, on=(Allocation.payment == Payment.id))
            .where((Payment.family == family) & (Payment.status == "applied"))
            .group_by(Payment.id, Payment.amount).having(Payment.amount > allocated).order_by(Payment.id))
    first = Payment.select().where(Payment.status == "unmatched").order_by(Payment.received_at, Payment.id).first()
    explain("officer queue: unmatched payments, next page",
            Payment.select().where((Payment.status == "unmatched")
                                   & (Tuple(Payment.received_at, Payment.id) > Tuple(first.received_at, first.id)))
            .order_by(Payment.received_at, Payment.id).limit(51))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"PostgreSQL, name containing bench ({DEFAULT_URL})")
    parser.add_argument("--families", type=int, default=FAMILIES, help="families to load (default 300,000)")
    parser.add_argument("--samples", type=int, default=SAMPLES, help="random families timed (default 200)")
    parser.add_argument("--reuse", action="store_true", help="measure the data already loaded")
    parser.add_argument("--rebuild-sample", type=int, default=REBUILD_SAMPLE,
                        help=f"families whose ledger rebuild is timed (default {REBUILD_SAMPLE:,}; 0: all)")
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args()
    url = args.database_url
    if not url.startswith("postgresql") or "bench" not in database_name(url):
        parser.error(f"refusing {url}: a PostgreSQL database whose name contains 'bench' (it is wiped)")

    print(f"database: {url}")
    if args.reuse:
        app = create_app(type("BenchConfig", (TestConfig,), {"DATABASE_URL": url}))
    else:
        from tests.conftest import build_app

        ensure_database(url)
        start = time.perf_counter()
        app = build_app(url)
        print(f"schema, regions and demo data: {time.perf_counter() - start:.1f} s\nloading:")
        with app.app_context(), db.connection_context():
            seconds = load(args.families)
        print(f"loaded in {seconds:.0f} s")

    with app.app_context(), db.connection_context():
        counts = {m.__name__: m.select().count() for m in (Family, Participant, Payment, Allocation)}
        counts["FamilyLedger (stored so far)"] = FamilyLedger.select().count()
        sizes = db.execute_sql("SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class "
                               "WHERE relname IN ('family', 'participant', 'payment', 'allocation')").fetchall()
        print("rows: " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))
        print("size with indexes: " + ", ".join(f"{name} {size}" for name, size in sizes))
        ids = [row[0] for row in db.execute_sql(
            "SELECT id FROM family WHERE va_number LIKE '77777%%' ORDER BY id").fetchall()]
    family_ids = random.Random(args.seed).sample(ids, min(args.samples, len(ids)))
    sample = ids if args.rebuild_sample == 0 else random.Random(args.seed + 1).sample(
        ids, min(args.rebuild_sample, len(ids)))
    time_rebuild(app, sorted(set(sample) | set(family_ids)), len(ids))

    results = measure(app, family_ids)
    results.update(measure_pages(app, family_ids))
    print(f"\n{len(family_ids)} random families, ms (server time inside the app, no HTTP):")
    print(f"{'operation':<32} {'pass':<12} {'p50':>7} {'p99':>7} {'max':>7}")
    for (name, label), samples in results.items():
        print(f"{name:<32} {label:<12} {percentile(samples, 50):>7.2f} {percentile(samples, 99):>7.2f} "
              f"{max(samples):>7.2f}")

    with app.app_context(), db.connection_context():
        explain_all(Family.get_by_id(family_ids[0]))


if __name__ == "__main__":
    main()
