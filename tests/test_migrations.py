"""The test database is built by the migrations; the models must agree with them."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app


def test_models_and_migrations_agree(app, db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_there_is_exactly_one_migration_head(app):
    config = current_app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_demo_load_is_idempotent_and_prints_sign_in_details(app, db):
    from sqlalchemy import func, select

    from cdop_scr.models import User

    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    count = db.session.scalar(select(func.count()).select_from(User))
    second = runner.invoke(args=["demo", "load"])
    assert first.exit_code == second.exit_code == 0
    assert "coordinator@demo.example" in first.output
    assert "already present" in second.output
    assert db.session.scalar(select(func.count()).select_from(User)) == count > 0


def test_a_fresh_clone_migrates_into_a_database_folder_that_does_not_exist_yet(
        tmp_path, keyring):
    import os

    import flask_migrate

    from cdop_scr import create_app
    from cdop_scr.extensions import db

    path = tmp_path / "instance" / "data" / "cdop.sqlite"
    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", KEYRING=keyring)
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    assert path.exists()
    assert oct(os.stat(path.parent).st_mode & 0o777) == "0o700"
