"""An editor's change to an item, versioned: the UPDATE goes through only at the
version the editor read, with its history row; otherwise `StaleItem` names who changed
the item last. Shared by the items', posts' and stories' stores."""

from __future__ import annotations

import sqlite_utils

from curator.errors import ItemNotFound, ReviewError, StaleItem
from curator.models import ItemChange
from curator.store.times import from_db, to_db


def apply_change(db: sqlite_utils.Database, change: ItemChange) -> None:
    """Inside a write transaction: the versioned UPDATE and its history row."""
    cursor = db.execute(
        """UPDATE items SET state = ?, claimed_by = ?, claim_expires_at = ?, snoozed_until = ?,
               reject_reason = ?, version = version + 1, changed_by = ?, changed_at = ?
           WHERE id = ? AND version = ?""",
        [
            change.to_state.value,
            change.claimed_by,
            to_db(change.claim_expires_at),
            to_db(change.snoozed_until),
            change.reject_reason,
            change.editor,
            to_db(change.at),
            change.item_id,
            change.read_version,
        ],
    )
    if cursor.rowcount == 0:
        raise stale_error(db, change.item_id)
    db.table("history").insert(
        {
            "item_id": change.item_id,
            "at": to_db(change.at),
            "editor": change.editor,
            "from_state": change.from_state.value,
            "to_state": change.to_state.value,
            "note": change.note,
        }
    )


def stale_error(db: sqlite_utils.Database, item_id: int) -> ReviewError:
    """StaleItem naming who changed the item last (ItemNotFound if it is gone)."""
    row = db.execute("SELECT changed_by, changed_at FROM items WHERE id = ?", [item_id]).fetchone()
    if row is None:
        return ItemNotFound(item_id)
    changed_at = from_db(row[1])
    return StaleItem(
        item_id, row[0] or "the pipeline", f"{changed_at:%H:%M}" if changed_at else "?"
    )
