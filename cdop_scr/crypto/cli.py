"""`flask crypto`: keys, rotation, status and blind-index rebuilds."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from . import keys, services

crypto_cli = AppGroup("crypto", help="Manage encryption keys and re-encrypt stored data.")
# Rows per transaction: zero would do nothing, a negative LIMIT fails on PostgreSQL.
BATCH_SIZE = click.IntRange(1, 1_000_000)

ENV_INSTRUCTIONS = """Keys come from the environment here, so nothing was changed. To add a key:
  1. Put this new entry first in CDOP_DATA_KEYS (keep the old ones after it):
       {key_id}:{key}
  2. Restart every worker, then run `flask crypto rotate`.
  3. When `flask crypto status` shows no values under the old key, remove it from CDOP_DATA_KEYS."""


@crypto_cli.command("generate-key")
def generate_key():
    """Print a new random 256-bit key as base64."""
    click.echo(keys.new_key_text())


@crypto_cli.command("init")
def init():
    """Create the development keys file (mode 0600) if there is none."""
    path = current_app.config["KEYS_FILE"]
    if keys.create_development_file(path):
        click.echo(f"Created {path}")
    else:
        click.echo(f"{path} already exists: left as it is")


@crypto_cli.command("add-key")
def add_key():
    """Add a new data key and make it primary (development keys file)."""
    if current_app.config.get("KEYS_FROM_ENVIRONMENT"):
        ring = current_app.extensions["cdop_keyring"]
        key_id = keys.next_key_id(list(ring.data_keys) + list(ring.retired))
        click.echo(ENV_INSTRUCTIONS.format(key_id=key_id, key=keys.new_key_text()))
        return
    key_id = services.add_key()
    click.echo(f"Added data key {key_id} as primary in {Path(current_app.config['KEYS_FILE'])}.")
    click.echo("Restart the app, then run `flask crypto rotate`.")


@crypto_cli.command("rotate")
@click.option("--batch-size", default=services.BATCH, show_default=True, type=BATCH_SIZE)
def rotate(batch_size):
    """Re-encrypt every value not under the primary key; safe to run again."""
    total = services.remaining_under_old_keys()
    unreadable = []
    with click.progressbar(length=total, label="Re-encrypting") as bar:
        done, remaining = services.rotate(batch_size=batch_size, progress=bar.update,
                                          unreadable=unreadable)
    click.echo(f"Re-encrypted {done} values. Values under old keys: {remaining}.")
    for value in unreadable:
        click.echo(f"Cannot decrypt {value}", err=True)
    if unreadable:
        click.echo(f"{len(unreadable)} values could not be decrypted and were left as they "
                   f"are (recorded in the audit log). Restore them from a backup or with the "
                   f"key they need, then run rotate again.", err=True)
        raise SystemExit(1)
    if remaining:
        click.echo("Some values are still under old keys: restart every worker with the new "
                   "key ring and run rotate again.", err=True)
        raise SystemExit(1)


@crypto_cli.command("status")
def status():
    """Count stored values per data key id."""
    ring = current_app.extensions["cdop_keyring"]
    click.echo(f"Primary data key: {ring.primary_id}")
    totals = {}
    for column, counts in sorted(services.status().items()):
        detail = ", ".join(f"{key_id}: {n}" for key_id, n in sorted(counts.items())) or "empty"
        click.echo(f"  {column}: {detail}")
        for key_id, n in counts.items():
            totals[key_id] = totals.get(key_id, 0) + n
    for key_id, n in sorted(totals.items()):
        click.echo(f"{key_id}: {n}")
    click.echo(f"Values under old keys: {services.remaining_under_old_keys()}")


@crypto_cli.command("retire-key")
@click.argument("key_id")
def retire_key(key_id):
    """Remove an old data key from the development keys file once no value needs it."""
    if not 0 < len(key_id.encode()) < 256:  # a stored value names its key in one length byte
        raise click.BadParameter("not a data key id", param_hint="KEY_ID")
    if current_app.config.get("KEYS_FROM_ENVIRONMENT"):
        remaining = services.count_under(key_id)
        click.echo(f"Values under {key_id}: {remaining}. "
                   + ("Remove it from CDOP_DATA_KEYS and restart." if not remaining
                      else "Run `flask crypto rotate` first."))
        raise SystemExit(1 if remaining else 0)
    try:
        services.retire_key(key_id)
    except keys.KeyRingError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Retired data key {key_id}.")


@crypto_cli.command("check")
def check_keys():
    """Check that the key ring fits the stored data (as the app does before serving)."""
    problems = services.check_keys()
    for problem in problems:
        click.echo(f"Key check FAILED: {problem}", err=True)
    if problems:
        click.echo("The app refuses to serve with these keys (every page is a 503).", err=True)
        raise SystemExit(1)
    click.echo("Key check passed: the data, index and audit keys fit the stored data.")


@crypto_cli.command("reindex")
@click.option("--batch-size", default=services.BATCH, show_default=True, type=BATCH_SIZE)
def reindex(batch_size):
    """Recompute every blind index from plaintext (after the index key changes)."""
    with click.progressbar(length=services.count_indexed_rows(), label="Reindexing") as bar:
        changed = services.reindex(batch_size=batch_size, progress=bar.update)
    click.echo(f"Rebuilt blind indexes: {changed} rows changed.")
