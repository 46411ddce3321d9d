"""The store for sources and their polling bookkeeping (the schedule lives here)."""

from __future__ import annotations

import sqlite_utils


class SourceStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
