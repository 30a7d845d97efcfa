"""The key ring: data keys by id (one primary), the blind-index key and the audit key.

Production reads keys from the environment; development reads (and `make run` creates)
`instance/keys.json`, mode 0600. Keys are 32 random bytes, written as URL-safe base64.
"""

import base64
import binascii
import json
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path

KEY_BYTES = 32


class KeyRingError(Exception):
    """A key is missing, malformed or unreadable: the app must not serve data."""


def _decode(name, text):
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise KeyRingError(f"{name} is not valid base64") from exc
    if len(raw) != KEY_BYTES:
        raise KeyRingError(f"{name} must be {KEY_BYTES} bytes, got {len(raw)}")
    return raw


def new_key_text():
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


@dataclass
class KeyRing:
    data_keys: dict  # key id -> 32 bytes
    primary_id: str
    index_key: bytes
    audit_key: bytes
    secret_key: str | None = None
    retired: list = field(default_factory=list)

    def __post_init__(self):
        if self.primary_id not in self.data_keys:
            raise KeyRingError(f"primary data key {self.primary_id!r} is not in the key ring")
        for key_id in self.data_keys:
            if not key_id or len(key_id.encode()) > 255 or ":" in key_id or "," in key_id:
                raise KeyRingError(f"bad data key id {key_id!r}")

    @property
    def primary_key(self):
        return self.data_keys[self.primary_id]

    def data_key(self, key_id):
        try:
            return self.data_keys[key_id]
        except KeyError as exc:
            raise KeyRingError(f"data key {key_id!r} is not in the key ring") from exc


def parse_data_keys(text):
    """`id:base64,id:base64`: the first entry is the primary key for new writes."""
    keys, order = {}, []
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        key_id, sep, value = item.partition(":")
        if not sep:
            raise KeyRingError("CDOP_DATA_KEYS entries must be id:base64key")
        keys[key_id.strip()] = _decode(f"data key {key_id}", value)
        order.append(key_id.strip())
    if not keys:
        raise KeyRingError("no data keys configured")
    return keys, order[0]


def from_environment(environ=os.environ):
    for name in ("CDOP_DATA_KEYS", "CDOP_INDEX_KEY", "CDOP_AUDIT_KEY"):
        if not environ.get(name):
            raise KeyRingError(f"{name} is not set")
    data_keys, primary = parse_data_keys(environ["CDOP_DATA_KEYS"])
    return KeyRing(
        data_keys=data_keys,
        primary_id=primary,
        index_key=_decode("CDOP_INDEX_KEY", environ["CDOP_INDEX_KEY"]),
        audit_key=_decode("CDOP_AUDIT_KEY", environ["CDOP_AUDIT_KEY"]),
        secret_key=environ.get("SECRET_KEY"),
    )


def _check_private(path, handle):
    """Refuse a keys file other users could read (or change): it holds every key."""
    mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyRingError(
            f"keys file {path} is open to other users (mode {mode:04o}): "
            f"run `chmod 600 {path}` and make sure no one else has read it")


def _read_json(path):
    try:
        with open(path, encoding="utf-8") as handle:
            _check_private(path, handle)
            return json.load(handle)
    except FileNotFoundError as exc:
        raise KeyRingError(
            f"keys file {path} not found (run `python -m cdop_scr.crypto init`)"
        ) from exc
    except (OSError, ValueError) as exc:
        raise KeyRingError(f"keys file {path} cannot be read: {exc}") from exc


def from_file(path):
    doc = _read_json(path)
    try:
        data_keys = {k["id"]: _decode(f"data key {k['id']}", k["key"]) for k in doc["data_keys"]}
        return KeyRing(
            data_keys=data_keys,
            primary_id=doc["primary"],
            index_key=_decode("index key", doc["index_key"]),
            audit_key=_decode("audit key", doc["audit_key"]),
            secret_key=doc.get("secret_key"),
            retired=list(doc.get("retired", [])),
        )
    except (KeyError, TypeError) as exc:
        raise KeyRingError(f"keys file {path} is missing an entry: {exc}") from exc


def write_file(path, doc):
    """Write the keys file atomically with mode 0600."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(doc, handle, indent=2)
    os.chmod(tmp, stat.S_IRUSR | stat.S_IWUSR)
    os.replace(tmp, path)


def create_development_file(path):
    """Create a fresh keys file if there is none; return True when one was created."""
    path = Path(path)
    if path.exists():
        return False
    write_file(
        path,
        {
            "secret_key": secrets.token_urlsafe(48),
            "primary": "k1",
            "data_keys": [{"id": "k1", "key": new_key_text()}],
            "index_key": new_key_text(),
            "audit_key": new_key_text(),
        },
    )
    return True


def next_key_id(existing):
    """`k<n>` one above the highest `k<n>` id in use or retired."""
    numbers = [int(k[1:]) for k in existing if k[:1] == "k" and k[1:].isdigit()]
    return f"k{max(numbers, default=0) + 1}"


def add_data_key(path):
    """Add a new data key to the keys file and make it primary; return its id."""
    doc = _read_json(path)
    from_file(path)  # refuse to edit a file that does not load
    key_id = next_key_id([k["id"] for k in doc["data_keys"]] + list(doc.get("retired", [])))
    doc["data_keys"].insert(0, {"id": key_id, "key": new_key_text()})
    doc["primary"] = key_id
    write_file(path, doc)
    return key_id


def remove_data_key(path, key_id):
    """Remove a data key from the keys file (only once no value needs it) and mark it retired."""
    doc = _read_json(path)
    if doc.get("primary") == key_id:
        raise KeyRingError(f"{key_id!r} is the primary key: add a new key first")
    if key_id not in [k["id"] for k in doc["data_keys"]]:
        raise KeyRingError(f"{key_id!r} is not in the keys file")
    doc["data_keys"] = [k for k in doc["data_keys"] if k["id"] != key_id]
    doc["retired"] = sorted(set(doc.get("retired", [])) | {key_id})
    write_file(path, doc)


def load(app):
    """The app's key ring, from the environment or the keys file as configured."""
    if app.config.get("KEYS_FROM_ENVIRONMENT"):
        return from_environment()
    return from_file(app.config["KEYS_FILE"])


def main(argv=None):
    """`python -m cdop_scr.crypto init`: create the development keys file if absent.

    Runs without the app, because the app itself refuses to start without its keys.
    """
    import sys

    from config import Config

    args = sys.argv[1:] if argv is None else argv
    if args != ["init"]:
        print("usage: python -m cdop_scr.crypto init", file=sys.stderr)
        return 2
    path = Config.KEYS_FILE
    if create_development_file(path):
        print(f"Created development keys in {path} (mode 0600). Keep it out of backups.")
    else:
        print(f"Keeping existing keys in {path}.")
    return 0
