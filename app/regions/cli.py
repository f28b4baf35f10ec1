"""flask import regions: the reference regions."""
from pathlib import Path

import click

from app.core.cli import with_db
from app.models import Region
from app.regions import importer


@click.command("regions")
@click.option("--path", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=importer.REGIONS_DIR, show_default=True)
@click.option("--if-empty", is_flag=True, help="Do nothing when regions are already loaded.")
@with_db
def import_regions_command(path, if_empty):
    """Provinces, regencies, districts and villages (Kemendagri codes)."""
    if if_empty and Region.select().exists():
        click.echo("Regions already loaded.")
        return
    counts = importer.load_regions(path)
    click.echo("Regions: " + ", ".join(f"{n:,} {level}" for level, n in counts.items()))


def register(app, import_group):
    import_group.add_command(import_regions_command)
