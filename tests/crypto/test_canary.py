"""Distinctive plaintexts written through the app must not appear anywhere at rest or in logs."""

import logging
import os
import shutil
import subprocess

import pytest
from sqlalchemy.engine import make_url

from cdop_scr.models import User

from ..factories import UserFactory
from .canary import scan_for

CANARIES = ["QZXCANARYTOTPJ7WK", "Zebedee-Quillfeather"]


@pytest.fixture
def app_log(tmp_path):
    """Everything logged during the test (SQL and its parameters included), in a file."""
    path = tmp_path / "app.log"
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root, engine = logging.getLogger(), logging.getLogger("sqlalchemy.engine")
    old_root, old_engine = root.level, engine.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    engine.setLevel(logging.INFO)  # logs each statement and its bound parameters
    yield path
    root.removeHandler(handler)
    root.setLevel(old_root)
    engine.setLevel(old_engine)
    handler.close()


def test_scan_for_finds_a_canary_in_any_encoding_and_case(tmp_path):
    path = tmp_path / "leak.bin"
    path.write_bytes(b"xx" + "zebedee-quillfeather".upper().encode("utf-16-le") + b"yy")
    assert scan_for(CANARIES, [path])[0][:2] == ("Zebedee-Quillfeather", str(path))
    assert scan_for(CANARIES, ["qzxcanarytotpj7wk".encode("utf-16-be")])
    assert scan_for(CANARIES, [b"nothing here", tmp_path / "missing"]) == []


def test_canary_identifiers_written_through_the_app_never_reach_the_database_or_the_log(
    app, db, client, database_url, app_log
):
    user = UserFactory(full_name="Staff Member")
    user.totp_secret = CANARIES[0]
    other = UserFactory(full_name="Another Staff Member")
    other.totp_secret = CANARIES[1]
    db.session.commit()
    ids = [user.id, other.id]
    db.session.expire_all()
    assert [db.session.get(User, i).totp_secret for i in ids] == CANARIES
    db.session.commit()
    client.get("/healthz")

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        sources = [url.database + suffix for suffix in ("", "-wal", "-shm", "-journal")]
        assert os.path.exists(url.database)
    else:
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            pytest.fail("pg_dump is needed to scan a PostgreSQL database")
        dump = subprocess.run(
            [pg_dump, "--data-only", url.set(drivername="postgresql").render_as_string(False)],
            check=True, capture_output=True).stdout
        assert b"COPY public.\"user\"" in dump
        sources = [dump]
    # Controls: the scan reads the right places (a clear column and the SQL log are found).
    assert scan_for(["Another Staff Member"], sources)
    assert scan_for(["SELECT"], [app_log])
    assert scan_for(CANARIES, sources + [app_log]) == []
    db.engine.dispose()  # checkpoint the WAL into the main file, then scan again
    assert scan_for(CANARIES, sources + [app_log]) == []


def test_a_case_notified_through_the_form_leaves_no_identifier_in_clear(
    app, db, client, login_as, database_url, app_log
):
    from ..cases.conftest import form_data

    canaries = {
        "forename": "Xanthippe-Canary", "surname": "Quorndon-Canary",
        "other_names": "Bizzy-Canary", "nhs_number": "4857773457",
        "address": "77 Canarywharf Lane", "postcode": "ZE2 9QX",
        "gp_practice": "Canarybrook Surgery", "school": "Canaryfield Academy",
        "place_of_death_name": "Canarymoor Infirmary",
        "circumstances": "Found by Aunt Canaria-Voss in the garden",
        "notifier_name": "Dr Canarius Notifier", "notifier_contact": "canary.notifier@example.org",
    }
    login_as("coordinator")
    data = form_data(**canaries, date_of_birth=["19", "7", "2013"],
                     date_of_death=["23", "11", "2019"])
    data["family-0-relation"], data["family-0-name"] = "mother", "Perpetua Canaryhall"
    response = client.post("/cases/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    case_page = client.get(response.headers["Location"])
    assert "Quorndon-Canary" in case_page.get_data(as_text=True)  # the app can read it back
    plaintexts = [v for v in canaries.values() if v] + [
        "Perpetua Canaryhall", "2013-07-19", "2019-11-23", "19/07/2013"]

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        sources = [url.database + suffix for suffix in ("", "-wal", "-shm", "-journal")]
    else:
        dump = subprocess.run(
            [shutil.which("pg_dump"), "--data-only",
             url.set(drivername="postgresql").render_as_string(False)],
            check=True, capture_output=True).stdout
        sources = [dump]
    assert scan_for(["coordinator"], sources)  # control: clear role names are found
    assert scan_for(plaintexts, sources + [app_log]) == []
    db.engine.dispose()
    assert scan_for(plaintexts, sources + [app_log]) == []
