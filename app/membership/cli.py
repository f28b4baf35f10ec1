"""flask import participants: the office batch import (README)."""
from pathlib import Path

import click

from app.core.cli import with_db
from app.membership import importer


@click.command("participants")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report, saving nothing.")
@with_db
def import_participants_command(file, dry_run):
    """Families and participants from an office CSV, upserted by NIK (columns: see the README)."""
    try:
        report = importer.import_participants(file, dry_run=dry_run)
    except importer.ImportFileError as error:
        raise click.ClickException(str(error)) from None
    click.echo(report.text())


def register(app, import_group):
    import_group.add_command(import_participants_command)
