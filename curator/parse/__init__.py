"""Feed bytes -> `ParsedFeed`: entries with identities, clean URLs, UTC dates and
sanitised HTML. RSS 0.9x/1.0/2.0 and Atom (feedparser), and JSON Feed.

Entity tricks and HTML pages are refused before parsing; a broken entry is
skipped and counted, never sinking its feed.
"""

from __future__ import annotations

from datetime import datetime

from curator.errors import ParseError
from curator.models import ParsedFeed
from curator.parse.guards import (
    refuse_entity_declarations,
    refuse_html_page,
    refuse_too_many_entries,
)
from curator.parse.jsonfeed import looks_like_json, parse_json_feed
from curator.parse.text import plain_text, sanitize_html
from curator.parse.xmlfeed import parse_xml_feed

__all__ = ["parse_feed", "parse_feed_or_problem", "plain_text", "sanitize_html"]


def parse_feed(body: bytes, *, url: str, headers: dict[str, str], now: datetime) -> ParsedFeed:
    """Read one feed; raise ParseError (one line naming `url`) if it is not a feed."""
    if not body.strip():
        raise ParseError(url, "the body is empty")
    if looks_like_json(body):
        return parse_json_feed(body, url, now)
    refuse_entity_declarations(body, url)
    refuse_html_page(body, url)
    refuse_too_many_entries(body, url)
    return parse_xml_feed(body, url, headers, now)


def parse_feed_or_problem(
    body: bytes, url: str, headers: dict[str, str], now: datetime
) -> ParsedFeed | str:
    """parse_feed for a process pool: a ParseError comes back as its problem text,
    since an exception with two constructor arguments does not survive pickling."""
    try:
        return parse_feed(body, url=url, headers=headers, now=now)
    except ParseError as e:
        return e.problem
