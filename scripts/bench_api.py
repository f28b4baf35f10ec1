"""The office API and the SMS webhook under load, in-process (Flask test clients in threads).

1. 10,000 participant upserts (5,000 families of two, PBPU, each with its VA) posted by 8 threads,
   plus 1,000 of them sent again at the same time: prints the throughput and checks that every NIK
   is stored exactly once (zero duplicates) and the repeats answered "unchanged".
2. 2,000 signed inbound SMS (mixed commands, 400 numbers) by 8 threads: prints messages per second.

Needs a PostgreSQL database whose name contains "bench" (it is wiped; created when missing):

    .venv/bin/python scripts/bench_api.py --database-url postgresql://postgres@127.0.0.1:5432/bench_api
"""
import argparse
import hashlib
import hmac
import json
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg2  # noqa: E402

from app.api import service as api  # noqa: E402
from app.core import clock  # noqa: E402
from app.core.config import DEMO_SMS_SECRET  # noqa: E402
from app.core.db import db  # noqa: E402
from app.models import SCOPES, Participant  # noqa: E402

try:
    from tests.conftest import build_app
except ImportError as error:
    sys.exit(f"{error}: install the test tools first (make setup-dev)")

THREADS = 8
FAMILIES = 5_000
REPEATS = 1_000
MESSAGES = 2_000
TEXTS = ("bantuan", "status", "faskes cibinong", "tghn", "antre", "apa ini", "FASKES coblong", "")


def ensure_database(url):
    parts = urlsplit(url)
    name = parts.path.strip("/")
    server = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    server.close()


def people(families):
    """(KK, NIK, birth date, relationship) × 10,000: valid NIKs of district 32.01.01, all distinct."""
    rows, start = [], date(1960, 1, 1)
    for i in range(families):
        kk = f"32010198{i:08d}"
        for j, relationship in enumerate(("kepala", "anak")):
            born = start + timedelta(days=(i * 2 + j) % 15_000)
            serial = 5001 + (i * 2 + j) // 15_000  # the demo people use low serials
            nik = f"320101{born:%d%m%y}{serial:04d}"
            rows.append((kk, nik, born, relationship))
    return rows


def body(kk, nik, born, relationship):
    return {"kk_number": kk, "nik": nik, "name": f"Peserta {nik[-6:]}", "sex": "L",
            "birth_date": born.isoformat(), "relationship": relationship, "segment": "PBPU", "care_class": 3,
            "district_code": "32.01.01", "address": "Kp. Uji Beban", "fktp_code": "DEMO-PKM-3201"}


def bench_upserts(app, token, families):
    rows = people(families)
    repeats = min(REPEATS, len(rows) // 10)
    work = [body(*row) for row in rows] + [body(*row) for row in random.sample(rows, repeats)]
    random.shuffle(work)
    headers = {"Authorization": f"Bearer {token}"}
    outcomes, refusals = {}, []

    def send(chunk):
        client = app.test_client()
        for data in chunk:
            response = client.post("/api/v1/participants", json=data, headers=headers)
            key = response.json.get("outcome") if response.status_code == 200 else response.status_code
            if response.status_code != 200:
                refusals.append(response.json.get("detail"))
            outcomes[key] = outcomes.get(key, 0) + 1

    chunks = [work[i::THREADS] for i in range(THREADS)]
    started = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(send, chunks))
    seconds = time.perf_counter() - started
    with app.app_context(), db.connection_context():
        stored = Participant.select().where(Participant.name.startswith("Peserta ")).count()
        distinct = len({p.nik_index for p in Participant.select(Participant.nik_index)
                        .where(Participant.name.startswith("Peserta "))})
    print(f"participant upserts: {len(work):,} requests ({repeats:,} repeats) by {THREADS} threads in "
          f"{seconds:.1f} s = {len(work) / seconds:,.0f} requests/s; outcomes {outcomes}")
    if refusals:
        print("refused:", sorted(set(refusals))[:5])
    print(f"stored {stored:,} participants for {len(rows):,} NIKs, {stored - distinct} duplicates")


def bench_sms(app):
    numbers = [f"+62857{n:08d}" for n in range(400)]

    def send(count):
        client = app.test_client()
        for _ in range(count):
            raw = json.dumps({"from": random.choice(numbers), "text": random.choice(TEXTS)}).encode()
            timestamp = str(clock.epoch())
            signature = hmac.new(DEMO_SMS_SECRET.encode(), f"{timestamp}.".encode() + raw,
                                 hashlib.sha256).hexdigest()
            response = client.post("/api/v1/sms/masuk", data=raw, headers={
                "X-Gateway": "demo", "X-Timestamp": timestamp, "X-Signature": signature})
            assert response.status_code == 200, response.data

    started = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(send, [MESSAGES // THREADS] * THREADS))
    seconds = time.perf_counter() - started
    print(f"SMS webhook: {MESSAGES:,} signed messages by {THREADS} threads in {seconds:.1f} s = "
          f"{MESSAGES / seconds:,.0f} messages/s (target 200)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--families", type=int, default=FAMILIES, help="families of two (default 5,000)")
    args = parser.parse_args()
    url = args.database_url
    if url.startswith("postgresql"):
        ensure_database(url)
    app = build_app(url)
    app.config.update(API_RATE_LIMIT="1000000 per minute", SMS_RATE_LIMIT=1_000_000, RATELIMIT_ENABLED=False)
    with app.app_context(), db.connection_context():
        token = api.create_client(None, "bench", list(SCOPES))[1]
    bench_upserts(app, token, args.families)
    bench_sms(app)


if __name__ == "__main__":
    main()
