"""flask apply-credit (the daily job that spends families' credit) and flask ledger verify|rebuild."""
import time
from pathlib import Path

import click

from app.contributions import importer, ledger, payments
from app.core.cli import with_db
from app.core.csvfile import ImportFileError
from app.models import Family, FamilyLedger


@click.command("apply-credit")
@with_db
def apply_credit_command():
    """Spend families' credit on what they owe through this month (run daily, e.g. from cron)."""
    families = payments.families_with_credit()
    months = sum(len(payments.apply_credit(family_id)) for family_id in families)
    click.echo(f"{len(families)} families with credit; {months} month(s) paid from credit.")


@click.group("ledger")
def ledger_group():
    """The stored contribution ledger (app/contributions/ledger.py)."""


@ledger_group.command("verify")
@click.option("--family", "family_id", type=int, help="Only this family (its id).")
@with_db
def verify_command(family_id):
    """Recompute each family's ledger from its payments and report every difference (exit 1 if any)."""
    query = Family.select().order_by(Family.id)
    if family_id is not None:
        query = query.where(Family.id == family_id)
        if not query.exists():
            raise click.ClickException(f"No family {family_id}.")
    checked = differing = 0
    for family in query.iterator():
        checked += 1
        found = ledger.differences(family)
        if found:
            differing += 1
            for what, stored, recomputed in found:
                click.echo(f"family {family.id}: {what}: stored {stored!r}, recomputed {recomputed!r}")
    click.echo(f"{checked} families checked, {differing} with differences.")
    if differing:
        raise SystemExit(1)


@ledger_group.command("rebuild")
@click.option("--family", "family_id", type=int, help="Only this family (its id).")
@click.option("--missing", is_flag=True, help="Only families without a stored ledger.")
@click.option("--ids", "id_range", type=(int, int), metavar="FIRST LAST",
              help="Only family ids FIRST..LAST (run one process per range to use every core).")
@with_db
def rebuild_command(family_id, missing, id_range):
    """Recompute and store the ledger of every family (after a migration or an import)."""
    started = time.perf_counter()
    done = ledger.rebuild([family_id] if family_id else None, missing_only=missing, id_range=id_range)
    seconds = time.perf_counter() - started
    stored = FamilyLedger.select().count()
    click.echo(f"{done} families rebuilt in {seconds:.1f} s; {stored} ledgers stored.")


@click.command("payments")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report, saving nothing.")
@with_db
def import_payments_command(file, dry_run):
    """A payment history (columns va_number,amount,channel,reference,paid_at: see the README),
    applied like callbacks, idempotent by (channel, reference)."""
    try:
        report = importer.import_payments(file, dry_run=dry_run)
    except ImportFileError as error:
        raise click.ClickException(str(error)) from None
    click.echo(report.text())


def register(app, import_group):
    import_group.add_command(import_payments_command)
    app.cli.add_command(apply_credit_command)
    app.cli.add_command(ledger_group)
