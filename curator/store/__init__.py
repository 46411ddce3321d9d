"""The only package that speaks SQL. `Store.open(path)` gives one object whose
attributes are the stores of each subject; records from `models` go in and out.
The stages group writes with `store.transaction()`, never with the database itself."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from curator.models.screening import NewItem, SavedEntry, ScreenedEntry
from curator.store import _lean  # noqa: F401  (first: sqlite_utils without numpy)
from curator.store.activity import ActivityStore
from curator.store.articles import ArticleStore
from curator.store.database import open_database, translate_errors, write_transaction
from curator.store.digests import DigestStore
from curator.store.drafts import DraftStore
from curator.store.entries import EntryStore
from curator.store.exports import ExportStore
from curator.store.items import ItemStore
from curator.store.learning import LearningStore
from curator.store.posts import PostStore
from curator.store.queue import QueueStore
from curator.store.retention import RetentionStore
from curator.store.sources import SourceStore
from curator.store.stories import StoryStore

if TYPE_CHECKING:
    import sqlite_utils

__all__ = ["Store"]


@dataclass
class Store:
    path: Path
    db: sqlite_utils.Database
    sources: SourceStore
    entries: EntryStore
    articles: ArticleStore
    items: ItemStore
    queue: QueueStore
    drafts: DraftStore
    posts: PostStore
    exports: ExportStore
    retention: RetentionStore
    learning: LearningStore
    activity: ActivityStore
    stories: StoryStore
    digests: DigestStore

    @classmethod
    def open(cls, path: Path, busy_timeout: timedelta = timedelta(seconds=5)) -> Store:
        """Open the database at `path` (created and migrated as needed)."""
        db = open_database(path, busy_timeout)
        return cls(
            path=path,
            db=db,
            sources=SourceStore(db),
            entries=EntryStore(db),
            articles=ArticleStore(db),
            items=ItemStore(db),
            queue=QueueStore(db),
            drafts=DraftStore(db),
            posts=PostStore(db),
            exports=ExportStore(db),
            retention=RetentionStore(db),
            learning=LearningStore(db),
            activity=ActivityStore(db),
            stories=StoryStore(db),
            digests=DigestStore(db),
        )

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction around the block: the sub-stores' writes in it commit
        together or not at all (each of theirs becomes a savepoint in it). The write
        lock is taken as the block begins, so a busy database fails there, before any
        write."""
        with write_transaction(self.db):
            yield

    def save_screened(self, screened: ScreenedEntry, now: datetime) -> SavedEntry:
        """Save one entry's article and put the entry in its item, in one transaction
        (so a crash loses at most the entry in hand)."""
        with self.transaction():
            self.articles.save(screened.article, screened.attempts, now)
            item = screened.item
            if isinstance(item, NewItem):
                return SavedEntry(self.items.create(item, now))
            promoted = self.items.join(
                item.item_id, item.entry_id, item.relevance, now, item.reason
            )
            return SavedEntry(item.item_id, promoted is not None)

    def integrity_ok(self) -> bool:
        """PRAGMA integrity_check says 'ok'."""
        with translate_errors(self.path):
            row = self.db.execute("PRAGMA integrity_check").fetchone()
        return bool(row) and row[0] == "ok"

    def close(self) -> None:
        self.db.close()
