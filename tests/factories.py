"""factory-boy factories on the app's db.session."""

import factory
from factory.alchemy import SQLAlchemyModelFactory

from cdop_scr.extensions import db
from cdop_scr.models import User, UserRole

from .conftest import DEFAULT_PASSWORD


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(BaseFactory):
    class Meta:
        model = User
        exclude = ("password",)

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = DEFAULT_PASSWORD
    password_hash = factory.LazyAttribute(lambda o: _hash(o.password))
    disabled = False
    totp_enabled = False

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        for role in extracted or ["coordinator"]:
            obj.role_rows.append(UserRole(role=str(role)))
        if create:
            db.session.commit()

    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):
        """`totp=True` enrols the user with a known secret: `obj.totp_secret`."""
        if extracted:
            import pyotp

            obj.totp_secret = pyotp.random_base32()
            obj.totp_enabled = True
            if create:
                db.session.commit()


def _hash(password):
    from cdop_scr.auth.passwords import hash_password

    return hash_password(password)
