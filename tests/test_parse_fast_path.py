"""The lxml fast path (parse.lxmlfeed) against feedparser: on every feed in the
feedparser corpus, the real feeds and the samples, a feed the fast path takes gives
the same `ParsedFeed` as feedparser; the rest goes to feedparser."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from curator.errors import ParseError
from curator.models import ParsedFeed
from curator.parse import parse_feed
from curator.parse.fast_path import read_fast
from curator.parse.guards import MAX_ENTRIES
from curator.parse.xmlfeed import _feedparser_headers, parse_with_feedparser, parse_xml_feed

TESTS = Path(__file__).resolve().parent
FOLDERS = (
    TESTS / "data/feedparser-tests",
    TESTS / "data/realfeeds",
    TESTS.parent / "data/samples/feeds",
)
NOW = datetime(2026, 12, 1, tzinfo=UTC)
URL = "https://feeds.example/feed"
HEADER_CASES = ({}, {"Content-Type": "application/rss+xml; charset=UTF-8"})


def corpus() -> list[Path]:
    kinds = {".xml", ".rss", ".atom", ".rdf"}
    return sorted(p for folder in FOLDERS for p in folder.rglob("*") if p.suffix in kinds)


def both_ways(body: bytes, headers: dict[str, str]) -> tuple[object, object] | None:
    """(fast path, feedparser) for a feed the fast path takes; a ParseError as its text."""
    given = _feedparser_headers(headers)
    if read_fast(body, given) is None:
        return None
    results = []
    for parse in (parse_xml_feed, parse_with_feedparser):
        try:
            results.append(parse(body, URL, given, NOW))
        except ParseError as e:
            results.append(e.problem)
    return results[0], results[1]


def test_the_fast_path_reads_what_feedparser_reads_on_every_feed_it_takes() -> None:
    taken, different = 0, []
    for path in corpus():
        # a named charset too for the real feeds (the small corpus files would only repeat)
        for headers in HEADER_CASES if "feedparser-tests" not in path.parts else ({},):
            pair = both_ways(path.read_bytes(), headers)
            if pair is None:
                continue
            taken += 1
            if pair[0] != pair[1]:
                different.append(path.relative_to(TESTS.parent))
    assert different == []
    assert taken >= 750  # most of the well-formed RSS 2.0 and Atom 1.0 in the corpus


def test_the_fast_path_takes_real_rss_and_atom() -> None:
    real = [p for p in corpus() if "realfeeds" in p.parts]
    taken = [p.name for p in real if read_fast(p.read_bytes(), _feedparser_headers({}))]
    assert len(taken) >= 15


RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>T</title><link>https://site.example/</link>
<item><title>A &amp; B</title><link>https://site.example/a</link><guid>a-1</guid>
<description>&lt;p&gt;Hello &lt;b&gt;there&lt;/b&gt;&lt;/p&gt;</description></item>
</channel></rss>"""


def test_a_plain_rss_feed_takes_the_fast_path_and_reads_as_feedparser_reads_it() -> None:
    pair = both_ways(RSS, {})
    assert pair is not None
    fast, slow = pair
    assert isinstance(fast, ParsedFeed) and fast == slow
    assert fast.entries[0].title == "A & B"
    assert fast.entries[0].summary_html == "<p>Hello <b>there</b></p>"


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (RSS.replace(b"utf-8", b"iso-8859-1"), {}),  # another encoding: feedparser sniffs
        (RSS, {"Content-Type": "text/xml"}),  # RFC 3023 says us-ascii: feedparser warns
        (RSS, {"Content-Type": "text/html; charset=utf-8"}),  # not XML by its type
        (RSS.replace(b"<rss", b'<!DOCTYPE rss [<!ENTITY x "y">]><rss'), {}),  # entities
        (RSS.replace(b"<item>", b'<item xml:base="https://other.example/">'), {}),
        (RSS.replace(b'version="2.0"', b'version="0.91"'), {}),  # not RSS 2.0
        (RSS.replace(b"</item>", b"<media:thumbnail xmlns:media='x' url='u'/></item>"), {}),
        (RSS.replace(b"</channel>", b"</channel><item><title>x</title></item>"), {}),
        (RSS.replace(b"</item>", b"</item"), {}),  # broken XML
    ],
)
def test_what_the_fast_path_leaves_to_feedparser(body: bytes, headers: dict[str, str]) -> None:
    assert read_fast(body, _feedparser_headers(headers)) is None


def test_the_entry_cap_holds_on_the_fast_path() -> None:
    items = b"<item><guid>x</guid></item>" * (MAX_ENTRIES + 1)
    body = RSS.replace(b"</channel>", items + b"</channel>")
    assert read_fast(body, _feedparser_headers({})) is not None  # the fast path's kind
    with pytest.raises(ParseError, match="more than 10,000 entries"):
        parse_feed(body, url=URL, headers={}, now=NOW)  # refused before parsing
    with pytest.raises(ParseError, match="more than 10,000 entries"):
        parse_xml_feed(body, URL, {}, NOW)  # and by what the fast path read
