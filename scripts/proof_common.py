"""What scripts/load_test.py and scripts/fault_test.py share: a bench database, gunicorn with 4
workers, the huey worker, extra demo families with accounts, and signed payment callbacks.

Everything listens on 127.0.0.1; every process started here is stopped here, by its own pid.

    python scripts/proof_common.py families N   # (with DATABASE_URL etc. set) N extra families
"""
import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PASSWORD = "demo1234"
CHANNEL, CHANNEL_SECRET = "demo", "jkn-lite-demo-callback-secret"  # APP_ENV=development only
WIB = timezone(timedelta(hours=7))
#: environment a started server must not inherit from the caller
DROPPED = ("REDIS_URL", "DATABASE_URL", "WEB_CONCURRENCY", "GUNICORN_THREADS", "HOST", "PORT", "FLASK_APP")


# --- pure helpers (tests/test_proof_helpers.py) --------------------------------------------------

def extra_family(i):
    """(KK, VA, card, NIK) of the i-th extra family (0 ≤ i < 100,000): distinct from the demo's."""
    born = datetime(1970, 1, 1) + timedelta(days=i % 12_000)
    return (f"32010199{i:08d}", f"888889{i:010d}", f"0009{i:09d}",
            f"320101{born:%d%m%y}{6001 + i // 12_000:04d}")


def signed_callback(va_number, amount, reference, now=None):
    """(body bytes, headers) of one payment callback signed as the README says."""
    now = now or time.time()
    paid_at = datetime.fromtimestamp(now, WIB).replace(microsecond=0).isoformat()
    body = json.dumps({"va_number": va_number, "amount": amount, "channel": CHANNEL,
                       "reference": reference, "paid_at": paid_at}, separators=(",", ":")).encode()
    return body, resign(body, now)


def resign(body, now=None):
    """Fresh headers for the same body (a retry: same reference, a new timestamp)."""
    timestamp = str(int(now or time.time()))
    signature = hmac.new(CHANNEL_SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Channel": CHANNEL, "X-Timestamp": timestamp,
            "X-Signature": signature}


def csrf_token(html):
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html)
    value = tag and re.search(r'value="([^"]+)"', tag.group(0))
    return value.group(1) if value else None


def options(html, name):
    """The non-empty option values of <select name=...> in html."""
    block = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    if block:
        return [v for v in re.findall(r'<option[^>]*value="([^"]*)"', block.group(1)) if v]
    hidden = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)  # a single choice: a hidden field
    value = hidden and re.search(r'value="([^"]+)"', hidden.group(0))
    return [value.group(1)] if value else []


# --- the database --------------------------------------------------------------------------------

def check_bench_url(url):
    if not re.search(r"/\w*bench\w*$", url) or urlsplit(url).hostname != HOST:
        raise SystemExit(f"refusing {url}: a database on {HOST} whose name contains 'bench'")


def create_database(url):
    import psycopg2

    check_bench_url(url)
    parts = urlsplit(url)
    name = parts.path.strip("/")
    server = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    server.close()


def drop_database(url):
    import psycopg2

    check_bench_url(url)
    parts = urlsplit(url)
    server = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{parts.path.strip("/")}" WITH (FORCE)')
    server.close()


def query(url, sql, args=()):
    import psycopg2

    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, args)
            return cursor.fetchall()
    finally:
        connection.close()


def app_env(database_url, redis_url, directory, **extra):
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update({
        "APP_ENV": "development", "FLASK_APP": "wsgi:app", "HOST": HOST, "PYTHONDONTWRITEBYTECODE": "1",
        "DATABASE_URL": database_url, "REDIS_URL": redis_url, "UPLOAD_DIR": f"{directory}/uploads",
        "SECRET_KEY": secrets.token_urlsafe(32), "PASSWORD_PEPPER": secrets.token_urlsafe(24),
        "FIELD_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        # each simulated user sends its own X-Forwarded-For: the per-IP limits stay as in production
        "PROXY_COUNT": "1", **extra,
    })
    return env


def prepare(env, families):
    """Migrations, regions, demo data, then `families` extra PBPU families (one member with an account
    each, paid up to this month, at Puskesmas Cibinong)."""
    for command in (["migrate"], ["import", "regions", "--if-empty"], ["seed", "--demo", "--if-empty"]):
        subprocess.run([str(BIN / "flask"), *command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    subprocess.run([sys.executable, __file__, "families", str(families)], cwd=ROOT, env=env, check=True)


def add_families(count):
    sys.path.insert(0, str(ROOT))
    from app import create_app
    from app.contributions import ledger
    from app.core import clock
    from app.core.db import db
    from app.core.demo import _pay_monthly
    from app.core.security import hash_password
    from app.models import Facility, Family, Participant, User
    from app.rules import contributions

    app = create_app()
    with app.app_context(), db.connection_context(), db.atomic():
        fktp = Facility.get(Facility.code == "DEMO-PKM-3201")
        this_month = contributions.month_of(clock.today())
        start = contributions.add_months(this_month, -1)
        password_hash = hash_password(PASSWORD)  # one hash for all: seeding stays fast
        ids = []
        for i in range(count):
            kk, va, card, nik = extra_family(i)
            family = Family.create(kk_number=kk, segment="PBPU", care_class=3, district="32.01.01",
                                   address=f"Kp. Uji Beban No. {i}", fktp=fktp, va_number=va,
                                   registered_on=start, cover_start=start)
            person = Participant(card_number=card, name=f"Peserta Beban {i}", sex="L" if i % 2 else "P",
                                 birth_date=datetime(1970, 1, 1).date() + timedelta(days=i % 12_000),
                                 family=family, relationship="kepala", phone="", registered_on=start)
            person.nik = nik
            person.save()
            User.create(participant=person, role="peserta", password_hash=password_hash)
            _pay_monthly(family, start, this_month)
            ids.append(family.id)
        ledger.rebuild(family_ids=ids)


# --- processes -----------------------------------------------------------------------------------

def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_http(port, path, process, seconds=60):
    import http.client

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"no answer on {HOST}:{port}{path} within {seconds} s")


def start_gunicorn(env, workers=4, threads=2):
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app", "--access-logfile", "/dev/null"],
        cwd=ROOT, env={**env, "PORT": str(port), "WEB_CONCURRENCY": str(workers),
                       "GUNICORN_THREADS": str(threads)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_http(port, "/healthz", process)
    return process, port


def start_huey(env):
    return subprocess.Popen([str(BIN / "huey_consumer"), "app.core.tasks.huey", "-w", "1", "-q"], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(process, seconds=20):
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def worker_pids(master_pid):
    """The gunicorn workers of master_pid (its children, from /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master_pid:
                pids.append(int(entry.name))
    return pids


def flush_redis(redis_url):
    import redis

    redis.Redis.from_url(redis_url).flushdb()


if __name__ == "__main__":
    if sys.argv[1:2] == ["families"]:
        add_families(int(sys.argv[2]))
