"""The store for items formed from entries: scoring, clustering, coverage."""

from __future__ import annotations

import sqlite_utils


class StoryStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
