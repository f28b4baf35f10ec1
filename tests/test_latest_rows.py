"""The latest rows of a person, a facility or a facilitator are read newest first by an index
(migration 0019), never by gathering and sorting everything they ever did; and what they read."""
import re

import pytest

from app.core import clock
from app.core.db import db, is_sqlite
from app.health import service as health
from app.models import AuditLog, Consent, Participant, User
from app.queue import service as queue
from tests.helpers import statements_run


def test_an_officers_latest_look_ups_are_distinct_families_newest_first(app):
    with app.app_context():
        officer, other = User.get(User.role == "petugas_bpjs"), User.get(User.role == "admin")
        for family in (4, 7, 4, 9, 7, 7):
            AuditLog.record(officer, "participant_looked_up", f"family:{family}")
        AuditLog.record(officer, "participant_looked_up", "unknown")  # a number that matched no one
        AuditLog.record(officer, "family_viewed", "family:11")  # another action
        AuditLog.record(other, "participant_looked_up", "family:12")  # another officer
        assert AuditLog.recent_subjects(officer, "participant_looked_up", "family") == [7, 9, 4]
        assert AuditLog.recent_subjects(officer, "participant_looked_up", "family", limit=2) == [7, 9]


def _plans_of(call):
    """SQLite's plans of the reads `call` runs (what the app really runs, not a copy of its query)."""
    with statements_run() as run:
        call()
    return " | ".join(row[3] for sql, params in run if sql.startswith("SELECT")
                      for row in db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params))


def test_the_latest_rows_come_in_index_order(app):
    with app.app_context():
        if not is_sqlite():
            pytest.skip("the plans read are SQLite's (on PostgreSQL the same indexes serve: migration 0019)")
        budi = Participant.by_card("0001000000001")
        user, facilitator = User.get(User.participant == budi), User.get(User.role == "fasilitator")
        officer, staff = User.get(User.role == "petugas_bpjs"), User.get(User.role == "petugas_faskes")
        plans = {
            "trail": _plans_of(lambda: AuditLog.trail(user)),
            "previous sign-in": _plans_of(lambda: AuditLog.previous_sign_in(user)),
            "look-ups": _plans_of(lambda: AuditLog.recent_subjects(
                officer, "participant_looked_up", "family")),
            "consents given": _plans_of(lambda: Consent.given_by(budi)),
            "facilitator's residents": _plans_of(lambda: list(Consent.recent_of(facilitator))),
            "facility's patients": _plans_of(lambda: health.recent_patients(staff)),
            "family bookings": _plans_of(lambda: queue.family_bookings(budi, clock.today())),
        }
    for name, plan in plans.items():  # no table read through ("SCAN newest": a subquery's own page)
        assert plan and not re.search(r"SCAN t\d", plan), (name, plan)
    for name in ("previous sign-in", "look-ups", "consents given", "facilitator's residents",
                 "facility's patients"):  # (the trail's sort is of its three short pages only)
        assert "TEMP B-TREE" not in plans[name], (name, plans[name])
    assert plans["trail"].count("SEARCH") >= 3 and "actor_id_action_id" in plans["previous sign-in"]
    assert "actor_id_action_id" in plans["look-ups"] and "facility_id_id" in plans["facility's patients"]
