"""101 real feeds kept as test fixtures by NetNewsWire, miniflux and feed-rs
(tests/data/realfeeds, README and licences beside them), through one real poll of
a 127.0.0.1 server that names no charset: every entry a reader would see is stored
once, and the one file that is not a feed is one line on its source's row."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from curator.config import Config
from curator.parse.jsonfeed import looks_like_json, parse_json_feed
from curator.poll import poll_due
from curator.poll.sources import sync_config_sources
from curator.store import Store

FEEDS = Path(__file__).resolve().parent / "data/realfeeds"
MANIFEST = (FEEDS / "manifest.tsv").read_text(encoding="utf-8")
ROWS = list(csv.DictReader(MANIFEST.splitlines(), delimiter="\t"))
# What the README names as de-duplicated on purpose: 50 items, 48 distinct guids.
REPEATED_IDS = {"netnewswire__scriptingNews.rss": 2}
NOT_FEEDS = {
    "netnewswire__ScriptingNews.json": "RSS written as JSON, not a JSON Feed",
    "netnewswire__allthis-partial.json": "invalid JSON",  # cut off: nothing to read
}


def expected_entries(row: dict[str, str]) -> int:
    return int(row["entries"]) - REPEATED_IDS.get(row["file"], 0)


def serve(request: Request) -> Response:
    body = (FEEDS / request.path.strip("/")).read_bytes()
    kind = "application/json" if request.path.endswith(".json") else "application/xml"
    return Response(body, headers={"Content-Type": kind})  # no charset, as the README asks


def test_the_manifest_lists_every_feed_with_its_licence_beside_it() -> None:
    assert len(ROWS) == 101
    assert all((FEEDS / row["file"]).is_file() for row in ROWS)
    assert {f"LICENSE-{row['project']}" for row in ROWS} <= {p.name for p in FEEDS.iterdir()}


def test_one_poll_of_every_real_feed_stores_each_entry_once(
    make_config: Callable[..., Config], httpserver: HTTPServer, now: datetime
) -> None:
    httpserver.expect_request(re.compile(".*")).respond_with_handler(serve)
    sources = [{"url": httpserver.url_for(f"/{row['file']}"), "name": row["file"]} for row in ROWS]
    config = make_config(sources=sources)
    store = Store.open(config.curator.database)
    try:
        sync_config_sources(config, store, now)
        report = poll_due(config, store, now)
        assert report.failed == len(NOT_FEEDS)
        for source in store.sources.all():
            row = next(r for r in ROWS if r["file"] == source.name)
            if source.name in NOT_FEEDS:
                error = source.last_error or ""
                assert NOT_FEEDS[source.name] in error and "\n" not in error, error
                continue
            assert source.last_error is None, (source.name, source.last_error)
            assert store.entries.count(source.id) == expected_entries(row), source.name
        again = poll_due(config, store, now)  # nothing is stored twice
        assert again.new == 0
    finally:
        store.close()


JSON_FEEDS = [r for r in ROWS if r["format"] == "json" and r["file"] not in NOT_FEEDS]


@pytest.mark.parametrize("row", JSON_FEEDS, ids=[r["file"] for r in JSON_FEEDS])
def test_json_feeds_are_read_by_curators_own_parser(row: dict[str, str], now: datetime) -> None:
    body = (FEEDS / row["file"]).read_bytes()
    assert looks_like_json(body)  # so parse_feed hands it to parse_json_feed
    feed = parse_json_feed(body, f"https://realfeeds.example/{row['file']}", now)
    assert len(feed.entries) == expected_entries(row)
    assert all(entry.title for entry in feed.entries)
