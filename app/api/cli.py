"""flask api-token NAME: print the demo client's token again (development and tests only)."""
import click
from flask import current_app

from app.api import service
from app.core.cli import with_db
from app.models import ApiClient


@click.command("api-token")
@click.argument("name")
@with_db
def api_token_command(name):
    """Print the token of the demo API client NAME (development only: real tokens are shown once)."""
    if current_app.config["ENV_NAME"] not in ("development", "test"):
        raise click.ClickException("Only in development: real tokens are shown once, when an admin makes them.")
    token = service.derived_token(name)
    client = ApiClient.get_or_none(ApiClient.name == name)
    if client is None or client.token_hash != service.token_hash(token) or client.revoked_at is not None:
        raise click.ClickException(f"No active demo client {name!r} (run `make db` to seed the demo data).")
    click.echo(token)


def register(app, import_group):
    app.cli.add_command(api_token_command)
