from datetime import date, datetime

import pytest
from sqlalchemy import select, update

from cdop_scr.crypto import DecryptionFailed, cipher
from cdop_scr.crypto.fields import _codec
from cdop_scr.models import User

from ..factories import UserFactory
from ..helpers import audit_events


def raw_secret(db, user):
    table = User.__table__
    return db.session.execute(
        select(table.c.totp_secret).where(table.c.id == user.id)).scalar_one()


def set_raw_secret(db, user, blob):
    db.session.execute(update(User.__table__).where(User.__table__.c.id == user.id)
                       .values(totp_secret=blob))
    db.session.commit()


def test_an_encrypted_field_is_stored_as_versioned_ciphertext_under_the_primary_key(app, db):
    user = UserFactory()
    user.totp_secret = "JBSWY3DPEHPK3PXP"
    db.session.commit()
    blob = bytes(raw_secret(db, user))
    assert b"JBSWY3DPEHPK3PXP" not in blob
    assert blob[0] == cipher.VERSION and cipher.key_id_of(blob) == "k1"
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret == "JBSWY3DPEHPK3PXP"


def test_the_same_value_encrypts_differently_each_time(app, db):
    first, second = UserFactory(), UserFactory()
    first.totp_secret = second.totp_secret = "SAMESECRET"
    db.session.commit()
    assert raw_secret(db, first)[-32:] != raw_secret(db, second)[-32:]


@pytest.mark.parametrize("kind, value", [
    (str, "Ünïcødé name"), (bytes, b"\x00\x01 document"), (date, date(2020, 2, 29)),
    (datetime, datetime(2024, 1, 2, 3, 4, 5)), ("json", {"a": [1, "b"]}),
])
def test_every_supported_kind_round_trips(kind, value):
    encode, decode = _codec(kind)
    assert decode(encode(value)) == value


def test_a_ciphertext_copied_to_another_row_does_not_decrypt_as_that_row(app, db):
    victim, other = UserFactory(), UserFactory()
    victim.totp_secret, other.totp_secret = "VICTIMSECRET", "OTHERSECRET"
    db.session.commit()
    set_raw_secret(db, other, raw_secret(db, victim))
    db.session.expire_all()
    with pytest.raises(DecryptionFailed):
        _ = db.session.get(User, other.id).totp_secret


def test_a_ciphertext_moved_from_another_column_does_not_decrypt(app, db):
    user = UserFactory()
    ring = app.extensions["cdop_keyring"]
    # Sealed for another encrypted column of the same row, then stored in totp_secret.
    aad = cipher.associated_data("user", "full_name", user.id)
    blob = cipher.encrypt(ring, b"OTHERCOLUMN", aad)
    set_raw_secret(db, user, blob)
    db.session.expire_all()
    with pytest.raises(DecryptionFailed):
        _ = db.session.get(User, user.id).totp_secret


def test_a_flipped_bit_or_unknown_format_fails_instead_of_returning_garbage(app, db):
    user = UserFactory()
    user.totp_secret = "JBSWY3DPEHPK3PXP"
    db.session.commit()
    blob = bytearray(raw_secret(db, user))
    blob[-1] ^= 1
    for tampered in (bytes(blob), b"\x09garbage", b""):
        set_raw_secret(db, user, tampered)
        db.session.expire_all()
        with pytest.raises(DecryptionFailed):
            _ = db.session.get(User, user.id).totp_secret


def test_a_swapped_ciphertext_is_a_503_page_and_is_audited_never_the_other_value(
    make_app, app, db
):
    from cdop_scr.permissions import public

    victim, other = UserFactory(), UserFactory()
    victim.totp_secret, other.totp_secret = "VICTIMSECRET", "OTHERSECRET"
    db.session.commit()
    set_raw_secret(db, other, raw_secret(db, victim))
    other_id = other.id
    db.session.commit()  # release SQLite's write lock (every transaction takes it) before serving

    serving = make_app()

    @public
    def show_secret(user_id):
        return {"secret": db.session.get(User, user_id).totp_secret}

    serving.add_url_rule("/test/secret/<uuid:user_id>", "test_secret", show_secret)
    response = serving.test_client().get(f"/test/secret/{other_id}")

    assert response.status_code == 503
    page = response.get_data()
    assert b"VICTIMSECRET" not in page and b"OTHERSECRET" not in page
    assert b"could not be read" in page
    db.session.rollback()
    [failure] = audit_events("decryption_failed")
    assert (failure.target_type, failure.target_id, failure.outcome) == (
        "user", str(other_id), "failure")
    assert failure.detail_dict == {"column": "totp_secret", "key_id": "k1"}
