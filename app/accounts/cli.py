"""flask create-user: a staff account."""
import click

from app.core.cli import with_db
from app.core.forms import USERNAME
from app.models import STAFF_ROLES, User
from app.rules.passwords import password_problems


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(STAFF_ROLES), required=True)
@click.password_option()
@with_db
def create_user_command(username, role, password):
    """Create a staff account (participants get theirs through registration)."""
    if not USERNAME.match(username.lower()):
        raise click.ClickException("A username is 3-40 of a-z, 0-9, '.', '_' or '-'.")
    problems = password_problems(password)
    if problems:
        raise click.ClickException(f"Password refused: {', '.join(problems)}")
    if User.select().where(User.username == username.lower()).exists():
        raise click.ClickException(f"User {username!r} exists.")
    user = User(username=username.lower(), role=role)
    user.set_password(password)
    user.save()
    click.echo(f"Created {role} {user.username}.")


def register(app, import_group):
    app.cli.add_command(create_user_command)
