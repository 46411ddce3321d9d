"""Full-text search (SQLite FTS5) over items and posts, with snippets.

Every word the user types is quoted, so `"drop table` or `AND OR` are words to
find, never query syntax. Each table answers with the best of its newest 1,000
matches, so a word found in every item still answers at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from curator.errors import CuratorError
from curator.store.database import translate_errors

_ITEM_HIT = """SELECT items.id, items.title, items.state, snippet(items_fts, -1, '[', ']', '…', 12)
    FROM items_fts JOIN items ON items.rowid = items_fts.rowid
    WHERE items_fts MATCH ? AND items_fts.rowid = ?"""
_POST_HIT = """SELECT posts.item_id, posts.title, posts.slug, posts.retracted_at,
    snippet(posts_fts, -1, '[', ']', '…', 12)
    FROM posts_fts JOIN posts ON posts.rowid = posts_fts.rowid
    WHERE posts_fts MATCH ? AND posts_fts.rowid = ?"""


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "item" or "post"
    item_id: int
    title: str
    snippet: str
    state: str
    slug: str | None = None


def search_all(db: sqlite_utils.Database, query: str, limit: int = 20) -> list[SearchHit]:
    """Full-text search over posts and items; every word is quoted, so any text
    is a safe query. The best `limit` of the newest 1,000 matches of each, so a
    word found in every item still answers at once."""
    match = fts_query(query)
    with translate_errors("search"):
        posts = [
            db.execute(_POST_HIT, [match, rowid]).fetchone()
            for rowid in _best(db, match, "posts_fts", limit)
        ]
        items = [
            db.execute(_ITEM_HIT, [match, rowid]).fetchone()
            for rowid in _best(db, match, "items_fts", limit)
        ]
    hits = [
        SearchHit("post", i, t, snip, "retracted" if gone else "published", slug)
        for i, t, slug, gone, snip in posts
    ]
    hits += [SearchHit("item", i, t, snip, state) for i, t, state, snip in items]
    return hits[:limit]


def _best(db: sqlite_utils.Database, match: str, table: str, limit: int) -> list[int]:
    sql = (
        f"SELECT rowid FROM (SELECT rowid, rank FROM {table} WHERE {table} MATCH ? "
        "ORDER BY rowid DESC LIMIT 1000) ORDER BY rank LIMIT ?"
    )
    return [row[0] for row in db.execute(sql, [match, limit]).fetchall()]


def fts_query(text: str) -> str:
    """User text -> an FTS5 query of quoted words (implicit AND)."""
    words = [w.replace('"', '""') for w in text.split()]
    if not words:
        raise CuratorError("search: the query is empty")
    return " ".join(f'"{w}"' for w in words)
