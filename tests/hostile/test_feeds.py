"""Hostile feeds through parse_feed and the entries store, and through a real poll of
a 127.0.0.1 server. The feedparser corpus itself is tests/test_corpus.py's job."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime

import pytest
from feed_factory import FeedApp, minimal_rss
from pytest_httpserver import HTTPServer

from curator import bounds
from curator.config import Config
from curator.errors import ParseError
from curator.models import ParsedFeed
from curator.parse import parse_feed
from curator.poll import poll_due
from curator.poll.sources import sync_config_sources
from curator.store import Store
from curator.store.times import from_db

from .feeds import (
    ABSURD_DATES,
    ACTIVE_HTML,
    ACTIVE_LINKS,
    BILLION_LAUGHS,
    HOSTILE_TEXT,
    UTF16_BOMB,
    XXE_FILE,
    item,
    many,
    rss,
    xxe_remote,
)

URL = "https://hostile.example/feed"
ACTIVE = re.compile(r"<script|<iframe|<style|javascript:|vbscript:|data:text|\son\w+\s*=", re.I)

REFUSED = {
    "an empty body": b"",
    "only whitespace": b" \n\t\r\n ",
    "NUL bytes": b"\x00" * 4096,
    "binary noise": bytes(range(256)) * 64,
    "a PNG image": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16,
    "truncated in the prolog": rss(item("a"))[:60],
    "a billion-laughs entity bomb": BILLION_LAUGHS,
    "an external entity reading /etc/passwd": XXE_FILE,
    "a remote parameter entity": xxe_remote("http://127.0.0.1:9/evil.dtd"),
    "an entity bomb in UTF-16": UTF16_BOMB,
}


def parse(body: bytes, now: datetime) -> ParsedFeed:
    return parse_feed(body, url=URL, headers={}, now=now)


def stored(store: Store, now: datetime, feed: ParsedFeed, name: str = "Hostile") -> list[dict]:
    """Upsert the feed's entries for a new source; the rows as read back, in order."""
    source = store.sources.add(f"https://{name.lower()}.example/feed", name=name, now=now)
    store.entries.upsert(source.id, feed.entries, now)
    return list(
        store.db.query("SELECT * FROM entries WHERE source_id = ? ORDER BY id", [source.id])
    )


@pytest.mark.parametrize("body", REFUSED.values(), ids=REFUSED.keys())
def test_a_body_that_is_not_a_safe_feed_is_one_parse_error_naming_the_url(
    body: bytes, now: datetime
) -> None:
    with pytest.raises(ParseError) as raised:
        parse(body, now)
    message = str(raised.value)
    assert message.startswith(f"{URL}: ") and "\n" not in message
    assert "root:" not in message  # nothing of /etc/passwd leaks into the error


def test_a_feed_cut_off_mid_entry_keeps_the_whole_entries_and_a_warning(
    store: Store, now: datetime
) -> None:
    body = rss(*(item(f"s{i}", title=f"Story {i}") for i in range(5)))
    cut = body[: body.index(b"<item><title>Story 3") + 25]
    feed = parse(cut, now)
    assert feed.warning  # the damage is recorded, not hidden
    assert [e.title for e in feed.entries][:3] == ["Story 0", "Story 1", "Story 2"]
    assert len(stored(store, now, feed)) == len(feed.entries)


def test_two_thousand_entries_are_stored_once_each_and_a_repeat_adds_nothing(
    store: Store, now: datetime
) -> None:
    feed = parse(many(2_000), now)
    source = store.sources.add("https://big.example/feed", name="Big", now=now)
    assert store.entries.upsert(source.id, feed.entries, now).new == 2_000
    again = store.entries.upsert(source.id, feed.entries, now)
    assert (again.new, again.updated, store.entries.count()) == (0, 0, 2_000)


def test_a_feed_of_200_000_tiny_entries_is_refused_before_parsing(now: datetime) -> None:
    """Found by this suite: parsing costs about 1 ms an entry, so 10 MB of tiny entries
    held a poll for minutes, every poll. More than any news feed has is refused."""
    body = minimal_rss(200_000)
    assert len(body) < 11_000_000  # under the default network.max_body_bytes
    started = time.monotonic()
    with pytest.raises(ParseError, match=r"refused: more than 10,000 entries"):
        parse(body, now)
    assert time.monotonic() - started < 10  # refused up front, not parsed for minutes


def test_a_huge_entry_body_is_cut_and_deeply_nested_html_is_read(
    store: Store, now: datetime
) -> None:
    words = "<p>" + "recovery " * 150_000 + "</p>"  # 1.3 MB of text in one entry
    nested = "<div>" * 3_000 + "naloxone" + "</div>" * 3_000  # its text within MAX_SUMMARY
    feed = parse(rss(item("huge", description=words), item("deep", description=nested)), now)
    rows = {row["entry_key"]: row for row in stored(store, now, feed)}
    summary = rows["huge"]["summary_text"]  # kept, and cut
    assert bounds.MAX_SUMMARY - 10 < len(summary) <= bounds.MAX_SUMMARY and summary.endswith("…")
    assert "naloxone" in rows["deep"]["summary_text"]


