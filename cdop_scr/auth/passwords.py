"""Argon2id password hashing at the configured (OWASP) cost, with rehash when it rises."""

import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


def _hasher():
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
        type=Type.ID,
    )


def hash_password(password):
    return _hasher().hash(password)


def check_password(password_hash, password):
    """Return (matches, new_hash): new_hash is set when the stored hash uses an old cost."""
    hasher = _hasher()
    try:
        hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False, None
    if hasher.check_needs_rehash(password_hash):
        return True, hasher.hash(password)
    return True, None


def burn_time(password):
    """Spend as long as a real check so unknown accounts cannot be told apart by timing."""
    _hasher().hash(password)


def temporary_password():
    """A random password an administrator passes on; the user must change it at sign-in."""
    return "-".join(secrets.token_urlsafe(6) for _ in range(3))
