"""flask create-user: a staff account."""
import click

from app.core.cli import with_db
from app.core.forms import USERNAME
from app.models import STAFF_ROLES, Facility, Region, StaffDistrict, User
from app.rules.passwords import password_problems


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(STAFF_ROLES), required=True)
@click.option("--facility", default=None, help="Facility code (petugas_faskes: required).")
@click.option("--district", "districts", multiple=True, help="District code a fasilitator serves (repeatable).")
@click.password_option()
@with_db
def create_user_command(username, role, facility, districts, password):
    """Create a staff account (participants get theirs through registration or a one-time code)."""
    if not USERNAME.match(username.lower()):
        raise click.ClickException("A username is 3-40 of a-z, 0-9, '.', '_' or '-'.")
    problems = password_problems(password)
    if problems:
        raise click.ClickException(f"Password refused: {', '.join(problems)}")
    if User.select().where(User.username == username.lower()).exists():
        raise click.ClickException(f"User {username!r} exists.")
    place = Facility.get_or_none(Facility.code == facility) if facility else None
    if facility and place is None:
        raise click.ClickException(f"No facility with code {facility!r}.")
    if role == "petugas_faskes" and place is None:
        raise click.ClickException("A petugas_faskes works at one facility: give --facility CODE.")
    if role == "fasilitator" and not districts:
        raise click.ClickException("A fasilitator serves districts: give --district CODE (repeatable).")
    unknown = [code for code in districts if Region.lookup(code, Region.DISTRICT) is None]
    if unknown:
        raise click.ClickException(f"Not a district code: {', '.join(unknown)}")
    user = User(username=username.lower(), role=role, facility=place if role == "petugas_faskes" else None)
    user.set_password(password)
    user.save()
    for code in dict.fromkeys(districts if role == "fasilitator" else ()):
        StaffDistrict.create(user=user, district=code)
    click.echo(f"Created {role} {user.username}.")


def register(app, import_group):
    app.cli.add_command(create_user_command)
