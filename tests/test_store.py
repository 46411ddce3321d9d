"""The database file: WAL, foreign keys, migrations, and locked = one clear line."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from curator.errors import DatabaseLocked, StoreError
from curator.models import SourceUpdate
from curator.store import Store
from curator.store.database import translate_errors, write_transaction
from curator.store.times import from_db, to_db


def test_open_creates_schema_in_wal_mode(store: Store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    for table in ("sources", "entries", "items", "articles", "history", "drafts", "posts"):
        assert store.db[table].exists()
    assert store.integrity_ok()


def test_reopening_applies_no_migration_twice(tmp_path: Path):
    path = tmp_path / "c.db"
    Store.open(path).close()
    again = Store.open(path)
    names = [r[0] for r in again.db.execute("SELECT name FROM _sqlite_migrations")]
    assert len(names) == len(set(names))
    again.close()


def test_a_database_locked_past_the_busy_timeout_is_one_line(tmp_path: Path):
    path = tmp_path / "c.db"
    Store.open(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        store = Store.open(path, busy_timeout=timedelta(milliseconds=100))
        with (
            pytest.raises(DatabaseLocked, match="locked"),
            translate_errors(path),
            write_transaction(store.db),
        ):
            store.db.execute("INSERT INTO sources(url, name, created_at) VALUES ('u', 'n', 't')")
        store.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_writes_in_one_store_transaction_commit_together(store: Store, now):
    with store.transaction():
        added = store.sources.add("https://a.example/feed", name="A", now=now)
        store.sources.apply(
            SourceUpdate(added.id, now, "error", 500, next_poll_at=now, error="boom")
        )
    assert store.sources.get(added.id).last_error == "boom"


def test_a_store_transaction_that_fails_writes_nothing(store: Store, now):
    with pytest.raises(RuntimeError, match="half-way"), store.transaction():
        store.sources.add("https://a.example/feed", name="A", now=now)
        raise RuntimeError("half-way")
    assert store.sources.all() == []


def test_a_store_transaction_on_a_locked_database_fails_before_any_write(tmp_path: Path, now):
    path = tmp_path / "c.db"
    Store.open(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    store = Store.open(path, busy_timeout=timedelta(milliseconds=100))
    try:
        with pytest.raises(DatabaseLocked, match="locked"), store.transaction():
            pytest.fail("the block ran without the write lock")
    finally:
        store.close()
        holder.execute("ROLLBACK")
        holder.close()


def test_a_database_whose_folder_cannot_be_made_is_one_line(tmp_path: Path):
    (tmp_path / "plain-file").write_text("not a folder")
    path = tmp_path / "plain-file" / "curator.db"
    with pytest.raises(StoreError, match=r"plain-file/curator.db: cannot create its folder"):
        Store.open(path)


def test_history_is_append_only(store: Store):
    store.db.execute(
        "INSERT INTO items(title, url, first_seen_at) VALUES ('t', 'https://x.org/', '2026-01-01')"
    )
    store.db.execute(
        "INSERT INTO history(item_id, at, editor, to_state) VALUES (1, 'now', 'ana', 'new')"
    )
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("UPDATE history SET editor = 'eve'")


def test_times_round_trip_as_utc_text(now):
    text = to_db(now)
    assert text == "2026-12-01T12:00:00.000000+00:00"
    assert from_db(text) == now
    with pytest.raises(ValueError):
        to_db(now.replace(tzinfo=None))


def test_one_polls_entries_wait_for_extraction_by_source_whichever_feed_came_first(
    store: Store, now
):
    """Feeds answer in any order, so entry ids interleave by the network's timing; the
    stories they form (clustering is online) must not depend on it."""
    from curator.models import ParsedEntry

    first, second = (
        store.sources.add(f"https://{name}.example/feed", name=name, now=now) for name in "ab"
    )

    def parsed(host: str, keys: str) -> list[ParsedEntry]:
        return [
            ParsedEntry(k, f"https://{host}.example/{k}", k, None, now, None, "", "", "")
            for k in keys
        ]

    store.entries.upsert(second.id, parsed("b", "xy"), now)  # b's feed answered first
    store.entries.upsert(first.id, parsed("a", "pq"), now)
    store.entries.upsert(second.id, parsed("b", "z"), now + timedelta(hours=1))  # next poll

    assert [e.title for e in store.articles.pending(now + timedelta(hours=2), 10)] == [
        "p", "q", "x", "y", "z"
    ]  # fmt: skip
