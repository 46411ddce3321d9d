"""The store for items: the one module that writes `items` and `history`.

The pipeline's writes: an item is born 'new' or 'filtered' with a history row by
'curator' (`create`); joining it (another outlet's entry) updates coverage and may
raise the score, but never touches `version`: that counter belongs to the editors'
optimistic locks. `rescore` and an on-topic join move it with a version bump.

The editors' writes: every change is one `UPDATE ... WHERE id = ? AND version = ?`
plus its history row, in one transaction (`apply_change`, which the drafts and posts
stores call inside theirs); no row updated means someone else got there first, and
the caller gets `StaleItem` naming who and when.

Also the reads of single items, their history, and the item lists the pipeline uses.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlite_utils

from curator.errors import ItemNotFound, StaleItem
from curator.models import (
    HistoryEvent,
    Item,
    ItemChange,
    ItemIdentity,
    ItemState,
    Relevance,
)
from curator.models.learning import LearnedMark
from curator.models.screening import NewItem
from curator.store.database import translate_errors, write_transaction
from curator.store.item_changes import apply_change
from curator.store.item_rows import SOURCE_NAMES, select_items
from curator.store.times import from_db, to_db

CURATOR = "curator"


class ItemStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def get(self, item_id: int) -> Item:
        """One item with its source names, or ItemNotFound."""
        rows = select_items(
            self.db, f"SELECT items.*, {SOURCE_NAMES} FROM items WHERE id = ?", [item_id]
        )
        if not rows:
            raise ItemNotFound(item_id)
        return rows[0]

    def history(self, item_id: int) -> list[HistoryEvent]:
        self.get(item_id)
        with translate_errors("history"):
            rows = self.db.query("SELECT * FROM history WHERE item_id = ? ORDER BY id", [item_id])
            return [_history(row) for row in rows]

    def all_on_topic(self) -> frozenset[int]:
        """Ids of the items with an entry from a source marked `filter = "all"`."""
        with translate_errors("items"):
            rows = self.db.execute(
                "SELECT DISTINCT e.item_id FROM entries e JOIN sources s ON s.id = e.source_id"
                " WHERE s.filter = 'all' AND e.item_id IS NOT NULL"
            ).fetchall()
        return frozenset(r[0] for r in rows)

    def identity(self, item_id: int) -> ItemIdentity | None:
        """(id, title, first seen) of an item, None when there is no such item."""
        return self._identity("WHERE id = ?", [item_id])

    def newest(self) -> ItemIdentity | None:
        """(id, title, first seen) of the highest-numbered item, None when there is none."""
        return self._identity("ORDER BY id DESC LIMIT 1", [])

    def _identity(self, clause: str, params: list[int]) -> ItemIdentity | None:
        with translate_errors("items"):
            row = self.db.execute(
                f"SELECT id, title, first_seen_at FROM items {clause}", params
            ).fetchone()
        return None if row is None else (row[0], row[1], from_db(row[2]))

    def item_ids(self) -> list[int]:
        with translate_errors("items"):
            return [r[0] for r in self.db.execute("SELECT id FROM items ORDER BY id").fetchall()]

    def title_of(self, item_id: int) -> str:
        with translate_errors("items"):
            row = self.db.execute("SELECT title FROM items WHERE id = ?", [item_id]).fetchone()
        return str(row[0]) if row else ""

    def ranked(self, states: tuple[ItemState, ...], limit: int) -> list[Item]:
        """Items in `states`, best score first, then newest."""
        marks = ", ".join("?" for _ in states)
        return select_items(
            self.db,
            f"SELECT items.*, {SOURCE_NAMES} FROM items WHERE state IN ({marks}) "
            "ORDER BY score DESC, first_seen_at DESC, id LIMIT ?",
            [*(s.value for s in states), limit],
        )

    def count_in(self, states: tuple[ItemState, ...]) -> int:
        """How many items `ranked` would list without its limit."""
        marks = ", ".join("?" for _ in states)
        sql = f"SELECT count(*) FROM items WHERE state IN ({marks})"
        with translate_errors("items"):
            return int(self.db.execute(sql, [s.value for s in states]).fetchone()[0])

    def create(self, new: NewItem, now: datetime) -> int:
        """Insert the item, link its entry, and write its first history row."""
        note = new.relevance.reasons[0] if new.relevance.reasons else "no topic matched"
        with translate_errors("items"), write_transaction(self.db):
            item_id = (
                self.db.table("items")
                .insert(
                    {
                        "title": new.title,
                        "url": new.url,
                        "canonical_url": new.canonical_url,
                        "state": new.state.value,
                        "score": new.relevance.score,
                        "topics": json.dumps(list(new.relevance.topics)),
                        "reasons": json.dumps(list(new.relevance.reasons)),
                        "summary": new.summary,
                        "description": new.description,
                        "outlets": 1,
                        "image_url": new.image_url,
                        "image_alt": new.image_alt,
                        "site_name": new.site_name,
                        "language": new.language,
                        "first_seen_at": to_db(new.first_seen_at),
                        "published_at": to_db(new.published_at),
                        "updated_at": to_db(now),
                        "changed_by": CURATOR,
                        "changed_at": to_db(now),
                    }
                )
                .last_rowid
            )
            assert item_id is not None  # an insert always has a rowid
            self._link(new.entry_id, item_id, "first report")
            self.db.table("history").insert(
                {
                    "item_id": item_id,
                    "at": to_db(now),
                    "editor": CURATOR,
                    "from_state": None,
                    "to_state": new.state.value,
                    "note": note,
                }
            )
        return item_id

    def join(
        self, item_id: int, entry_id: int, relevance: Relevance, now: datetime, reason: str = ""
    ) -> ItemState | None:
        """Add another entry to an item (`reason`: why it is the same story): more
        outlets, maybe a higher score. The version stays, unless the entry is on topic
        and the item was filtered: then it goes to the queue (a history row, a version
        bump), and its new state is returned."""
        with translate_errors("items"), write_transaction(self.db):
            item_id = self._surviving(item_id)
            self._link(entry_id, item_id, reason or None)
            self.db.execute(
                "UPDATE items SET outlets = (SELECT count(DISTINCT source_id) FROM entries "
                "WHERE item_id = :id), updated_at = :now WHERE id = :id",
                {"id": item_id, "now": to_db(now)},
            )
            self.db.execute(
                "UPDATE items SET score = :score, topics = :topics, reasons = :reasons "
                "WHERE id = :id AND score < :score",
                {
                    "id": item_id,
                    "score": relevance.score,
                    "topics": json.dumps(list(relevance.topics)),
                    "reasons": json.dumps(list(relevance.reasons)),
                },
            )
            row = self.db.execute("SELECT state FROM items WHERE id = ?", [item_id]).fetchone()
            if not relevance.kept or row[0] != ItemState.FILTERED:
                return None
            reason = relevance.reasons[0] if relevance.reasons else "on topic"
            self._move(
                item_id, row[0], ItemState.NEW, f"joined by an on-topic entry: {reason}", now
            )
            return ItemState.NEW

    def rescore(self, item_id: int, relevance: Relevance, now: datetime) -> ItemState | None:
        """New score, topics and reasons; a 'new' or 'filtered' item moves to the
        state its score now earns (a history row, a version bump). Returns the new
        state when it changed."""
        with translate_errors("items"), write_transaction(self.db):
            row = self.db.execute("SELECT state FROM items WHERE id = ?", [item_id]).fetchone()
            if row is None:
                return None
            self.db.execute(
                "UPDATE items SET score = ?, topics = ?, reasons = ? WHERE id = ?",
                [
                    relevance.score,
                    json.dumps(list(relevance.topics)),
                    json.dumps(list(relevance.reasons)),
                    item_id,
                ],
            )
            earned = ItemState.NEW if relevance.kept else ItemState.FILTERED
            if row[0] not in (ItemState.NEW, ItemState.FILTERED) or row[0] == earned:
                return None
            reason = relevance.reasons[0] if relevance.reasons else "no match"
            self._move(item_id, row[0], earned, f"re-scored: {reason}", now)
            return earned

    def mark_learned(self, marks: list[LearnedMark], now: datetime) -> int:
        """Store the model's probability and reasons on items, and move those it is
        confident about (a history row, a version bump), in one transaction. An item
        whose state changed since it was read is left alone. Returns the moves made."""
        moved = 0
        with translate_errors("items"), write_transaction(self.db):
            for mark in marks:
                self.db.execute(
                    "UPDATE items SET learned = ?, learned_reasons = ?, learned_version = ?"
                    " WHERE id = ?",
                    [mark.probability, json.dumps(list(mark.reasons)), mark.version, mark.item_id],
                )
                row = self.db.execute(
                    "SELECT state FROM items WHERE id = ?", [mark.item_id]
                ).fetchone()
                if mark.move_to is None or row is None or row[0] != mark.read_state:
                    continue
                self._move(mark.item_id, row[0], mark.move_to, mark.note, now)
                moved += 1
        return moved

    def ask(self, item_ids: Sequence[int], note: str, now: datetime) -> int:
        """Mark items the queue asks the editors about (a filtered one comes back to
        `new`, with `note` in its history, by curator: no label until an editor
        decides), in one transaction; one decided since it was read is left alone."""
        asked = 0
        with translate_errors("items"), write_transaction(self.db):
            for item_id in item_ids:
                row = self.db.execute(
                    "SELECT state FROM items WHERE id = ? AND asked_at IS NULL", [item_id]
                ).fetchone()
                if row is None or row[0] not in (ItemState.NEW, ItemState.FILTERED):
                    continue
                self.db.execute("UPDATE items SET asked_at = ? WHERE id = ?", [to_db(now), item_id])
                if row[0] == ItemState.FILTERED:
                    self._move(item_id, row[0], ItemState.NEW, note, now)
                asked += 1
        return asked

    def _move(self, item_id: int, old: str, new: ItemState, note: str, now: datetime) -> None:
        """Curator's own state change: a version bump and a history row (in the
        caller's transaction)."""
        self.db.execute(
            "UPDATE items SET state = ?, version = version + 1, changed_by = ?, changed_at = ?,"
            " updated_at = ? WHERE id = ?",
            [new.value, CURATOR, to_db(now), to_db(now), item_id],
        )
        self.db.table("history").insert(
            {
                "item_id": item_id,
                "at": to_db(now),
                "editor": CURATOR,
                "from_state": old,
                "to_state": new.value,
                "note": note,
            }
        )

    def apply(self, change: ItemChange) -> Item:
        """Apply `change` if the item still has the version it was decided on."""
        with translate_errors("items"), write_transaction(self.db):
            apply_change(self.db, change)
        return self.get(change.item_id)

    def apply_all(self, changes: list[ItemChange]) -> int:
        """Apply many changes in one transaction, skipping the stale ones; the count applied."""
        applied = 0
        with translate_errors("items"), write_transaction(self.db):
            for change in changes:
                try:
                    apply_change(self.db, change)
                except StaleItem:
                    continue  # someone acted on it meanwhile: theirs stands
                applied += 1
        return applied

    def _surviving(self, item_id: int) -> int:
        """The item a merge sent `item_id` into (an editor may merge while a run places
        entries by an index read before), else `item_id` itself."""
        row = self.db.execute(
            "WITH RECURSIVE chain(id, next) AS (SELECT id, merged_into FROM items WHERE id = ?"
            " UNION SELECT i.id, i.merged_into FROM items i JOIN chain c ON i.id = c.next)"
            " SELECT id FROM chain WHERE next IS NULL",
            [item_id],
        ).fetchone()
        return int(row[0]) if row else item_id

    def _link(self, entry_id: int, item_id: int, reason: str | None = None) -> None:
        """Put an entry in an item; a new reason replaces the old, none keeps it (an
        entry sent back by a feed change stays where it was, for the reason it was)."""
        self.db.execute(
            "UPDATE entries SET item_id = ?, cluster_reason = coalesce(?, cluster_reason) "
            "WHERE id = ?",
            [item_id, reason, entry_id],
        )


def _history(row: dict[str, Any]) -> HistoryEvent:
    at = from_db(row["at"])
    assert at is not None
    return HistoryEvent(
        item_id=row["item_id"],
        at=at,
        editor=row["editor"],
        from_state=ItemState(row["from_state"]) if row["from_state"] else None,
        to_state=ItemState(row["to_state"]),
        note=row["note"],
    )
