"""`flask backup`: create a backup, restore one into an empty database."""

import click
from flask.cli import AppGroup

from . import services

backup_cli = AppGroup("backup", help="Back up the database and restore it into an empty one.")


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False))
def create(path):
    """Write a backup of the database to PATH (a new file, mode 0600; ciphertext only)."""
    try:
        result = services.create_backup(path)
    except (services.BackupError, OSError) as exc:  # OSError: e.g. a file name too long
        raise click.ClickException(f"Backup refused: {exc}") from exc
    click.echo(f"Backed up {sum(result.rows.values())} rows in {len(result.rows)} tables "
               f"({result.backend}) to {result.path} ({result.size} bytes).")
    click.echo("The backup holds ciphertext only: keep the keys apart from it, "
               "it cannot be read without them.")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--checkpoint", metavar="SEQ:MAC",
              help="A head printed by `flask audit checkpoint` before the backup, to prove "
                   "no audit row is missing from its end.")
def restore(path, checkpoint):
    """Restore PATH into the (empty) database named by DATABASE_URL, then verify it."""
    try:
        found = services.restore_backup(path, checkpoint)
    except services.BackupError as exc:
        click.echo(f"Restore refused: {exc}", err=True)
        click.echo("Nothing was restored: the database is as it was.", err=True)
        raise SystemExit(1) from exc
    click.echo(f"Restored {sum(found.rows.values())} rows in {len(found.rows)} tables from "
               f"{path}.")
    click.echo(f"Integrity check: {found.integrity}")
    click.echo(f"Audit log verified: {found.audit.checked} rows, "
               f"head {found.audit.head_seq}:{found.audit.head_mac}")
    click.echo("Keys: the data, index and audit keys fit the restored data.")
    if found.revision != found.head_revision:
        click.echo(f"The backup's schema is at revision {found.revision}; this code's is "
                   f"{found.head_revision}: run `flask db upgrade`.")
