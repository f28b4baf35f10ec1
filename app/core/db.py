"""The one database handle (a Peewee proxy), chosen by URL, and its per-request connection."""
import itertools
import re
import weakref

from flask import g
from peewee import ColumnBase, DatabaseProxy, SqliteDatabase
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


class Prepared:
    """A query of a fixed shape, turned into SQL once and then only run with new arguments.

    Peewee builds a query's SQL afresh every time, and for the few queries every page runs (the
    signed-in account, the family, its ledger, the unread count) that costs more than running them.
    `build` receives one placeholder per argument and returns the query; the SQL it makes is kept
    per kind of database, and each call runs it with the arguments converted as the query's own
    fields would convert them. The rows come back as the query would give them (models, dicts or
    tuples). Arguments are single values (a list for `IN` would change the SQL's shape); a
    placeholder takes operators like a column (`head | (Participant.id == me)`).

    On PostgreSQL each connection also prepares the statement (PREPARE, once), and runs it with
    EXECUTE: the server then plans it once too, instead of on every page (planning a three-table join
    costs more than running it). After five runs PostgreSQL may keep one generic plan for every
    argument, so a prepared query should find its rows by a key (an id, a family), not by a range
    whose size varies (a bounding box: the nearest-facility search is not prepared for that reason).
    A pooler in front of PostgreSQL must keep one server connection per client connection (session
    pooling), or support prepared statements, for that to work.

    `on_server=False` keeps the SQL in this object only, never PREPAREd: for a query whose shape is
    known only in a request and which it then runs several times (the nearest-facility search, one
    bounding box after another), or whose best plan depends on its values (a person's trail: a
    generic plan with LIMIT unknown walks the whole audit log backwards; planned for its values, it
    reads three short index ranges).

    `arity` is for a `build` of `*args`: that many arguments, always (one page of ids for an `IN`,
    a short page padded with an id that matches nothing, such as 0).

        by_family = Prepared(lambda family_id: Participant.select().where(Participant.family == family_id))
        members = list(by_family(7))
    """

    def __init__(self, build, on_server=True, arity=None):
        self.build = build
        self.on_server = on_server
        self.arity = build.__code__.co_argcount if arity is None else arity
        self.compiled = {}
        self.name = f"jkn_prepared_{next(_NAMES)}"
        #: per kind of database, what peewee's cursor wrapper worked out from the first result's
        #: columns (which field and model each column fills, its converter): the same for every run
        self.resolved = {}

    def _compile(self):
        kind = type(db.obj)
        if kind not in self.compiled:
            query = self.build(*(_Slot(i) for i in range(self.arity)))
            sql, params = query.sql()
            plan = [(value.index, value.convert) if isinstance(value, _Argument) else (None, value)
                    for value in params]
            if self.on_server and not is_sqlite():  # $1, $2… for PREPARE; EXECUTE takes the values in order
                numbers = itertools.count(1)
                sql = re.sub(r"%[s%]", lambda m: f"${next(numbers)}" if m[0] == "%s" else "%", sql)
                execute = f"EXECUTE {self.name}" + (f"({', '.join(['%s'] * len(plan))})" if plan else "")
                sql = (f"PREPARE {self.name} AS {sql}", execute)
            self.compiled[kind] = (sql, plan, query)
        return self.compiled[kind]

    def _run(self, args):
        """A cursor of the query run with `args` (on PostgreSQL prepared by the connection first)."""
        sql, plan, _query = self._compile()
        params = self._params(plan, args)
        if is_sqlite() or not self.on_server:
            return db.execute_sql(sql, params)
        prepare, execute = sql
        made = _PREPARED.setdefault(db.connection(), set())
        if self.name not in made:
            db.execute_sql(prepare)
            made.add(self.name)
        return db.execute_sql(execute, params)

    def __call__(self, *args):
        """The query's rows, as a list: read to the end, as on SQLite a statement left half-read keeps
        its connection's read transaction (an old snapshot) open."""
        query = self._compile()[2]
        wrapper = query._get_cursor_wrapper(self._run(args))
        kind = type(db.obj)
        resolved = self.resolved.get(kind)
        if resolved:
            vars(wrapper).update(resolved)
        rows = list(wrapper)
        if resolved is None and wrapper.initialized:
            self.resolved[kind] = {k: v for k, v in vars(wrapper).items() if k not in _PER_CURSOR}
        return rows

    def first(self, *args):
        """The first row, or None (for a query of at most one row: by a key, or with a LIMIT 1)."""
        rows = self(*args)
        return rows[0] if rows else None

    def scalar(self, *args):
        """The first column of the first row (a count, a sum), or None."""
        cursor = self._run(args)
        try:
            row = cursor.fetchone()
        finally:
            cursor.close()
        return row[0] if row else None

    @staticmethod
    def _params(plan, args):
        # (None, a constant of the query) or (the argument's index, its field's converter or None)
        return [it if index is None else it(args[index]) if it else args[index] for index, it in plan]


_NAMES = itertools.count(1)
#: PostgreSQL: the names of the statements each connection has prepared
_PREPARED = weakref.WeakKeyDictionary()
#: the attributes of a peewee cursor wrapper that belong to one cursor, not to the query's columns
_PER_CURSOR = frozenset({"cursor", "count", "index", "populated", "row_cache"})


class _Argument:
    """Where argument `index` goes among a prepared query's parameters, and its field's converter."""

    def __init__(self, index, convert):
        self.index, self.convert = index, convert


class _Slot(ColumnBase):
    """The placeholder of argument `index` while a prepared query is being turned into SQL."""

    def __init__(self, index):
        self.index = index

    def __sql__(self, ctx):
        return ctx.value(_Argument(self.index, ctx.state.converter), converter=False)


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