@pytest.mark.parametrize("date", ABSURD_DATES.values(), ids=ABSURD_DATES.keys())
def test_an_absurd_date_is_dropped_or_kept_sane_and_the_entry_is_stored(
    date: str, store: Store, now: datetime
) -> None:
    feed = parse(rss(item("dated", date=date)), now)
    (entry,) = feed.entries
    if entry.published_at is not None:
        assert entry.published_at.tzinfo is not None and 1 <= entry.published_at.year <= 9999
    (row,) = stored(store, now, feed)
    published = from_db(row["published_at"])
    assert published == (entry.published_at or now)  # a missing date becomes first-seen


def test_the_same_guid_in_two_feeds_is_two_entries_and_neither_is_clobbered(
    store: Store, now: datetime
) -> None:
    first = parse(rss(item("shared-guid", title="Story from the first feed")), now)
    second = parse(rss(item("shared-guid", title="Story from the second feed")), now)
    a = stored(store, now, first, "First")
    b = stored(store, now, second, "Second")
    assert [r["title"] for r in a + b] == [
        "Story from the first feed",
        "Story from the second feed",
    ]
    assert store.entries.count() == 2


@pytest.mark.parametrize("title", HOSTILE_TEXT.values(), ids=HOSTILE_TEXT.keys())
def test_odd_text_in_a_title_is_stored_visible_and_bounded(
    title: str, store: Store, now: datetime
) -> None:
    feed = parse(rss(item("odd", title=title, description=f"<p>{title}</p>")), now)
    (entry,) = feed.entries
    assert entry.title == bounds.one_line(title, bounds.MAX_TITLE)
    assert not re.search("[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069\u200b\ufeff]", entry.title)
    (row,) = stored(store, now, feed)
    assert row["title"] == entry.title  # stored as parsed


@pytest.mark.parametrize("link", ACTIVE_LINKS.values(), ids=ACTIVE_LINKS.keys())
def test_an_active_link_never_becomes_the_entry_link_and_active_html_is_removed(
    link: str, store: Store, now: datetime
) -> None:
    feed = parse(rss(item("active", link=link, description=ACTIVE_HTML)), now)
    (entry,) = feed.entries
    assert entry.url is None or entry.url.startswith(("http://", "https://"))
    assert not ACTIVE.search(entry.summary_html), entry.summary_html
    assert "alert" not in entry.summary_text and "Real text." in entry.summary_text
    (row,) = stored(store, now, feed)
    assert row["url"] == entry.url


def test_a_poll_of_hostile_feeds_records_each_failure_and_stores_the_rest(
    make_config: Callable[..., Config], httpserver: HTTPServer, now: datetime
) -> None:
    """One real poll over 127.0.0.1: each bad feed leaves one line on its source row;
    the good ones (two sharing a guid, one full of hostile text) are all stored."""
    bad = {
        "/empty": b"",
        "/binary": bytes(range(256)) * 64,
        "/truncated": rss(item("a"))[:60],
        "/bomb": BILLION_LAUGHS,
        "/xxe": XXE_FILE,
        "/remote-entity": xxe_remote(httpserver.url_for("/evil.dtd")),
        "/gigantic": many(1) + b"<!--" + b"x" * 1_200_000 + b"-->",
    }
    hostile = rss(
        item("one", title=HOSTILE_TEXT["a 100 KB title"], link=ACTIVE_LINKS["javascript:"]),
        item("two", title=HOSTILE_TEXT["control characters"], date=ABSURD_DATES["year 0"]),
        item("three", title=HOSTILE_TEXT["right-to-left and zero-width"], description=ACTIVE_HTML),
    )
    good = {
        "/first": rss(item("shared", title="First")),
        "/second": rss(item("shared", title="Second")),
        "/hostile": hostile,
        "/many": many(1_000),
    }
    app = FeedApp({**bad, **good})
    httpserver.expect_request(re.compile(".*")).respond_with_handler(app)
    sources = [{"url": httpserver.url_for(p), "name": p.strip("/")} for p in [*bad, *good]]
    config = make_config(sources=sources, network={"max_body_bytes": 1_000_000})
    store = Store.open(config.curator.database)
    try:
        sync_config_sources(config, store, now)
        report = poll_due(config, store, now)
        rows = {s.name: s for s in store.sources.all()}
        for path in bad:
            error = rows[path.strip("/")].last_error
            assert error and "\n" not in error and "Traceback" not in error, (path, error)
        assert all(rows[p.strip("/")].last_error is None for p in good)
        assert (report.failed, report.new) == (len(bad), 1 + 1 + 3 + 1_000)
        assert "/evil.dtd" not in app.hits  # the parser fetched nothing
        titles = {r["title"] for r in store.db.query("SELECT title FROM entries")}
        assert {"First", "Second"} <= titles
        assert all(
            not ACTIVE.search(r["summary_html"])
            for r in store.db.query("SELECT summary_html FROM entries")
        )
    finally:
        store.close()
