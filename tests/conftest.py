"""One suite, two databases: `pytest --db=sqlite` (a WAL file) or `pytest --db=postgresql`
(TEST_DATABASE_URL). The schema comes from the real migrations, the regions and demo data from the
real loaders, once per session; each test then runs inside a transaction that is rolled back.
"""
import os
import re

import pytest
from bs4 import BeautifulSoup

from app import create_app, demo
from app.cli import migration_runner
from app.config import TestConfig
from app.db import db, make_database
from app.extensions import limiter
from app.importers import load_regions

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"

#: role → (identifier, password) of the demo accounts (README).
DEMO_ACCOUNTS = {
    "peserta": ("0001000000001", demo.PASSWORD),
    "peserta_lunas": ("0001000000002", demo.PASSWORD),
    "fasilitator": ("fasilitator", demo.PASSWORD),
    "petugas_faskes": ("faskes", demo.PASSWORD),
    "petugas_faskes_rs": ("faskesrs", demo.PASSWORD),  # at a hospital: the beds form
    "petugas_bpjs": ("petugas", demo.PASSWORD),
    "admin": ("admin", demo.PASSWORD),
}


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
    app = create_app(type("BuiltConfig", (TestConfig,), {"DATABASE_URL": url}))
    with app.app_context(), db.connection_context():
        migration_runner().up()
        load_regions()
        demo.seed()
    return app


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory):
    if request.config.getoption("--db") == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)


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


def page(response):
    """Parsed HTML of a response."""
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def csrf_token(client, path="/masuk"):
    return page(client.get(path)).find("input", {"name": "csrf_token"})["value"]


def sign_in(client, identifier, password=demo.PASSWORD, **extra):
    return client.post("/masuk", data={"identifier": identifier, "password": password,
                                       "csrf_token": csrf_token(client), **extra})


def signed_in_client(app, role):
    client = app.test_client()
    response = sign_in(client, *DEMO_ACCOUNTS[role])
    assert response.status_code == 303, f"demo {role} could not sign in"
    return client


@pytest.fixture(params=sorted(DEMO_ACCOUNTS))
def any_role_client(request, app):
    return request.param, signed_in_client(app, request.param)
