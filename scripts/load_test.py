"""The 10th-of-the-month peak, with locust: gunicorn (4 workers) on PostgreSQL and Redis, the huey
worker running, a mix of status and bill pages, facility search, queue bookings, sign-ins (some with
a wrong password), signed payment callbacks (some sent twice) and case filings.

It creates the database `jkn_load_bench` on 127.0.0.1:5432 (migrations, regions, demo data and
--families extra families with an account each), uses Redis database 13, runs locust headless for
--duration seconds, prints requests/s, p50, p95, p99 per request kind and the errors, then checks in
the database that every booking, payment and case the load created is stored exactly once. The
database is dropped at the end. Exit code 0 when there were no errors and every check holds.

    make load
    .venv/bin/python scripts/load_test.py --duration 120 --users 80
"""
import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from proof_common import (  # noqa: E402
    BIN,
    HOST,
    ROOT,
    app_env,
    create_database,
    drop_database,
    flush_redis,
    prepare,
    query,
    start_gunicorn,
    start_huey,
    stop,
)

DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/jkn_load_bench"
REDIS_URL = "redis://127.0.0.1:6379/13"


def run_locust(port, args, directory, env):
    record = Path(directory, "sent.json")
    command = [str(BIN / "locust"), "-f", str(ROOT / "scripts" / "locustfile.py"), "--headless",
               "--host", f"http://{HOST}:{port}", "-u", str(args.users), "-r", str(max(1, args.users // 5)),
               "-t", f"{args.duration}s", "--csv", str(Path(directory, "stats")), "--only-summary",
               "--stop-timeout", "10", "--loglevel", "WARNING"]
    subprocess.run(command, cwd=ROOT,
                   env={**env, "LOAD_RECORD": str(record), "LOAD_FAMILIES": str(args.families)},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    with open(Path(directory, "stats_stats.csv"), newline="") as handle:
        rows = list(csv.DictReader(handle))
    return rows, json.loads(record.read_text())


def print_stats(rows, args):
    print(f"\n{'request kind':<28} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'p99 ms':>7}")
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "ALL"
        print(f"{name:<28} {int(row['Request Count']):>8} {int(row['Failure Count']):>6} "
              f"{float(row['Requests/s']):>7.1f} {row['50%']:>7} {row['95%']:>7} {row['99%']:>7}")
    total = next(row for row in rows if row["Name"] == "Aggregated")
    print(f"\n{args.users} simulated users for {args.duration} s; gunicorn 4 workers x 2 threads on "
          f"PostgreSQL, Redis, huey worker running")
    return int(total["Failure Count"])


def check_database(sent):
    """[(what, sent, stored once, problems)] for bookings, cases and payments."""
    results = []
    for what, table, keys in (("bookings", "booking", sent["bookings"]),
                              ("cases", "service_case", sent["cases"])):
        sql = f"SELECT request_key, COUNT(*) FROM {table} WHERE request_key = ANY(%s) GROUP BY request_key"
        counts = dict(query(DATABASE_URL, sql, (keys,))) if keys else {}
        missing = sum(1 for key in set(keys) if key not in counts)
        doubled = sum(1 for n in counts.values() if n > 1)
        results.append((what, len(keys), sum(1 for n in counts.values() if n == 1), missing + doubled))
    references, unanswered = list(sent["payments"]), set(sent["unanswered"])
    rows = query(DATABASE_URL, "SELECT reference, COUNT(*) FROM payment WHERE channel = 'demo' "
                 "AND reference LIKE 'LOAD-%%' GROUP BY reference")
    counts = dict(rows)
    # stored but never answered with a 2xx (timed out at saturation) is fine once; anything else is stray
    stray = sum(1 for ref in counts if ref not in sent["payments"] and ref not in unanswered)
    missing = sum(1 for reference in references if reference not in counts)
    doubled = sum(1 for n in counts.values() if n > 1)
    applied_twice = sum(1 for statuses in sent["payments"].values() if statuses.count("applied") > 1)
    resent = sum(len(statuses) - 1 for statuses in sent["payments"].values())
    results.append((f"payments ({resent} resends, {len(unanswered)} unanswered)", len(references),
                    sum(1 for n in counts.values() if n == 1),
                    missing + doubled + stray + applied_twice))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--users", type=int, default=60, help="simulated users (default 60)")
    parser.add_argument("--families", type=int, default=300, 
                        help="extra families with accounts (default 300)")
    args = parser.parse_args()
    args.families = max(args.families, args.users + 60)
    gunicorn = huey = None
    with tempfile.TemporaryDirectory(prefix="jkn-load-") as directory:
        env = app_env(DATABASE_URL, REDIS_URL, directory)
        create_database(DATABASE_URL)
        flush_redis(REDIS_URL)
        try:
            print(f"preparing {DATABASE_URL} (demo data + {args.families} families)...", flush=True)
            prepare(env, args.families)
            gunicorn, port = start_gunicorn(env)
            huey = start_huey(env)
            print(f"locust: {args.users} users for {args.duration} s against http://{HOST}:{port}",
                  flush=True)
            rows, sent = run_locust(port, args, directory, env)
            errors = print_stats(rows, args)
            stop(huey)
            stop(gunicorn)
            huey = gunicorn = None
            print(f"\n{'created by the load':<32} {'sent':>6} {'stored once':>11} {'missing/doubled':>15}")
            problems = 0
            for what, count, once, bad in check_database(sent):
                print(f"{what:<32} {count:>6} {once:>11} {bad:>15}")
                problems += bad
            print(f"\nerrors: {errors}; database problems: {problems}")
            return 0 if errors == 0 and problems == 0 else 1
        finally:
            stop(huey)
            stop(gunicorn)
            drop_database(DATABASE_URL)
            flush_redis(REDIS_URL)


if __name__ == "__main__":
    sys.exit(main())
