"""Health monitoring at national scale: the service history page and the daily reminder job over
1,000,000 participants and 5,000,000 visits (issue 11).

Builds the database with the real migrations, regions and demo data (tests/conftest.py build_app:
the public schema is dropped first, so the name must contain "bench"; created when missing), then
loads in PostgreSQL itself (INSERT … SELECT over generate_series, secondary indexes dropped during
the load and rebuilt, VACUUM ANALYZE):

- 250,000 PBI families of 4 (1,000,000 participants; PBI: no bill reminders);
- 5 visits per participant over the last 3 years (5,000,000), every one with the same encrypted
  document (encryption is not what is timed); every 100th has its control date tomorrow;
- 200,000 referrals valid until a day spread over the next 90 days (the last 7: a reminder each);
- 50,000 PRB enrolments, pickup day spread over 1..28.

Then it times the history page (/riwayat, full page through the test client, as the participant)
for --samples random participants, and the reminder job: once, again (must make 0), and by two
workers at once on a fresh day's events (made by moving the events a day): it checks that the
reminder count equals the number of events counted independently in SQL. Prints figures.

    .venv/bin/python scripts/bench_health.py --database-url postgresql://postgres@127.0.0.1:5432/bench_health
    .venv/bin/python scripts/bench_health.py --participants 100000 …   # smaller
    .venv/bin/python scripts/bench_health.py --reuse …                  # measure the data already loaded
"""
import argparse
import random
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.core import clock, security  # noqa: E402
from app.core.config import TestConfig  # noqa: E402
from app.core.db import db  # noqa: E402
from app.inbox import reminders  # noqa: E402
from app.models import Participant, Reminder, User, Visit  # noqa: E402
from scripts.bench_contributions import database_name, ensure_database, percentile, run, step  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_health"
PARTICIPANTS = 1_000_000
FIRST_ID = 100_000
LOADED = ("participant", "visit", "referral", "prb_enrolment")


