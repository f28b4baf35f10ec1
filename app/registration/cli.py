"""flask purge-drafts: abandoned registration drafts hold NIKs; they are deleted."""
from datetime import timedelta

import click

from app.core import clock
from app.core.cli import with_db
from app.models import Registration


@click.command("purge-drafts")
@click.option("--days", type=click.IntRange(1, 365), default=30, show_default=True)
@with_db
def purge_drafts_command(days):
    """Delete registration drafts untouched for DAYS days: they hold NIKs nobody is using."""
    cutoff = clock.now() - timedelta(days=days)
    deleted = Registration.purge_drafts(cutoff)
    click.echo(f"Deleted {deleted} draft(s) older than {days} days.")


def register(app, import_group):
    app.cli.add_command(purge_drafts_command)
