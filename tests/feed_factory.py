"""Feeds made to order for the ingestion tests: RSS 2.0 bytes with N entries,
and a small werkzeug app that serves a dict of path -> body (switchable mid-test)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

from werkzeug import Request, Response

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def rss(
    count: int,
    *,
    prefix: str = "story",
    changed: dict[int, str] | None = None,
    encoding: str = "utf-8",
    title: str = "Recovery News",
) -> bytes:
    """An RSS 2.0 feed of `count` items with guids `<prefix>-<i>`; `changed` replaces
    the description of some items (to make a changed entry)."""
    changed = changed or {}
    items = "".join(
        f"<item><title>{escape(f'{prefix} {i}: naloxone saves lives')}</title>"
        f"<link>https://news.example.org/{prefix}/{i}?utm_source=rss</link>"
        f"<guid isPermaLink='false'>{prefix}-{i}</guid>"
        f"<pubDate>{format_datetime(START - timedelta(hours=i))}</pubDate>"
        f"<description>{escape(changed.get(i, f'<p>Item {i} about recovery.</p>'))}</description>"
        "</item>"
        for i in range(count)
    )
    head = f"<?xml version='1.0' encoding='{encoding}'?>"
    channel = f"<channel><title>{escape(title)}</title><link>https://news.example.org/</link>"
    return (head + f"<rss version='2.0'>{channel}{items}</channel></rss>").encode(encoding)


def minimal_rss(count: int) -> bytes:
    """The smallest RSS 2.0 items (title and guid): for tests of size, not content."""
    items = "".join(f"<item><title>t{i}</title><guid>g{i}</guid></item>" for i in range(count))
    return f"<rss version='2.0'><channel><title>big</title>{items}</channel></rss>".encode()


class FeedApp:
    """Serves `bodies[path]` with an ETag, answering 304 to a matching If-None-Match.
    Tests change `bodies` between polls; `hits` counts requests per path."""

    def __init__(self, bodies: dict[str, bytes] | None = None) -> None:
        self.bodies = dict(bodies or {})
        self.routes: dict[str, Callable[[Request], Response]] = {}  # odd answers by path
        self.hits: dict[str, int] = {}
        self.etags = True

    def __call__(self, request: Request) -> Response:
        self.hits[request.path] = self.hits.get(request.path, 0) + 1
        if request.path in self.routes:
            return self.routes[request.path](request)
        body = self.bodies.get(request.path)
        if body is None:
            return Response("not found", status=404)
        etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
        if self.etags and request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        headers = {"ETag": etag} if self.etags else {}
        return Response(body, content_type="application/rss+xml", headers=headers)
