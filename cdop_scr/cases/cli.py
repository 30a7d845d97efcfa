"""`flask cases import FILE.csv [--dry-run]`: bulk import from a previous system."""

import sys

import click
from flask.cli import AppGroup

from . import importer

cases_cli = AppGroup("cases", help="Child death cases.")


class _Bar:
    """Adapts importer progress to a click progress bar."""

    def __init__(self):
        self.bar = None

    def start(self, total):
        self.bar = click.progressbar(length=max(total, 1), label="Importing cases",
                                     file=sys.stderr)
        self.bar.__enter__()

    def update(self, n):
        if self.bar and n:
            self.bar.update(n)

    def finish(self):
        if self.bar:
            self.bar.__exit__(None, None, None)


@cases_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and report; import nothing.")
def import_command(path, dry_run):
    """Import cases from a UTF-8 CSV file (all or nothing); audited as a system actor."""
    with open(path, "rb") as handle:
        text = importer.decode(handle.read())
    if text is None:
        raise click.ClickException("The file must be UTF-8 text (CSV)")
    bar = _Bar()
    try:
        result = importer.import_cases(None, text, dry_run=dry_run, progress=bar, source="cli")
    finally:
        bar.finish()
    if not result.ok:
        click.echo(f"Nothing was imported: {len(result.problems)} problem"
                   f"{'' if len(result.problems) == 1 else 's'} in {result.rows} rows.", err=True)
        for problem in result.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    if dry_run:
        click.echo(f"Dry run: all {result.rows} rows are valid; nothing was imported.")
    else:
        click.echo(f"Imported {result.imported} cases.")
