"""The store for the editors' queue: states, claims, versions, history, drafts, search."""

from __future__ import annotations

import sqlite_utils


class DeskStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
