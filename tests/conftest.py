"""Shared fixtures: a fresh migrated database per test, the app, a client and login_as(role).

The database is built once per run by running the migrations (never create_all), then copied
for each test: a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL. Set
TEST_DATABASE_URL to a PostgreSQL server's admin database to run the suite there.
"""

import contextvars
import os
import shutil
import uuid

import flask_migrate
import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cdop_scr import create_app
from cdop_scr.crypto import keys
from cdop_scr.extensions import db as _db

DEFAULT_PASSWORD = "correct horse battery staple"


def make_keyring():
    return keys.KeyRing(
        data_keys={"k1": os.urandom(32)},
        primary_id="k1",
        index_key=os.urandom(32),
        audit_key=os.urandom(32),
        secret_key=os.urandom(24).hex(),
    )


def migrate(url, keyring):
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, KEYRING=keyring)
    with app.app_context():
        flask_migrate.upgrade()
        _db.engine.dispose()


class SQLiteDatabases:
    def __init__(self, folder, keyring):
        self.folder = folder
        self.template = folder / "template.sqlite"
        migrate(f"sqlite:///{self.template}", keyring)

    def new(self):
        path = self.folder / f"test-{uuid.uuid4().hex}.sqlite"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def drop(self, url):
        path = make_url(url).database
        for suffix in ("", "-wal", "-shm", "-journal"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)


class PostgresDatabases:
    def __init__(self, admin_url, keyring):
        self.admin_url = make_url(admin_url)
        self.admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        self.template_name = f"cdop_template_{os.getpid()}"
        self._execute(f'DROP DATABASE IF EXISTS "{self.template_name}"')
        self._execute(f'CREATE DATABASE "{self.template_name}"')
        migrate(self._url(self.template_name), keyring)

    def _url(self, name):
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql):
        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def new(self):
        name = f"cdop_test_{uuid.uuid4().hex[:16]}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template_name}"')
        return self._url(name)

    def drop(self, url):
        self._execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self):
        self._execute(f'DROP DATABASE IF EXISTS "{self.template_name}" WITH (FORCE)')
        self.admin.dispose()


class IsolatedClient(FlaskClient):
    """Each request runs as in production: its own app context, `g` and database session.

    Without this, requests would share the test's app context, so Flask-Login's cached user
    and the test's SQLAlchemy session would leak from one request into the next. The test's
    own session commits first: that releases SQLite's write lock (every transaction begins
    IMMEDIATE) and expires its objects, so the test reads what the request wrote.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            _db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def keyring():
    return make_keyring()


@pytest.fixture(scope="session")
def databases(tmp_path_factory, keyring):
    admin_url = os.environ.get("TEST_DATABASE_URL")
    if admin_url:
        factory = PostgresDatabases(admin_url, keyring)
        yield factory
        factory.close()
    else:
        yield SQLiteDatabases(tmp_path_factory.mktemp("db"), keyring)


@pytest.fixture
def database_url(databases):
    """A fresh, migrated, empty database for one test."""
    url = databases.new()
    yield url
    databases.drop(url)


@pytest.fixture
def make_app(database_url, keyring):
    """Build an app on this test's database; overrides go into its config."""
    made = []

    def factory(**overrides):
        settings = {"SQLALCHEMY_DATABASE_URI": database_url, "KEYRING": keyring}
        settings.update(overrides)
        app = create_app("test", **settings)
        app.test_client_class = IsolatedClient
        made.append(app)
        return app

    yield factory
    for app in made:
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app
        _db.session.remove()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login_as(app, client):
    """Sign the test client in as a new user holding these roles (or as the given user)."""
    from cdop_scr.auth import services as auth_services

    from .factories import UserFactory

    def sign_in(*roles, user=None, **user_fields):
        user = user or UserFactory(roles=list(roles), **user_fields)
        token = auth_services.open_session(user)
        _db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
            session["sid"] = token
        return user

    return sign_in


# --- RELIABILITY lines -------------------------------------------------------------------------
# Each reliability check reports one line of figures, e.g.
#   RELIABILITY authz-matrix endpoints=63 roles=5 checked=315 failed=0
# The line travels as a user property, so it survives pytest-xdist workers, and is printed in
# the terminal summary of the run (the test log carries the numbers).

_reliability_lines = []


@pytest.fixture
def reliability(record_property):
    """reliability("name", key=value, ...) records one RELIABILITY line for the run summary."""

    def report(name, **figures):
        line = " ".join([f"RELIABILITY {name}"] + [f"{k}={v}" for k, v in figures.items()])
        record_property("reliability", line)
        return line

    return report


def pytest_runtest_logreport(report):
    if report.when == "call":
        for key, value in report.user_properties:
            if key == "reliability":
                _reliability_lines.append(value)


def pytest_terminal_summary(terminalreporter):
    if _reliability_lines:
        terminalreporter.section("reliability figures")
        for line in _reliability_lines:
            terminalreporter.write_line(line)
