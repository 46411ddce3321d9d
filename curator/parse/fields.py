"""Entry identity and dates, the same for every feed format."""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from feedparser.datetimes import _parse_date as feedparser_date  # its RFC 822 and W3DTF readers

from curator import bounds
from curator.models import ParsedEntry
from curator.parse.text import line_text, sanitized_text

# A date further ahead than this is a publisher's mistake; first-seen stands in.
FUTURE_SLACK = timedelta(days=1)
MAX_KEY_LENGTH = 2000
# What a hostile entry can make a field reader raise; the entry is skipped, not the feed.
ENTRY_ERRORS = (ValueError, TypeError, KeyError, AttributeError, OverflowError)


def unique_entries(
    raws: Iterable[Any], build: Callable[[Any], ParsedEntry]
) -> tuple[tuple[ParsedEntry, ...], int]:
    """`build` each raw entry; one that fails, or repeats a key, is skipped (the
    first of a repeated id wins). Returns the entries and how many were skipped."""
    entries: dict[str, ParsedEntry] = {}
    skipped = 0
    for raw in raws:
        try:
            entry = build(raw)
        except ENTRY_ERRORS:
            skipped += 1
            continue
        if entry.key in entries:
            skipped += 1
            continue
        entries[entry.key] = entry
    return tuple(entries.values()), skipped


def entry_key(given: object, link: str | None, title: str, moment: datetime | None) -> str:
    """The entry's id/guid, else its normalised link, else a hash of title and date."""
    text = str(given or "").strip()
    if text:
        return text[:MAX_KEY_LENGTH]
    if link:
        return link
    if not title and moment is None:
        raise ValueError("an entry with no id, link, title or date has no identity")
    stamp = moment.isoformat() if moment else ""
    return "sha256:" + hashlib.sha256(f"{title}\x00{stamp}".encode()).hexdigest()


def sane_date(moment: datetime | None, now: datetime) -> datetime | None:
    """`moment` in UTC (naive means UTC); far-future dates count as missing."""
    if moment is None:
        return None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return None if moment > now + FUTURE_SLACK else moment


def read_date(value: object) -> datetime | None:
    """A date as a feed writes it, by the rule the XML path follows (RFC 3339, RFC
    822 and what else feedparser reads); None when it cannot be read."""
    if not isinstance(value, str) or not value.strip():
        return None
    with contextlib.suppress(ValueError):
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    parsed: time.struct_time | None = feedparser_date(value)  # in UTC
    try:
        return datetime(*parsed[:6], tzinfo=UTC) if parsed else None
    except (ValueError, OverflowError):
        return None


def bounded_tags(labels: Iterable[object]) -> tuple[str, ...]:
    """At most bounds.MAX_TAGS distinct labels of at most bounds.MAX_TAG characters."""
    kept: dict[str, None] = {}
    for label in labels:  # stops at the limit: a hostile entry may carry 100,000 tags
        tag = line_text(str(label), bounds.MAX_TAG)
        if tag:
            kept[tag] = None
            if len(kept) == bounds.MAX_TAGS:
                break
    return tuple(kept)


def title_and_summary(title: str, summary_html: str, content_html: str) -> tuple[str, str]:
    """The entry's title, or with none the start of its summary; and its plain-text
    summary: the summary's text, else the content's first 600 characters. Both HTML
    fragments are sanitised or escaped already, so no second HTML parse is needed."""
    summary_text = sanitized_text(summary_html) or sanitized_text(content_html)[:600]
    title = title or bounds.one_line(summary_text, 120)
    return title, bounds.clip(summary_text, bounds.MAX_SUMMARY)
