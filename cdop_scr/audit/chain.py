"""The hash chain: MACs, extending the chain at flush, verification and checkpoints."""

import hashlib
import hmac
import itertools
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from ..extensions import begin_writing
from ..models.audit import GENESIS_MAC, AuditRecord, canonical

# pg_advisory_xact_lock key for "the audit chain head" ("cdopaudt" as a 64-bit integer).
CHAIN_LOCK = 0x63646F7061756474
BATCH = 1000

_order = itertools.count()


def mark_order(row):
    """Remember the order rows were recorded in, so one flush chains them in that order."""
    row._chain_order = next(_order)


def audit_key():
    return current_app.extensions["cdop_keyring"].audit_key


def compute_mac(key, prev_mac, row):
    return hmac.new(key, prev_mac.encode("ascii") + canonical(row).encode("ascii"),
                    hashlib.sha256).hexdigest()


def lock_chain(connection):
    """Make this transaction the only one extending the chain until it ends."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    else:
        # SQLite has one writer at a time: holding the write lock is holding the chain.
        begin_writing(connection)


def head(connection):
    """(seq, mac) of the last row, or (0, GENESIS_MAC) for an empty log."""
    row = connection.execute(
        select(AuditRecord.seq, AuditRecord.mac).order_by(AuditRecord.seq.desc()).limit(1)
    ).first()
    return (row.seq, row.mac) if row else (0, GENESIS_MAC)


@event.listens_for(Session, "before_flush")
def _extend_chain(session, flush_context, instances):
    """Give new audit rows their seq, prev_mac and mac under the chain lock, just before insert."""
    pending = [o for o in session.new if isinstance(o, AuditRecord) and o.mac is None]
    if not pending:
        return
    pending.sort(key=lambda r: getattr(r, "_chain_order", 0))
    connection = session.connection()
    lock_chain(connection)
    seq, prev = head(connection)
    key = audit_key()
    for row in pending:
        seq += 1
        row.seq, row.prev_mac = seq, prev
        row.mac = prev = compute_mac(key, prev, row)


@dataclass
class Verification:
    ok: bool
    checked: int
    head_seq: int
    head_mac: str
    bad_seq: int | None = None
    problem: str | None = None


def parse_checkpoint(value):
    seq, sep, mac = (value or "").partition(":")
    if not sep or not seq.isdigit() or len(mac) != 64:
        raise ValueError("a checkpoint is SEQ:MAC, as printed by `flask audit checkpoint`")
    return int(seq), mac.lower()


def verify(connection, key, checkpoint=None):
    """Walk the chain by seq; stop at the first row that is missing, moved, edited or forged."""
    table = AuditRecord.__table__
    expected, prev, checked, last = 1, GENESIS_MAC, 0, 0

    def failed(seq, problem):
        return Verification(False, checked, last, prev, seq, problem)

    while True:
        rows = connection.execute(
            select(table).where(table.c.seq >= expected).order_by(table.c.seq).limit(BATCH)
        ).all()
        for row in rows:
            if row.seq != expected:
                return failed(row.seq, f"row {row.seq} follows row {expected - 1}: "
                                       f"rows are missing or renumbered")
            if not hmac.compare_digest(row.prev_mac, prev):
                return failed(row.seq, f"row {row.seq} does not link to row {row.seq - 1}: "
                                       f"rows were reordered, inserted or removed")
            if not hmac.compare_digest(row.mac, compute_mac(key, prev, row)):
                return failed(row.seq, f"row {row.seq} does not match its MAC: "
                                       f"it was edited, inserted or forged")
            if checkpoint and row.seq == checkpoint[0] and not hmac.compare_digest(
                row.mac, checkpoint[1]
            ):
                return failed(row.seq, f"row {row.seq} differs from the checkpoint: "
                                       f"the log was rewritten")
            prev, last, checked, expected = row.mac, row.seq, checked + 1, expected + 1
        if len(rows) < BATCH:
            break
    if checkpoint and last < checkpoint[0]:
        return failed(last + 1, f"the log ends at row {last} but the checkpoint is at row "
                                f"{checkpoint[0]}: rows were removed from the end")
    return Verification(True, checked, last, prev)
