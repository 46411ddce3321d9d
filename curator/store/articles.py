"""The store for extraction work: pending entries and their articles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlite_utils

from curator.models import Article, ExtractStatus, PendingEntry
from curator.store.database import translate_errors, write_transaction
from curator.store.times import from_db, to_db

_PENDING = """
SELECT e.id, e.source_id, s.name AS source_name, e.url, e.title, e.summary_html,
       e.summary_text, e.content_html, e.published_at, e.first_seen_at, e.extract_attempts,
       e.item_id
FROM entries e JOIN sources s ON s.id = e.source_id
WHERE e.extract_status = 'pending'
   OR (e.extract_status = 'failed' AND (e.next_extract_at IS NULL OR e.next_extract_at <= ?))
ORDER BY e.first_seen_at, e.source_id, e.id
LIMIT ?
"""


class ArticleStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def pending(self, now: datetime, limit: int) -> list[PendingEntry]:
        """Entries waiting for extraction: new ones, and failed ones now due, oldest first;
        one poll's by source, in feed order (the feeds' order of answering must not decide
        which stories form)."""
        with translate_errors("articles"):
            rows = self.db.execute(_PENDING, [to_db(now), limit]).fetchall()
        return [_pending(row) for row in rows]

    def save(self, article: Article, attempts: int, now: datetime) -> None:
        """Store `article` and mark its entry done/fallback/skipped (one transaction
        when called alone; a savepoint inside the caller's)."""
        with translate_errors("articles"), write_transaction(self.db):
            self.db.table("articles").upsert(
                {
                    "entry_id": article.entry_id,
                    "url": article.url,
                    "canonical_url": article.canonical_url,
                    "title": article.title,
                    "author": article.author,
                    "published_at": to_db(article.published_at),
                    "site_name": article.site_name,
                    "image_url": article.image_url,
                    "image_alt": article.image_alt,
                    "language": article.language,
                    "text": article.text,
                    "status": article.status.value,
                    "note": article.note,
                    "extracted_at": to_db(now),
                },
                pk="entry_id",
            )
            self._mark(article.entry_id, article.status, attempts, article.note, None)

    def mark_failed(self, entry_id: int, attempts: int, note: str, retry_at: datetime) -> None:
        """Record a failed attempt; the entry comes back when `retry_at` is due."""
        with translate_errors("articles"), write_transaction(self.db):
            self._mark(entry_id, ExtractStatus.FAILED, attempts, note, retry_at)

    def get(self, entry_id: int) -> Article | None:
        with translate_errors("articles"):
            rows = list(self.db.table("articles").rows_where("entry_id = ?", [entry_id]))
        return _article(rows[0]) if rows else None

    def screened_for_item(self, item_id: int) -> list[tuple[str, str]]:
        """(title, text) of each of an item's entries, as they were scored when they
        joined it (for re-scoring: an item is as on topic as the best of them)."""
        with translate_errors("articles"):
            rows = self.db.execute(
                "SELECT coalesce(nullif(e.title, ''), a.title, ''), coalesce(a.text, '') "
                "FROM articles a JOIN entries e ON e.id = a.entry_id "
                "WHERE e.item_id = ? ORDER BY a.entry_id",
                [item_id],
            ).fetchall()
        return [(row[0], row[1]) for row in rows]

    def recent_texts(self, source_id: int, limit: int) -> dict[int, str]:
        """The texts of the source's `limit` newest articles, by entry id (to find the
        sentences an outlet repeats in every item)."""
        with translate_errors("articles"):
            # the newest ids first, then their texts: sorting the joined rows would carry
            # every article's text of the source through a temporary B-tree
            rows = self.db.execute(
                "SELECT entry_id, text FROM articles WHERE entry_id IN ("
                " SELECT e.id FROM entries e WHERE e.source_id = ?"
                " AND EXISTS (SELECT 1 FROM articles x WHERE x.entry_id = e.id)"
                " ORDER BY e.id DESC LIMIT ?)",
                [source_id, limit],
            ).fetchall()
        return {row[0]: row[1] for row in rows}

    def _mark(
        self,
        entry_id: int,
        status: ExtractStatus,
        attempts: int,
        note: str | None,
        retry_at: datetime | None,
    ) -> None:
        self.db.execute(
            "UPDATE entries SET extract_status = ?, extract_attempts = ?, extract_note = ?, "
            "next_extract_at = ? WHERE id = ?",
            [status.value, attempts, note, to_db(retry_at), entry_id],
        )


def _pending(row: tuple[Any, ...]) -> PendingEntry:
    first_seen = from_db(row[9])
    assert first_seen is not None  # NOT NULL in the schema
    return PendingEntry(
        id=row[0],
        source_id=row[1],
        source_name=row[2],
        url=row[3],
        title=row[4],
        summary_html=row[5],
        summary_text=row[6],
        content_html=row[7],
        published_at=from_db(row[8]),
        first_seen_at=first_seen,
        attempts=row[10],
        item_id=row[11],
    )


def _article(row: dict[str, Any]) -> Article:
    return Article(
        entry_id=row["entry_id"],
        url=row["url"],
        text=row["text"],
        title=row["title"],
        status=ExtractStatus(row["status"]),
        canonical_url=row["canonical_url"],
        author=row["author"],
        published_at=from_db(row["published_at"]),
        site_name=row["site_name"],
        image_url=row["image_url"],
        language=row["language"],
        note=row["note"],
        image_alt=row.get("image_alt"),
    )
