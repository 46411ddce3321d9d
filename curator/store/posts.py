"""The store for published posts: publish, retract, list, related, export reads."""

from __future__ import annotations

import sqlite_utils


class PostStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
