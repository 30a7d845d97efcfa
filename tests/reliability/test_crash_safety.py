"""Crash safety: a writer killed with SIGKILL at random moments loses nothing it acknowledged.

A subprocess (tests/reliability/crash_writer.py, configured as production is, keys from the
environment) notifies deaths through the app's own service in a loop, so encryption, blind
indexes, case references and the audit chain are all real, and prints each case once committed.
It is killed at a random moment and restarted, again and again. Afterwards the database passes
SQLite's integrity check, every acknowledged case is there and reads back, no case is half
written (every encrypted field decrypts, its blind indexes match, its family member and its
audit row exist), and the audit chain verifies. On PostgreSQL the integrity check is amcheck
(every table's heap and every B-tree index).
"""

import base64
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from cdop_scr.audit import chain
from cdop_scr.crypto import DecryptionFailed
from cdop_scr.crypto.blind_index import blind_index
from cdop_scr.models.audit import AuditRecord
from cdop_scr.models.cases import Case, CaseRefCounter

from ..factories import UserFactory
from .crash_writer import details_for

ROOT = Path(__file__).resolve().parents[2]
KILLS = 20
# Killed this long (uniformly at random) after the writer said it was ready: long enough for
# a few dozen cases, so most kills land inside a transaction.
MAX_RUN_SECONDS = 0.6
STARTUP_TIMEOUT = 60


def b64(key):
    return base64.urlsafe_b64encode(key).decode()


def production_environment(database_url, keyring, actor_id):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CDOP_", "TEST_"))}
    env.update({
        "CDOP_ENV": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": keyring.secret_key,
        "CDOP_DATA_KEYS": ",".join(f"{kid}:{b64(key)}" for kid, key in keyring.data_keys.items()),
        "CDOP_INDEX_KEY": b64(keyring.index_key),
        "CDOP_AUDIT_KEY": b64(keyring.audit_key),
        "CRASH_ACTOR_ID": str(actor_id),
        "PYTHONUNBUFFERED": "1",
    })
    return env


def run_and_kill(env, rng, stderr_path):
    """Start the writer, kill it at a random moment; return the acknowledgements it printed."""
    with open(stderr_path, "w") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "tests.reliability.crash_writer"],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr,
                                text=True)
    lines, ready = [], threading.Event()

    def read():
        for line in proc.stdout:
            if line.endswith("\n"):  # a line cut short by the kill was never acknowledged
                lines.append(line.split())
                ready.set()
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not ready.wait(STARTUP_TIMEOUT) or not lines or lines[0] != ["ready"]:
        proc.kill()
        raise AssertionError(f"the writer did not start: {Path(stderr_path).read_text()[-2000:]}")
    time.sleep(rng.uniform(0, MAX_RUN_SECONDS))
    if proc.poll() is not None:
        raise AssertionError(f"the writer stopped: {Path(stderr_path).read_text()[-2000:]}")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    reader.join(10)
    assert proc.returncode == -signal.SIGKILL
    return [line[1:] for line in lines if line[0] == "ack"]


def sqlite_integrity(database_url):
    conn = sqlite3.connect(make_url(database_url).database)
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    if result != ["ok"]:
        return "; ".join(result[:3])
    return "ok" if not orphans else f"{len(orphans)} rows refer to missing rows"


def postgresql_integrity(db):
    """amcheck over every table and B-tree index of the app (PostgreSQL's integrity check)."""
    conn = db.session.connection()
    conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS amcheck")
    tables = conn.exec_driver_sql(
        "SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind = 'r'").all()
    indexes = conn.exec_driver_sql(
        "SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam "
        "WHERE n.nspname = 'public' AND a.amname = 'btree'").scalars().all()
    problems = []
    for oid, name in tables:
        corrupt = conn.exec_driver_sql(f"SELECT count(*) FROM verify_heapam({oid})").scalar()
        if corrupt:
            problems.append(f"{name}: {corrupt} corrupt tuples")
    for oid in indexes:
        conn.exec_driver_sql(f"SELECT bt_index_check({oid}, true)")  # raises when corrupt
    db.session.commit()
    return "ok" if not problems else "; ".join(problems[:3])


