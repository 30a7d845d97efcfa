"""Backup and restore: a restored database has the same rows, verifies, and reads with the keys.

`flask backup create` then `flask backup restore` into an empty database; the restored rows
are compared table by table (content hash, as tests/helpers.content_hash, over the restored
database); a backup holds ciphertext only and no key; a restore into a database that holds
anything, or with keys that do not fit, is refused and leaves the target as it was.
"""

import base64
import hashlib
import os
import shutil
import subprocess
import uuid
from dataclasses import replace
from datetime import date

import flask_migrate
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from cdop_scr import audit
from cdop_scr.backup.services import EMPTY_CHECK
from cdop_scr.cases import services as cases
from cdop_scr.extensions import db as _db
from cdop_scr.models.audit import AuditRecord
from cdop_scr.models.cases import Case
from config import BASE_DIR

from ..cases.conftest import details, nhs_number
from ..conftest import PostgresDatabases
from ..crypto.canary import scan_for
from ..factories import UserFactory

CHILDREN = [("Backupforename-Ysolde", "Backupsurname-Quenby", "12 Restore Street, Exampleton")]
CHILDREN += [(f"Backupforename-{n}", f"Backupsurname-{n}", f"{n} Archive Road") for n in range(4)]


@pytest.fixture
def new_empty_database(databases, tmp_path):
    """Make databases with nothing in them (restore targets); each is removed afterwards."""
    made = []

    def make():
        if isinstance(databases, PostgresDatabases):
            name = f"cdop_restore_{uuid.uuid4().hex[:12]}"
            with databases.admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            url = databases.admin_url.set(database=name).render_as_string(hide_password=False)
        else:
            folder = tmp_path / f"empty-{len(made)}"
            folder.mkdir()
            url = f"sqlite:///{folder / 'cdop.sqlite'}"
        made.append(url)
        return url

    yield make
    if isinstance(databases, PostgresDatabases):
        for url in made:
            databases.drop(url)


@pytest.fixture
def empty_database_url(new_empty_database):
    return new_empty_database()


@pytest.fixture
def populated(app, db):
    """Cases (with family and agency reports), users with TOTP secrets, and their audit rows."""
    coordinator = UserFactory(roles=["coordinator"], totp=True)
    made = []
    for n, (forename, surname, address) in enumerate(CHILDREN):
        case = cases.notify_death(
            coordinator,
            details(forename=forename, surname=surname, address=address,
                    nhs_number=nhs_number(700_000_000 + n * 13),
                    date_of_birth=date(2014, 2, 1 + n)),
            [("mother", f"Backupmother-{n}")], confirmed_new=True)
        cases.request_agency_report(coordinator, case, "gp", "Dr Example", None,
                                    date(2030, 1, 1))
        made.append((case.id, forename, surname, case.nhs_number, case.date_of_birth))
    db.session.commit()
    return made


def run(app, *args):
    """`flask ARGS` against `app` (its own app context: the command sees its database)."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
        _db.session.remove()
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def rows_hash(connection, audit_upto=None):
    """tests/helpers.content_hash over any connection; audit rows up to `audit_upto` only."""
    digest = hashlib.sha256()
    for table in _db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        query = table.select().order_by(*order)
        if table.name == "audit_log" and audit_upto is not None:
            query = query.where(table.c.seq <= audit_upto)
        for row in connection.execute(query):
            digest.update(table.name.encode())
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def counts(connection):
    from cdop_scr.backup.services import row_counts

    return row_counts(connection)


def is_empty(url):
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return not os.path.exists(parsed.database)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(EMPTY_CHECK) == 0
    finally:
        engine.dispose()


def backup_bytes(path):
    """The backup's bytes, and for a (compressed) pg_dump also its plain SQL."""
    data = [path.read_bytes()]
    if data[0].startswith(b"PGDMP"):
        data.append(subprocess.run([shutil.which("pg_restore"), "--file=-", str(path)],
                                   check=True, capture_output=True).stdout)
    return data


def key_forms(keyring):
    """Every way a key could be written into a table: raw, base64, URL-safe base64, hex."""
    raw = list(keyring.data_keys.values()) + [keyring.index_key, keyring.audit_key]
    forms = []
    for key in raw:
        forms += [key, base64.b64encode(key), base64.urlsafe_b64encode(key),
                  base64.urlsafe_b64encode(key).rstrip(b"="), key.hex().encode()]
    return forms + [keyring.secret_key.encode()]


