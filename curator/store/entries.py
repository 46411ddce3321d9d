"""The store for feed entries: idempotent upsert, one transaction a feed."""

from __future__ import annotations

import sqlite_utils


class EntryStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
