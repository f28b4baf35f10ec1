"""Money and queue numbers through crashes: 1,000 signed payment callbacks (plus deliberate resends)
and a rush of bookings for the last slots of a poli, while gunicorn workers are killed with SIGKILL
at random (at least 10 times) and PostgreSQL is restarted once. Senders retry what did not get a 2xx.

PostgreSQL here is a throwaway cluster of this run's own (initdb into a temporary directory, port
55432, run as the `postgres` user), never the machine's shared server; Redis database 14; the huey
worker runs. Afterwards, in the database:
- every callback's payment is stored exactly once (lost = 0, duplicated = 0), every one to a known VA
  applied to its family (nothing in the unmatched list that should have matched), every one to an
  unknown VA unmatched; each family's applied sum is what was sent to it;
- `flask ledger verify`: every family's stored ledger equals its recomputation;
- the poli day holds at most its quota, each number once, no participant twice, its counter equal to
  the bookings, every booking the server confirmed stored once.
Exit code 0 when all hold.

    make fault
    .venv/bin/python scripts/fault_test.py --callbacks 1000 --kills 10
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from proof_common import (  # noqa: E402
    BIN,
    HOST,
    PASSWORD,
    ROOT,
    WIB,
    app_env,
    create_database,
    csrf_token,
    extra_family,
    flush_redis,
    options,
    prepare,
    query,
    resign,
    signed_callback,
    start_gunicorn,
    start_huey,
    stop,
    wait_http,
    worker_pids,
)

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_PORT = 55432
DATABASE_URL = f"postgresql://postgres@127.0.0.1:{PG_PORT}/jkn_fault_bench"
REDIS_URL = "redis://127.0.0.1:6379/14"
FAMILIES = 200
CONTENDERS = 40  # extra families 0..39 rush for the poli's last slots; 40.. receive the payments
UNKNOWN_VAS = 50
MAX_TRIES = 100  # per request; one that never gets an answer is counted as given up (a failure)


class Cluster:
    """A PostgreSQL cluster in a temporary directory, run as the postgres user."""

    def __init__(self, directory):
        self.data = Path(directory, "pgdata")
        self.log = Path(directory, "pg.log")
        shutil.chown(directory, "postgres")
        self._pg("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.options = f"-p {PG_PORT} -k {directory} -c listen_addresses={HOST} -c max_connections=100"
        self._pg("pg_ctl", "-D", str(self.data), "-o", self.options, "-l", str(self.log), "-w", "start")

    def _pg(self, program, *args):
        subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / program), *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def restart(self):
        self._pg("pg_ctl", "-D", str(self.data), "-o", self.options, "-l", str(self.log), "-m", "fast", "-w",
                 "restart")

    def stop(self):
        self._pg("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


def post(url, body, headers):
    try:
        return requests.post(url, data=body, headers=headers, timeout=10).status_code
    except requests.RequestException:
        return None


def send_callbacks(base, plan, stats, progress):
    """Each (reference, body) until a 2xx; the channel's retries re-sign the same body."""
    for reference, body in plan:
        for _ in range(MAX_TRIES):
            status = post(f"{base}/api/v1/payments/callback", body, resign(body))
            if status in (200, 202):
                break
            stats["retries"] += 1
            stats.setdefault(f"status {status}", 0)
            stats[f"status {status}"] += 1
            time.sleep(random.uniform(0.1, 0.5))
        else:
            stats["given up"] += 1
        progress.append(reference)
        time.sleep(random.uniform(0.05, 0.2))


def book(base, index, poli_id, day, confirmed, stats, start):
    """One contender: sign in, then take a number with one request key, resent until an answer."""
    session = requests.Session()
    session.headers["X-Forwarded-For"] = f"10.9.{index // 200}.{index % 200 + 1}"
    card = extra_family(index)[2]
    start.wait()
    for _ in range(MAX_TRIES):
        try:
            token = csrf_token(session.get(f"{base}/masuk", timeout=10).text)
            form = {"identifier": card, "password": PASSWORD, "csrf_token": token}
            answer = session.post(f"{base}/masuk", data=form, allow_redirects=False, timeout=10)
            if answer.status_code in (302, 303):
                page = session.get(f"{base}/antrean", timeout=10)
                if page.status_code == 200 and csrf_token(page.text):
                    break
            note = f"sign-in {answer.status_code}"
        except requests.RequestException:
            note = "sign-in None"
        stats[note] = stats.get(note, 0) + 1
        stats["booking retries"] += 1
        time.sleep(random.uniform(0.1, 0.5))
    else:
        stats["given up"] += 1
        return
    key = f"{random.getrandbits(128):032x}"
    form = {"csrf_token": csrf_token(page.text), "request_key": key, "faskes": "",
            "member": options(page.text, "member")[0], "poli": str(poli_id), "visit_date": day.isoformat()}
    sends = 2 if index % 4 == 0 else 1  # every fourth contender double-submits on purpose
    for _ in range(sends):
        for _ in range(MAX_TRIES):
            try:
                answer = session.post(f"{base}/antrean", data=form, allow_redirects=False, timeout=10)
            except requests.RequestException:
                answer = None
            if answer is not None and answer.status_code in (200, 303):
                break
            note = f"booking {answer.status_code if answer is not None else None}"
            stats[note] = stats.get(note, 0) + 1
            stats["booking retries"] += 1
            time.sleep(random.uniform(0.1, 0.5))
        else:
            stats["given up"] += 1
            return
        if answer.status_code == 303:
            confirmed[key] = answer.headers["Location"]
        else:
            stats["bookings refused (full)"] += 1 if "penuh" in answer.text else 0


