"""The task queue: SQLite storage by default, Redis with REDIS_URL (the same tasks), the periodic
jobs registered, and each job run through huey in immediate mode inside the app."""
import uuid
from datetime import timedelta

import pytest
import redis

from app.core import clock, tasks
from app.models import Registration

REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def immediate():
    tasks.huey.immediate = True
    yield tasks.huey
    tasks.huey.immediate = False


def test_the_daily_jobs_are_periodic_tasks():
    names = {task.__name__ for task in tasks.huey._registry._periodic_tasks}
    assert {"daily_reminders", "apply_credit", "purge_drafts", "send_sms", "refresh_case_dashboard"} <= names


def test_purge_drafts_runs_through_the_queue(app, immediate):
    with app.app_context():
        old = Registration(token=uuid.uuid4().hex[:12], status="draft", step="keluarga",
                           updated_at=clock.now() - timedelta(days=31))
        old.data = {}
        old.save()
        tasks.purge_drafts()  # immediate mode: runs now, in this process
        assert Registration.get_or_none(Registration.id == old.id) is None
        assert tasks.purge_drafts.call_local() == 0


def test_apply_credit_and_reminders_run_through_the_queue(app, immediate):
    with app.app_context():
        tasks.apply_credit()
        families, months = tasks.apply_credit.call_local()
        assert families >= 0 and months == 0  # the first run spent whatever credit there was
        assert tasks.daily_reminders.call_local() == 0  # the demo seeding already made today's


def test_with_redis_url_the_same_tasks_use_redis():
    try:
        redis.Redis.from_url(REDIS).ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    queue = tasks.make_huey(REDIS)
    assert type(queue).__name__ == "RedisHuey"
    queue.flush()

    @queue.task()
    def add(a, b):
        return a + b

    result = add(2, 3)
    assert len(queue) == 1
    queue.execute(queue.dequeue())
    assert result.get() == 5
    queue.flush()
    assert type(tasks.make_huey(None)).__name__ == "SqliteHuey"


def test_the_case_dashboard_is_refreshed_through_the_queue(app, immediate):
    from app.models import CaseStatSnapshot

    with app.app_context():
        CaseStatSnapshot.delete().execute()
        tasks.refresh_case_dashboard()  # immediate mode: runs now, in this process
        snapshot = CaseStatSnapshot.get()
        assert (clock.now() - snapshot.computed_at).total_seconds() < 60
