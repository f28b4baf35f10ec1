"""Server time and transfer size of every page, anonymously and as each demo account.

Builds a database with the real migrations, region loader and demo data: by default a fresh SQLite
file in a temporary directory; with --database-url, that database instead (its name must contain
"bench" or "test"; on PostgreSQL the public schema is dropped and recreated first). The pages are
found with the budget crawler (tests/helpers.py). Each (role, page) is then requested 10 times to
warm up and N times timed (time.perf_counter and time.thread_time around the Flask test client's GET,
Accept-Encoding: gzip; each request checks its database connection out and back in, as in
production). Prints p50/p99 per page and the p50 of its CPU time (steadier than the wall clock on a
shared machine), the transfer size (gzip, headers included) and the overall figures against the budgets.
It prints figures and never fails on them.

    make bench
    .venv/bin/python scripts/bench_pages.py --requests 50
    .venv/bin/python scripts/bench_pages.py --database-url postgresql://postgres@127.0.0.1:5432/bench
"""
import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.db import db  # noqa: E402
from app.core.extensions import limiter  # noqa: E402

try:
    from tests.conftest import build_app
    from tests.helpers import DEMO_ACCOUNTS, PAGE_BUDGET, crawl, signed_in_client, transfer_size
except ImportError as error:  # the crawler needs the test tools (pytest, beautifulsoup4, html5lib)
    sys.exit(f"{error}: install the test tools first (make setup-dev)")

WARM_UP = 10
BUDGET_P50_MS, BUDGET_P99_MS = 5, 20
GZIP = {"Accept-Encoding": "gzip"}


def clients(app):
    """(role, client) for an anonymous visitor and each demo account, with the rate limits reset."""
    for role in ("anonymous", *sorted(DEMO_ACCOUNTS)):
        with app.app_context():
            limiter.reset()
        yield role, app.test_client() if role == "anonymous" else signed_in_client(app, role)


def timings(client, path, requests):
    """Milliseconds (wall clock, and CPU time of this thread) of `requests` timed GETs after the
    warm-up, and the last response. On a shared machine the CPU time is the steadier figure."""
    for _ in range(WARM_UP):
        client.get(path, headers=GZIP)
    samples, cpu = [], []
    for _ in range(requests):
        start, start_cpu = time.perf_counter(), time.thread_time()
        response = client.get(path, headers=GZIP)
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
    return samples, cpu, response


def percentile(samples, q):
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def verdict(value, budget):
    return "within" if value <= budget else "OVER"


def bench(app, requests):
    rows, everything, everything_cpu = [], [], []
    for role, client in clients(app):
        pages = [url for url, response, soup in crawl(client) if soup is not None]
        for path in pages:
            samples, cpu, response = timings(client, path, requests)
            everything.extend(samples)
            everything_cpu.extend(cpu)
            rows.append((role, path, percentile(samples, 50), percentile(samples, 99), percentile(cpu, 50),
                         transfer_size(response), response.status_code))

    width = max(len(row[1]) for row in rows)
    print(f"{'role':<15} {'path':<{width}} {'p50 ms':>7} {'p99 ms':>7} {'cpu p50':>7} {'bytes':>7}")
    for role, path, p50, p99, cpu50, size, status in rows:
        note = "" if status == 200 else f"  (status {status})"
        print(f"{role:<15} {path:<{width}} {p50:>7.2f} {p99:>7.2f} {cpu50:>7.2f} {size:>7,}{note}")

    p50, p99 = percentile(everything, 50), percentile(everything, 99)
    role, path, *_, size, _status = max(rows, key=lambda row: row[5])
    print(f"\n{len(rows)} pages x {requests} requests: "
          f"p50 {p50:.2f} ms (budget <= {BUDGET_P50_MS} ms: {verdict(p50, BUDGET_P50_MS)}), "
          f"p99 {p99:.2f} ms (budget <= {BUDGET_P99_MS} ms: {verdict(p99, BUDGET_P99_MS)}), "
          f"CPU time p50 {percentile(everything_cpu, 50):.2f} ms p99 {percentile(everything_cpu, 99):.2f} ms, "
          f"largest {role} {path} {size:,} bytes "
          f"(budget <= {PAGE_BUDGET:,} bytes: {verdict(size, PAGE_BUDGET)})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument("--database-url", help="benchmark this database (name containing bench or test)")
    args = parser.parse_args()
    if args.requests < 1:
        parser.error("--requests must be at least 1")

    if args.database_url:
        print(f"database: {args.database_url}")
        bench(build_app(args.database_url), args.requests)
        return
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{directory}/bench.db"
        print(f"database: {url} (temporary)")
        bench(build_app(url), args.requests)
        if not db.is_closed():
            db.close()


if __name__ == "__main__":
    main()
