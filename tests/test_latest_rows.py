"""The latest rows of a person, a facility or a facilitator are read newest first by an index
(migration 0019), never by gathering and sorting everything they ever did; and what they read."""
import re

import pytest

from app.core import clock
from app.core.db import MAX_ID, db, is_sqlite
from app.models import AuditLog, Consent, Participant, User, Visit
from app.models.accounts import _PREVIOUS_SIGN_IN, _TRAIL
from app.models.assist import _GIVEN_BY
from app.queue.service import _FAMILY_BOOKINGS


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


def _plan(sql, params):
    return " | ".join(row[3] for row in db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params))


def _prepared_plan(prepared, *args):
    sql, plan, _query = prepared._compile()
    return _plan(sql, prepared._params(plan, args))


def test_the_latest_rows_come_in_index_order(app):
    with app.app_context():
        if not is_sqlite():
            pytest.skip("the plans read are SQLite's (on PostgreSQL the same indexes serve: migration 0019)")
        budi = Participant.by_card("0001000000001")
        user, facilitator = User.get(User.participant == budi), User.get(User.role == "fasilitator")
        today = clock.today()
        plans = {
            "trail": _prepared_plan(_TRAIL, user.id, f"user:{user.id}", budi.id, MAX_ID, 50),
            "previous sign-in": _prepared_plan(_PREVIOUS_SIGN_IN, user.id),
            "look-ups": _plan(*AuditLog.select(AuditLog.subject).where(
                (AuditLog.actor == user.id) & (AuditLog.action == "participant_looked_up")
                & AuditLog.subject.startswith("family:")).order_by(AuditLog.id.desc()).limit(50).sql()),
            "consents given": _prepared_plan(_GIVEN_BY, budi.id, 20),
            "facilitator's residents": _plan(*Consent.recent_of(facilitator).sql()),
            "facility's patients": _plan(*Visit.select().where(Visit.facility == 1)
                                         .order_by(Visit.id.desc()).limit(10).sql()),
            "family bookings": _prepared_plan(_FAMILY_BOOKINGS, *budi.acting_for(), today),
        }
    for name, plan in plans.items():  # no table read through ("SCAN newest": a subquery's own page)
        assert not re.search(r"SCAN t\d", plan), (name, plan)
    for name in ("previous sign-in", "look-ups", "consents given", "facilitator's residents",
                 "facility's patients"):  # (the trail's sort is of its three short pages only)
        assert "TEMP B-TREE" not in plans[name], (name, plans[name])
    assert plans["trail"].count("SEARCH") >= 3 and "actor_id_action_id" in plans["previous sign-in"]
    assert "actor_id_action_id" in plans["look-ups"] and "facility_id_id" in plans["facility's patients"]
