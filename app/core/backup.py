"""`flask backup FILE` and `flask restore FILE`: a consistent copy of the whole database, and back.

SQLite: the online backup API (a consistent snapshot while the app keeps serving, WAL included).
PostgreSQL: `pg_dump --format=custom` (a consistent snapshot of one transaction) and `pg_restore`;
both tools must be on PATH, of the server's major version or newer.
"""
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import click
from flask import current_app
from flask.cli import with_appcontext

from app.core.db import db


def _sqlite_path(url):
    return url.split("sqlite:///", 1)[1]


def _pg_url(url):
    """The URL libpq understands (no `+pool`)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def _tool(name):
    found = shutil.which(name)
    if not found:
        raise click.ClickException(f"{name} was not found on PATH: install the PostgreSQL client tools.")
    return found


def _run(command):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise click.ClickException(f"{Path(command[0]).name} failed: {done.stderr.strip()}")


def backup(url, target):
    """Write a backup of the database at `url` to the file `target`."""
    if url.startswith("sqlite"):
        source = sqlite3.connect(_sqlite_path(url))
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
    else:
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), _pg_url(url)])


def has_tables(url):
    if url.startswith("sqlite"):
        path = Path(_sqlite_path(url))
        if not path.exists():
            return False
        connection = sqlite3.connect(path)
        try:
            return connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0
        finally:
            connection.close()
    return bool(db.get_tables())


def restore(url, source):
    """Replace the database at `url` with the backup in `source` (what `backup` wrote)."""
    if url.startswith("sqlite"):
        backup_file = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        target = sqlite3.connect(_sqlite_path(url))
        try:
            backup_file.execute("PRAGMA schema_version").fetchone()  # not a database: fails here
            with target:
                backup_file.backup(target)
        except sqlite3.DatabaseError as error:
            raise click.ClickException(f"{source} is not a SQLite backup: {error}") from error
        finally:
            target.close()
            backup_file.close()
    else:
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--exit-on-error", "--dbname", _pg_url(url), str(source)])


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(target):
    """Write a consistent backup of the whole database to TARGET (the app may keep running)."""
    url = current_app.config["DATABASE_URL"]
    if Path(target).exists():
        raise click.ClickException(f"{target} exists: choose a new file name (backups are never overwritten).")
    backup(url, target)
    click.echo(f"Backup written: {target} ({Path(target).stat().st_size:,} bytes)")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Overwrite a database that holds tables.")
@with_appcontext
def restore_command(source, yes):
    """Replace the database with the backup SOURCE. Stop the app servers and the worker first."""
    url = current_app.config["DATABASE_URL"]
    with db.connection_context():
        occupied = has_tables(url)
    if occupied and not yes:
        raise click.ClickException("The database is not empty: add --yes to replace everything in it "
                                   "with the backup.")
    if not db.is_closed():
        db.close()
    if hasattr(db.obj, "close_all"):
        db.obj.close_all()  # pooled PostgreSQL connections would block DROP
    restore(url, source)
    click.echo(f"Restored {source}.")
