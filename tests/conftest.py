"""One suite, two databases: `pytest --db=sqlite` (a WAL file) or `pytest --db=postgresql`
(a throwaway database on the server of TEST_DATABASE_URL). The schema comes from the real migrations, the regions and demo data from the
real loaders, once per session; each test then runs inside a transaction that is rolled back.
"""
import os
import re
import secrets
import tempfile
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest

from app import create_app
from app.core import demo
from app.core.cli import migration_runner
from app.core.config import TestConfig
from app.core.db import db, make_database
from app.core.extensions import limiter
from app.models import AuditLog, Facility, OpeningHours
from app.regions.importer import load_regions
from tests.helpers import CIBINONG, COBLONG, DEMO_ACCOUNTS, KLINIK_CIBINONG, RSUD, signed_in_client  # noqa: F401  (fixtures below use them)

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"

def pytest_addoption(parser):
    parser.addoption("--db", choices=("sqlite", "postgresql"), default="sqlite",
                     help="which database the suite runs on")


def pytest_report_header(config):
    return f"database: {config.getoption('--db')}"


def build_app(url):
    """An app on `url` with the real schema, regions and demo data (also used by `make bench`).

    A PostgreSQL database is emptied first, so its name must contain "test" or "bench".
    """
    if url.startswith("postgresql"):
        if not re.search(r"/\w*(test|bench)\w*$", url):
            raise SystemExit(f"refusing to wipe {url}: the database name must contain 'test' or 'bench'")
        wipe = make_database(url)
        with wipe.connection_context():
            wipe.execute_sql("DROP SCHEMA public CASCADE")
            wipe.execute_sql("CREATE SCHEMA public")
    # the demo data stores a document photo: into a directory of this run, not instance/uploads
    app = create_app(type("BuiltConfig", (TestConfig,), {"DATABASE_URL": url,
                                                          "UPLOAD_DIR": tempfile.mkdtemp(prefix="jkn-uploads-")}))
    with app.app_context(), db.connection_context():
        migration_runner().up()
        load_regions()
        demo.seed()
    return app


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory):
    """SQLite: a file of this run's own. PostgreSQL: a database of this run's own, created on the
    server of TEST_DATABASE_URL and dropped at the end, so two runs on one machine never meet."""
    if request.config.getoption("--db") == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    server = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)
    name = f"{urlsplit(server).path.strip('/') or 'test'}_{os.getpid()}_{secrets.token_hex(4)}"
    _maintenance(server, f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        if not db.is_closed():
            db.close()
        if hasattr(db.obj, "close_all"):
            db.obj.close_all()
        _maintenance(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _maintenance(server_url, statement):
    """CREATE or DROP DATABASE (outside a transaction) through the server's own database."""
    connection = psycopg2.connect(server_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


@pytest.fixture(scope="session")
def app(database_url):
    return build_app(database_url)


@pytest.fixture(autouse=True)
def _isolated(request, app):
    """Each test in a transaction rolled back at the end; `committed` tests (threads) opt out.

    No app context stays pushed: requests must get their own (and their own `g`), as in production.
    Tests that call app code directly push one with `app.app_context()`.
    """
    with app.app_context():
        limiter.reset()
    if request.node.get_closest_marker("committed"):
        yield
        return
    with db.connection_context():
        with db.atomic() as transaction:
            yield
            transaction.rollback()


def pytest_configure(config):
    config.addinivalue_line("markers", "committed: the test commits (threads need it); no rollback")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(params=sorted(DEMO_ACCOUNTS))
def any_role_client(request, app):
    return request.param, signed_in_client(app, request.param)


# --- signed-in demo people and the queue's state (tests/queue, tests/staff) -----------------------

@pytest.fixture
def dewi(app):
    return signed_in_client(app, "peserta_lunas")


@pytest.fixture
def budi(app):
    return signed_in_client(app, "peserta")


@pytest.fixture
def officer(app):
    return signed_in_client(app, "petugas_bpjs")


@pytest.fixture
def admin(app):
    return signed_in_client(app, "admin")


@pytest.fixture
def faskes(app):
    return signed_in_client(app, "petugas_faskes")


@pytest.fixture
def always_open(app):
    """The demo facilities without recorded hours: every day of the window can be booked."""
    with app.app_context():
        OpeningHours.delete().where(OpeningHours.facility.in_(
            Facility.select(Facility.id).where(Facility.code.in_((COBLONG, CIBINONG, KLINIK_CIBINONG, RSUD))))
        ).execute()


@pytest.fixture
def audit_mark(app):
    """The last audit entry before the test: ids of bookings deleted by a committed test's clean-up
    may come again on SQLite, and the append-only log still names them."""
    with app.app_context(), db.connection_context():
        return AuditLog.select(AuditLog.id).order_by(AuditLog.id.desc()).scalar() or 0


def pytest_terminal_summary(terminalreporter):
    """The fuzzer's figures (tests/test_fuzz.py), when it ran."""
    from tests.test_fuzz import COUNTS

    if COUNTS["submissions"]:
        by_class = ", ".join(f"{name} {COUNTS[name]}" for name in sorted(COUNTS) if name.endswith("xx"))
        terminalreporter.write_line(f"fuzz: {COUNTS['submissions']} hostile submissions ({by_class}); "
                                    f"5xx: {COUNTS['5xx']}")
