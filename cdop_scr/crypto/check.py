"""Does the key ring fit the stored data? A wrong key must stop the service, not corrupt it.

A wrong data key shows as stored values that fail authentication; a wrong blind-index key as
indexes that no longer match their plaintext (searches and the duplicate check would silently
find nothing, and new records would be indexed under the wrong key); a wrong audit key as chain
rows whose MAC does not verify (every new row would break the chain). `check_keys` samples a few
stored values of each kind. A key is judged wrong only when none of its samples fits, so one
tampered value does not stop the service: that value is refused on its own when it is read.

`init_app` makes every request (static files aside) answer 503 while the keys do not fit; the
check is repeated on each refused request, so the service recovers once the keys or the indexes
are put right (`flask crypto reindex`), and it is not repeated once it has passed.
"""

import threading
from dataclasses import dataclass

from flask import current_app, request
from sqlalchemy import select

from ..extensions import db
from . import cipher
from .blind_index import BLIND_INDEXES, _digest
from .fields import REGISTRY, encrypted_attribute, report_failure

SAMPLE_ROWS = 5
CHECK_KEY = "cdop_key_check"
_lock = threading.Lock()


class KeysDoNotFit(cipher.DecryptionFailed):
    """The key ring does not fit the stored data: the whole service refuses to serve."""


@dataclass
class KeyProblem:
    key: str  # "data key 'k1'", "index key", "audit key"
    message: str
    sample: tuple | None = None  # (table, column, row id, ciphertext) of a value that failed

    def __str__(self):
        return f"{self.key}: {self.message}"


def _exists(present, table, *columns):
    """Whether the database has the table and columns (`present` None: the current schema)."""
    return present is None or (
        table.name in present and all(c.name in present[table.name] for c in columns))


def _tables(present):
    """{table: [(column, attribute name)]} for every table holding encrypted values."""
    tables = {}
    for model, name in REGISTRY:
        descriptor = encrypted_attribute(model, name)
        column = model.__mapper__.columns[descriptor.column_attr]
        if _exists(present, model.__table__, column):
            tables.setdefault(model.__table__, []).append((column, name))
    return tables


def _data_key_problems(connection, ring, present):
    fitted, failed = {}, {}
    for table, columns in _tables(present).items():
        rows = connection.execute(
            select(table.c.id, *[column for column, _ in columns]).limit(SAMPLE_ROWS)
        ).all()
        for row in rows:
            for (_column, name), blob in zip(columns, row[1:], strict=True):
                if blob is None:
                    continue
                blob = bytes(blob)
                try:
                    key_id = cipher.key_id_of(blob)
                except cipher.DecryptionFailed:
                    continue  # a damaged value: refused when read
                try:
                    cipher.decrypt(ring, blob, cipher.associated_data(table.name, name, row.id))
                    fitted[key_id] = fitted.get(key_id, 0) + 1
                except cipher.DecryptionFailed:
                    failed.setdefault(key_id, (table.name, name, row.id, blob))
    problems = []
    for key_id, sample in sorted(failed.items()):
        if fitted.get(key_id):
            continue
        if key_id in ring.data_keys:
            message = "does not decrypt the stored values written under it (wrong key?)"
        else:
            message = "is needed by stored values but is not in the key ring"
        problems.append(KeyProblem(f"data key {key_id!r}", message, sample))
    return problems


def _index_key_problems(connection, ring, present):
    problems = []
    for owner, index_name, kind, sources in BLIND_INDEXES:
        table, mapper = owner.__table__, owner.__mapper__
        descriptors = [encrypted_attribute(owner, source) for source in sources]
        index_column = mapper.columns[index_name]
        source_columns = [mapper.columns[d.column_attr] for d in descriptors]
        if not _exists(present, table, index_column, *source_columns):
            continue
        rows = connection.execute(
            select(table.c.id, index_column, *source_columns)
            .where(index_column.is_not(None)).limit(SAMPLE_ROWS)
        ).all()
        matched = checked = 0
        for row in rows:
            try:
                values = [
                    d.decode(cipher.decrypt(ring, bytes(blob), cipher.associated_data(
                        table.name, d.name, row.id)))
                    for d, blob in zip(descriptors, row[2:], strict=True)
                ]
            except (cipher.DecryptionFailed, TypeError, ValueError):
                continue  # a data key problem, reported as such
            checked += 1
            matched += _digest(ring.index_key, kind, values) == row[1]
        if checked and not matched:
            problems.append(KeyProblem(
                "index key",
                f"does not match the stored {table.name}.{index_name} search indexes "
                "(wrong key, or run `flask crypto reindex` after changing it)"))
    return problems


def _audit_key_problems(connection, ring):
    from ..audit.chain import compute_mac
    from ..models.audit import AuditRecord

    table = AuditRecord.__table__
    rows = connection.execute(
        select(table).order_by(table.c.seq.desc()).limit(SAMPLE_ROWS)
    ).all()
    if rows and not any(compute_mac(ring.audit_key, row.prev_mac, row) == row.mac
                        for row in rows):
        return [KeyProblem("audit key", "does not verify the newest audit log rows (wrong key?)")]
    return []


def check_keys(connection, ring, present=None):
    """[KeyProblem] for each key that fits none of its sampled stored values; [] when all fit.

    `present` ({table: {column}}) limits the check to what an older schema has (a restore).
    """
    return (_audit_key_problems(connection, ring)
            + _data_key_problems(connection, ring, present)
            + _index_key_problems(connection, ring, present))


def _check_now(app):
    ring = app.extensions["cdop_keyring"]
    with db.engine.connect() as connection:
        problems = check_keys(connection, ring)
    for problem in problems:
        app.logger.error("refusing service: %s", problem)
    return problems


def refuse_with_wrong_keys():
    """before_request: 503 for every request while the key ring does not fit the stored data."""
    if request.endpoint == "static":
        return
    app = current_app._get_current_object()
    if app.extensions.get(CHECK_KEY) == "fits":
        return
    with _lock:
        if app.extensions.get(CHECK_KEY) == "fits":
            return
        problems = _check_now(app)
        if not problems:
            app.extensions[CHECK_KEY] = "fits"
            return
        first_refusal = CHECK_KEY not in app.extensions
        app.extensions[CHECK_KEY] = "refused"
    if first_refusal and not any(p.key == "audit key" for p in problems):
        # Audit one failed value per wrong data key (never with a wrong audit key: that row
        # would break the chain).
        for problem in problems:
            if problem.sample:
                report_failure(*problem.sample, KeysDoNotFit(str(problem)))
    raise KeysDoNotFit("; ".join(str(p) for p in problems))


def init_app(app):
    # First of all hooks, before any (such as the session check) opens a write transaction.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_with_wrong_keys)
