"""The store for feed entries: idempotent upsert, one transaction a feed.

An entry is known by (source, entry_key). Its `content_hash` tells a changed
entry (updated in place, extraction pending again) from an unchanged one
(not touched at all), so polling the same feed twice writes nothing twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
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
        rows = [_content_values(entry) for entry in entries]
        stamp = to_db(now)
        hashed = [(entry.key, row[-1]) for entry, row in zip(entries, rows, strict=True)]
        with translate_errors("entries"), write_transaction(self.db):
            changes = sort_entries(self._known(source_id), hashed)
            inserts = [
                [source_id, entries[i].key, stamp, stamp, _PENDING, *_dated(rows[i], stamp)]
                for i in changes.new
            ]
            updates = [[stamp, _PENDING, *rows[i], row_id] for i, row_id in changes.updated]
            self.db.conn.executemany(_INSERT, inserts)
            self.db.conn.executemany(_UPDATE, updates)
        return UpsertCounts(len(changes.new), len(changes.updated), changes.unchanged)

    def count(self, source_id: int | None = None) -> int:
        """Entries stored (for one source, or all)."""
        where, params = ("WHERE source_id = ?", [source_id]) if source_id is not None else ("", [])
        with translate_errors("entries"):
            row = self.db.execute(f"SELECT COUNT(*) FROM entries {where}", params).fetchone()
        return int(row[0])

    def _known(self, source_id: int) -> dict[str, StoredEntry]:
        rows = self.db.execute(
            "SELECT entry_key, id, content_hash FROM entries WHERE source_id = ?", [source_id]
        )
        return {key: StoredEntry(row_id, digest) for key, row_id, digest in rows}


@dataclass(frozen=True)
class StoredEntry:
    """What the store knows of an entry already there: its row and its content hash."""

    row_id: int
    content_hash: str


@dataclass(frozen=True)
class EntryChanges:
    """Which of one feed's entries (by their index in it) are new, which changed
    (with the row they update), and how many stand as they were."""

    new: tuple[int, ...] = ()
    updated: tuple[tuple[int, int], ...] = ()
    unchanged: int = 0


def sort_entries(
    known: Mapping[str, StoredEntry], hashed: Sequence[tuple[str, str]]
) -> EntryChanges:
    """Decide, from the stored (key -> row, hash) and the feed's (key, hash) pairs,
    what is new, what changed and what stands. Pure: no database."""
    seen = dict(known)
    new: list[int] = []
    updated: list[tuple[int, int]] = []
    for index, (key, digest) in enumerate(hashed):
        stored = seen.get(key)
        if stored is None:
            new.append(index)
            # a key repeated in one feed (the parser drops repeats first): row 0 is none
            seen[key] = StoredEntry(0, digest)
        elif stored.content_hash != digest:
            updated.append((index, stored.row_id))
    unchanged = len(hashed) - len(new) - len(updated)
    return EntryChanges(tuple(new), tuple(updated), unchanged)


def _dated(values: list[Any], stamp: str | None) -> list[Any]:
    """A new entry without a date is dated when it was first seen."""
    published = stamp if values[3] is None else values[3]
    return [*values[:3], published, *values[4:]]


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