def load(participants):
    start = time.perf_counter()
    families = participants // 4
    today = "(now() AT TIME ZONE 'Asia/Jakarta')::date"
    blob = security.encrypt('{"diagnoses": [["I10", "Essential (primary) hypertension"]], "medicines": [], '
                            '"procedures": ""}', "visit")
    run("SET synchronous_commit = off")
    run("SET maintenance_work_mem = '512MB'")
    run("SET session_replication_role = replica")
    indexes = db.execute_sql("SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN %s "
                             "AND indexname NOT LIKE '%%_pkey'", (LOADED,)).fetchall()
    for name, _ in indexes:
        run(f'DROP INDEX "{name}"')
    step("families (PBI)", f"""
        INSERT INTO family (id, kk_number, segment, care_class, address, employer, registered_on, cover_start,
                            district_code)
        SELECT {FIRST_ID} + g, '98' || lpad(g::text, 14, '0'), 'PBI', 3, 'Jl. Bench ' || g, '', DATE '2020-01-01',
               DATE '2020-01-01', '32.01.01'
        FROM generate_series(1, {families}) AS g""")
    step("participants", f"""
        INSERT INTO participant (id, card_number, nik_encrypted, nik_index, name, sex, birth_date, phone, family_id,
                                 relationship, registered_on, phone_verified)
        SELECT {FIRST_ID} + p, '8' || lpad(p::text, 12, '0'), 'bench', md5('hb' || p), 'Peserta ' || p,
               CASE WHEN p % 2 = 0 THEN 'P' ELSE 'L' END, DATE '1960-01-01' + (p % 20000), '',
               {FIRST_ID} + 1 + (p - 1) / 4, CASE WHEN p % 4 = 1 THEN 'kepala' ELSE 'anak' END, DATE '2020-01-01', ''
        FROM generate_series(1, {families * 4}) AS p""")
    step("visits (5 per participant)", f"""
        INSERT INTO visit (participant_id, facility_id, service_type, visit_date, control_date, data_encrypted,
                           created_at)
        SELECT {FIRST_ID} + p, (SELECT min(id) FROM facility), 'RJTP', {today} - ((p * 7 + v * 211) % 1095),
               CASE WHEN (p * 5 + v) % 100 = 0 THEN {today} + 1 END, '{blob}', now()
        FROM generate_series(1, {families * 4}) AS p, generate_series(1, 5) AS v""")
    step("referrals", f"""
        INSERT INTO referral (participant_id, from_facility_id, to_facility_id, poli_code, issued_on, valid_until)
        SELECT {FIRST_ID} + 1 + (r * 5) % {families * 4}, (SELECT min(id) FROM facility),
               (SELECT id FROM facility WHERE kind = 'rumah_sakit' LIMIT 1), 'penyakit_dalam',
               {today} + (r % 90) - 90, {today} + (r % 90)
        FROM generate_series(1, {participants // 5}) AS r""")
    step("PRB enrolments", f"""
        INSERT INTO prb_enrolment (participant_id, condition, pharmacy_id, pickup_day, last_control, enrolled_on,
                                   facility_id, active)
        SELECT {FIRST_ID} + 1 + (e * 19) % {families * 4}, 'hipertensi', (SELECT min(id) FROM facility),
               1 + e % 28, {today} - 40, {today} - 40, (SELECT min(id) FROM facility), true
        FROM generate_series(1, {participants // 20}) AS e""")
    run("SET session_replication_role = DEFAULT")
    for table in ("family", "participant", "visit", "referral", "prb_enrolment"):
        run(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    for name, definition in indexes:
        step(f"index {name}", definition)
    for table in ("family", *LOADED):
        step(f"VACUUM ANALYZE {table}", f"VACUUM ANALYZE {table}")
    return time.perf_counter() - start


def expected_events(day):
    """The events of `day`, counted in SQL without the job's code."""
    tomorrow = day + timedelta(days=1)
    sql = """SELECT
      (SELECT count(DISTINCT participant_id) FROM visit WHERE control_date = %s)
    + (SELECT count(*) FROM referral WHERE valid_until BETWEEN %s AND %s)
    + (SELECT count(DISTINCT participant_id) FROM prb_enrolment WHERE active AND pickup_day = %s AND %s <= 28)
    + (SELECT count(*) FROM booking WHERE visit_date = %s AND status = 'aktif')"""
    return db.execute_sql(sql, (tomorrow, day, day + timedelta(days=6), tomorrow.day, tomorrow.day, tomorrow)
                          ).fetchone()[0]


def _forget_job_reminders():
    """Delete the reminders (and their SMS) of the kinds the loaded data makes, to make them again."""
    from app.models import SmsMessage

    kinds = ("control", "referral_expiry", "prb_pickup", "queue")
    SmsMessage.delete().where(SmsMessage.reminder.in_(Reminder.select(Reminder.id).where(
        Reminder.kind.in_(kinds)))).execute()
    Reminder.delete().where(Reminder.kind.in_(kinds)).execute()


def job(app, day):
    with app.app_context(), db.connection_context():
        return reminders.create_due(day)


def measure_job(app):
    today = clock.today()
    with app.app_context(), db.connection_context():
        _forget_job_reminders()
        before, expected = Reminder.select().count(), expected_events(today)
    start = time.perf_counter()
    made = job(app, today)
    first = time.perf_counter() - start
    start = time.perf_counter()
    again = job(app, today)
    second = time.perf_counter() - start
    with app.app_context(), db.connection_context():
        stored = Reminder.select().count() - before
    print(f"\nreminder job for {today}: {made:,} made in {first:.1f} s; run again: {again} made in {second:.1f} s")
    print(f"  events counted in SQL: {expected:,}; reminders stored: {stored:,} "
          f"({'exactly one per event' if stored == expected else 'MISMATCH'})")
    day = today  # two workers at once, on the same events made afresh
    with app.app_context(), db.connection_context():
        _forget_job_reminders()
        before, expected = Reminder.select().count(), expected_events(day)
    results, threads = [], [threading.Thread(target=lambda: results.append(job(app, day))) for _ in range(2)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context(), db.connection_context():
        stored = Reminder.select().count() - before
    print(f"two workers at once for {day}: made {results} in {time.perf_counter() - start:.1f} s; events {expected:,}, "
          f"stored {stored:,} ({'exactly one per event' if stored == expected else 'MISMATCH'})")


def measure_pages(app, participant_ids):
    with app.app_context(), db.connection_context():
        password_hash = security.hash_password("bench-not-a-password")
        sessions = {}
        for pid in participant_ids:
            person = Participant.get_by_id(pid)
            if person.nik_encrypted == "bench":
                person.nik = f"33{pid:014d}"
                person.save()
            user = User.get_or_none(User.participant == pid) or User.create(
                participant=pid, role="peserta", password_hash=password_hash)
            sessions[pid] = user.get_id()
    samples = []
    for pid in participant_ids:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"], session["seen"] = sessions[pid], True, clock.epoch()
        client.get("/riwayat")
        for _ in range(3):
            start = time.perf_counter()
            response = client.get("/riwayat", headers={"Accept-Encoding": "gzip"})
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
    print(f"\nGET /riwayat (full page, 12 months) for {len(participant_ids)} participants x3: "
          f"p50 {percentile(samples, 50):.2f} ms, p99 {percentile(samples, 99):.2f} ms, max {max(samples):.2f} ms")
    with app.app_context(), db.connection_context():
        query = (Visit.select(Visit.id).where(Visit.participant.in_([participant_ids[0]]),
                                              Visit.visit_date >= clock.today() - timedelta(days=365))
                 .order_by(Visit.visit_date.desc(), Visit.id.desc()).limit(21))
        sql, params = query.sql()
        print("\n-- the history query\n" + "\n".join(
            f"   {line}" for (line,) in db.execute_sql("EXPLAIN (ANALYZE, BUFFERS) " + sql, params).fetchall()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--participants", type=int, default=PARTICIPANTS)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--seed", type=int, default=20261201)
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
        app = build_app(url)
        with app.app_context(), db.connection_context():
            print(f"loaded in {load(args.participants):.0f} s")
    with app.app_context(), db.connection_context():
        print(f"rows: participants {Participant.select().count():,}, visits {Visit.select().count():,}")
        ids = [row[0] for row in db.execute_sql(f"SELECT id FROM participant WHERE id > {FIRST_ID} ORDER BY id "
                                                f"LIMIT {min(args.participants, 2_000_000)}").fetchall()]
    measure_pages(app, random.Random(args.seed).sample(ids, min(args.samples, len(ids))))
    measure_job(app)


if __name__ == "__main__":
    main()
