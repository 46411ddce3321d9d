"""The store's reads for `curator report`: what came in and what the editors decided
within a time window, as plain records (the tallies are `desk.report`'s)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from curator.store.database import translate_errors
from curator.store.item_rows import SOURCE_NAMES
from curator.store.times import from_db, to_db


@dataclass(frozen=True)
class Arrival:
    """An item first seen in the window: its state now and its sources."""

    item_id: int
    state: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Decision:
    """An editor's publish, reject or snooze in the window, with when its item was
    first seen (for the time to publish) and its sources."""

    item_id: int
    at: datetime
    editor: str
    to_state: str
    first_seen_at: datetime
    sources: tuple[str, ...]


_DECIDED = ("published", "rejected", "snoozed")


class ActivityStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def arrivals(self, since: datetime, until: datetime) -> list[Arrival]:
        sql = (
            f"SELECT id, state, {SOURCE_NAMES} FROM items "
            "WHERE first_seen_at >= ? AND first_seen_at < ? ORDER BY id"
        )
        with translate_errors("items"):
            rows = self.db.execute(sql, [to_db(since), to_db(until)]).fetchall()
        return [Arrival(row[0], row[1], tuple(json.loads(row[2]))) for row in rows]

    def decisions(self, since: datetime, until: datetime) -> list[Decision]:
        marks = ", ".join("?" for _ in _DECIDED)
        sql = (
            f"SELECT h.item_id, h.at, h.editor, h.to_state, items.first_seen_at, {SOURCE_NAMES} "
            "FROM history h JOIN items ON items.id = h.item_id "
            f"WHERE h.at >= ? AND h.at < ? AND h.to_state IN ({marks}) ORDER BY h.id"
        )
        with translate_errors("history"):
            rows = self.db.execute(sql, [to_db(since), to_db(until), *_DECIDED]).fetchall()
        return [
            Decision(
                row[0], _when(row[1]), row[2], row[3], _when(row[4]), tuple(json.loads(row[5]))
            )
            for row in rows
        ]


def _when(text: str) -> datetime:
    moment = from_db(text)
    assert moment is not None  # both columns are NOT NULL
    return moment
