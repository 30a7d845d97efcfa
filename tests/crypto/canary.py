"""scan_for(): look for canary plaintexts in raw bytes, in any common encoding and case."""

from pathlib import Path

ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")


def variants(canary):
    """Every byte pattern a canary could be stored as: each encoding, as given, lower and upper."""
    found = set()
    for text in {canary, canary.lower(), canary.upper(), canary.casefold()}:
        for encoding in ENCODINGS:
            found.add(text.encode(encoding))
    return found


def scan_for(canaries, paths_or_bytes):
    """[(canary, source, encoded form)] for every canary found; [] means none leaked.

    Sources may be paths (missing files are skipped: a WAL may have been checkpointed away) or
    raw bytes such as a pg_dump.
    """
    hits = []
    for index, source in enumerate(paths_or_bytes):
        if isinstance(source, (bytes, bytearray)):
            name, data = f"bytes[{index}]", bytes(source)
        else:
            path = Path(source)
            if not path.exists():
                continue
            name, data = str(path), path.read_bytes()
        for canary in canaries:
            for pattern in variants(canary):
                if pattern in data:
                    hits.append((canary, name, pattern))
    return hits