def test_a_backup_restores_into_an_empty_database_with_the_same_rows_verified_and_readable(
    app, db, make_app, populated, empty_database_url, keyring, tmp_path, reliability
):
    with db.engine.connect() as conn:
        source_hash = rows_hash(conn)
        source_counts = counts(conn)
        source_head = conn.scalar(select(AuditRecord.seq).order_by(AuditRecord.seq.desc()))
    path = tmp_path / "cdop.backup"
    checkpoint = run(app, "audit", "checkpoint")[1].strip()

    code, output = run(app, "backup", "create", str(path))
    assert code == 0, output
    assert f"to {path}" in output and path.stat().st_mode & 0o077 == 0
    assert run(app, "backup", "create", str(path))[0] != 0  # never overwrites a backup

    # Ciphertext only: no identifier in clear and no key, in any form, anywhere in the file.
    data = backup_bytes(path)
    assert scan_for(["CDR-2024-0001"], data), "control: clear columns are found"
    plaintexts = [p for child in CHILDREN for p in child] + [
        str(nhs) for _, _, _, nhs, _ in populated] + ["Backupmother-0", "2014-02-01"]
    assert scan_for(plaintexts, data) == []
    key_hits = [form for form in key_forms(keyring) for blob in data if form in blob]
    assert key_hits == []

    restoring = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    code, output = run(restoring, "backup", "restore", str(path), "--checkpoint", checkpoint)
    assert code == 0, output
    assert "Integrity check: ok" in output
    assert f"Audit log verified: {source_head} rows" in output
    assert "keys fit the restored data" in output

    with restoring.app_context():
        with _db.engine.connect() as conn:
            restored_counts = counts(conn)
            restored_hash = rows_hash(conn, audit_upto=source_head)
        # The restore itself is the one row added, on the end of the chain.
        assert restored_counts == {**source_counts, "audit_log": source_counts["audit_log"] + 1}
        assert restored_hash == source_hash
        last = _db.session.scalars(select(AuditRecord).order_by(AuditRecord.seq.desc())).first()
        assert last.event == "backup_restored" and last.seq == source_head + 1
        _db.session.commit()  # release SQLite's write lock for the command
        assert run(restoring, "audit", "verify")[0] == 0
        # Same keys, same plaintext; the blind indexes still find each child.
        for case_id, forename, surname, nhs, dob in populated:
            case = _db.session.get(Case, case_id)
            assert (case.forename, case.surname, case.nhs_number, case.date_of_birth) == (
                forename, surname, nhs, dob)
            assert [c.id for c in cases.find_duplicates(nhs_number=nhs)] == [case_id]
            assert [c.id for c in cases.find_duplicates(surname=surname.upper(),
                                                        date_of_birth=dob)] == [case_id]
        _db.session.remove()

    # A second restore into the now full database is refused and changes nothing.
    code, output = run(restoring, "backup", "restore", str(path))
    assert code == 1 and "is not empty" in output and "Nothing was restored" in output
    with restoring.app_context(), _db.engine.connect() as conn:
        assert counts(conn) == restored_counts
        assert rows_hash(conn, audit_upto=source_head) == source_hash

    reliability("backup-restore", backend=make_url(empty_database_url).get_backend_name(),
                tables=len(restored_counts), rows=sum(source_counts.values()),
                counts_match="yes", content_hash="match", audit_chain="ok",
                plaintext_in_backup=0, key_material_in_backup=len(key_hits),
                refused_non_empty="yes")


def test_restoring_into_the_database_in_use_is_refused(app, db, populated, tmp_path):
    path = tmp_path / "cdop.backup"
    assert run(app, "backup", "create", str(path))[0] == 0
    with db.engine.connect() as conn:
        before = rows_hash(conn)
    code, output = run(app, "backup", "restore", str(path))
    assert code == 1 and "is not empty" in output
    with db.engine.connect() as conn:
        assert rows_hash(conn) == before


@pytest.mark.parametrize("wrong", ["audit_key", "data_key", "index_key"])
def test_a_restore_whose_keys_do_not_fit_is_refused_and_leaves_the_database_empty(
    app, populated, make_app, empty_database_url, keyring, tmp_path, wrong
):
    path = tmp_path / "cdop.backup"
    assert run(app, "backup", "create", str(path))[0] == 0
    if wrong == "data_key":
        ring = replace(keyring, data_keys={"k1": os.urandom(32)})
    else:
        ring = replace(keyring, **{wrong: os.urandom(32)})

    code, output = run(make_app(SQLALCHEMY_DATABASE_URI=empty_database_url, KEYRING=ring),
                       "backup", "restore", str(path))

    assert code == 1, output
    assert "does not verify" in output and "Nothing was restored" in output
    expected = {"audit_key": "audit log fails at row 1", "data_key": "data key 'k1'",
                "index_key": "index key"}[wrong]
    assert expected in output
    assert is_empty(empty_database_url)


def test_a_backup_missing_audit_rows_after_a_checkpoint_is_refused(
    app, populated, make_app, empty_database_url, tmp_path
):
    path = tmp_path / "cdop.backup"
    assert run(app, "backup", "create", str(path))[0] == 0
    seq, mac = run(app, "audit", "checkpoint")[1].strip().split(":")
    later = f"{int(seq) + 3}:{mac}"  # the log went on after this backup was taken

    code, output = run(make_app(SQLALCHEMY_DATABASE_URI=empty_database_url),
                       "backup", "restore", str(path), "--checkpoint", later)

    assert code == 1 and "rows were removed from the end" in output
    assert is_empty(empty_database_url)


def test_a_backup_from_an_older_schema_restores_and_is_upgraded_after(
    make_app, new_empty_database, tmp_path
):
    script = ScriptDirectory(str(BASE_DIR / "migrations"))
    older = script.get_revision(script.get_current_head()).down_revision
    old_app = make_app(SQLALCHEMY_DATABASE_URI=new_empty_database())
    with old_app.app_context():
        flask_migrate.upgrade(revision=older)
        audit.record(audit.AuditEvent.USER_CREATED, detail={"roles": ["admin"]})
        _db.session.commit()
        _db.session.remove()
    path = tmp_path / "old.backup"
    assert run(old_app, "backup", "create", str(path))[0] == 0

    restoring = make_app(SQLALCHEMY_DATABASE_URI=new_empty_database())
    code, output = run(restoring, "backup", "restore", str(path))

    assert code == 0, output
    assert f"schema is at revision {older}" in output and "run `flask db upgrade`" in output
    assert run(restoring, "db", "upgrade")[0] == 0
    assert run(restoring, "audit", "verify")[0] == 0
    assert run(restoring, "crypto", "check")[0] == 0


def test_a_file_that_is_not_a_backup_is_refused(app, make_app, empty_database_url, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a backup")
    code, output = run(make_app(SQLALCHEMY_DATABASE_URI=empty_database_url),
                       "backup", "restore", str(path))
    assert code == 1 and "is not a backup made by `flask backup create`" in output
    assert is_empty(empty_database_url)
