"""`flask demo load`: demo users (and, as features land, a demo dataset), loaded once."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from .extensions import db
from .models import User
from .permissions import Role
from .users import services as user_services

demo_cli = AppGroup("demo", help="Load the demonstration users and dataset.")

# Demo accounts only (development data, printed by `make run`): not a secret.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105
DEMO_USERS = [
    ("admin@demo.example", "Alex Admin", [Role.ADMIN]),
    ("coordinator@demo.example", "Casey Coordinator", [Role.COORDINATOR]),
    ("chair@demo.example", "Priya Chair", [Role.PANEL_CHAIR]),
    ("member@demo.example", "Morgan Member", [Role.PANEL_MEMBER]),
    ("member2@demo.example", "Sam Member", [Role.PANEL_MEMBER]),
    ("board@demo.example", "Bola Board-Manager", [Role.BOARD_MANAGER]),
]


def load_demo():
    """Create the demo accounts unless they exist; returns True when anything was created."""
    created = False
    for email, name, roles in DEMO_USERS:
        if db.session.scalar(select(User).filter_by(email=email)) is None:
            user_services.create_user(None, email, name, roles, password=DEMO_PASSWORD)
            created = True
    return created


@demo_cli.command("load")
def load():
    """Load the demo users and dataset once; existing data is kept."""
    if load_demo():
        click.echo("Loaded the demo users and dataset.")
    else:
        click.echo("Demo data already present: kept as it is.")
    click.echo(f"\nDemo sign-in (password for every account: {DEMO_PASSWORD}):")
    for email, _, roles in DEMO_USERS:
        click.echo(f"  {email:<28} {', '.join(r.label for r in roles)}")
    click.echo("Administrator and board manager accounts set up two-factor sign-in at first "
               "sign-in (any TOTP authenticator app).")
