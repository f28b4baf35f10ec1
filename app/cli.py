"""flask commands: migrate, import, seed, create-user. Each holds one connection and closes it."""
import functools
from datetime import timedelta
from pathlib import Path

import click
from flask.cli import with_appcontext
from playhouse.migrations import Runner, template
from playhouse.schema_diff import diff_models

from app import clock, facility_import, importers
from app.db import db
from app.forms import USERNAME
from app.models import MODELS, STAFF_ROLES, Region, Registration, User
from app.rules.passwords import password_problems

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


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
        diff = diff_models(db.obj, list(MODELS))
        if not diff:
            raise click.ClickException("The models and the database already agree.")
        click.echo(runner.create(create_name, template(diff)))
    else:
        applied = runner.up()
        click.echo(f"Applied {len(applied)} migration(s)." + "".join(f"\n  {n}" for n in applied))


@click.group("import")
def import_group():
    """Load reference and office data from files."""


@import_group.command("regions")
@click.option("--path", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=importers.REGIONS_DIR, show_default=True)
@click.option("--if-empty", is_flag=True, help="Do nothing when regions are already loaded.")
@with_db
def import_regions_command(path, if_empty):
    """Provinces, regencies, districts and villages (Kemendagri codes)."""
    if if_empty and Region.select().exists():
        click.echo("Regions already loaded.")
        return
    counts = importers.load_regions(path)
    click.echo("Regions: " + ", ".join(f"{n:,} {level}" for level, n in counts.items()))


@import_group.command("participants")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report, saving nothing.")
@with_db
def import_participants_command(file, dry_run):
    """Families and participants from an office CSV, upserted by NIK (columns: see the README)."""
    try:
        report = importers.import_participants(file, dry_run=dry_run)
    except importers.ImportFileError as error:
        raise click.ClickException(str(error)) from None
    click.echo(report.text())


@import_group.command("facilities")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "file_format", type=click.Choice(facility_import.FORMATS), required=True,
              help="Which list the file is (columns: app/facility_import.py).")
@with_db
def import_facilities_command(file, file_format):
    """Facility lists (hospitals, puskesmas, Jakarta, Banten), upserted by facility code."""
    try:
        report = facility_import.import_facilities(file, file_format)
    except facility_import.FacilityFileError as error:
        raise click.ClickException(str(error)) from None
    click.echo(report.text())


@click.command("seed")
@click.option("--demo", is_flag=True, required=True, help="Synthetic demo families, facilities and accounts.")
@click.option("--if-empty", is_flag=True, help="Do nothing when any account exists.")
@with_db
def seed_command(demo, if_empty):
    """Load the demo data (idempotent; listed in the README)."""
    from app import demo as demo_data

    if if_empty and User.select().exists():
        click.echo("Accounts exist: demo data not loaded.")
        return
    click.echo(demo_data.seed())


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(STAFF_ROLES), required=True)
@click.password_option()
@with_db
def create_user_command(username, role, password):
    """Create a staff account (participants get theirs through registration)."""
    if not USERNAME.match(username.lower()):
        raise click.ClickException("A username is 3-40 of a-z, 0-9, '.', '_' or '-'.")
    problems = password_problems(password)
    if problems:
        raise click.ClickException(f"Password refused: {', '.join(problems)}")
    if User.select().where(User.username == username.lower()).exists():
        raise click.ClickException(f"User {username!r} exists.")
    user = User(username=username.lower(), role=role)
    user.set_password(password)
    user.save()
    click.echo(f"Created {role} {user.username}.")


@click.command("purge-drafts")
@click.option("--days", type=click.IntRange(1, 365), default=30, show_default=True)
@with_db
def purge_drafts_command(days):
    """Delete registration drafts untouched for DAYS days: they hold NIKs nobody is using."""
    cutoff = clock.now() - timedelta(days=days)
    deleted = Registration.delete().where(
        (Registration.status == "draft") & (Registration.updated_at < cutoff)).execute()
    click.echo(f"Deleted {deleted} draft(s) older than {days} days.")


@click.command("apply-credit")
@with_db
def apply_credit_command():
    """Spend families' credit on what they owe through this month (run daily, e.g. from cron)."""
    from app import contributions

    families = contributions.families_with_credit()
    months = sum(len(contributions.apply_credit(family_id)) for family_id in families)
    click.echo(f"{len(families)} families with credit; {months} month(s) paid from credit.")


def register_commands(app):
    for command in (migrate_command, import_group, seed_command, create_user_command, purge_drafts_command,
                    apply_credit_command):
        app.cli.add_command(command)
