"""flask apply-credit: the daily job that spends families' credit."""
import click

from app.contributions import payments
from app.core.cli import with_db


@click.command("apply-credit")
@with_db
def apply_credit_command():
    """Spend families' credit on what they owe through this month (run daily, e.g. from cron)."""
    families = payments.families_with_credit()
    months = sum(len(payments.apply_credit(family_id)) for family_id in families)
    click.echo(f"{len(families)} families with credit; {months} month(s) paid from credit.")


def register(app, import_group):
    app.cli.add_command(apply_credit_command)
