"""The one database handle (a Peewee proxy), chosen by URL, and its per-request connection."""
from flask import g
from peewee import DatabaseProxy, SqliteDatabase
from playhouse.db_url import connect

db = DatabaseProxy()

#: WAL lets readers run beside the one writer; a writer waits (busy timeout) instead of failing.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "full",
}


#: Each gunicorn worker keeps its PostgreSQL connections: opening one costs more than a page.
POOL = {"max_connections": 8, "stale_timeout": 300, "timeout": 10}
#: SQLite connections are kept too: a fresh one costs ~0.45 ms (the first statement opens the WAL
#: index and parses the schema), more than a whole anonymous page. One per worker thread at most, so
#: no limit; a connection is handed to one thread at a time, whichever thread opened it.
SQLITE_POOL = {"max_connections": None, "stale_timeout": 3600, "check_same_thread": False}


#: ids are INTEGER primary keys on both databases
MAX_ID = 2**31 - 1


def parse_id(value):
    """A row id from a URL (a path or query parameter), or None. A larger number cannot be an id,
    and SQLite cannot even bind one past 2⁶³: without this check it would be a 500, not a 404."""
    text = str(value) if value is not None else ""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None  # (and never int() of thousands of digits: Python refuses past 4,300)
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def make_database(url):
    """`sqlite:///path` or `postgresql://…` → a Peewee database, pooled (an in-memory SQLite aside)."""
    if url.startswith("sqlite"):
        rest = url.partition("://")[2]
        if ":memory:" in rest:  # every connection would be a new, empty database: never pool it
            return connect(url, pragmas=SQLITE_PRAGMAS, timeout=10)
        return connect(f"sqlite+pool://{rest}", pragmas=SQLITE_PRAGMAS, **SQLITE_POOL)
    scheme, _, rest = url.partition("://")
    return connect(f"{scheme.removesuffix('+pool')}+pool://{rest}", **POOL)


def is_sqlite():
    return isinstance(db.obj, SqliteDatabase)


def write_lock():
    """A transaction for read-then-write work that takes the write lock up front.

    On SQLite a plain BEGIN upgrades to a write lock only at the first write, which fails with
    "database is locked" when another writer got there first; BEGIN IMMEDIATE waits instead.
    On PostgreSQL the caller's row locks or unique constraints do the job.
    """
    if is_sqlite():
        return db.atomic(lock_type="IMMEDIATE")
    return db.atomic()


def init_app(app):
    url = app.config["DATABASE_URL"]
    if getattr(db.obj, "url", None) != url:  # a second app on the same database shares the handle
        db.initialize(make_database(url))
        db.obj.url = url

    @app.before_request
    def _open_connection():
        # Reuses a connection the caller (a test, a CLI command) already holds.
        g.db_opened_here = db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close_connection(exc):
        if g.pop("db_opened_here", False) and not db.is_closed():
            db.close()
