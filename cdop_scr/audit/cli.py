"""`flask audit`: verify the chain and print its head."""

import click
from flask.cli import AppGroup

from . import services

audit_cli = AppGroup("audit", help="Verify the tamper-evident audit log.")


@audit_cli.command("verify")
@click.option("--checkpoint", metavar="SEQ:MAC",
              help="A head printed earlier by `flask audit checkpoint`, to detect truncation.")
def verify(checkpoint):
    """Walk the chain and name the first bad row; exit 1 when it does not verify."""
    try:
        result = services.verify_log(checkpoint)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--checkpoint") from exc
    if not result.ok:
        click.echo(f"Audit log FAILED at row {result.bad_seq}: {result.problem}", err=True)
        click.echo(f"{result.checked} rows verified before it.", err=True)
        raise SystemExit(1)
    click.echo(f"Audit log verified: {result.checked} rows, "
               f"head {result.head_seq}:{result.head_mac}")


@audit_cli.command("checkpoint")
def checkpoint():
    """Print SEQ:MAC of the newest row, to keep outside the database."""
    click.echo(services.checkpoint())
