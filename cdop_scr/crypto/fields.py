"""Declarative encrypted attributes for models.

    class Child(UUIDPrimaryKey, db.Model):
        surname = Encrypted(str)

creates a LargeBinary column named `surname` (mapped as `_surname_ct`) holding ciphertext, and a
`surname` attribute that encrypts on set and decrypts on get. Domain code only sees plaintext.
Kinds: `str`, `bytes`, `date`, `datetime`, `"json"`. A value that fails to decrypt raises
`DecryptionFailed` (never ciphertext or None) and is reported: logged without plaintext and, in a
request, recorded as an audit event after the request's transaction is rolled back.
"""

import json
import logging
from datetime import date, datetime

from flask import current_app, g, has_request_context
from sqlalchemy import LargeBinary
from sqlalchemy.orm import mapped_column

from . import cipher

log = logging.getLogger("cdop_scr.crypto")

# Every (model class, attribute name) that holds ciphertext: used by rotation and scans.
REGISTRY = []

# Where a request keeps the decryption failures it met, for the audit teardown to record.
FAILURES_KEY = "_cdop_decryption_failures"

# Where an instance keeps {attribute: (ciphertext object, plaintext)} for values it already
# decrypted or encrypted; a reloaded or changed ciphertext is a new object, so it misses.
PLAINTEXT_KEY = "_cdop_plaintext"


def _codec(kind):
    if kind is str:
        return (lambda v: v.encode("utf-8")), (lambda b: b.decode("utf-8"))
    if kind is bytes:
        return (lambda v: bytes(v)), (lambda b: b)
    if kind is date:
        return (lambda v: v.isoformat().encode()), (lambda b: date.fromisoformat(b.decode()))
    if kind is datetime:
        return (lambda v: v.isoformat().encode()), (lambda b: datetime.fromisoformat(b.decode()))
    if kind == "json":
        return (
            lambda v: json.dumps(v, separators=(",", ":"), sort_keys=True).encode(),
            lambda b: json.loads(b.decode()),
        )
    raise TypeError(f"unsupported encrypted type {kind!r}")


def keyring():
    return current_app.extensions["cdop_keyring"]


def report_failure(table, column, row_id, blob, error):
    """Log a decryption failure (locations only, no plaintext) and queue it for the audit log."""
    try:
        key_id = cipher.key_id_of(blob)
    except cipher.DecryptionFailed:
        key_id = "?"
    log.error("decryption failed: %s.%s row %s key %s: %s", table, column, row_id, key_id, error)
    if has_request_context():
        g.setdefault(FAILURES_KEY, []).append(
            {"table": table, "column": column, "row_id": str(row_id), "key_id": key_id}
        )


class Encrypted:
    """A model attribute whose value is stored encrypted in a column of the same name."""

    def __init__(self, kind=str):
        self.kind = kind
        self.encode, self.decode = _codec(kind)

    def __set_name__(self, owner, name):
        self.name = name
        self.column_attr = f"_{name}_ct"
        # Added before declarative scans the class, so it becomes a mapped column.
        setattr(owner, self.column_attr, mapped_column(name, LargeBinary, nullable=True))
        REGISTRY.append((owner, name))

    def aad(self, obj):
        if obj.id is None:
            raise ValueError("an encrypted value needs the row id first")
        return cipher.associated_data(type(obj).__table__.name, self.name, obj.id)

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        stored = getattr(obj, self.column_attr)
        if stored is None:
            return None
        cached = obj.__dict__.get(PLAINTEXT_KEY, {}).get(self.name)
        if cached is not None and cached[0] is stored:
            return cached[1]
        value = self.plaintext_of(type(obj), obj.id, stored)
        self._remember(obj, stored, value)
        return value

    # Without the object: for reads that select columns and writes that insert rows in bulk.

    def stored_column(self, model):
        """The mapped column holding this attribute's ciphertext, to select it."""
        return getattr(model, self.column_attr)

    def plaintext_of(self, model, row_id, stored):
        """The value of `stored`, this attribute's ciphertext in row `row_id` of `model`."""
        if stored is None:
            return None
        blob = bytes(stored)
        table = model.__table__.name
        try:
            return self.decode(cipher.decrypt(
                keyring(), blob, cipher.associated_data(table, self.name, row_id)))
        except cipher.DecryptionFailed as exc:
            report_failure(table, self.name, row_id, blob, exc)
            raise

    def ciphertext_for(self, model, row_id, value, ring=None):
        """What setting the attribute to `value` on row `row_id` of `model` would store."""
        if value is None:
            return None
        return cipher.encrypt(ring or keyring(), self.encode(value),
                              cipher.associated_data(model.__table__.name, self.name, row_id))

    def _remember(self, obj, stored, value):
        """Keep the plaintext of this exact ciphertext object on the instance (not for JSON,
        which callers may mutate): a list page or an import reads each value several times."""
        if self.kind != "json":
            obj.__dict__.setdefault(PLAINTEXT_KEY, {})[self.name] = (stored, value)

    def __set__(self, obj, value):
        if value is None:
            setattr(obj, self.column_attr, None)
        else:
            blob = cipher.encrypt(keyring(), self.encode(value), self.aad(obj))
            setattr(obj, self.column_attr, blob)
            self._remember(obj, blob, value)
        # Late import: blind_index imports this module.
        from .blind_index import refresh

        refresh(obj, changed=self.name)

    def reencrypt(self, obj):
        """Re-encrypt under the primary key; True when the stored value changed."""
        blob = getattr(obj, self.column_attr)
        if blob is None or cipher.key_id_of(bytes(blob)) == keyring().primary_id:
            return False
        self.__set__(obj, self.__get__(obj))
        return True


def encrypted_attribute(model, name):
    """The Encrypted descriptor behind model.name (found on the class, not via the mapper)."""
    for klass in model.__mro__:
        if isinstance(klass.__dict__.get(name), Encrypted):
            return klass.__dict__[name]
    return None
