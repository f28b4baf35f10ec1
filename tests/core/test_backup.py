"""`flask backup` and `flask restore` on the suite's database: a backup restored into a fresh,
empty database (a new SQLite file, or a new throwaway PostgreSQL database) serves the same pages.

The backup tools read through their own connection: they see the committed data, not the test's
own transaction (whose sign-ins are rolled back as usual)."""
import os
import secrets
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest

from app import create_app
from app.core.config import TestConfig
from app.core.db import db
from tests.helpers import page, signed_in_client

ANONYMOUS = ["/tarif-iuran", "/kalkulator-denda", "/faskes?q=Cibinong"]
PARTICIPANT = ["/kepesertaan", "/iuran", "/iuran/riwayat", "/antrean"]  # (the card shows the minute)


def snapshot(app):
    """The visible text of each page's <main>, anonymous and as the first demo participant."""
    anonymous, budi = app.test_client(), signed_in_client(app, "peserta")
    texts = {}
    for client, paths in ((anonymous, ANONYMOUS), (budi, PARTICIPANT)):
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            texts[path] = page(response).find("main").get_text(" ", strip=True)
    return texts


def _server_sql(server, statement):
    connection = psycopg2.connect(server)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


@pytest.fixture
def fresh_url(app, tmp_path):
    """An empty database beside the suite's one; the suite's database handle is put back after."""
    original, original_url = db.obj, db.obj.url
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite"):
        fresh = f"sqlite:///{tmp_path / 'restored.db'}"
        name = None
    else:
        name = f"restored_{os.getpid()}_{secrets.token_hex(4)}"
        fresh = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
        _server_sql(url, f'CREATE DATABASE "{name}"')
    yield fresh
    if not db.is_closed():
        db.close()
    if hasattr(db.obj, "close_all") and db.obj is not original:
        db.obj.close_all()
    db.initialize(original)
    db.obj.url = original_url
    if name:
        _server_sql(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_restored_database_serves_the_same_pages(app, fresh_url, tmp_path):
    before = snapshot(app)
    backup_file = tmp_path / "jkn.backup"
    made = app.test_cli_runner().invoke(args=["backup", str(backup_file)])
    assert made.exit_code == 0, made.output
    assert "Backup written" in made.output and backup_file.stat().st_size > 10_000
    again = app.test_cli_runner().invoke(args=["backup", str(backup_file)])
    assert again.exit_code == 1 and "exists" in again.output  # a backup is never overwritten

    restored = create_app(type("Restored", (TestConfig,), {"DATABASE_URL": fresh_url}))
    runner = restored.test_cli_runner()
    result = runner.invoke(args=["restore", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert snapshot(restored) == before

    refused = runner.invoke(args=["restore", str(backup_file)])
    assert refused.exit_code == 1 and "--yes" in refused.output
    overwritten = runner.invoke(args=["restore", "--yes", str(backup_file)])
    assert overwritten.exit_code == 0, overwritten.output
    assert snapshot(restored) == before


def test_restore_refuses_a_file_that_is_not_a_backup(app, tmp_path):
    from app.core import backup

    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("SQLite's own check (pg_restore refuses such a file with its exit code)")
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all" * 100)
    with pytest.raises(Exception, match="not a SQLite backup"):
        backup.restore(f"sqlite:///{tmp_path / 'empty.db'}", junk)
