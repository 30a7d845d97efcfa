"""AES-256-GCM for single values, bound by associated data to table, column and row.

Stored format: version byte (1) | key-id length (1) | key id | nonce (12) | ciphertext+tag.
"""

import functools
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = 1
NONCE_BYTES = 12


class DecryptionFailed(Exception):
    """A stored value could not be authenticated: wrong key, wrong row or column, or tampering."""


@functools.lru_cache(maxsize=32)
def _aead(key: bytes):
    """One AES-GCM context per key: its key schedule is set up once, not for every value."""
    return AESGCM(key)


def associated_data(table, column, row_id):
    return f"{table}.{column}.{row_id}".encode()


def encrypt(keyring, plaintext: bytes, aad: bytes) -> bytes:
    key_id = keyring.primary_id.encode()
    nonce = os.urandom(NONCE_BYTES)
    sealed = _aead(keyring.primary_key).encrypt(nonce, plaintext, aad)
    return bytes([VERSION, len(key_id)]) + key_id + nonce + sealed


def key_id_of(blob: bytes) -> str:
    if not blob or blob[0] != VERSION or len(blob) < 2 + blob[1] + NONCE_BYTES + 16:
        raise DecryptionFailed("stored value has an unknown format")
    return blob[2 : 2 + blob[1]].decode("ascii", "replace")


def decrypt(keyring, blob: bytes, aad: bytes) -> bytes:
    key_id = key_id_of(blob)
    if key_id not in keyring.data_keys:
        raise DecryptionFailed(f"stored value needs data key {key_id!r}, which is not loaded")
    start = 2 + blob[1]
    nonce, sealed = blob[start : start + NONCE_BYTES], blob[start + NONCE_BYTES :]
    try:
        return _aead(keyring.data_keys[key_id]).decrypt(nonce, sealed, aad)
    except InvalidTag as exc:
        raise DecryptionFailed("stored value failed authentication") from exc
