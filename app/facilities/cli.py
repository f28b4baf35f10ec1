"""flask import facilities and flask import partners: the facility and BPJS partner lists."""
from pathlib import Path

import click

from app.core.cli import with_db
from app.facilities import importer, partners


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


@click.command("partners")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report, saving nothing.")
@with_db
def import_partners_command(file, dry_run):
    """BPJS partner lists: kode_faskes, kerja_sama (ya/tidak/belum_tercatat), mulai, sampai."""
    try:
        report = partners.import_partners(file, dry_run=dry_run)
    except partners.PartnerFileError as error:
        raise click.ClickException(str(error)) from None
    click.echo(report.text())


def register(app, import_group):
    import_group.add_command(import_facilities_command)
    import_group.add_command(import_partners_command)
