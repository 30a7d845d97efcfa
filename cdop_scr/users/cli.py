"""`flask users ...`: account administration from the command line."""

import click
from flask.cli import AppGroup

from ..errors import ValidationError
from ..permissions import Role
from . import services

users_cli = AppGroup("users", help="Manage staff accounts.")


@users_cli.command("create")
@click.option("--email", required=True, help="Sign-in email address.")
@click.option("--name", "full_name", required=True, help="Full name.")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice([r.value for r in Role]), help="A role (repeat for several).")
@click.option("--password", default=None,
              help="Initial password (12+ characters). Omit to issue a temporary one.")
def create(email, full_name, roles, password):
    """Create a staff account."""
    if password is not None and len(password) < 12:
        raise click.UsageError("--password must be 12 characters or more")
    try:
        user, temporary = services.create_user(None, email, full_name, list(roles), password)
    except ValidationError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created {user.email} ({', '.join(r.value for r in user.roles)})")
    if temporary:
        click.echo(f"Temporary password (must be changed at first sign-in): {temporary}")
