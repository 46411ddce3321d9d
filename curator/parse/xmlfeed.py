"""RSS and Atom through feedparser, mapped onto `ParsedFeed` records.

feedparser's own sanitizer and relative-URI pass are off (they cost about a third
of its time); `text.sanitize_html` (nh3) does both instead.
"""

from __future__ import annotations

import io
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from xml.sax import SAXException

import feedparser

from curator import bounds
from curator.errors import ParseError
from curator.models import ParsedEntry, ParsedFeed
from curator.parse.fast_path import read_fast
from curator.parse.fields import (
    bounded_tags,
    entry_key,
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
    squeeze,
)


def parse_xml_feed(body: bytes, url: str, headers: dict[str, str], now: datetime) -> ParsedFeed:
    """Parse RSS/Atom bytes; fatal problems raise ParseError, survivable ones warn.
    Well-formed RSS 2.0 and Atom 1.0 take lxml's fast path, the rest feedparser."""
    headers = _feedparser_headers(headers)
    fast = read_fast(body, headers)
    if fast is not None:
        return _parsed_feed(fast.title, fast.link, fast.entries, url, now, warning=None)
    return parse_with_feedparser(body, url, headers, now)


def parse_with_feedparser(
    body: bytes, url: str, headers: dict[str, str], now: datetime
) -> ParsedFeed:
    """Any RSS or Atom feedparser reads (`headers` as `_feedparser_headers` makes them)."""
    try:
        parsed = feedparser.parse(
            io.BytesIO(body),  # never the bytes themselves: feedparser would open a path
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as e:  # feedparser's internals raise anything on hostile input
        raise ParseError(url, f"feedparser failed: {type(e).__name__}: {e}") from e
    error = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if _fatal(parsed, error):
        raise ParseError(url, f"not a feed ({describe(error) or 'no RSS, Atom or JSON Feed root'})")
    feed = parsed.feed
    return _parsed_feed(
        feed.get("title", ""), feed.get("link"), parsed.entries, url, now, warning=describe(error)
    )


def _parsed_feed(
    title: str,
    link: str | None,
    raws: Sequence[Any],
    url: str,
    now: datetime,
    *,
    warning: str | None,
) -> ParsedFeed:
    """The feed's record from what a parser read (feedparser's entries or the fast
    path's, which have the same keys)."""
    refuse_entry_count(len(raws), url)  # what the parser read, prefixes and all
    entries, skipped = unique_entries(raws, lambda raw: _entry(raw, url, now))
    return ParsedFeed(
        title=line_text(title, bounds.MAX_TITLE),
        link=clean_link(link, url),
        entries=entries,
        warning=warning,
        skipped_entries=skipped,
    )


def _fatal(parsed: Any, error: Exception | None) -> bool:
    """Nothing read, and no feed root or XML so broken not even a title survived.
    Survivable: entries were read, or only the encoding, content type or an
    undefined entity was odd (feedparser's loose parser copes)."""
    if parsed.entries:
        return False
    if not parsed.get("version"):
        return True
    feed = parsed.feed
    return isinstance(error, SAXException) and not (feed.get("title") or feed.get("link"))


def _feedparser_headers(headers: dict[str, str]) -> dict[str, str]:
    # No content-location: feedparser would resolve every link against it (a third
    # of its time); clean_link resolves the few relative ones instead.
    result = {k.lower(): v for k, v in headers.items() if k.lower() != "content-location"}
    result.setdefault("content-type", "application/xml")  # the XML declaration names the charset
    return result


def _entry(raw: Any, feed_url: str, now: datetime) -> ParsedEntry:
    link = clean_link(raw.get("link"), feed_url)
    title = line_text(raw.get("title", ""), bounds.MAX_TITLE)
    published = _utc(raw.get("published_parsed"), now)
    # dict.get: FeedParserDict.get would fall back to the published date, with a warning
    updated = _utc(dict.get(raw, "updated_parsed"), now)
    content_html = _content_html(raw, feed_url)
    summary_html = _field_html(
        raw.get("summary_detail"), raw.get("summary", ""), feed_url, bounds.MAX_SUMMARY
    )
    title, summary_text = title_and_summary(title, summary_html, content_html)
    return ParsedEntry(
        key=entry_key(raw.get("id"), link, title, published or updated),
        url=link,
        title=title,
        author=line_text(raw.get("author", ""), bounds.MAX_AUTHOR) or None,
        published_at=published or updated,
        updated_at=updated,
        summary_html=summary_html,
        summary_text=summary_text,
        content_html=content_html,
        image_url=_image(raw, feed_url),
        tags=bounded_tags(tag.get("term") or tag.get("label") or "" for tag in raw.get("tags", [])),
    )


def _content_html(raw: Any, base: str) -> str:
    contents = raw.get("content") or []
    best = next((c for c in contents if "html" in str(c.get("type", ""))), None)
    best = best or (contents[0] if contents else None)
    if best is None:
        return ""
    return _field_html(best, best.get("value", ""), base, bounds.MAX_CONTENT)


def _field_html(detail: Any, value: str, base: str, limit: int) -> str:
    """Sanitised HTML for a feed text construct, at most `limit` characters as sent;
    plain text is escaped, not parsed."""
    if not value:
        return ""
    detail = detail or {}
    if detail.get("type") == "text/plain":
        return bounded_escaped(value, limit)
    return bounded_html(value, detail.get("base") or base, limit)


def _utc(parsed: time.struct_time | None, now: datetime) -> datetime | None:
    """feedparser's UTC struct_time -> aware datetime; impossible dates -> None."""
    if not parsed:
        return None
    try:
        return sane_date(datetime(*parsed[:6], tzinfo=UTC), now)
    except (ValueError, TypeError, OverflowError):
        return None


def _image(raw: Any, base: str) -> str | None:
    candidates = [m.get("url") for m in raw.get("media_thumbnail", []) or []]
    candidates += [
        m.get("url")
        for m in raw.get("media_content", []) or []
        if m.get("medium") == "image" or str(m.get("type", "")).startswith("image/")
    ]
    candidates += [
        e.get("href")
        for e in raw.get("enclosures", [])
        if str(e.get("type", "")).startswith("image/")
    ]
    return next((link for link in (clean_link(c, base) for c in candidates) if link), None)


def describe(error: Any) -> str | None:
    """One line for a feedparser bozo exception."""
    if error is None:
        return None
    text = squeeze(str(error))
    return f"{type(error).__name__}: {text}"[:300] if text else type(error).__name__
