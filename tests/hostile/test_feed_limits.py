"""What a stranger's feed can make Curator hold: entity expansion, entry counts in
every format, field sizes, invisible characters, dates JSON Feed writes the RSS way,
and JSON nested past Python's recursion limit."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from curator import bounds
from curator.errors import ParseError
from curator.models import ParsedFeed
from curator.parse import parse_feed
from curator.store import Store

from .feeds import (
    DEEP_JSON,
    XXE_FILE,
    entity_expansion,
    item,
    json_feed,
    json_item,
    prefixed_atom,
    rss,
)
from .test_network import curator, write_config

URL = "https://hostile.example/feed"
MB = 1024 * 1024
# Parses stdin in a fresh interpreter (capped at 1 GB, so a regression fails rather
# than swapping) and prints the outcome, then the peak resident memory in KB.
MEASURE = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from datetime import UTC, datetime
from curator.errors import ParseError
from curator.parse import parse_feed
try:
    feed = parse_feed(sys.stdin.buffer.read(), url="https://hostile.example/feed",
                      headers={}, now=datetime.now(UTC))
    print(f"parsed {len(feed.entries)}")
except ParseError as e:
    print(e)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent (the test
# process, larger once scikit-learn is imported), VmHWM starts again with the new program.
status = open("/proc/self/status").read().split("VmHWM:")[1] if sys.platform == "linux" else ""
print(status.split()[0] if status else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def parse(body: bytes, now: datetime) -> ParsedFeed:
    return parse_feed(body, url=URL, headers={}, now=now)


ENTITY_BOMBS = {
    "16,000 references in 130 KB": entity_expansion(16_000),
    "1,000 references padded to 1 MB, under expat's ratio": entity_expansion(
        1_000, padding=1_000_000
    ),
}


@pytest.mark.parametrize("body", ENTITY_BOMBS.values(), ids=ENTITY_BOMBS.keys())
def test_a_plain_entity_expanding_past_the_limit_is_refused_in_bounded_memory(
    body: bytes,
) -> None:
    """Found by hostile input: one plain 50 KB entity referenced 16,000 times took a
    poll to 3.96 GB with an expat that expanded it all; here, expat 2.5 stops at 100
    times amplification, but 1 MB padded took 549 MB and 7 s for 50 MB of text."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE], input=body, capture_output=True, timeout=120
    )
    outcome, peak_kb = done.stdout.decode().splitlines()
    assert outcome.startswith(f"{URL}: refused:") and "entit" in outcome, done.stderr
    assert int(peak_kb) * 1024 < 200 * MB


def test_a_small_internal_entity_is_still_read(now: datetime) -> None:
    body = rss(item("x", title="&org; news"), doctype='<!DOCTYPE rss [<!ENTITY org "Hazelden">]>')
    feed = parse(body.replace(b"&amp;org;", b"&org;"), now)
    assert feed.entries[0].title == "Hazelden news"


CAPPED = {
    "namespace-prefixed Atom": prefixed_atom(10_001),
    "a JSON Feed": json_feed(*(json_item(f"s{i}") for i in range(10_001))),
    "RSS whose entries come from an entity": rss(
        "&e;" * 10_001, doctype="<!DOCTYPE rss [<!ENTITY e '<item><guid>g</guid></item>'>]>"
    ),
}


@pytest.mark.parametrize("body", CAPPED.values(), ids=CAPPED.keys())
def test_the_entry_cap_holds_for_every_format(body: bytes, now: datetime) -> None:
    """Found by hostile input: `<a:entry>` (150,000 stored) and JSON Feed (200,000
    stored) passed a cap that counted `<item` and `<entry` in the bytes."""
    with pytest.raises(ParseError, match=r"refused: more than 10,000 entries"):
        parse(body, now)


def test_prefixed_atom_entries_are_read(now: datetime) -> None:
    assert len(parse(prefixed_atom(3), now).entries) == 3


HUGE = "naloxone " * 600_000  # 5.4 MB
CLOSING_TAGS = 20


def _assert_bounded(feed: ParsedFeed) -> None:
    (entry,) = feed.entries  # the entry is kept, its fields cut
    assert len(entry.title) == bounds.MAX_TITLE and entry.title.endswith(bounds.ELLIPSIS)
    assert entry.author is not None and len(entry.author) <= bounds.MAX_AUTHOR
    assert len(entry.tags) == bounds.MAX_TAGS
    assert all(len(tag) <= bounds.MAX_TAG for tag in entry.tags)
    assert len(entry.summary_text) <= bounds.MAX_SUMMARY
    # HTML is cut as sent, then cleaned: the closing tags nh3 adds may follow the cut
    assert len(entry.summary_html) <= bounds.MAX_SUMMARY + CLOSING_TAGS
    assert len(entry.content_html) <= bounds.MAX_CONTENT + CLOSING_TAGS
    assert entry.url is None  # a cut link would be a wrong link
    assert len(feed.title) <= bounds.MAX_TITLE


