"""Blind indexes: exact-match search on encrypted identifiers without decrypting them.

A blind index is HMAC-SHA256 under the index key over a normalised value, prefixed by a label
per index kind (domain separation: an NHS number and a case reference never share a digest).
Declare one next to the encrypted fields it is computed from; setting any source recomputes it:

    class Child(UUIDPrimaryKey, db.Model):
        nhs_number = Encrypted(str)
        surname = Encrypted(str)
        date_of_birth = Encrypted(date)
        nhs_number_index = BlindIndex("nhs_number", source="nhs_number")
        surname_dob_index = BlindIndex("surname_dob", source=("surname", "date_of_birth"))

    select(Child).where(Child.nhs_number_index == blind_index("nhs_number", "943 476 5919"))

Each declaration becomes an indexed String(64) column (hex digest; NULL while any source is
NULL). Sources must be Encrypted attributes of the same model. Equal values give equal digests,
so never declare an index over a low-cardinality field alone. `flask crypto reindex` recomputes
every index from plaintext after the index key changes.
"""

import hashlib
import hmac
import re
import unicodedata
from datetime import date, datetime

from flask import current_app
from sqlalchemy import String
from sqlalchemy.orm import mapped_column

from .fields import encrypted_attribute

# Every (model class, column attribute, kind, sources): used by reindex.
BLIND_INDEXES = []


def normalise_text(value):
    """NFKC, case-folded, whitespace collapsed to single spaces."""
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    return " ".join(text.split())


def normalise_nhs_number(value):
    """Digits only (after NFKC, so full-width digits count)."""
    return re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", str(value)))


def normalise_date(value):
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return date.fromisoformat(normalise_text(value)).isoformat()


# Index kind -> one normaliser per source value, in order.
KINDS = {
    "nhs_number": (normalise_nhs_number,),
    "surname_dob": (normalise_text, normalise_date),
    "case_ref": (normalise_text,),
}


def _digest(key, kind, values):
    """Hex digest, or None when any value is missing or normalises to nothing."""
    normalisers = KINDS.get(kind)
    if normalisers is None:
        raise ValueError(f"unknown blind index kind {kind!r}")
    if len(values) != len(normalisers):
        raise ValueError(f"blind index {kind!r} takes {len(normalisers)} value(s)")
    parts = []
    for normalise, value in zip(normalisers, values, strict=True):
        part = None if value is None else normalise(value)
        if not part:
            return None
        parts.append(part)
    # Normalised parts hold no control characters (they count as whitespace), so \x1f and \x00
    # separate parts and label unambiguously.
    message = kind.encode() + b"\x00" + "\x1f".join(parts).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _index_key():
    return current_app.extensions["cdop_keyring"].index_key


def blind_index(kind, *values):
    """The digest to search a blind-index column for; refuses an empty search."""
    digest = _digest(_index_key(), kind, values)
    if digest is None:
        # Searching for NULL would match every row whose identifier is unknown.
        raise ValueError("a blind-index search needs every value")
    return digest


class BlindIndex:
    """Declare an indexed String(64) column holding the blind index of encrypted sources."""

    def __init__(self, kind, source):
        if kind not in KINDS:
            raise ValueError(f"unknown blind index kind {kind!r}")
        self.kind = kind
        self.sources = (source,) if isinstance(source, str) else tuple(source)
        if len(self.sources) != len(KINDS[kind]):
            raise ValueError(f"blind index {kind!r} takes {len(KINDS[kind])} source(s)")

    def __set_name__(self, owner, name):
        # Replace this marker with the real column before declarative scans the class.
        setattr(owner, name, mapped_column(name, String(64), index=True, nullable=True))
        BLIND_INDEXES.append((owner, name, self.kind, self.sources))


def indexes_of(model):
    return [(name, kind, sources) for owner, name, kind, sources in BLIND_INDEXES
            if issubclass(model, owner)]


def compute(obj, kind, sources, key=None):
    """The digest for obj's current plaintext sources."""
    values = []
    for source in sources:
        if encrypted_attribute(type(obj), source) is None:
            raise TypeError(f"blind index source {source!r} is not an Encrypted attribute")
        values.append(getattr(obj, source))
    return _digest(key or _index_key(), kind, values)


def refresh(obj, changed=None):
    """Recompute obj's blind indexes fed by `changed` (all of them when None)."""
    for name, kind, sources in indexes_of(type(obj)):
        if changed is None or changed in sources:
            setattr(obj, name, compute(obj, kind, sources))
