"""The task queue (Huey): everything periodic or slow runs here, in a worker beside the web server.

Storage: SQLite under instance/ by default (one machine), Redis when REDIS_URL is set (workers on
any number of machines share it); the code is the same. Start a worker with

    huey_consumer app.core.tasks.huey -w 2

Periodic jobs (times in UTC, so 17:05 UTC is 00:05 WIB):
    daily_reminders  00:05 WIB: create the day's reminders (each once: a unique event key)
    apply_credit     00:15 WIB: spend families' credit on the month that began
    purge_drafts     00:30 WIB: delete registration drafts untouched for 30 days
    send_sms         every minute: the SMS that are due (quiet hours, retries with backoff)

Each task runs inside the Flask app (created once per worker from the environment, or the app
already pushed, as in the tests) with one database connection it closes after. Tests set
`huey.immediate = True` (or call the plain functions) to run tasks at once in-process.
"""
import functools
import os
from datetime import timedelta

from flask import current_app, has_app_context
from huey import RedisHuey, SqliteHuey, crontab

from app.core.config import INSTANCE

DRAFT_DAYS = 30


def make_huey(redis_url=None):
    """RedisHuey on REDIS_URL, else SqliteHuey in instance/huey.db."""
    if redis_url:
        return RedisHuey("jkn-lite", url=redis_url, utc=True)
    INSTANCE.mkdir(exist_ok=True)
    return SqliteHuey("jkn-lite", filename=str(INSTANCE / "huey.db"), utc=True)


huey = make_huey(os.environ.get("REDIS_URL"))

_worker_app = None


def _app():
    """The app of this process: the one pushed (tests, CLI), else one made from the environment."""
    global _worker_app
    if has_app_context():
        return current_app._get_current_object()
    if _worker_app is None:
        from app import create_app

        _worker_app = create_app()
    return _worker_app


def in_app(function):
    """Run `function` inside the app context with a database connection (opened and closed here
    only when none is open: inside a test's transaction it reuses that one)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        from app.core.db import db

        with _app().app_context():
            opened = db.connect(reuse_if_open=True)
            try:
                return function(*args, **kwargs)
            finally:
                if opened and not db.is_closed():
                    db.close()

    return wrapper


# --- the jobs (plain functions: a test or a command may call them directly) ----------------------

def run_apply_credit():
    """Spend every family's credit on what it owes through this month: (families, months paid)."""
    from app.contributions import payments

    families = payments.families_with_credit()
    return len(families), sum(len(payments.apply_credit(family_id)) for family_id in families)


def run_purge_drafts(days=DRAFT_DAYS):
    """Delete abandoned registration drafts (they hold NIKs): how many."""
    from app.core import clock
    from app.models import Registration

    return Registration.purge_drafts(clock.now() - timedelta(days=days))


def run_reminders(day=None):
    """Create the day's reminders: how many were new."""
    from app.inbox import reminders

    return reminders.create_due(day)


def run_send_sms():
    """Send the SMS that are due: how many went to the gateway."""
    from app.inbox import outbox

    return outbox.send_due()


def run_refresh_case_dashboard():
    """Recompute the public service dashboard's figures: how many cases they count."""
    from app.cases import reports

    figures, _ = reports.dashboard(refresh=True)
    return figures["total"]


@huey.periodic_task(crontab(hour="17", minute="5"), retries=3, retry_delay=600)
@in_app
def daily_reminders():
    return run_reminders()


@huey.periodic_task(crontab(hour="17", minute="15"), retries=3, retry_delay=600)
@in_app
def apply_credit():
    return run_apply_credit()


@huey.periodic_task(crontab(hour="17", minute="30"))
@in_app
def purge_drafts():
    return run_purge_drafts()


@huey.periodic_task(crontab(minute="*"))
@in_app
def send_sms():
    return run_send_sms()


@huey.periodic_task(crontab(minute="*/5"))
@in_app
def refresh_case_dashboard():
    return run_refresh_case_dashboard()


@huey.task(retries=2, retry_delay=30)
@in_app
def send_one_sms(reminder_id):
    """Send one SMS now (queued right after a reminder or a verification code is made)."""
    from app.inbox import outbox

    return outbox.send_one(reminder_id)