def chaos(master, cluster, progress, total, kills, done, log):
    """SIGKILL a random worker every 0.8–2 s; restart PostgreSQL once, when 40% is sent."""
    restarted = False
    while not done.is_set() or log["kills"] < kills:
        time.sleep(random.uniform(0.8, 2.0))
        workers = worker_pids(master.pid)
        if workers:
            try:
                os.kill(random.choice(workers), signal.SIGKILL)
                log["kills"] += 1
            except ProcessLookupError:
                pass
        if log["kills"] % 5 == 0:
            print(f"  {len(progress)}/{total} callbacks answered, {log['kills']} kills, {dict(log['stats'])}",
                  flush=True)
        if not restarted and len(progress) >= 0.4 * total:
            cluster.restart()
            restarted = True
            log["restarts"] += 1
    if not restarted:
        cluster.restart()
        log["restarts"] += 1


def next_open_day():
    """The first Monday–Saturday after today (WIB): within the 7 days a booking can be taken."""
    day = datetime.now(WIB).date() + timedelta(days=1)
    while day.weekday() == 6:
        day += timedelta(days=1)
    return day


def checks(plan_refs, expected_by_va, unknown_refs, confirmed, poli_id, quota, day):
    results = []
    rows = query(DATABASE_URL, "SELECT reference, COUNT(*), MIN(status), MIN(va_number) FROM payment "
                 "WHERE reference LIKE 'FAULT-%%' GROUP BY reference")
    stored = {r[0]: r for r in rows}
    lost = sum(1 for ref in plan_refs if ref not in stored)
    duplicated = sum(1 for r in rows if r[1] > 1) + sum(1 for ref in stored if ref not in plan_refs)
    should_match = sum(1 for ref, r in stored.items() if ref not in unknown_refs and r[2] != "applied")
    wrongly_matched = sum(1 for ref in unknown_refs if ref in stored and stored[ref][2] != "unmatched")
    applied = dict(query(DATABASE_URL, "SELECT va_number, SUM(amount) FROM payment WHERE reference LIKE "
                         "'FAULT-%%' AND status = 'applied' GROUP BY va_number"))
    sums_off = sum(1 for va, amount in expected_by_va.items() if applied.get(va) != amount)
    results += [("payments lost", lost), ("payments duplicated", duplicated),
                ("unmatched that should have matched", should_match), ("unknown VA applied", wrongly_matched),
                ("families whose applied sum differs", sums_off)]
    bookings = query(DATABASE_URL, "SELECT participant_id, number, request_key FROM booking "
                     "WHERE poli_id = %s AND visit_date = %s AND active_key = 1", (poli_id, day))
    counter = query(DATABASE_URL, "SELECT booked FROM poli_day WHERE poli_id = %s AND visit_date = %s",
                    (poli_id, day))
    keys = [b[2] for b in bookings]
    results += [
        ("bookings over the quota", max(0, len(bookings) - quota)),
        ("slots left unused while people were refused", quota - len(bookings)),
        ("participants booked twice", len(bookings) - len({b[0] for b in bookings})),
        ("numbers given twice", len(bookings) - len({b[1] for b in bookings})),
        ("confirmed bookings not stored once", sum(1 for key in confirmed if keys.count(key) != 1)),
        ("poli day counter off", abs((counter[0][0] if counter else 0) - len(bookings))),
    ]
    return results, len(bookings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--callbacks", type=int, default=1000, help="distinct payments (default 1,000)")
    parser.add_argument("--resends", type=int, default=200, 
                        help="deliberate duplicate callbacks (default 200)")
    parser.add_argument("--kills", type=int, default=10, help="at least this many SIGKILLs (default 10)")
    parser.add_argument("--threads", type=int, default=6, help="callback senders (default 6)")
    args = parser.parse_args()
    directory = tempfile.mkdtemp(prefix="jkn-fault-")
    cluster = gunicorn = huey = None
    try:
        cluster = Cluster(directory)
        env = app_env(DATABASE_URL, REDIS_URL, directory)
        create_database(DATABASE_URL)
        flush_redis(REDIS_URL)
        print(f"throwaway PostgreSQL on {HOST}:{PG_PORT}; preparing demo data + {FAMILIES} families...",
              flush=True)
        prepare(env, FAMILIES)
        poli_id, quota = query(DATABASE_URL, "SELECT p.id, p.daily_quota FROM poli p JOIN facility f ON "
                               "f.id = p.facility_id WHERE f.code = 'DEMO-PKM-3201' AND p.code = 'gigi'")[0]
        day = next_open_day()
        gunicorn, port = start_gunicorn(env)
        huey = start_huey(env)
        base = f"http://{HOST}:{port}"

        plan, expected_by_va, unknown_refs = [], {}, set()
        for n in range(args.callbacks):
            reference = f"FAULT-{n:05d}"
            if n % (args.callbacks // UNKNOWN_VAS) == 0:
                va, amount = f"7777700000{n:06d}", 35_000
                unknown_refs.add(reference)
            else:
                va = extra_family(CONTENDERS + n % (FAMILIES - CONTENDERS))[1]
                amount = random.choice((10_000, 35_000))
                expected_by_va[va] = expected_by_va.get(va, 0) + amount
            plan.append((reference, signed_callback(va, amount, reference)[0]))
        sends = plan + random.sample(plan, args.resends)  # the resends: the same body again
        random.shuffle(sends)
        stats = {"retries": 0, "booking retries": 0, "bookings refused (full)": 0, "given up": 0}
        progress, done, confirmed = [], threading.Event(), {}
        log = {"kills": 0, "restarts": 0, "stats": stats}
        start = threading.Event()
        senders = [threading.Thread(target=send_callbacks,
                                    args=(base, sends[i::args.threads], stats, progress))
                   for i in range(args.threads)]
        contenders = [threading.Thread(target=book, args=(base, i, poli_id, day, confirmed, stats, start))
                      for i in range(CONTENDERS)]
        killer = threading.Thread(target=chaos,
                                  args=(gunicorn, cluster, progress, len(sends), args.kills, done, log))
        started = time.monotonic()
        for thread in senders + contenders + [killer]:
            thread.start()
        time.sleep(3)  # the rush for the slots starts among the kills
        start.set()
        for thread in senders + contenders:
            thread.join()
        done.set()
        killer.join()
        seconds = time.monotonic() - started
        wait_http(port, "/healthz", gunicorn)
        stop(huey)
        stop(gunicorn)
        huey = gunicorn = None
        verify = subprocess.run([str(BIN / "flask"), "ledger", "verify"], cwd=ROOT, env=env,
                                capture_output=True, text=True)
        results, booked = checks({ref for ref, _ in plan}, expected_by_va, unknown_refs, confirmed, poli_id,
                                 quota, day)
        print(f"\n{len(sends):,} callbacks ({args.callbacks:,} distinct payments, {args.resends} "
              f"deliberate resends, {len(unknown_refs)} to unknown VAs) in {seconds:.0f} s; "
              f"{stats['retries']:,} retries after no 2xx")
        print(f"{log['kills']} gunicorn workers killed with SIGKILL, PostgreSQL restarted {log['restarts']} "
              f"time(s)")
        print(f"{CONTENDERS} participants rushing for {quota} slots ({day}): {booked} booked, "
              f"{stats['bookings refused (full)']} refusals 'full', {stats['booking retries']} retries")
        said = verify.stdout.strip().splitlines()[-1] if verify.stdout.strip() else verify.stderr[-300:]
        print(f"flask ledger verify: {said}")
        print(f"requests given up after {MAX_TRIES} tries: {stats['given up']}")
        failed = verify.returncode != 0 or stats["given up"] != 0
        for what, count in results:
            print(f"  {what:<46} {count}")
            failed = failed or count != 0
        print("ALL CHECKS HOLD" if not failed else "SOME CHECK FAILED")
        return 1 if failed else 0
    finally:
        stop(huey)
        stop(gunicorn)
        if cluster:
            cluster.stop()
        flush_redis(REDIS_URL)
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
