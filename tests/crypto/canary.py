"""scan_for(): look for canary plaintexts in raw bytes, in any common encoding and case;
database_sources(): the raw bytes of the test database (its files, or a pg_dump)."""

import base64
import html
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")


def _base64_forms(data):
    """The part of the base64 text of `data` that is the same wherever it starts in a longer
    value: one for each of the three alignments, standard and URL-safe alphabets."""
    forms = set()
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + data).rstrip(b"=")
        # Drop the characters shared with the bytes before and after it.
        core = encoded[4 if shift else 0 : len(encoded) - 4]
        if len(core) >= 8:
            forms |= {core, core.replace(b"+", b"-").replace(b"/", b"_")}
    return forms


def variants(canary):
    """Every byte pattern a canary could be stored as: each encoding, as given, lower and
    upper case, HTML-escaped, and base64 of its UTF-8 (any alignment)."""
    found = set()
    texts = {canary, canary.lower(), canary.upper(), canary.casefold()}
    texts |= {html.escape(t, quote=q) for t in set(texts) for q in (True, False)}
    texts |= {t.replace("&#x27;", other) for t in set(texts) for other in ("&#39;", "&apos;")}
    for text in texts:
        for encoding in ENCODINGS:
            found.add(text.encode(encoding))
        found |= _base64_forms(text.encode("utf-8"))
    return found


def scan_for(canaries, paths_or_bytes):
    """[(canary, source, encoded form)] for every canary found; [] means none leaked.

    Sources may be paths (missing files are skipped: a WAL may have been checkpointed away) or
    raw bytes such as a pg_dump.
    """
    hits = []
    patterns = {canary: variants(canary) for canary in canaries}
    for index, source in enumerate(paths_or_bytes):
        if isinstance(source, (bytes, bytearray)):
            name, data = f"bytes[{index}]", bytes(source)
        else:
            path = Path(source)
            if not path.exists():
                continue
            name, data = str(path), path.read_bytes()
        for canary, forms in patterns.items():
            for pattern in forms:
                if pattern in data:
                    hits.append((canary, name, pattern))
    return hits


def database_sources(database_url):
    """What is stored, as raw bytes to scan: SQLite's file with its WAL, shared memory and
    journal; on PostgreSQL a dump of every row (the test is skipped without pg_dump)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        assert os.path.exists(url.database)
        return [url.database + suffix for suffix in ("", "-wal", "-shm", "-journal")]
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.skip("pg_dump is not installed, so the PostgreSQL database cannot be scanned "
                    "(install the postgresql-client package)")
    dump = subprocess.run(
        [pg_dump, "--data-only", url.set(drivername="postgresql").render_as_string(False)],
        check=True, capture_output=True).stdout
    assert b"COPY public.audit_log" in dump
    return [dump]
