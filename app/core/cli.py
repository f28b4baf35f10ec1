"""flask commands every area shares: migrate, seed and the `import` group; each area's own commands
live in its cli.py. Each command holds one connection and closes it."""
import functools
import importlib
import importlib.util

import click
from flask.cli import with_appcontext
from playhouse.migrations import Runner, template
from playhouse.schema_diff import diff_models

from app.core.config import ROOT
from app.core.db import db
from app.models import MODELS, User

MIGRATIONS = ROOT / "migrations"


def with_db(command):
    """Run a command inside the app context with one connection, closed even on error."""

    @functools.wraps(command)
    @with_appcontext
    def wrapper(*args, **kwargs):
        with db.connection_context():
            return command(*args, **kwargs)

    return wrapper


def migration_runner():
    return Runner(db.obj, directory=str(MIGRATIONS))


#: kept by the database itself, not declared on a model: PostgreSQL's full-text column of facilities
#: and its indexes (migrations 0007 and 0017; SQLite uses an FTS5 table instead)
DATABASE_ONLY_COLUMNS = {("facility", "search_tsv")}
DATABASE_ONLY_INDEXES = {("facility", "facility_search_tsv"), ("facility", "facility_name_words"),
                         ("facility", "facility_services")}


def schema_diff():
    """What the models declare that the database lacks, or has that they do not (falsy: agree)."""
    diff = diff_models(db.obj, list(MODELS))
    return diff._replace(
        drop_columns=[c for c in diff.drop_columns if tuple(c) not in DATABASE_ONLY_COLUMNS],
        drop_indexes=[i for i in diff.drop_indexes if (i.table, i.name) not in DATABASE_ONLY_INDEXES])


@click.command("migrate")
@click.option("--status", is_flag=True, help="List migrations and whether each is applied.")
@click.option("--create", "create_name", metavar="NAME",
              help="Write a new migration from the difference between the models and the database.")
@with_db
def migrate_command(status, create_name):
    """Apply the pending migrations in migrations/ (playhouse.migrations)."""
    runner = migration_runner()
    if status:
        for migration in runner.status():
            click.echo(f"{'applied' if migration.applied else 'pending'}  {migration.name}")
    elif create_name:
        diff = schema_diff()
        if not diff:
            raise click.ClickException("The models and the database already agree.")
        click.echo(runner.create(create_name, template(diff)))
    else:
        applied = runner.up()
        click.echo(f"Applied {len(applied)} migration(s)." + "".join(f"\n  {n}" for n in applied))


@click.group("import")
def import_group():
    """Load reference and office data from files."""


@click.command("seed")
@click.option("--demo", is_flag=True, required=True, help="Synthetic demo families, facilities and accounts.")
@click.option("--if-empty", is_flag=True, help="Do nothing when any account exists.")
@with_db
def seed_command(demo, if_empty):
    """Load the demo data (idempotent; listed in the README)."""
    from app.core import demo as demo_data

    if if_empty and User.select().exists():
        click.echo("Accounts exist: demo data not loaded.")
        return
    click.echo(demo_data.seed())


def register_commands(app):
    """The shared commands, then each area's cli.py (which adds its commands and `flask import …`)."""
    from app import areas
    from app.core.backup import backup_command, restore_command
    from app.core.rotation import rotate_command

    for command in (migrate_command, import_group, seed_command, backup_command, restore_command,
                    rotate_command):
        app.cli.add_command(command)
    for area in areas():
        if importlib.util.find_spec(f"app.{area}.cli"):
            importlib.import_module(f"app.{area}.cli").register(app, import_group)
