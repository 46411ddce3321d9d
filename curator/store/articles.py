"""The store for extraction work: pending entries and their articles."""

from __future__ import annotations

import sqlite_utils


class ArticleStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
