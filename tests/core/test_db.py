"""The database handle: SQLite pragmas, PostgreSQL pooling, nest-safe connections."""
import pytest

from app.core.db import db, is_sqlite, make_database, write_lock


def test_sqlite_runs_with_wal_foreign_keys_full_sync_and_a_busy_timeout(app):
    if not is_sqlite():
        pytest.skip("SQLite only")
    pragmas = {name: db.execute_sql(f"PRAGMA {name}").fetchone()[0]
               for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")}
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "synchronous": 2, "busy_timeout": 10000}


def test_write_lock_takes_the_lock_up_front_on_sqlite(tmp_path):
    """BEGIN IMMEDIATE: a second writer cannot even start while the first holds the lock."""
    first = make_database(f"sqlite:///{tmp_path / 'lock.db'}")
    second = make_database(f"sqlite:///{tmp_path / 'lock.db'}")
    second.execute_sql("PRAGMA busy_timeout = 0")
    with first.connection_context():
        first.execute_sql("CREATE TABLE t (x INTEGER)")
        with first.atomic(lock_type="IMMEDIATE"):
            with pytest.raises(Exception, match="locked"):
                second.execute_sql("BEGIN IMMEDIATE")
    second.close()


def test_postgresql_urls_are_pooled():
    database = make_database("postgresql://postgres@127.0.0.1:5432/test")
    assert type(database).__name__ == "PooledPostgresqlDatabase"
    assert make_database("postgresql+pool://postgres@127.0.0.1:5432/test")._max_connections == 8


def test_write_lock_nests_inside_a_transaction(app):
    with db.atomic(), write_lock():
        assert db.execute_sql("SELECT 1").fetchone()[0] == 1


def test_parse_id_refuses_thousands_of_digits_without_an_error():
    """Found by `make fuzz`: /iuran/riwayat?sebelum=9…9 (5,000 digits) was a 500 (int() refuses them)."""
    from app.core.db import parse_id

    assert parse_id("9" * 5000) is None and parse_id("1" * 11) is None and parse_id("0000000042") == 42


def test_a_history_cursor_of_5000_digits_is_no_error(app):
    from app.core.db import parse_id
    from tests.helpers import signed_in_client

    assert parse_id("9" * 5000) is None  # past Python's 4,300-digit int() limit: no ValueError
    response = signed_in_client(app, "peserta").get("/iuran/riwayat?sebelum=" + "9" * 4050)  # within URI_MAX
    assert response.status_code in (200, 404)
