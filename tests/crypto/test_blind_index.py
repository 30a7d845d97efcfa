from datetime import date

import pytest
from sqlalchemy import select, text

from cdop_scr.crypto.blind_index import blind_index, normalise_nhs_number, normalise_text
from cdop_scr.crypto.keys import KeyRing


def test_text_is_normalised_with_nfkc_casefolding_and_collapsed_whitespace():
    assert normalise_text("  O’BRIEN\u00a0\tSmith ") == "o’brien smith"
    assert normalise_text("ＳＭＩＴＨ") == "smith"  # full-width letters
    assert normalise_text("STRASSE") == normalise_text("Straße")


def test_an_nhs_number_keeps_only_its_digits():
    assert normalise_nhs_number("943 476-5919") == "9434765919"
    assert normalise_nhs_number("９４３４７６５９１９") == "9434765919"


def test_equal_values_written_differently_give_the_same_index(app):
    assert blind_index("nhs_number", "943 476 5919") == blind_index("nhs_number", "9434765919")
    assert blind_index("surname_dob", " smith ", date(2020, 1, 2)) == blind_index(
        "surname_dob", "SMITH", "2020-01-02"
    )
    assert len(blind_index("case_ref", "CDOP-2025-001")) == 64


def test_each_index_kind_is_domain_separated(app):
    assert blind_index("nhs_number", "1234567890") != blind_index("case_ref", "1234567890")


def test_the_index_depends_on_the_index_key(app):
    before = blind_index("case_ref", "CDOP-1")
    ring = app.extensions["cdop_keyring"]
    app.extensions["cdop_keyring"] = KeyRing(
        data_keys=ring.data_keys, primary_id=ring.primary_id, index_key=b"\x01" * 32,
        audit_key=ring.audit_key,
    )
    try:
        assert blind_index("case_ref", "CDOP-1") != before
    finally:
        app.extensions["cdop_keyring"] = ring


def test_an_empty_search_is_refused_rather_than_matching_every_unknown_value(app):
    with pytest.raises(ValueError):
        blind_index("nhs_number", " - ")
    with pytest.raises(ValueError):
        blind_index("surname_dob", "Smith", None)
    with pytest.raises(ValueError):
        blind_index("postcode", "AB1 2CD")


def test_setting_a_source_keeps_its_blind_index_up_to_date(app, db, indexed_person):
    person = indexed_person(nhs_number="943 476 5919", surname="Smith")
    assert person.surname_dob_index is None  # date of birth not known yet
    person.date_of_birth = date(2019, 5, 4)
    db.session.add(person)
    db.session.commit()

    found = db.session.scalars(select(indexed_person).where(
        indexed_person.nhs_number_index == blind_index("nhs_number", "9434765919"))).all()
    assert [p.id for p in found] == [person.id]
    found = db.session.scalars(select(indexed_person).where(
        indexed_person.surname_dob_index == blind_index("surname_dob", "SMITH", "2019-05-04")
    )).all()
    assert [p.id for p in found] == [person.id]

    person.nhs_number = "485 777 3456"
    db.session.commit()
    assert db.session.scalars(select(indexed_person).where(
        indexed_person.nhs_number_index == blind_index("nhs_number", "9434765919"))).all() == []


def test_the_index_column_holds_a_keyed_digest_not_the_value(app, db, indexed_person):
    person = indexed_person(nhs_number="9434765919")
    db.session.add(person)
    db.session.commit()
    stored = db.session.execute(text("SELECT nhs_number_index FROM test_person")).scalar_one()
    import hashlib

    assert stored == blind_index("nhs_number", "9434765919")
    assert stored != hashlib.sha256(b"9434765919").hexdigest()
