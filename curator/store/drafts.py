"""The store for drafts: each save keeps the text as the item's next draft version
and applies the item's change (through `items.apply_change`) in the same transaction.
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from curator.models import Draft, ItemChange
from curator.store.database import translate_errors, write_transaction
from curator.store.items import apply_change
from curator.store.times import from_db, to_db


class DraftStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def save(
        self, change: ItemChange, title: str, tags: tuple[str, ...], body: str, image_alt: str = ""
    ) -> Draft:
        """Apply `change` and keep the text as the item's next draft version."""
        with translate_errors("drafts"), write_transaction(self.db):
            apply_change(self.db, change)
            (latest,) = self.db.execute(
                "SELECT coalesce(max(version), 0) FROM drafts WHERE item_id = ?", [change.item_id]
            ).fetchone()
            draft = Draft(
                change.item_id, latest + 1, title, tags, body, change.editor, change.at, image_alt
            )
            self.db.table("drafts").insert(
                {
                    "item_id": draft.item_id,
                    "version": draft.version,
                    "title": title,
                    "tags": json.dumps(list(tags)),
                    "body_markdown": body,
                    "editor": draft.editor,
                    "saved_at": to_db(draft.saved_at),
                    "image_alt": image_alt,
                }
            )
        return draft

    def latest(self, item_id: int) -> Draft | None:
        sql = "SELECT * FROM drafts WHERE item_id = ? ORDER BY version DESC LIMIT 1"
        with translate_errors("drafts"):
            rows = list(self.db.query(sql, [item_id]))
        return _draft(rows[0]) if rows else None

    def versions(self, item_id: int) -> int:
        with translate_errors("drafts"):
            sql = "SELECT count(*) FROM drafts WHERE item_id = ?"
            (count,) = self.db.execute(sql, [item_id]).fetchone()
        return int(count)


def _draft(row: dict[str, Any]) -> Draft:
    saved = from_db(row["saved_at"])
    assert saved is not None
    return Draft(
        item_id=row["item_id"],
        version=row["version"],
        title=row["title"],
        tags=tuple(json.loads(row["tags"])),
        body_markdown=row["body_markdown"],
        editor=row["editor"],
        saved_at=saved,
        image_alt=row["image_alt"],
    )
