"""Configuration: Config reads the environment; Development, Test and Production refine it."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("CDOP_INSTANCE_DIR", BASE_DIR / "instance"))
# The database lives in its own folder so that backing it up never copies the keys file.
DEFAULT_SQLITE_PATH = INSTANCE_DIR / "data" / "cdop.sqlite"


def _list(name, default):
    raw = os.environ.get(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def _int(name, default):
    return int(os.environ.get(name, default))


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"
    SQLALCHEMY_RECORD_QUERIES = False

    # Keys: from the environment in production, from KEYS_FILE in development.
    KEYS_FILE = os.environ.get("CDOP_KEYS_FILE", str(INSTANCE_DIR / "keys.json"))
    KEYS_FROM_ENVIRONMENT = False

    SERVICE_NAME = os.environ.get("CDOP_SERVICE_NAME", "Child death and case review")
    ORGANISATION_NAME = os.environ.get(
        "CDOP_ORGANISATION_NAME", "Local Safeguarding Children Partnership"
    )

    # Sessions (ASVS L2: 30 minutes idle, 12 hours absolute).
    SESSION_IDLE_MINUTES = _int("CDOP_SESSION_IDLE_MINUTES", 30)
    SESSION_ABSOLUTE_HOURS = _int("CDOP_SESSION_ABSOLUTE_HOURS", 12)
    SESSION_COOKIE_NAME = "cdop_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = 0

    # Sign-in throttling: this many failures per account or address within the window.
    SIGN_IN_MAX_FAILURES = _int("CDOP_SIGN_IN_MAX_FAILURES", 10)
    SIGN_IN_WINDOW_MINUTES = _int("CDOP_SIGN_IN_WINDOW_MINUTES", 5)

    # Roles that must sign in with a second factor.
    TWO_FACTOR_REQUIRED_ROLES = _list("CDOP_TWO_FACTOR_ROLES", "admin,board_manager")

    # Argon2id cost (OWASP: 19 MiB, 2 iterations, 1 lane).
    ARGON2_TIME_COST = _int("CDOP_ARGON2_TIME_COST", 2)
    ARGON2_MEMORY_COST = _int("CDOP_ARGON2_MEMORY_KIB", 19456)
    ARGON2_PARALLELISM = _int("CDOP_ARGON2_PARALLELISM", 1)
    PASSWORD_MIN_LENGTH = 12

    # Published figures: counts from 1 to this minus one are shown as `<N` (domain.md section 6).
    REPORT_SUPPRESSION_THRESHOLD = _int("CDOP_SUPPRESSION_THRESHOLD", 5)

    # Break-glass: how long a panel member's access to one identifiable record lasts.
    BREAK_GLASS_MINUTES = _int("CDOP_BREAK_GLASS_MINUTES", 60)

    HSTS = False
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto headers are trusted.
    TRUSTED_PROXIES = _int("CDOP_TRUSTED_PROXIES", 0)
    WTF_CSRF_TIME_LIMIT = 3600
    MAX_CONTENT_LENGTH = _int("CDOP_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)

    # Serious case reviews: completion target after the decision, decision target after
    # referral (calendar months), and when an overdue action goes on the escalation list.
    SCR_COMPLETION_MONTHS = _int("CDOP_SCR_COMPLETION_MONTHS", 6)
    SCR_DECISION_MONTHS = _int("CDOP_SCR_DECISION_MONTHS", 1)
    ESCALATION_OVERDUE_DAYS = _int("CDOP_ESCALATION_OVERDUE_DAYS", 28)
    # Uploaded documents (overview reports, IMRs, evidence): PDF, DOCX or ODT up to this size.
    CDOP_MAX_DOCUMENT_BYTES = _int("CDOP_MAX_DOCUMENT_BYTES", 10 * 1024 * 1024)

    # Outside contributors: the public notification page and agency report links.
    PUBLIC_NOTIFICATIONS_PER_HOUR = _int("CDOP_PUBLIC_NOTIFICATIONS_PER_HOUR", 5)
    PUBLIC_MAX_FORM_BYTES = _int("CDOP_PUBLIC_MAX_FORM_BYTES", 64 * 1024)
    AGENCY_LINK_DAYS = _int("CDOP_AGENCY_LINK_DAYS", 14)
    # E-mail (SMTP). Without MAIL_SERVER nothing is sent: the in-app queue is the only alert.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = _int("MAIL_PORT", 587)
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "true").lower() in ("1", "true", "yes")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "cdop-no-reply@localhost")
    MAIL_COORDINATOR_ADDRESS = os.environ.get("MAIL_COORDINATOR_ADDRESS")


class Development(Config):
    pass


class Test(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    # Tests post forms directly; one module switches CSRF back on to prove it works.
    WTF_CSRF_ENABLED = False
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    SERVER_NAME = "localhost"
    # Tests that send e-mail start their own SMTP server on loopback and point at it.
    MAIL_SERVER = None


class Production(Config):
    KEYS_FROM_ENVIRONMENT = True
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-cdop_session"
    HSTS = True
    REQUIRED_ENVIRONMENT = (
        "SECRET_KEY",
        "DATABASE_URL",
        "CDOP_DATA_KEYS",
        "CDOP_INDEX_KEY",
        "CDOP_AUDIT_KEY",
    )


CONFIGS = {"development": Development, "test": Test, "production": Production}
