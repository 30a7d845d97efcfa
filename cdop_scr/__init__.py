"""cdop-scr: case management for child death review and serious case review."""

import os

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from config import BASE_DIR, CONFIGS

from . import cli, errors, models, navigation, security  # noqa: F401  (models: one import point)
from .crypto import check, keys
from .extensions import csrf, db, init_sessions, login_manager, migrate
from .fragments import FragmentCache


def create_app(config_name=None, **overrides):
    config_name = config_name or os.environ.get("CDOP_ENV", "development")
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
        instance_path=str(BASE_DIR / "instance"),
    )
    app.config.from_object(CONFIGS[config_name])
    app.config.update(overrides)

    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    _check_production_environment(app)
    _make_sqlite_folder(app)
    _load_keys(app)
    _configure_templates(app)

    db.init_app(app)
    init_sessions(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)

    from . import audit, auth, cases, learning, main, panels, reporting, scr, users

    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(users.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(panels.bp)
    app.register_blueprint(scr.bp)
    from .actions import panel_actions

    app.register_blueprint(panel_actions.bp)
    app.register_blueprint(reporting.bp)
    app.register_blueprint(learning.bp)
    from . import agency_links, public  # outside contributors

    app.register_blueprint(public.bp)
    app.register_blueprint(agency_links.bp)
    auth.init_login(login_manager)

    check.init_app(app)  # before access checks: a key ring that does not fit serves nothing
    security.init_app(app)
    navigation.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app


def _make_sqlite_folder(app):
    """An SQLite file database's folder (e.g. instance/data on a fresh clone), owner-only."""
    from sqlalchemy.engine import make_url

    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        os.makedirs(os.path.dirname(os.path.abspath(url.database)), mode=0o700, exist_ok=True)


def _check_production_environment(app):
    required = app.config.get("REQUIRED_ENVIRONMENT", ())
    missing = [name for name in required if not os.environ.get(name)]
    if missing:
        raise RuntimeError(f"refusing to start: set {', '.join(missing)}")


def _load_keys(app):
    """Fail closed: without a readable key ring the app does not start."""
    ring = app.config.get("KEYRING") or keys.load(app)
    app.extensions["cdop_keyring"] = ring
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = ring.secret_key
    if not app.config.get("SECRET_KEY"):
        raise keys.KeyRingError("no SECRET_KEY in the environment or the keys file")


def _configure_templates(app):
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(BASE_DIR / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.add_extension(FragmentCache)
    app.jinja_env.globals["govukRebrand"] = False
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from govuk_frontend_wtf.main import WTFormsHelpers

    WTFormsHelpers(app)
