"""Flask command groups. Each command parses its arguments and calls one service."""


def init_app(app):
    from .audit.cli import audit_cli
    from .backup.cli import backup_cli
    from .cases.cli import cases_cli
    from .crypto.cli import crypto_cli
    from .demo import demo_cli
    from .learning.cli import learning_cli
    from .reporting.cli import reports_cli
    from .users.cli import users_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(crypto_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(cases_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(learning_cli)
    app.cli.add_command(backup_cli)
