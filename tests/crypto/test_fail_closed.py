import json
import os

import pytest

from cdop_scr import create_app
from cdop_scr.crypto import KeyRingError, keys
from cdop_scr.models import User
from cdop_scr.permissions import public

from ..factories import UserFactory
from ..helpers import audit_events


def test_the_app_refuses_to_start_without_its_keys_file(database_url, tmp_path):
    with pytest.raises(KeyRingError, match="not found"):
        create_app("test", SQLALCHEMY_DATABASE_URI=database_url,
                   KEYS_FILE=str(tmp_path / "no.json"))


@pytest.mark.parametrize("damage", [
    lambda doc: doc.update(index_key="not base64!"),
    lambda doc: doc.update(audit_key=keys.new_key_text()[:20]),
    lambda doc: doc.update(primary="k9"),
    lambda doc: doc.pop("data_keys"),
])
def test_the_app_refuses_to_start_with_a_damaged_keys_file(database_url, tmp_path, damage):
    path = tmp_path / "keys.json"
    keys.create_development_file(path)
    doc = json.loads(path.read_text())
    damage(doc)
    keys.write_file(path, doc)
    with pytest.raises(KeyRingError):
        create_app("test", SQLALCHEMY_DATABASE_URI=database_url, KEYS_FILE=str(path))


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660, 0o620])
def test_a_keys_file_other_users_can_open_is_refused_with_the_fix_named(
    database_url, tmp_path, mode
):
    path = tmp_path / "keys.json"
    keys.create_development_file(path)
    assert keys.from_file(path).primary_id == "k1"  # as created: mode 0600
    os.chmod(path, mode)
    with pytest.raises(KeyRingError) as refused:
        create_app("test", SQLALCHEMY_DATABASE_URI=database_url, KEYS_FILE=str(path))
    assert str(path) in str(refused.value) and f"chmod 600 {path}" in str(refused.value)
    with pytest.raises(KeyRingError, match="chmod 600"):
        keys.add_data_key(path)  # nor is a key added to it
    os.chmod(path, 0o600)
    assert keys.from_file(path).primary_id == "k1"


def test_keys_from_the_environment_must_all_be_present_and_valid():
    good = {"CDOP_DATA_KEYS": f"k2:{keys.new_key_text()},k1:{keys.new_key_text()}",
            "CDOP_INDEX_KEY": keys.new_key_text(), "CDOP_AUDIT_KEY": keys.new_key_text()}
    ring = keys.from_environment(good)
    assert ring.primary_id == "k2" and set(ring.data_keys) == {"k1", "k2"}
    for name in good:
        with pytest.raises(KeyRingError):
            keys.from_environment({k: v for k, v in good.items() if k != name})
    with pytest.raises(KeyRingError):
        keys.from_environment(dict(good, CDOP_DATA_KEYS="k1:" + "A" * 10))


def serving_app(make_app, keyring):
    serving = make_app(KEYRING=keyring)

    @public
    def show_secret(user_id):
        from cdop_scr.extensions import db

        return {"secret": db.session.get(User, user_id).totp_secret}

    serving.add_url_rule("/test/secret/<uuid:user_id>", "test_secret", show_secret)
    return serving.test_client()


@pytest.mark.parametrize("ring_change", ["wrong key under the same id", "key id not loaded"])
def test_with_the_wrong_data_key_a_page_is_503_never_ciphertext_or_blank(
    make_app, app, db, keyring, ring_change
):
    user = UserFactory()
    user.totp_secret = "WRONGKEYCANARY"
    db.session.commit()
    user_id = user.id
    db.session.commit()
    if ring_change == "key id not loaded":
        data_keys, primary = {"k2": os.urandom(32)}, "k2"
    else:
        data_keys, primary = {"k1": os.urandom(32)}, "k1"
    wrong = keys.KeyRing(data_keys=data_keys, primary_id=primary, index_key=keyring.index_key,
                         audit_key=keyring.audit_key, secret_key=keyring.secret_key)

    response = serving_app(make_app, wrong).get(f"/test/secret/{user_id}")

    assert response.status_code == 503
    assert b"WRONGKEYCANARY" not in response.data and b'"secret"' not in response.data
    assert b"Sorry, the service is unavailable" in response.data
    assert [e.target_id for e in audit_events("decryption_failed")] == [str(user_id)]


def test_the_right_key_serves_the_value(make_app, app, db, keyring):
    user = UserFactory()
    user.totp_secret = "RIGHTKEYVALUE"
    db.session.commit()
    user_id = user.id
    db.session.commit()
    response = serving_app(make_app, keyring).get(f"/test/secret/{user_id}")
    assert response.status_code == 200 and response.json == {"secret": "RIGHTKEYVALUE"}
