"""Long histories on PostgreSQL: the reads that show a person's, a facility's or a facilitator's latest
rows, when each has years of them among millions of others'.

Creates the database afresh (on 127.0.0.1, its name containing "bench"), builds it with
tests.conftest.build_app (migrations, regions and demo data), then loads synthetic rows with INSERT … SELECT
over generate_series and runs ANALYZE:

- audit log, 1,000,000 entries: the demo officer's 150,000 look-ups and family views (a year of
  them, a sign-in every 150), the demo participant's 5,000 sign-ins and 5,000 entries about their data by others, the rest
  by other accounts;
- visits, 400,000: a quarter of them at the demo hospital staff's facility;
- consents, 100,000: a fifth of them the demo facilitator's;
- case events, 1,000,000, over the demo cases.

Then it times, p50 and p99 over `--repeat` runs (milliseconds, in process, no HTTP): a page of the
participant's access trail, the sign-in before this one (every dashboard; the officer's and the
participant's), the officer's latest
look-ups (the look-up page), the facility's latest patients, the facilitator's latest residents, the
consents the participant gave, and a batch of the office API's cases; and prints the EXPLAIN
(ANALYZE) of each query. `--app-dir` times another checkout's code on the same kind of data (run it
once per checkout: the loading is the same). Figures only; it never fails on them.

    .venv/bin/python scripts/bench_latest_rows.py --database-url postgresql://postgres@127.0.0.1:5432/bench_latest
    .venv/bin/python scripts/bench_latest_rows.py --app-dir /path/to/before   # the same, with older code
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

from proof_common import create_database

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_latest"


def load(db, ids):
    """The synthetic rows (SQL without parameters: its % is the modulo)."""
    rows = {
        "audit log": f"""INSERT INTO audit_log (at, actor_id, action, subject, on_behalf_of_id, ip, detail)
            SELECT now() - make_interval(secs => g), CASE
                WHEN g % 20 < 3 THEN {ids['officer']}
                WHEN g % 200 = 3 THEN {ids['user']}
                WHEN g % 200 = 4 THEN {ids['officer']}
                ELSE {ids['other']} END,
              CASE WHEN g % 1000 = 0 THEN 'sign_in' WHEN g % 20 < 3 AND g % 3 = 0 THEN 'family_viewed'
                   WHEN g % 20 < 3 THEN 'participant_looked_up'
                   WHEN g % 200 = 3 THEN 'sign_in' WHEN g % 200 = 4 THEN 'family_viewed' ELSE 'sign_in' END,
              CASE WHEN g % 20 < 3 THEN 'family:' || (g % 90001)
                   WHEN g % 200 = 3 THEN 'user:{ids['user']}' ELSE 'user:' || (1000 + g % 50000) END,
              CASE WHEN g % 200 = 4 THEN {ids['participant']} END, '', ''
            FROM generate_series(1, 1000000) g""",
        "visits": f"""INSERT INTO visit (participant_id, facility_id, service_type, visit_date,
                data_encrypted, created_at)
            SELECT {ids['participant']},
              CASE WHEN g % 4 = 0 THEN {ids['facility']} ELSE {ids['other_facility']} END,
              'RJTP', current_date - (g % 3650), '', now() FROM generate_series(1, 400000) g""",
        "consents": f"""INSERT INTO consent (facilitator_id, participant_id, resident_id, scope, method,
                failed_attempts, created_at, started_at, expires_at)
            SELECT CASE WHEN g % 5 = 0 THEN {ids['facilitator']} ELSE {ids['officer']} END,
              CASE WHEN g % 50 = 0 THEN {ids['participant']} ELSE {ids['other_participant']} END,
              {ids['user']},
              'lihat', 'pin', 0, now(), now() - make_interval(mins => g),
              now() - make_interval(mins => g) + interval '30 minutes' FROM generate_series(1, 100000) g""",
        "case events": f"""INSERT INTO case_event (case_id, at, action, from_state, to_state, note_encrypted)
            SELECT (ARRAY{ids['cases']})[1 + g % {len(ids['cases'])}], now() - make_interval(mins => g),
              'catatan', '', '', '' FROM generate_series(1, 1000000) g""",
    }
    for label, sql in rows.items():
        start = time.perf_counter()
        cursor = db.cursor()
        cursor.execute(sql)
        print(f"  {label:<14} {cursor.rowcount:>9,} rows  {time.perf_counter() - start:5.1f} s", flush=True)
    db.cursor().execute("ANALYZE")


def timed(function, repeat):
    function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL,
                        help=f"PostgreSQL, name containing bench ({DEFAULT_URL})")
    parser.add_argument("--app-dir", default=str(ROOT),
                        help="the checkout whose code is timed (default: this one)")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    url = args.database_url
    create_database(url)  # (refuses a name without "bench", or a server not on 127.0.0.1)
    sys.path.insert(0, str(Path(args.app_dir).resolve()))

    from app.api import service as api
    from app.core.db import db
    from app.models import AuditLog, Case, Consent, Facility, Participant, User, Visit
    from tests.conftest import build_app

    app = build_app(url)
    print(f"database: {url}\ncode: {Path(args.app_dir).resolve()}\nloading:")
    with app.app_context(), db.connection_context():
        participant = Participant.by_card("0001000000001")
        user, officer = User.get(User.participant == participant), User.get(User.role == "petugas_bpjs")
        facilitator, other = User.get(User.role == "fasilitator"), User.get(User.role == "admin")
        facility = User.get(User.role == "petugas_faskes").facility_id
        ids = {"participant": participant.id, "user": user.id, "officer": officer.id, "other": other.id,
               "facilitator": facilitator.id, "facility": facility,
               "other_facility": Facility.select().where(Facility.id != facility).first().id,
               "other_participant": Participant.select().where(Participant.id != participant.id).first().id,
               "cases": [case.id for case in Case.select(Case.id)]}
        load(db, ids)
        reads = {
            "access trail, a page of 50": lambda: AuditLog.trail(user, limit=51),
            "the sign-in before this one, officer": lambda: AuditLog.previous_sign_in(officer),
            "the sign-in before this one, resident": lambda: AuditLog.previous_sign_in(user),
            "an officer's latest look-ups": lambda: AuditLog.recent_subjects(
                officer, "participant_looked_up", "family"),
            "a facility's latest patients": lambda: list(
                Visit.select().where(Visit.facility == facility).order_by(Visit.id.desc()).limit(10)),
            "a facilitator's latest residents": lambda: list(Consent.recent_of(facilitator)),
            "the consents a resident gave": lambda: list(Consent.given_by(participant)),
            "office API, a batch of cases": lambda: api._cases(None, 0, 100),
        }
        print(f"\nms, in process, {args.repeat} runs each:\n{'read':<40} {'p50':>8} {'p99':>8}")
        for label, read in reads.items():
            p50, p99 = timed(read, args.repeat)
            print(f"{label:<40} {p50:8.2f} {p99:8.2f}", flush=True)
        print("\nplans (EXPLAIN ANALYZE of the statements each read runs):")
        for label, read in reads.items():
            statements = []
            real = db.obj.execute_sql

            def spy(sql, params=None, *rest, **kwargs):
                statements.append((sql, params))
                return real(sql, params, *rest, **kwargs)

            db.obj.execute_sql = spy
            try:
                read()
            finally:
                del db.obj.execute_sql
            for sql, params in statements:
                if sql.startswith(("SELECT", "EXECUTE")):
                    plan = db.obj.cursor()
                    plan.execute(f"EXPLAIN ANALYZE {sql}", params)
                    print(f"-- {label}\n" + "\n".join(f"   {row[0]}" for row in plan.fetchall()))


if __name__ == "__main__":
    main()
