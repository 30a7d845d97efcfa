"""`flask learning redact --case REF`: the engine on one record, as a draft would get it."""

import click
from flask.cli import AppGroup

from ..errors import DomainError
from . import services

learning_cli = AppGroup("learning", help="Learning summaries: check the redaction engine.")


@learning_cli.command("redact")
@click.option("--case", "case_ref", required=True, help="The case reference, e.g. CDOP-2024-0001.")
@click.option("--pseudonym", default="Child A", show_default=True,
              help="The name that replaces the child's names.")
def redact(case_ref, pseudonym):
    """Print the case's circumstances and agency report summaries as they would be published."""
    try:
        case, record = services.preview_case_redaction(case_ref, pseudonym)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Case {case.case_ref}, as the learning summary engine would publish it.\n")
    click.echo("Circumstances:")
    click.echo(record.circumstances.text or "(none recorded)")
    _replacements(record.circumstances)
    for label, result in record.reports:
        click.echo(f"\nAgency report: {label}")
        click.echo(result.text)
        _replacements(result)


def _replacements(result):
    kinds = {}
    for r in result.replacements:
        kinds[services.kind_label(r.original_kind)] = kinds.get(
            services.kind_label(r.original_kind), 0) + 1
    listed = ", ".join(f"{kind} x{n}" for kind, n in sorted(kinds.items())) or "none"
    click.echo(f"[{len(result.replacements)} replacements: {listed}]")
