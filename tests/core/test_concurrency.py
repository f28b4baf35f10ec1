"""Concurrent writers on the real database (threads, separate connections, committed data)."""
import uuid

import pytest

from app.core import security
from app.core.auth import authenticate
from app.core.db import db
from app.models import AuditLog, User
from tests.helpers import run_together

THREADS, ATTEMPTS = 4, 5


@pytest.mark.committed
def test_concurrent_failed_sign_ins_are_all_counted_without_lock_errors(app, monkeypatch):
    """Read-then-write under write_lock(): no "database is locked", no lost update."""
    monkeypatch.setitem(app.config, "LOCKOUT_THRESHOLD", 1000)
    username = f"ramai-{uuid.uuid4().hex[:8]}"
    with app.app_context(), db.connection_context():
        user = User(username=username, role="petugas_bpjs", password_hash=security.hash_password("kopi-pagi"))
        user.save()

    def hammer():
        with app.app_context(), db.connection_context():
            for _ in range(ATTEMPTS):
                assert authenticate(username, "salah-terus") is None

    run_together([hammer] * THREADS)
    with app.app_context(), db.connection_context():
        assert User.get_by_id(user.id).failed_logins == THREADS * ATTEMPTS
        failures = AuditLog.select().where((AuditLog.subject == f"user:{user.id}")
                                           & (AuditLog.action == "sign_in_failed")).count()
        assert failures == THREADS * ATTEMPTS
