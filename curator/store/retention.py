"""Retention: the bulky text of screened-out items goes once it is old.

Filtered and rejected items keep their row, title, summary and history (so a
repeat of the story is still recognised and `reopen` still works); only the
extracted article text and the entries' feed HTML are emptied. Items in any
other state (new, in review, drafted, published, ...) are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from curator.models import ItemState
from curator.store.database import translate_errors, write_transaction
from curator.store.times import to_db

PRUNABLE = (ItemState.FILTERED.value, ItemState.REJECTED.value)
DROPPED_NOTE = "text dropped by retention.filtered_text_after"
_OLD_ITEMS = "SELECT id FROM items WHERE state IN (?, ?) AND first_seen_at < ?"


@dataclass(frozen=True)
class PrunedText:
    articles: int
    entries: int


class RetentionStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def drop_screened_out_text(self, seen_before: datetime) -> PrunedText:
        """Empty the article text and entry HTML of filtered and rejected items first
        seen before `seen_before`, in one transaction; counts what changed."""
        params = [*PRUNABLE, to_db(seen_before)]
        with translate_errors("retention"), write_transaction(self.db):
            articles = self.db.execute(
                f"UPDATE articles SET text = '', note = ? WHERE text != '' AND entry_id IN "
                f"(SELECT id FROM entries WHERE item_id IN ({_OLD_ITEMS}))",
                [DROPPED_NOTE, *params],
            ).rowcount
            entries = self.db.execute(
                "UPDATE entries SET summary_html = '', content_html = '' "
                "WHERE (summary_html != '' OR content_html != '') "
                f"AND item_id IN ({_OLD_ITEMS})",
                params,
            ).rowcount
        return PrunedText(articles=articles, entries=entries)
