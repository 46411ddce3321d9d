"""The store for the editors' queue: states, claims, versions, history, drafts, search.

Every editor change is one `UPDATE ... WHERE id = ? AND version = ?` plus its
history row, in one transaction; no row updated means someone else got there
first, and the caller gets `StaleItem` naming who and when.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from curator.errors import ItemNotFound, ReviewError, StaleItem
from curator.models import Draft, HistoryEvent, Item, ItemChange, ItemState
from curator.store.database import translate_errors, write_transaction
from curator.store.item_rows import SOURCE_NAMES, item_from_row
from curator.store.search import SearchHit, search_all
from curator.store.times import from_db, to_db

_WAITING = "('new', 'in_review', 'drafted')"
_RANK = "score DESC, first_seen_at DESC, outlets DESC, id DESC"


@dataclass(frozen=True)
class QueueFilter:
    """What `curator queue` asks for; empty fields do not filter."""

    state: ItemState | None = None
    topic: str | None = None
    source: str | None = None
    since: datetime | None = None
    mine: str | None = None  # an editor's name: only items they hold
    limit: int = 50


@dataclass(frozen=True)
class ArticleText:
    source_name: str
    url: str
    text: str


class DeskStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def get_item(self, item_id: int) -> Item:
        """One item with its source names, or ItemNotFound."""
        rows = self._select(f"SELECT items.*, {SOURCE_NAMES} FROM items WHERE id = ?", [item_id])
        if not rows:
            raise ItemNotFound(item_id)
        return rows[0]

    def queue(self, wanted: QueueFilter, now: datetime) -> list[Item]:
        """Waiting items, best first: score, then recency, then number of outlets."""
        where, params = _queue_conditions(wanted, now)
        # Rank and cut first; the source names are looked up for the chosen rows only.
        sql = (
            f"SELECT items.*, {SOURCE_NAMES} FROM items WHERE id IN "
            f"(SELECT id FROM items WHERE {' AND '.join(where)} ORDER BY {_RANK} LIMIT ?) "
            f"ORDER BY {_RANK}"
        )
        return self._select(sql, [*params, wanted.limit])

    def apply(self, change: ItemChange) -> Item:
        """Apply `change` if the item still has the version it was decided on."""
        with translate_errors("items"), write_transaction(self.db):
            apply_change(self.db, change)
        return self.get_item(change.item_id)

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

    def due_snoozed(self, now: datetime) -> list[Item]:
        sql = (
            f"SELECT items.*, {SOURCE_NAMES} FROM items "
            "WHERE state = 'snoozed' AND snoozed_until <= ?"
        )
        return self._select(sql, [to_db(now)])

    def history(self, item_id: int) -> list[HistoryEvent]:
        self.get_item(item_id)
        with translate_errors("history"):
            rows = self.db.query("SELECT * FROM history WHERE item_id = ? ORDER BY id", [item_id])
            return [_history(row) for row in rows]

    def save_draft(self, change: ItemChange, title: str, tags: tuple[str, ...], body: str) -> Draft:
        """Apply `change` and keep the text as the item's next draft version."""
        with translate_errors("drafts"), write_transaction(self.db):
            apply_change(self.db, change)
            (latest,) = self.db.execute(
                "SELECT coalesce(max(version), 0) FROM drafts WHERE item_id = ?", [change.item_id]
            ).fetchone()
            draft = Draft(change.item_id, latest + 1, title, tags, body, change.editor, change.at)
            self.db.table("drafts").insert(
                {
                    "item_id": draft.item_id,
                    "version": draft.version,
                    "title": title,
                    "tags": json.dumps(list(tags)),
                    "body_markdown": body,
                    "editor": draft.editor,
                    "saved_at": to_db(draft.saved_at),
                }
            )
        return draft

    def latest_draft(self, item_id: int) -> Draft | None:
        sql = "SELECT * FROM drafts WHERE item_id = ? ORDER BY version DESC LIMIT 1"
        with translate_errors("drafts"):
            rows = list(self.db.query(sql, [item_id]))
        return _draft(rows[0]) if rows else None

    def draft_versions(self, item_id: int) -> int:
        with translate_errors("drafts"):
            sql = "SELECT count(*) FROM drafts WHERE item_id = ?"
            (count,) = self.db.execute(sql, [item_id]).fetchone()
        return int(count)

    def article_texts(self, item_id: int) -> list[ArticleText]:
        """The extracted text of every entry of the item, with its source."""
        sql = """SELECT s.name, coalesce(a.url, e.url, ''), coalesce(a.text, e.summary_text, '')
                 FROM entries e JOIN sources s ON s.id = e.source_id
                 LEFT JOIN articles a ON a.entry_id = e.id
                 WHERE e.item_id = ? ORDER BY e.id"""
        with translate_errors("articles"):
            return [ArticleText(*row) for row in self.db.execute(sql, [item_id]).fetchall()]

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Full-text search over posts and items (see `store.search`)."""
        return search_all(self.db, query, limit)

    def _select(self, sql: str, params: list[Any]) -> list[Item]:
        with translate_errors("items"):
            return [item_from_row(row) for row in self.db.query(sql, params)]


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


def _queue_conditions(wanted: QueueFilter, now: datetime) -> tuple[list[str], list[Any]]:
    # Unary + keeps SQLite on the rank index: most items wait, so walking in rank
    # order finds --limit of them at once (the state index would sort them all).
    due_snooze = "(+state = 'snoozed' AND snoozed_until <= ?)"
    if wanted.state is None:
        where, params = [f"(+state IN {_WAITING} OR {due_snooze})"], [to_db(now)]
    elif wanted.state is ItemState.NEW:
        where, params = [f"(+state = 'new' OR {due_snooze})"], [to_db(now)]
    else:
        where, params = ["state = ?"], [wanted.state.value]
    if wanted.topic:
        where.append("EXISTS (SELECT 1 FROM json_each(items.topics) WHERE value = ?)")
        params.append(wanted.topic)
    if wanted.source:
        where.append(
            "id IN (SELECT e.item_id FROM entries e JOIN sources s ON s.id = e.source_id "
            "WHERE s.name = ? COLLATE NOCASE)"
        )
        params.append(wanted.source)
    if wanted.since:
        where.append("first_seen_at >= ?")
        params.append(to_db(wanted.since))
    if wanted.mine:
        where.append("claimed_by = ? AND claim_expires_at > ?")
        params += [wanted.mine, to_db(now)]
    return where, params


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
    )
