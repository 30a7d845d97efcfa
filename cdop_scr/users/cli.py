"""`flask users ...`: account administration from the command line."""

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup

from ..errors import ValidationError
from ..forms import has_control_characters
from ..permissions import Role
from . import services

users_cli = AppGroup("users", help="Manage staff accounts.")


@users_cli.command("create")
@click.option("--email", required=True, help="Sign-in email address.")
@click.option("--name", "full_name", default=None,
              help="Full name (default: the part of the email address before the @).")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice([r.value for r in Role]), help="A role (repeat for several).")
@click.option("--password", default=None,
              help="Initial password (12+ characters). Omit to issue a temporary one.")
def create(email, full_name, roles, password):
    """Create a staff account."""
    if full_name is None:
        full_name = email.partition("@")[0]
    if password is not None and len(password) < 12:
        raise click.UsageError("--password must be 12 characters or more")
    _check_account(email, full_name)
    try:
        user, temporary = services.create_user(None, email, full_name, list(roles), password)
    except ValidationError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created {user.email} ({', '.join(r.value for r in user.roles)})")
    if temporary:
        click.echo(f"Temporary password (must be changed at first sign-in): {temporary}")


def _check_account(email, full_name):
    """What the account form checks, for values typed on the command line."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.BadParameter(f"enter an email address like name@example.org ({error})",
                                 param_hint="--email") from error
    if len(email) > 254:
        raise click.BadParameter("must be 254 characters or fewer", param_hint="--email")
    name = full_name.strip()
    if not name or len(name) > 200 or has_control_characters(name):
        raise click.BadParameter("enter the person's full name: up to 200 characters, no "
                                 "control characters", param_hint="--name")
