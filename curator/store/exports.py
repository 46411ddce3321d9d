"""The store's side of the export: published posts, and the related posts chosen for them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, NamedTuple

import sqlite_utils

from curator.errors import StoreError
from curator.models import Post
from curator.store.database import translate_errors, write_transaction
from curator.store.posts import image_from_json
from curator.store.times import from_db

_COLUMNS = (
    "id, item_id, slug, title, body_markdown, body_html, source_url, source_name, "
    "image_url, tags, editor, published_at, updated_at, related, image, also_covered_by"
)


class PostsState(NamedTuple):
    live: int
    max_id: int | None
    id_total: float
    last_updated: str | None
    last_retracted: str | None
    with_related: int
    related_length: float

    def posts_only(self) -> tuple[object, ...]:
        """The summary without the related posts (which the export itself writes)."""
        return tuple(self)[:5]


class ExportStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def published_posts(self) -> list[Post]:
        """Every live (not retracted) post, newest first."""
        sql = (
            f"SELECT {_COLUMNS} FROM posts WHERE retracted_at IS NULL "
            "ORDER BY published_at DESC, id DESC"
        )
        with translate_errors("posts"):
            return [_post(row) for row in self.db.execute(sql).fetchall()]

    def posts_without_related(self) -> set[int]:
        """Live posts whose related posts were never chosen."""
        sql = "SELECT id FROM posts WHERE retracted_at IS NULL AND related IS NULL"
        with translate_errors("posts"):
            return {row[0] for row in self.db.execute(sql).fetchall()}

    def save_related(self, related: Mapping[int, tuple[str, ...]]) -> None:
        """Remember the related posts chosen for each post id (one transaction)."""
        rows = [(json.dumps(list(slugs)), post_id) for post_id, slugs in related.items()]
        with translate_errors("posts"), write_transaction(self.db):
            self.db.conn.executemany("UPDATE posts SET related = ? WHERE id = ?", rows)

    def state(self) -> PostsState:
        """A summary that changes whenever a post is published, edited (its `updated_at`
        moves), retracted or given related posts."""
        sql = (
            "SELECT count(*) FILTER (WHERE retracted_at IS NULL), max(id), total(id), "
            "max(updated_at), max(retracted_at), count(related), total(length(related)) "
            "FROM posts"
        )
        with translate_errors("posts"):
            return PostsState(*self.db.execute(sql).fetchone())

    def image_data(self, item_id: int, width: int) -> bytes:
        """The bytes of one rendition of a post's lead image."""
        sql = "SELECT data FROM post_images WHERE item_id = ? AND width = ?"
        with translate_errors("post_images"):
            row = self.db.execute(sql, [item_id, width]).fetchone()
        if row is None:
            raise StoreError(f"item {item_id}: no {width}px image")
        return bytes(row[0])

    def last_change(self) -> datetime | None:
        """When any post was last published, edited or retracted."""
        sql = "SELECT max(max(updated_at), coalesce(max(retracted_at), '')) FROM posts"
        with translate_errors("posts"):
            row = self.db.execute(sql).fetchone()
        return from_db(row[0]) if row and row[0] else None


def _post(row: tuple[Any, ...]) -> Post:
    (
        post_id,
        item_id,
        slug,
        title,
        markdown,
        html,
        source_url,
        source_name,
        image_url,
        tags,
        editor,
        published_at,
        updated_at,
        related,
        image,
        also_covered_by,
    ) = row
    return Post(
        id=post_id,
        item_id=item_id,
        slug=slug,
        title=title,
        body_markdown=markdown,
        body_html=html,
        source_url=source_url,
        source_name=source_name,
        image_url=image_url,
        tags=tuple(json.loads(tags or "[]")),
        editor=editor,
        published_at=from_db(published_at) or _missing(slug, "published_at"),
        updated_at=from_db(updated_at) or _missing(slug, "updated_at"),
        related_slugs=tuple(json.loads(related or "[]")),
        image=image_from_json(image),
        also_covered_by=tuple(json.loads(also_covered_by or "[]")),
    )


def _missing(slug: str, column: str) -> datetime:
    raise StoreError(f"post {slug!r}: {column} is empty")
