"""The store for published posts: publish, retract, list, get.

Publishing writes the post and moves its item to `published` in one
transaction, against the item version the editor read.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlite_utils

from curator.errors import PostNotFound
from curator.models import ItemChange, LeadImage, Post, Rendition
from curator.store.database import translate_errors, write_transaction
from curator.store.item_changes import apply_change
from curator.store.times import from_db, to_db


class PostStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def publish(self, change: ItemChange, post: Post, renditions: Sequence[Rendition] = ()) -> Post:
        """Insert `post` (its id is ignored) with its lead image's `renditions`, and
        apply `change` to its item."""
        rows = [(post.item_id, r.width, r.height, r.data) for r in renditions]
        with translate_errors("posts"), write_transaction(self.db):
            apply_change(self.db, change)
            self.db.execute("DELETE FROM post_images WHERE item_id = ?", [post.item_id])
            self.db.conn.executemany("INSERT INTO post_images VALUES (?, ?, ?, ?)", rows)
            self.db.table("posts").insert(_row(post))
        return self.get(post.slug)

    def retract(self, slug: str, change: ItemChange, now: datetime) -> Post:
        """Mark the post retracted (it stays, for the record) and apply `change`."""
        with translate_errors("posts"), write_transaction(self.db):
            apply_change(self.db, change)
            self.db.execute(
                "UPDATE posts SET retracted_at = ?, updated_at = ? WHERE slug = ?",
                [to_db(now), to_db(now), slug],
            )
        return self.get(slug)

    def get(self, slug: str) -> Post:
        with translate_errors("posts"):
            rows = list(self.db.query("SELECT * FROM posts WHERE slug = ?", [slug]))
        if not rows:
            raise PostNotFound(slug)
        return post_from_row(rows[0])

    def find(self, slug_or_item: str) -> Post:
        """The post with this slug, else (for a number) the latest post of that item."""
        if not slug_or_item.isdigit() or self.slug_taken(slug_or_item):
            return self.get(slug_or_item)
        sql = "SELECT * FROM posts WHERE item_id = ? ORDER BY id DESC LIMIT 1"
        with translate_errors("posts"):
            rows = list(self.db.query(sql, [int(slug_or_item)])) if len(slug_or_item) < 19 else []
        if not rows:
            raise PostNotFound(slug_or_item)
        return post_from_row(rows[0])

    def list(self, include_retracted: bool = False, limit: int = 100) -> list[Post]:
        """Posts, newest first."""
        where = "" if include_retracted else "WHERE retracted_at IS NULL"
        sql = f"SELECT * FROM posts {where} ORDER BY published_at DESC, id DESC LIMIT ?"
        with translate_errors("posts"):
            return [post_from_row(row) for row in self.db.query(sql, [limit])]

    def count(self, include_retracted: bool = False) -> int:
        """How many posts `list` would show without its limit."""
        where = "" if include_retracted else "WHERE retracted_at IS NULL"
        with translate_errors("posts"):
            return int(self.db.execute(f"SELECT count(*) FROM posts {where}").fetchone()[0])

    def slug_taken(self, slug: str) -> bool:
        with translate_errors("posts"):
            row = self.db.execute("SELECT 1 FROM posts WHERE slug = ?", [slug]).fetchone()
        return row is not None


def _row(post: Post) -> dict[str, Any]:
    return {
        "item_id": post.item_id,
        "slug": post.slug,
        "title": post.title,
        "body_markdown": post.body_markdown,
        "body_html": post.body_html,
        "source_url": post.source_url,
        "source_name": post.source_name,
        "image_url": post.image_url,
        "tags": json.dumps(list(post.tags)),
        "editor": post.editor,
        "published_at": to_db(post.published_at),
        "updated_at": to_db(post.updated_at),
        "retracted_at": to_db(post.retracted_at),
        "related": json.dumps(list(post.related_slugs)) if post.related_slugs else None,
        "image": image_to_json(post.image),
        "also_covered_by": json.dumps(list(post.also_covered_by)) if post.also_covered_by else None,
    }


def image_to_json(image: LeadImage | None) -> str | None:
    return json.dumps(dataclasses.asdict(image)) if image else None


def image_from_json(text: str | None) -> LeadImage | None:
    if not text:
        return None
    fields = json.loads(text)
    sizes = tuple((int(w), int(h)) for w, h in fields["sizes"])
    return LeadImage(sizes, str(fields["alt"]), str(fields["credit"]), str(fields["digest"]))


def post_from_row(row: dict[str, Any]) -> Post:
    published, updated = from_db(row["published_at"]), from_db(row["updated_at"])
    assert published is not None and updated is not None
    return Post(
        id=row["id"],
        item_id=row["item_id"],
        slug=row["slug"],
        title=row["title"],
        body_markdown=row["body_markdown"],
        body_html=row["body_html"],
        source_url=row["source_url"],
        source_name=row["source_name"],
        tags=tuple(json.loads(row["tags"])),
        editor=row["editor"],
        published_at=published,
        updated_at=updated,
        image_url=row["image_url"],
        retracted_at=from_db(row["retracted_at"]),
        related_slugs=tuple(json.loads(row["related"] or "[]")),
        image=image_from_json(row["image"]),
        also_covered_by=tuple(json.loads(row.get("also_covered_by") or "[]")),
    )
