"""Reading an `items` row as an `Item` record: one mapping for every store."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from curator.models import Item, ItemState
from curator.store.database import translate_errors
from curator.store.times import from_db

# A column to select beside items.*: the item's source names as a JSON list.
SOURCE_NAMES = """(SELECT json_group_array(name) FROM (
    SELECT DISTINCT s.name FROM entries e JOIN sources s ON s.id = e.source_id
    WHERE e.item_id = items.id ORDER BY s.name)) AS source_names"""


def item_from_row(row: dict[str, Any]) -> Item:
    first_seen = from_db(row["first_seen_at"])
    assert first_seen is not None
    return Item(
        id=row["id"],
        title=row["title"],
        url=row["url"],
        state=ItemState(row["state"]),
        version=row["version"],
        score=row["score"],
        topics=tuple(json.loads(row["topics"] or "[]")),
        reasons=tuple(json.loads(row["reasons"] or "[]")),
        summary=row["summary"],
        description=row["description"],
        outlets=row["outlets"],
        first_seen_at=first_seen,
        published_at=from_db(row["published_at"]),
        updated_at=from_db(row["updated_at"]),
        claimed_by=row["claimed_by"],
        claim_expires_at=from_db(row["claim_expires_at"]),
        snoozed_until=from_db(row["snoozed_until"]),
        reject_reason=row["reject_reason"],
        source_names=tuple(json.loads(row.get("source_names") or "[]")),
        image_url=row["image_url"],
        image_alt=row.get("image_alt"),
        site_name=row["site_name"],
        changed_by=row["changed_by"],
        changed_at=from_db(row["changed_at"]),
        merged_into=row.get("merged_into"),
        learned=row.get("learned"),
        learned_reasons=tuple(json.loads(row.get("learned_reasons") or "[]")),
        asking=row.get("asked_at") is not None,
    )


def select_items(db: sqlite_utils.Database, sql: str, params: list[Any]) -> list[Item]:
    """The `Item`s a query over `items.*` (and SOURCE_NAMES) returns."""
    with translate_errors("items"):
        return [item_from_row(row) for row in db.query(sql, params)]
