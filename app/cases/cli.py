"""flask refresh-case-dashboard: recompute the public dashboard's figures (the worker does it every
5 minutes; the command is for operators)."""
import click

from app.cases import reports
from app.core.cli import with_db


@click.command("refresh-case-dashboard")
@with_db
def refresh_case_dashboard_command():
    """Recompute the public service dashboard now (the worker does it every 5 minutes; the page
    itself recomputes only when the figures are older than 15 minutes)."""
    figures, at = reports.dashboard(refresh=True)
    click.echo(f"Dashboard figures recomputed: {figures['total']} case(s) in the last {reports.DASHBOARD_DAYS} days.")


def register(app, import_group):
    app.cli.add_command(refresh_case_dashboard_command)
