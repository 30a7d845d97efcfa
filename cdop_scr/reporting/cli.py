"""`flask reports ...`: the statutory return, cross-tables, data quality, child-level extract."""

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..errors import DomainError
from ..extensions import db
from ..models import User
from ..permissions import Permission
from . import queries, services
from .suppression import UnsafeTable

reports_cli = AppGroup("reports", help="Statistics: the statutory return and cross-tables.")

YEAR = click.option("--year", required=True, help="Financial year, e.g. 2011-12.")
USER = click.option("--user", "user_email", default=None,
                    help="Email of the user asking, who must be allowed these figures (audited "
                         "as them). Without it: the operating-system user running the command "
                         "on the server, audited as system:<user>.")


def _actor(user_email):
    """The named user, or the system actor when none is named (trusted like `cases import`)."""
    if user_email is None:
        return services.SYSTEM
    user = db.session.scalar(select(User).filter_by(email=user_email.strip().lower()))
    if user is None or user.disabled:
        raise click.UsageError(f"no active account {user_email}")
    if not user.can(Permission.VIEW_REPORTS):
        raise click.ClickException(f"{user_email} may not see reports")
    return user


def _run(action):
    try:
        return action()
    except DomainError as error:
        raise click.ClickException(error.message) from error
    except UnsafeTable as error:
        raise click.ClickException(f"a table failed the disclosure check; nothing written: "
                                   f"{error}") from error
    except OSError as error:  # --out names a folder that cannot be made or written
        raise click.ClickException(f"cannot write to {error.filename}: {error.strerror}") \
            from error


@reports_cli.command("dfe-return")
@YEAR
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for return.xlsx and one CSV per table.")
@click.option("--unsuppressed", is_flag=True, help="Unsuppressed figures (not for publication).")
@USER
def dfe_return(year, out_dir, unsuppressed, user_email):
    """Write the statutory return (LSCB1 form) for a financial year."""
    actor = _actor(user_email)
    result, files = _run(lambda: services.export_return(actor, year, out_dir, unsuppressed))
    for path in files:
        click.echo(f"wrote {path}")
    for warning in result.warnings:
        click.echo(f"data quality: {warning}", err=True)


@reports_cli.command("table")
@click.option("--measure", required=True, type=click.Choice(list(queries.MEASURES)))
@YEAR
@click.option("--rows", required=True,
              type=click.Choice(list(queries.COLUMN_DIMENSIONS) + ["time_since_death"]))
@click.option("--cols", default=None,
              type=click.Choice(list(queries.COLUMN_DIMENSIONS) + ["time_since_death"]))
@click.option("--unsuppressed", is_flag=True)
@USER
def table(measure, year, rows, cols, unsuppressed, user_email):
    """Print a cross-table as CSV (row,column,value) on standard output."""
    actor = _actor(user_email)
    published = _run(lambda: services.cross_table(actor, measure, year, rows, cols, unsuppressed))
    sys.stdout.write(published.csv())


@reports_cli.command("data-quality")
@YEAR
def data_quality(year):
    """List every case the year's figures would count wrongly or not at all."""
    issues = _run(lambda: services.data_quality(year, deep=True))
    for issue in issues:
        click.echo(f"{issue.case_ref}\t{issue.problem}")
    click.echo(f"{len(issues)} problem(s) found for {year}.", err=True)
    if issues:
        raise SystemExit(1)


@reports_cli.command("child-extract")
@YEAR
@USER
def child_extract(year, user_email):
    """Print the child-level extract (CSV) of reviews completed in the year."""
    actor = _actor(user_email)
    sys.stdout.write(_run(lambda: services.child_extract(actor, year)))
