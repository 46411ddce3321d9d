"""The store for feed entries: idempotent upsert, one transaction a feed.

An entry is known by (source, entry_key). Its `content_hash` tells a changed
entry (updated in place, extraction pending again) from an unchanged one
(not touched at all), so polling the same feed twice writes nothing twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from curator.models import ExtractStatus, ParsedEntry
from curator.store.database import translate_errors, write_transaction
from curator.store.times import to_db

_CONTENT_COLUMNS = (
    "url",
    "title",
    "author",
    "published_at",
    "updated_at",
    "summary_html",
    "summary_text",
    "content_html",
    "image_url",
    "tags",
    "content_hash",
)
_INSERT = (
    "INSERT INTO entries (source_id, entry_key, first_seen_at, changed_at, extract_status, "
    + ", ".join(_CONTENT_COLUMNS)
    + ") VALUES (?, ?, ?, ?, ?, "
    + ", ".join("?" for _ in _CONTENT_COLUMNS)
    + ")"
)
# A changed entry keeps its first_seen_at (and the published_at that stood in for a
# missing date); it is queued for extraction again.
_UPDATE = (
    "UPDATE entries SET changed_at = ?, extract_status = ?, extract_attempts = 0, "
    "next_extract_at = NULL, extract_note = NULL, "
    + ", ".join(
        f"{c} = COALESCE(?, published_at)" if c == "published_at" else f"{c} = ?"
        for c in _CONTENT_COLUMNS
    )
    + " WHERE id = ?"
)


_PENDING = ExtractStatus.PENDING.value


@dataclass(frozen=True)
class UpsertCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


class EntryStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def upsert(self, source_id: int, entries: Sequence[ParsedEntry], now: datetime) -> UpsertCounts:
        """Store one feed's entries in one transaction: new rows inserted, changed
        ones updated, unchanged ones untouched. A missing date becomes first-seen."""
        with translate_errors("entries"), write_transaction(self.db):
            known = self._known(source_id)
            inserts: list[list[Any]] = []
            updates: list[list[Any]] = []
            unchanged = 0
            stamp = to_db(now)
            for entry in entries:
                values = _content_values(entry)
                seen = known.get(entry.key)
                if seen is None:
                    if values[3] is None:  # published_at
                        values[3] = stamp
                    inserts.append([source_id, entry.key, stamp, stamp, _PENDING, *values])
                    known[entry.key] = (0, values[-1])
                elif seen[1] != values[-1]:
                    updates.append([stamp, _PENDING, *values, seen[0]])
                else:
                    unchanged += 1
            self.db.conn.executemany(_INSERT, inserts)
            self.db.conn.executemany(_UPDATE, updates)
        return UpsertCounts(new=len(inserts), updated=len(updates), unchanged=unchanged)

    def count(self, source_id: int | None = None) -> int:
        """Entries stored (for one source, or all)."""
        where, params = ("WHERE source_id = ?", [source_id]) if source_id is not None else ("", [])
        with translate_errors("entries"):
            row = self.db.execute(f"SELECT COUNT(*) FROM entries {where}", params).fetchone()
        return int(row[0])

    def _known(self, source_id: int) -> dict[str, tuple[int, str]]:
        rows = self.db.execute(
            "SELECT entry_key, id, content_hash FROM entries WHERE source_id = ?", [source_id]
        )
        return {key: (row_id, digest) for key, row_id, digest in rows}


def _content_values(entry: ParsedEntry) -> list[Any]:
    """The stored columns of `entry`, in _CONTENT_COLUMNS order, its hash last."""
    values: list[Any] = [
        entry.url,
        entry.title,
        entry.author,
        to_db(entry.published_at),
        to_db(entry.updated_at),
        entry.summary_html,
        entry.summary_text,
        entry.content_html,
        entry.image_url,
        json.dumps(list(entry.tags), ensure_ascii=False),
    ]
    # updated_at is left out of the hash: some feeds restamp every entry on each build.
    hashed = [v for i, v in enumerate(values) if i != 4]
    digest = hashlib.sha256(json.dumps(hashed, ensure_ascii=False).encode()).hexdigest()
    return [*values, digest]
