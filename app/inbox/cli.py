"""flask reminders / flask send-sms: run the worker's jobs once by hand (the worker runs them on
schedule: app/core/tasks.py)."""

import click

from app.core import tasks
from app.core.cli import with_db


@click.command("reminders")
@click.option("--day", type=click.DateTime(["%Y-%m-%d"]), default=None, help="The day (default: today, WIB).")
@with_db
def reminders_command(day):
    """Create the reminders due on DAY (each event once, however often this runs)."""
    made = tasks.run_reminders(day.date() if day else None)
    click.echo(f"{made} new reminder(s).")


@click.command("send-sms")
@with_db
def send_sms_command():
    """Send the SMS that are due now."""
    click.echo(f"{tasks.run_send_sms()} SMS sent.")


def register(app, import_group):
    app.cli.add_command(reminders_command)
    app.cli.add_command(send_sms_command)
