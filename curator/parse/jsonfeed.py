"""JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1), which feedparser 6.0 lacks."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from curator import bounds
from curator.errors import ParseError
from curator.models import ParsedEntry, ParsedFeed
from curator.parse.fields import (
    bounded_tags,
    entry_key,
    read_date,
    sane_date,
    title_and_summary,
    unique_entries,
)
from curator.parse.guards import refuse_entry_count
from curator.parse.text import (
    bounded_escaped,
    bounded_html,
    clean_link,
    line_text,
)


def looks_like_json(body: bytes) -> bool:
    """A JSON body, by its first byte (content types lie in both directions)."""
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def parse_json_feed(body: bytes, url: str, now: datetime) -> ParsedFeed:
    """Parse a JSON Feed; anything else that is JSON is not a feed."""
    document = _load(body, url)
    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(version, str) or "jsonfeed.org" not in version:
        if isinstance(document, dict) and "rss" in document:
            raise ParseError(url, "not a feed (RSS written as JSON, not a JSON Feed)")
        raise ParseError(url, "not a feed (JSON without a jsonfeed.org version)")
    items = document.get("items")
    if not isinstance(items, list):
        raise ParseError(url, "not a feed (JSON Feed without an items list)")
    refuse_entry_count(len(items), url)
    entries, skipped = unique_entries(items, lambda item: _entry(item, url, now))
    return ParsedFeed(
        title=line_text(str(document.get("title") or ""), bounds.MAX_TITLE),
        link=clean_link(document.get("home_page_url"), url),
        entries=entries,
        skipped_entries=skipped,
    )


def _load(body: bytes, url: str) -> Any:
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as e:
        raise ParseError(url, f"not a feed (invalid JSON: {e})") from e
    except RecursionError as e:  # json's C reader recurses once a level
        raise ParseError(url, "not a feed (JSON nested too deeply)") from e


def _entry(item: dict[str, Any], feed_url: str, now: datetime) -> ParsedEntry:
    link = clean_link(item.get("url") or item.get("external_url"), feed_url)
    title = line_text(str(item.get("title") or ""), bounds.MAX_TITLE)
    published = sane_date(read_date(item.get("date_published")), now)
    updated = sane_date(read_date(item.get("date_modified")), now)
    content_html = _content(item, feed_url)
    summary = str(item.get("summary") or "")
    summary_html = bounded_escaped(summary, bounds.MAX_SUMMARY) if summary else ""
    title, summary_text = title_and_summary(title, summary_html, content_html)
    return ParsedEntry(
        key=entry_key(item.get("id"), link, title, published or updated),
        url=link,
        title=title,
        author=_author(item),
        published_at=published or updated,
        updated_at=updated,
        summary_html=summary_html,
        summary_text=summary_text,
        content_html=content_html,
        image_url=clean_link(item.get("image") or item.get("banner_image"), feed_url),
        tags=bounded_tags(item.get("tags") or []),
    )


def _content(item: dict[str, Any], base: str) -> str:
    if item.get("content_html"):
        return bounded_html(str(item["content_html"]), base, bounds.MAX_CONTENT)
    if item.get("content_text"):
        return bounded_escaped(str(item["content_text"]), bounds.MAX_CONTENT)
    return ""


def _author(item: dict[str, Any]) -> str | None:
    authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
    names = [str(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name")]
    return line_text(", ".join(names), bounds.MAX_AUTHOR) or None
