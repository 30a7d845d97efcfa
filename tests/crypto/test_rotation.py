import base64
import os
import stat
import subprocess
import sys
from dataclasses import replace
from datetime import date

from sqlalchemy import select

from cdop_scr.crypto import keys, services
from cdop_scr.crypto.blind_index import blind_index
from cdop_scr.models import User

from ..factories import UserFactory
from ..helpers import audit_events


def file_app(make_app, path):
    return make_app(KEYRING=None, KEYS_FILE=str(path))


def run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    return result.exit_code, result.output


def seed(db, person_model):
    users = [UserFactory(totp=True) for _ in range(3)]
    person = person_model(nhs_number="943 476 5919", surname="Smith",
                          date_of_birth=date(2019, 5, 4))
    db.session.add(person)
    db.session.commit()
    return {u.id: (u.totp_secret, u.updated_at) for u in users}, person.id


def find_person(db, model):
    return db.session.scalars(select(model).where(
        model.nhs_number_index == blind_index("nhs_number", "9434765919"),
        model.surname_dob_index == blind_index("surname_dob", "SMITH", date(2019, 5, 4)),
    )).all()


def test_rotation_re_encrypts_everything_so_the_old_key_can_be_retired(
    make_app, app, db, indexed_person, tmp_path
):
    path = tmp_path / "keys.json"
    keys.create_development_file(path)
    with file_app(make_app, path).app_context() as ctx:
        users, person_id = seed(db, indexed_person)
        assert run(ctx.app, "crypto", "add-key")[0] == 0

    with file_app(make_app, path).app_context() as ctx:
        assert ctx.app.extensions["cdop_keyring"].primary_id == "k2"
        code, output = run(ctx.app, "crypto", "retire-key", "k1")
        assert code != 0 and "still under 'k1'" in output
        code, output = run(ctx.app, "crypto", "rotate", "--batch-size", "2")
        assert code == 0, output
        assert "Re-encrypted 6 values. Values under old keys: 0." in output
        code, output = run(ctx.app, "crypto", "status")
        assert "k2: 6" in output and "k1:" not in output and "Values under old keys: 0" in output
        code, output = run(ctx.app, "crypto", "rotate")
        assert "Re-encrypted 0 values" in output  # idempotent
        assert run(ctx.app, "crypto", "retire-key", "k1")[0] == 0

    with file_app(make_app, path).app_context() as ctx:
        assert set(ctx.app.extensions["cdop_keyring"].data_keys) == {"k2"}
        for user_id, (secret, updated_at) in users.items():
            user = db.session.get(User, user_id)
            assert user.totp_secret == secret
            assert user.updated_at == updated_at  # re-encrypting is not an edit
        assert [p.id for p in find_person(db, indexed_person)] == [person_id]
        assert [e.event for e in audit_events()] == ["key_added", "key_rotated", "key_rotated",
                                                     "key_retired"]
        assert audit_events("key_rotated")[0].detail_dict == {
            "primary_key_id": "k2", "reencrypted": 6, "remaining": 0, "unreadable": 0}
        assert run(ctx.app, "audit", "verify")[0] == 0


def test_an_interrupted_rotation_is_finished_by_running_it_again(make_app, app, db, tmp_path):
    path = tmp_path / "keys.json"
    keys.create_development_file(path)
    with file_app(make_app, path).app_context() as ctx:
        for _ in range(5):
            UserFactory(totp=True)
        run(ctx.app, "crypto", "add-key")

    with file_app(make_app, path).app_context():

        def interrupt(count):
            raise KeyboardInterrupt

        try:
            services.rotate(batch_size=2, progress=interrupt)
        except KeyboardInterrupt:
            db.session.rollback()
        assert services.status()["user.totp_secret"] == {"k1": 3, "k2": 2}
        assert services.rotate(batch_size=2) == (3, 0)
        assert services.remaining_under_old_keys() == 0


