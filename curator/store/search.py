"""Full-text search (SQLite FTS5) over items and posts, with snippets.

Every word the user types is quoted, so `"drop table` or `AND OR` are words to
find, never query syntax. Each table answers with the best of its newest 1,000
matches, so a word found in every item still answers at once.
"""

from __future__ import annotations

import re
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
# The text a match must be found in once links are taken out (see `_outside_links`).
_SEARCHED = {
    "items_fts": "SELECT rowid, title || ' ' || summary || ' ' || description FROM items",
    "posts_fts": "SELECT rowid, title || ' ' || body_markdown FROM posts",
}
_LINK = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "item" or "post"
    item_id: int
    title: str
    snippet: str  # one line; the words found in [brackets]
    state: str
    slug: str | None = None


@dataclass(frozen=True)
class SearchPage:
    """The best `limit` hits, and how many there are in all (of the newest 1,000 a table)."""

    hits: list[SearchHit]
    total: int


def search_all(db: sqlite_utils.Database, query: str, limit: int = 20) -> SearchPage:
    """Full-text search over posts and items; every word is quoted, so any text
    is a safe query. The best `limit` of the newest 1,000 matches of each, so a
    word found in every item still answers at once. A word found only inside a
    link (`naloxone` in `https://.../naloxone-study`) is no match."""
    match, words = fts_query(query), _words(query)
    with translate_errors("search"):
        post_ids, posts_found = _found(db, match, "posts_fts", words, limit)
        item_ids, items_found = _found(db, match, "items_fts", words, limit - len(post_ids))
        posts = [db.execute(_POST_HIT, [match, rowid]).fetchone() for rowid in post_ids]
        items = [db.execute(_ITEM_HIT, [match, rowid]).fetchone() for rowid in item_ids]
    hits = [
        SearchHit("post", i, t, _one_line(snip), "retracted" if gone else "published", slug)
        for i, t, slug, gone, snip in posts
    ]
    hits += [SearchHit("item", i, t, _one_line(snip), state) for i, t, state, snip in items]
    return SearchPage(hits, posts_found + items_found)


def _found(
    db: sqlite_utils.Database, match: str, table: str, words: list[str], limit: int
) -> tuple[list[int], int]:
    """The best `limit` of the newest 1,000 matches, without those found only in links,
    and how many matches there are (less those seen to be only in links)."""
    sql = (
        f"SELECT rowid FROM (SELECT rowid, rank FROM {table} WHERE {table} MATCH ? "
        "ORDER BY rowid DESC LIMIT 1000) ORDER BY rank"
    )
    ranked = [row[0] for row in db.execute(sql, [match]).fetchall()]
    kept: list[int] = []
    start = 0
    while len(kept) < limit and start < len(ranked):  # texts read only as far as needed
        batch = ranked[start : start + limit]
        marks = ", ".join("?" for _ in batch)
        texts = dict(db.execute(f"{_SEARCHED[table]} WHERE rowid IN ({marks})", batch).fetchall())
        kept += [rowid for rowid in batch if _outside_links(texts.get(rowid) or "", words)]
        start += len(batch)
    return kept[:limit], len(ranked) - (start - len(kept))


def _outside_links(text: str, words: list[str]) -> bool:
    """Whether every word is in the text outside its links."""
    if "://" not in text and "www." not in text.lower():  # most texts: nothing to take out
        return True
    found = set(_WORD.findall(_LINK.sub(" ", text).casefold()))
    return all(word in found for word in words)


def _words(query: str) -> list[str]:
    return _WORD.findall(query.casefold())


def _one_line(snippet: str) -> str:
    return " ".join(snippet.split())


def fts_query(text: str) -> str:
    """User text -> an FTS5 query of quoted words (implicit AND)."""
    words = [w.replace('"', '""') for w in text.split()]
    if not words:
        raise CuratorError("search: the query is empty")
    return " ".join(f'"{w}"' for w in words)
