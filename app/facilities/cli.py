"""flask import facilities: the facility lists."""
from pathlib import Path

import click

from app.core.cli import with_db
from app.facilities import importer


@click.command("facilities")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "file_format", type=click.Choice(importer.FORMATS), required=True,
              help="Which list the file is (columns: app/importer.py).")
@with_db
def import_facilities_command(file, file_format):
    """Facility lists (hospitals, puskesmas, Jakarta, Banten), upserted by facility code."""
    try:
        report = importer.import_facilities(file, file_format)
    except importer.FacilityFileError as error:
        raise click.ClickException(str(error)) from None
    click.echo(report.text())


def register(app, import_group):
    import_group.add_command(import_facilities_command)