def test_every_field_of_an_rss_entry_is_bounded_and_the_entry_kept(now: datetime) -> None:
    """Found by hostile input: a 5 MB title was stored whole; `curator queue` took 72 s."""
    tags = "".join(f"<category>{i}{'tag' * 100}</category>" for i in range(200))
    extra = f"<author>{HUGE}</author>{tags}<content:encoded>{HUGE}</content:encoded></item>"
    entry = item("big", title=HUGE, link="https://x.example/" + "a" * 5000, description=HUGE)
    body = rss(entry.replace("</item>", extra), title=HUGE).replace(
        b"<rss version='2.0'>",
        b"<rss version='2.0' xmlns:content='http://purl.org/rss/1.0/modules/content/'>",
    )
    _assert_bounded(parse(body, now))


def test_every_field_of_a_json_feed_item_is_bounded_and_the_entry_kept(now: datetime) -> None:
    big = json_item(
        "big",
        title=HUGE,
        url="https://x.example/" + "a" * 5000,
        authors=[{"name": HUGE}],
        tags=[f"{i}{'tag' * 100}" for i in range(200)],
        summary=HUGE,
        content_html=f"<p>{HUGE}</p>",
    )
    _assert_bounded(parse(json_feed(big, title=HUGE), now))


def test_a_bounded_entry_is_stored_and_read_back_cut(store: Store, now: datetime) -> None:
    feed = parse(rss(item("big", title=HUGE)), now)
    source = store.sources.add("https://big.example/feed", name="Big", now=now)
    store.entries.upsert(source.id, feed.entries, now)
    (row,) = store.db.query("SELECT title FROM entries")
    assert len(row["title"]) == bounds.MAX_TITLE


BIDI = "\u202eevil\u202c \u2066news\u2069\u200b \u200e\u061c"


def test_bidi_and_invisible_controls_are_stripped_from_single_line_fields(
    now: datetime,
) -> None:
    tagged = item("bidi", title=f"Recovery {BIDI}").replace(
        "</item>", f"<category>a{BIDI}</category><author>Ana {BIDI}</author></item>"
    )
    xml = parse(rss(tagged, title=f"Feed {BIDI}"), now)
    js = parse(
        json_feed(
            json_item(
                "bidi",
                title=f"Recovery {BIDI}",
                tags=[f"a{BIDI}"],
                authors=[{"name": f"Ana {BIDI}"}],
            ),
            title=f"Feed {BIDI}",
        ),
        now,
    )
    for feed in (xml, js):
        (entry,) = feed.entries
        assert (feed.title, entry.title) == ("Feed evil news", "Recovery evil news")
        assert (entry.author, entry.tags) == ("Ana evil news", ("aevil news",))


RFC822 = [
    "Mon, 23 Nov 2026 10:00:00 +0000",
    "Tue, 24 Nov 2026 08:30:00 GMT",
    "24 Nov 2026 9:00 EST",
]


def test_json_feed_dates_written_the_rss_way_are_read(now: datetime) -> None:
    """Found by hostile input: every item of a feed with RFC 822 dates was dropped."""
    items = [json_item(f"d{i}", date_published=d) for i, d in enumerate(RFC822)]
    feed = parse(json_feed(*items), now)
    assert [e.published_at for e in feed.entries] == [
        datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
        datetime(2026, 11, 24, 8, 30, tzinfo=UTC),
        datetime(2026, 11, 24, 14, 0, tzinfo=UTC),
    ]


@pytest.mark.parametrize("date", ["next Tuesday", "2026-13-45T99:99:99Z", 12345, ["x"]])
def test_a_json_feed_date_that_cannot_be_read_keeps_its_entry_undated(
    date: object, now: datetime
) -> None:
    feed = parse(json_feed(json_item("odd", date_published=date, date_modified=date)), now)
    (entry,) = feed.entries
    assert (entry.published_at, entry.updated_at) == (None, None)


def test_json_nested_100_000_deep_is_one_parse_error(now: datetime) -> None:
    with pytest.raises(ParseError, match="nested too deeply") as raised:
        parse(DEEP_JSON, now)
    assert str(raised.value).startswith(f"{URL}: ") and "\n" not in str(raised.value)


def test_a_poll_of_deep_json_leaves_one_line_on_the_row_and_no_traceback(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/deep").respond_with_data(DEEP_JSON)
    config = write_config(tmp_path, [{"name": "deep", "url": httpserver.url_for("/deep")}])
    done = curator(config, "poll")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    store = Store.open(tmp_path / "curator.db")
    try:
        (source,) = store.sources.all()
        assert source.last_error and "nested too deeply" in source.last_error
        assert "\n" not in source.last_error and "unexpected" not in source.last_error
    finally:
        store.close()


@pytest.mark.parametrize(
    "body", [entity_expansion(16_000), XXE_FILE], ids=["an entity bomb", "an external entity"]
)
def test_sources_add_on_a_refused_feed_prints_one_line(
    body: bytes, tmp_path: Path, httpserver: HTTPServer
) -> None:
    """Found by hostile input: BeautifulSoup's 12-line XMLParsedAsHTMLWarning came first."""
    httpserver.expect_request("/feed").respond_with_data(body)
    done = curator(write_config(tmp_path, []), "sources", "add", httpserver.url_for("/feed"))
    assert done.returncode != 0
    assert re.fullmatch(r"error: [^\n]*refused[^\n]*\n", done.stderr), done.stderr