def half_written(case, created_ids):
    """Why this case is not whole, or None when it is."""
    try:
        values = {name: getattr(case, name) for name in (
            "forename", "surname", "other_names", "date_of_birth", "date_of_death",
            "nhs_number", "address", "circumstances", "notifier_name")}
        family = [member.name for member in case.family_members]
    except DecryptionFailed as exc:
        return f"a value does not decrypt: {exc}"
    if any(value is None for value in values.values()):
        return "a required value is missing"
    if case.nhs_number_index != blind_index("nhs_number", values["nhs_number"]):
        return "NHS number index does not match"
    if case.surname_dob_index != blind_index("surname_dob", values["surname"],
                                             values["date_of_birth"]):
        return "surname and date of birth index does not match"
    if len(family) != 1:
        return f"{len(family)} family members instead of 1"
    if str(case.id) not in created_ids:
        return "no case_created audit row"
    return None


def test_a_writer_killed_at_random_moments_loses_no_acknowledged_case_and_half_writes_none(
    app, db, database_url, keyring, tmp_path, reliability
):
    actor_id = UserFactory(roles=["coordinator"]).id
    db.session.commit()  # hold no lock while the writer runs
    env = production_environment(database_url, keyring, actor_id)
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)

    acknowledged = {}
    for kill in range(KILLS):
        for ref, case_id, token in run_and_kill(env, rng, tmp_path / f"writer-{kill}.err"):
            acknowledged[ref] = (case_id, token)

    backend = make_url(database_url).get_backend_name()
    db.session.remove()
    integrity = (sqlite_integrity(database_url) if backend == "sqlite"
                 else postgresql_integrity(db))
    cases = db.session.scalars(select(Case)).all()
    created_ids = set(db.session.scalars(
        select(AuditRecord.target_id).where(AuditRecord.event == "case_created")))
    broken = {c.case_ref: why for c in cases if (why := half_written(c, created_ids))}
    by_ref = {c.case_ref: c for c in cases}
    missing = [ref for ref in acknowledged if ref not in by_ref]
    wrong = [ref for ref, (case_id, token) in acknowledged.items() if ref in by_ref and (
        str(by_ref[ref].id) != case_id
        or by_ref[ref].surname != details_for(token)["surname"]
        or by_ref[ref].nhs_number != details_for(token)["nhs_number"])]
    orphan_audit = created_ids - {str(c.id) for c in cases}
    counters = {c.year: c.last_number for c in db.session.scalars(select(CaseRefCounter))}
    behind = [c.case_ref for c in cases
              if int(c.case_ref.split("-")[2]) > counters.get(c.notified_on.year, 0)]
    verification = chain.verify(db.session.connection(), keyring.audit_key)
    db.session.commit()

    reliability("crash-safety", backend=backend, kills=KILLS, acknowledged=len(acknowledged),
                committed=len(cases), missing=len(missing), half_written=len(broken),
                integrity=integrity, audit_chain="ok" if verification.ok else "FAILED")
    context = f"(random seed {seed})"
    assert len(acknowledged) >= KILLS // 2, f"too few writes to mean anything {context}"
    assert integrity == "ok", f"{integrity} {context}"
    assert missing == [], f"acknowledged but lost: {missing[:5]} {context}"
    assert wrong == [], f"acknowledged but different: {wrong[:5]} {context}"
    assert broken == {}, f"half written: {dict(list(broken.items())[:5])} {context}"
    assert orphan_audit == set(), f"audit rows for cases that are not there {context}"
    assert behind == [], f"case reference counter behind issued references {context}"
    assert verification.ok, f"{verification.problem} {context}"
    # At most the one case in flight at each kill was committed without being acknowledged.
    assert len(acknowledged) <= len(cases) <= len(acknowledged) + KILLS
