"""Posts for the export tests, written straight into the posts table (as the desk would)."""

from __future__ import annotations

import functools
import hashlib
import html
import io
import json
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from PIL import Image

from curator.desk.images import renditions_of
from curator.models import LeadImage, Rendition
from curator.store import Store
from curator.store.posts import image_to_json
from curator.store.times import to_db

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
_serial = count(1)


def add_post(store: Store, title: str = "Naloxone now sold over the counter", **fields: Any) -> int:
    """Insert an item and its post; returns the post id. Fields override the defaults."""
    n = next(_serial)  # unique across tests: slugs and URLs
    hours = store.db["posts"].count + 1  # per database: the n-th post, n hours after START
    published = fields.pop("published_at", START + timedelta(hours=hours))
    body = fields.pop("body_markdown", f"The editor's words about {title}.")
    item_id = (
        store.db["items"]
        .insert(
            {
                "title": title,
                "url": f"https://news.example.com/{n}",
                "first_seen_at": to_db(published),
            }
        )
        .last_pk
    )
    row = {
        "item_id": item_id,
        "slug": f"post-{n}",
        "title": title,
        "body_markdown": body,
        "body_html": f"<p>{html.escape(body)}</p>",
        "source_url": f"https://news.example.com/{n}",
        "source_name": "Example News",
        "image_url": None,
        "tags": [],
        "editor": "ana",
        "published_at": published,
        "updated_at": published,
        "retracted_at": None,
        "related": None,
    }
    row.update(fields)
    return store.db["posts"].insert(_encode(row)).last_pk


def edit_post(store: Store, post_id: int, **fields: Any) -> None:
    store.db["posts"].update(post_id, _encode(fields))


def _encode(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in row.items():
        if isinstance(value, datetime):
            value = to_db(value)
        elif key in ("tags", "related") and value is not None:
            value = json.dumps(list(value))
        out[key] = value
    return out


def photo(width: int = 1000, height: int = 600, kind: str = "JPEG", **info: Any) -> bytes:
    """A real image made with Pillow: a gradient, so it is not a blank."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    image.save(out, kind, **info)
    return out.getvalue()


@functools.cache
def _renditions() -> tuple[Rendition, ...]:
    return renditions_of(photo(), "https://img.example.com/photo.jpg")  # 0.15 s: made once


def add_image(
    store: Store, post_id: int, alt: str = "A pharmacist hands over a kit", credit: str = ""
) -> LeadImage:
    """Give a post a lead image as publishing would: renditions made from a real photo."""
    renditions = _renditions()
    digest = hashlib.sha256(b"".join(r.data for r in renditions)).hexdigest()
    image = LeadImage(tuple((r.width, r.height) for r in renditions), alt, credit, digest)
    item_id = store.db["posts"].get(post_id)["item_id"]
    for r in renditions:
        store.db["post_images"].insert(
            {"item_id": item_id, "width": r.width, "height": r.height, "data": r.data}
        )
    store.db["posts"].update(post_id, {"image": image_to_json(image)})
    return image