def test_a_value_that_cannot_be_decrypted_is_reported_while_the_rest_is_rotated(
    make_app, app, db, tmp_path
):
    path = tmp_path / "keys.json"
    keys.create_development_file(path)
    with file_app(make_app, path).app_context() as ctx:
        users = [UserFactory(totp=True) for _ in range(5)]
        secrets = {u.id: u.totp_secret for u in users}
        damaged, donor = sorted(secrets)[1], sorted(secrets)[3]
        # A ciphertext copied from another row: bound to that row, it no longer decrypts.
        table = User.__table__
        copied = db.session.execute(select(table.c.totp_secret)
                                    .where(table.c.id == donor)).scalar_one()
        db.session.execute(table.update().where(table.c.id == damaged)
                           .values(totp_secret=copied))
        db.session.commit()
        run(ctx.app, "crypto", "add-key")

    with file_app(make_app, path).app_context() as ctx:
        for attempt in (1, 2):
            code, output = run(ctx.app, "crypto", "rotate", "--batch-size", "2")
            assert code == 1, output
            assert f"Cannot decrypt user.totp_secret row {damaged}" in output
            assert "1 values could not be decrypted" in output
            assert f"Re-encrypted {4 if attempt == 1 else 0} values. " \
                   f"Values under old keys: 1." in output
        # Everything else is under the new key and reads back; the damaged value is untouched.
        assert services.status()["user.totp_secret"] == {"k1": 1, "k2": 4}
        db.session.expire_all()
        for user_id, secret in secrets.items():
            if user_id != damaged:
                assert db.session.get(User, user_id).totp_secret == secret
        failures = audit_events("decryption_failed")
        assert [(f.target_type, f.target_id, f.outcome) for f in failures] == [
            ("user", str(damaged), "failure")] * 2
        assert failures[0].detail_dict == {"column": "totp_secret", "key_id": "k1",
                                           "during": "rotation"}
        assert [e.detail_dict["unreadable"] for e in audit_events("key_rotated")] == [1, 1]
        code, output = run(ctx.app, "crypto", "retire-key", "k1")
        assert code != 0 and "still under 'k1'" in output
        assert run(ctx.app, "audit", "verify")[0] == 0


def test_reindex_recomputes_every_blind_index_after_the_index_key_changes(
    make_app, app, db, indexed_person, keyring
):
    seed(db, indexed_person)
    assert len(find_person(db, indexed_person)) == 1
    db.session.commit()

    with make_app(KEYRING=replace(keyring, index_key=os.urandom(32))).app_context() as ctx:
        assert find_person(db, indexed_person) == []
        db.session.commit()
        code, output = run(ctx.app, "crypto", "reindex")
        assert code == 0 and "1 rows changed" in output
        assert len(find_person(db, indexed_person)) == 1
        assert audit_events("index_rebuilt")[0].detail_dict == {"rows_changed": 1}


def test_generate_key_prints_a_new_256_bit_key(app):
    code, output = run(app, "crypto", "generate-key")
    assert code == 0 and len(base64.urlsafe_b64decode(output.strip())) == 32
    assert output != run(app, "crypto", "generate-key")[1]


def test_init_creates_a_private_keys_file_once(make_app, tmp_path):
    path = tmp_path / "instance" / "keys.json"
    app = make_app(KEYS_FILE=str(path))
    assert "Created" in run(app, "crypto", "init")[1]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_bytes()
    assert "already exists" in run(app, "crypto", "init")[1]
    assert path.read_bytes() == first
    assert keys.from_file(path).primary_id == "k1"


def test_make_run_creates_the_keys_file_before_any_app_can_start(tmp_path):
    path = tmp_path / "keys.json"
    env = dict(os.environ, CDOP_KEYS_FILE=str(path))
    subprocess.run([sys.executable, "-m", "cdop_scr.crypto", "init"], env=env, check=True,
                   cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keys.from_file(path).primary_id == "k1"


def test_add_key_with_keys_in_the_environment_only_prints_instructions(make_app, keyring):
    app = make_app(KEYS_FROM_ENVIRONMENT=True)
    code, output = run(app, "crypto", "add-key")
    assert code == 0 and "CDOP_DATA_KEYS" in output and "k2:" in output
    assert app.extensions["cdop_keyring"] is keyring
