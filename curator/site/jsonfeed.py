"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1), with the json module."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from curator.site.settings import SiteSettings
from curator.site.templates import entry_html
from curator.site.views import PostView

VERSION = "https://jsonfeed.org/version/1.1"


def json_feed(
    settings: SiteSettings, feed_path: str, home_path: str, posts: Sequence[PostView]
) -> bytes:
    document = {
        "version": VERSION,
        "title": settings.title,
        "home_page_url": settings.url(home_path),
        "feed_url": settings.url(feed_path),
        "description": settings.description,
        "language": settings.language,
        "authors": [{"name": settings.author}],
        "items": [_item(settings, post) for post in posts],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _item(settings: SiteSettings, post: PostView) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": post.uid,
        "url": settings.url(post.page),
        "title": post.title,
        "content_html": entry_html(post, settings.base_url),
        "summary": post.excerpt,
        "date_published": post.published_at.isoformat(timespec="seconds"),
        "date_modified": post.updated_at.isoformat(timespec="seconds"),
        "authors": [{"name": post.author}],
        "tags": [tag.label for tag in post.tags],
    }
    if post.source_url:
        item["external_url"] = post.source_url
    if post.image_url:
        item["image"] = post.image_url
    return item
