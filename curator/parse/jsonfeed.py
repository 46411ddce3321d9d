"""JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1), which feedparser 6.0 lacks."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from curator.errors import ParseError
from curator.models import ParsedEntry, ParsedFeed
from curator.parse.fields import entry_key, sane_date, unique_entries
from curator.parse.text import (
    clean_link,
    escape_text,
    plain_text,
    sanitize_html,
    sanitized_text,
)


def looks_like_json(body: bytes) -> bool:
    """A JSON body, by its first byte (content types lie in both directions)."""
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def parse_json_feed(body: bytes, url: str, now: datetime) -> ParsedFeed:
    """Parse a JSON Feed; anything else that is JSON is not a feed."""
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as e:
        raise ParseError(url, f"not a feed (invalid JSON: {e})") from e
    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(version, str) or "jsonfeed.org" not in version:
        raise ParseError(url, "not a feed (JSON without a jsonfeed.org version)")
    items = document.get("items")
    if not isinstance(items, list):
        raise ParseError(url, "not a feed (JSON Feed without an items list)")
    entries, skipped = unique_entries(items, lambda item: _entry(item, url, now))
    return ParsedFeed(
        title=plain_text(str(document.get("title") or "")),
        link=clean_link(document.get("home_page_url"), url),
        entries=entries,
        skipped_entries=skipped,
    )


def _entry(item: dict[str, Any], feed_url: str, now: datetime) -> ParsedEntry:
    link = clean_link(item.get("url") or item.get("external_url"), feed_url)
    title = plain_text(str(item.get("title") or ""))
    published = sane_date(_date(item.get("date_published")), now)
    updated = sane_date(_date(item.get("date_modified")), now)
    content_html = _content(item, feed_url)
    summary = str(item.get("summary") or "")
    summary_html = escape_text(summary) if summary else ""
    # both are sanitised or escaped already: no second HTML parse for their text
    summary_text = sanitized_text(summary_html) or sanitized_text(content_html)[:600]
    return ParsedEntry(
        key=entry_key(item.get("id"), link, title, published or updated),
        url=link,
        title=title or summary_text[:120],
        author=_author(item),
        published_at=published or updated,
        updated_at=updated,
        summary_html=summary_html,
        summary_text=summary_text,
        content_html=content_html,
        image_url=clean_link(item.get("image") or item.get("banner_image"), feed_url),
        tags=tuple(str(t)[:100] for t in item.get("tags") or [] if str(t).strip()),
    )


def _content(item: dict[str, Any], base: str) -> str:
    if item.get("content_html"):
        return sanitize_html(str(item["content_html"]), base)
    if item.get("content_text"):
        return escape_text(str(item["content_text"]))
    return ""


def _date(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _author(item: dict[str, Any]) -> str | None:
    authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
    names = [str(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name")]
    return ", ".join(names) or None
