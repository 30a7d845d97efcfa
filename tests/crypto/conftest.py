"""A test-only model, kept out of the app's metadata: nothing in the app uses a blind index yet.

`indexed_person` fixture maps it, creates its table in the test database and removes it from
the crypto registries afterwards, so the app's rotation and reindex never see it elsewhere.
"""

from datetime import date

import pytest
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from cdop_scr.crypto import fields
from cdop_scr.crypto.blind_index import BLIND_INDEXES, BlindIndex
from cdop_scr.extensions import db
from cdop_scr.models.base import UUIDPrimaryKey


@pytest.fixture
def indexed_person(app):
    saved_registry, saved_indexes = list(fields.REGISTRY), list(BLIND_INDEXES)

    class Base(DeclarativeBase):
        metadata = MetaData()

    class Person(UUIDPrimaryKey, Base):
        __tablename__ = "test_person"
        nhs_number = fields.Encrypted(str)
        surname = fields.Encrypted(str)
        date_of_birth = fields.Encrypted(date)
        nhs_number_index = BlindIndex("nhs_number", source="nhs_number")
        surname_dob_index = BlindIndex("surname_dob", source=("surname", "date_of_birth"))

    Base.metadata.create_all(db.engine)
    yield Person
    db.session.rollback()
    fields.REGISTRY[:] = saved_registry
    BLIND_INDEXES[:] = saved_indexes
