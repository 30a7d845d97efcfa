"""Key rotation and blind-index rebuilds over every model that holds ciphertext.

Both work in batches, commit per batch and only touch values that need it, so an interrupted
run is finished by running it again. Writes go through Core UPDATEs that leave `updated_at`
alone: re-encrypting a record is not a change to it.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import LargeBinary, func, literal, select, update

from .. import audit
from ..extensions import db
from . import blind_index, check, cipher, keys
from .fields import REGISTRY, encrypted_attribute

BATCH = 500


def keyring():
    return current_app.extensions["cdop_keyring"]


def encrypted_columns():
    """(model, table, column, column name) for every Encrypted attribute."""
    result = []
    for model, name in REGISTRY:
        descriptor = encrypted_attribute(model, name)
        column = model.__mapper__.columns[descriptor.column_attr]
        result.append((model, model.__table__, column, name))
    return result


def _preserved(table):
    """SET updated_at = updated_at, so Core's onupdate does not mark the row as edited."""
    return {column: column for column in table.columns if column.onupdate is not None}


def _prefix(key_id):
    key = key_id.encode()
    return bytes([cipher.VERSION, len(key)]) + key


def _not_under(column, key_id):
    prefix = _prefix(key_id)
    return column.is_not(None) & (
        func.substr(column, 1, len(prefix)) != literal(prefix, LargeBinary)
    )


def _key_id_of_prefix(blob):
    blob = bytes(blob)
    if len(blob) < 2 or blob[0] != cipher.VERSION:
        return "(unknown format)"
    return blob[2 : 2 + blob[1]].decode("ascii", "replace")


def status():
    """{"table.column": Counter(key id -> number of values)} for every encrypted column."""
    counts = defaultdict(Counter)
    for _model, table, column, name in encrypted_columns():
        counts[f"{table.name}.{name}"]  # list empty columns too
        head = func.substr(column, 1, 257)
        for (blob,) in db.session.execute(select(head).where(column.is_not(None))):
            counts[f"{table.name}.{name}"][_key_id_of_prefix(blob)] += 1
    db.session.commit()
    return dict(counts)


def remaining_under_old_keys():
    """How many stored values are not under the primary key (must be 0 before retiring one)."""
    primary = keyring().primary_id
    total = 0
    for _model, _table, column, _name in encrypted_columns():
        total += db.session.scalar(select(func.count()).where(_not_under(column, primary)))
    db.session.commit()
    return total


@dataclass
class Unreadable:
    """A stored value rotation could not decrypt: left as it is, and reported."""

    table: str
    column: str
    row_id: object
    problem: str

    def __str__(self):
        return f"{self.table}.{self.column} row {self.row_id}: {self.problem}"


def rotate(batch_size=BATCH, progress=None, unreadable=None):
    """Re-encrypt every value not under the primary key; return (re-encrypted, remaining).

    A value that cannot be decrypted is skipped, audited and appended to `unreadable` (a list)
    while the rest is rotated: one damaged value must not stop every run at the same place.
    `remaining` counts it, so the old key is not retired from under it."""
    ring = keyring()
    done, failed = 0, []
    for _model, table, column, name in encrypted_columns():
        id_column, last = table.c.id, None
        while True:
            query = (select(id_column, column).where(_not_under(column, ring.primary_id))
                     .order_by(id_column).limit(batch_size))
            if last is not None:
                query = query.where(id_column > last)
            rows = db.session.execute(query).all()
            if not rows:
                break
            for row_id, blob in rows:
                aad = cipher.associated_data(table.name, name, row_id)
                try:
                    plaintext = cipher.decrypt(ring, bytes(blob), aad)
                except cipher.DecryptionFailed as exc:
                    failed.append(Unreadable(table.name, name, row_id, str(exc)))
                    audit.record(audit.AuditEvent.DECRYPTION_FAILED, target_type=table.name,
                                 target_id=row_id, outcome="failure",
                                 detail={"column": name, "key_id": _key_id_of_prefix(blob),
                                         "during": "rotation"})
                    continue
                # Compare-and-set: a value the app rewrote meanwhile is left for the next run.
                result = db.session.execute(
                    update(table).where(id_column == row_id, column == blob)
                    .values({column: cipher.encrypt(ring, plaintext, aad), **_preserved(table)})
                )
                done += result.rowcount
            db.session.commit()
            last = rows[-1][0]
            if progress:
                progress(len(rows))
    remaining = remaining_under_old_keys()
    audit.record(audit.AuditEvent.KEY_ROTATED, outcome="success" if remaining == 0 else "failure",
                 detail={"primary_key_id": ring.primary_id, "reencrypted": done,
                         "remaining": remaining, "unreadable": len(failed)})
    db.session.commit()
    if unreadable is not None:
        unreadable.extend(failed)
    return done, remaining


def count_indexed_rows():
    return sum(db.session.scalar(select(func.count()).select_from(model))
               for model in {owner for owner, *_ in blind_index.BLIND_INDEXES})


def reindex(batch_size=BATCH, progress=None):
    """Recompute every blind index from plaintext under the current index key; return changes."""
    changed = 0
    by_model = defaultdict(list)
    for owner, name, kind, sources in blind_index.BLIND_INDEXES:
        by_model[owner].append((name, kind, sources))
    for model, indexes in by_model.items():
        table, last = model.__table__, None
        while True:
            query = select(model).order_by(model.id).limit(batch_size)
            if last is not None:
                query = query.where(model.id > last)
            objs = db.session.scalars(query).all()
            if not objs:
                break
            for obj in objs:
                values = {}
                for name, kind, sources in indexes:
                    digest = blind_index.compute(obj, kind, sources)
                    if getattr(obj, name) != digest:
                        values[model.__mapper__.columns[name]] = digest
                if values:
                    db.session.execute(update(table).where(table.c.id == obj.id)
                                       .values({**values, **_preserved(table)}))
                    changed += 1
            last = objs[-1].id
            db.session.commit()
            if progress:
                progress(len(objs))
    audit.record(audit.AuditEvent.INDEX_REBUILT, detail={"rows_changed": changed})
    db.session.commit()
    return changed


def check_keys():
    """[KeyProblem] for each key of the ring that does not fit the stored data."""
    with db.engine.connect() as connection:
        return check.check_keys(connection, keyring())


def add_key():
    """Add a new primary data key to the development keys file; return its id."""
    key_id = keys.add_data_key(current_app.config["KEYS_FILE"])
    audit.record(audit.AuditEvent.KEY_ADDED, detail={"key_id": key_id})
    db.session.commit()
    return key_id


def count_under(key_id):
    total = 0
    for _model, _table, column, _name in encrypted_columns():
        prefix = _prefix(key_id)
        total += db.session.scalar(select(func.count()).where(
            func.substr(column, 1, len(prefix)) == literal(prefix, LargeBinary)))
    return total


def retire_key(key_id):
    """Remove a data key from the development keys file once no stored value needs it."""
    remaining = count_under(key_id)
    if remaining:
        raise keys.KeyRingError(f"{remaining} values are still under {key_id!r}: run rotate first")
    keys.remove_data_key(current_app.config["KEYS_FILE"], key_id)
    audit.record(audit.AuditEvent.KEY_RETIRED, detail={"key_id": key_id})
    db.session.commit()
