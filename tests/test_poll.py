"""poll_due against a real server on 127.0.0.1 and a real SQLite file: each status
case, idempotence, and what a failed poll leaves on the source row."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from feed_factory import FeedApp, minimal_rss, rss
from werkzeug import Request, Response

from curator.errors import ParseError
from curator.poll import poll_due
from curator.poll.parsing import Parser, pool_size
from curator.poll.sources import sync_config_sources
from curator.store import Store


@pytest.fixture
def app(httpserver) -> FeedApp:
    served = FeedApp()
    httpserver.expect_request(re.compile(".*")).respond_with_handler(served)
    return served


@pytest.fixture
def poll_setup(make_config, httpserver, app, now):
    """(config, store) with one source per path given; the store is closed after."""
    opened: list[Store] = []

    def build(*paths: str, **sections):
        sources = [{"url": httpserver.url_for(p), "name": p.strip("/")} for p in paths]
        config = make_config(sources=sources, **sections)
        store = Store.open(config.curator.database)
        opened.append(store)
        sync_config_sources(config, store, now)
        return config, store

    yield build
    for store in opened:
        store.close()


def only_source(store: Store):
    (source,) = store.sources.all()
    return source


def test_first_poll_stores_every_entry_with_extraction_pending(poll_setup, app, now):
    app.bodies["/feed"] = rss(5)
    config, store = poll_setup("/feed")
    report = poll_due(config, store, now)
    assert (report.new, report.updated, report.failed) == (5, 0, 0)
    rows = list(store.db.query("SELECT extract_status, published_at FROM entries"))
    assert len(rows) == 5 and {r["extract_status"] for r in rows} == {"pending"}
    source = only_source(store)
    assert source.last_status == "ok" and source.next_poll_at == now + timedelta(hours=1)
    assert source.etag


def test_polling_the_same_feed_twice_stores_nothing_twice(poll_setup, app, now):
    app.bodies["/feed"] = rss(5)
    app.etags = False  # the server ignores conditional GET: the body hash must catch it
    config, store = poll_setup("/feed")
    poll_due(config, store, now)
    second = poll_due(config, store, now, everything=True)
    assert store.entries.count() == 5
    assert second.outcomes[0].status == "unchanged" and second.new == 0


def test_a_changed_entry_is_updated_not_duplicated(poll_setup, app, now):
    app.bodies["/feed"] = rss(5)
    config, store = poll_setup("/feed")
    poll_due(config, store, now)
    store.db.execute("UPDATE entries SET extract_status = 'done'")
    app.bodies["/feed"] = rss(6, changed={2: "<p>Corrected: the study had 400 people.</p>"})
    later = now + timedelta(hours=2)
    report = poll_due(config, store, later)
    assert (report.new, report.updated, report.unchanged) == (1, 1, 4)
    assert store.entries.count() == 6
    pending = [
        r["entry_key"]
        for r in store.db.query(
            "SELECT entry_key FROM entries WHERE extract_status = 'pending' ORDER BY entry_key"
        )
    ]
    assert pending == ["story-2", "story-5"]


def test_a_304_writes_only_the_sources_bookkeeping(poll_setup, app, now):
    app.bodies["/feed"] = rss(3)
    config, store = poll_setup("/feed")
    poll_due(config, store, now)
    changed_before = [r["changed_at"] for r in store.db.query("SELECT changed_at FROM entries")]
    report = poll_due(config, store, now + timedelta(hours=2))
    assert report.not_modified == 1 and report.outcomes[0].http_status == 304
    assert [
        r["changed_at"] for r in store.db.query("SELECT changed_at FROM entries")
    ] == changed_before
    source = only_source(store)
    assert source.last_status == "not_modified" and source.last_polled_at == now + timedelta(
        hours=2
    )


def test_only_due_sources_are_polled_unless_all_is_asked(poll_setup, app, now):
    app.bodies["/feed"] = rss(2)
    config, store = poll_setup("/feed")
    poll_due(config, store, now)
    assert poll_due(config, store, now + timedelta(minutes=5)).outcomes == ()
    assert len(poll_due(config, store, now + timedelta(minutes=5), everything=True).outcomes) == 1


def test_a_301_moves_the_stored_url(poll_setup, app, httpserver, now):
    app.bodies["/new"] = rss(2)
    app.routes["/old"] = lambda r: Response(status=301, headers={"Location": "/new"})
    config, store = poll_setup("/old")
    report = poll_due(config, store, now)
    assert report.new == 2 and report.outcomes[0].moved_to == httpserver.url_for("/new")
    assert only_source(store).url == httpserver.url_for("/new")
    store.sources.sync_from_config(config.sources, now)  # the config still says /old
    assert len(store.sources.all()) == 1


def test_a_410_disables_the_source_with_the_reason(poll_setup, app, now):
    app.routes["/gone"] = lambda r: Response("gone", status=410)
    config, store = poll_setup("/gone")
    report = poll_due(config, store, now)
    source = only_source(store)
    assert report.failed == 1 and not source.enabled
    assert source.disabled_reason.startswith("410 Gone")
    assert store.sources.due(now + timedelta(days=30)) == []


@pytest.mark.parametrize("status", [429, 503])
def test_429_and_503_obey_retry_after(poll_setup, app, now, status):
    app.routes["/busy"] = lambda r: Response("slow", status=status, headers={"Retry-After": "7200"})
    config, store = poll_setup("/busy")
    poll_due(config, store, now)
    source = only_source(store)
    assert source.next_poll_at == now + timedelta(hours=2)
    assert source.consecutive_errors == 1 and str(status) in source.last_error


def test_failures_back_off_keep_the_error_and_a_recovery_resets(poll_setup, app, now):
    config, store = poll_setup("/flaky")  # 404 until the body appears
    poll_due(config, store, now)
    first = only_source(store)
    poll_due(config, store, first.next_poll_at)
    second = only_source(store)
    assert second.consecutive_errors == 2 and "404" in second.last_error
    assert second.next_poll_at - first.next_poll_at > first.next_poll_at - now
    app.bodies["/flaky"] = rss(1)
    report = poll_due(config, store, second.next_poll_at)
    recovered = only_source(store)
    assert report.new == 1 and recovered.consecutive_errors == 0 and recovered.last_error is None


def test_a_failed_source_does_not_stop_the_others(poll_setup, app, now):
    app.bodies["/good"] = rss(2)
    config, store = poll_setup("/broken", "/good")
    report = poll_due(config, store, now)
    assert report.failed == 1 and report.new == 2


def test_html_instead_of_a_feed_is_an_error_naming_the_feed(poll_setup, app, httpserver, now):
    page = (
        '<html><head><link rel="alternate" type="application/atom+xml" href="/atom"></head></html>'
    )
    app.routes["/page"] = lambda r: Response(page, content_type="text/html")
    config, store = poll_setup("/page")
    poll_due(config, store, now)
    assert f"its feed may be at {httpserver.url_for('/atom')}" in only_source(store).last_error


def test_malformed_xml_is_an_error_on_the_row(poll_setup, app, now):
    app.bodies["/bad"] = b"<?xml version='1.0'?><rss><channel><<<"
    config, store = poll_setup("/bad")
    report = poll_due(config, store, now)
    assert report.failed == 1 and "not a feed" in only_source(store).last_error


def test_an_entity_bomb_is_refused_and_recorded(poll_setup, app, now):
    app.bodies["/bomb"] = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<rss version='2.0'><channel><title>&b;</title></channel></rss>"
    )
    config, store = poll_setup("/bomb")
    poll_due(config, store, now)
    assert "refused" in only_source(store).last_error


def test_a_feed_of_ten_thousand_entries_is_stored_in_one_go(poll_setup, app, now):
    app.bodies["/big"] = minimal_rss(10_000)
    config, store = poll_setup("/big")
    report = poll_due(config, store, now)
    assert report.new == 10_000 and store.entries.count() == 10_000


def test_non_utf8_feeds_are_stored_as_text(poll_setup, app, now):
    app.bodies["/latin"] = rss(1, title="Sobriété", encoding="iso-8859-1")
    app.bodies["/utf16"] = rss(1, title="Récupération", encoding="utf-16")
    config, store = poll_setup("/latin", "/utf16")
    poll_due(config, store, now)
    titles = {r["feed_title"] for r in store.db.query("SELECT feed_title FROM sources")}
    assert titles == {"Sobriété", "Récupération"}


def test_a_big_run_hands_parsing_to_a_process_pool(now):
    async def parse_until_pooled() -> tuple[int, int]:
        async with Parser(100, processes=2, pool_after=2) as parser:
            for i in range(200):
                feed = await parser.parse(rss(2, prefix=f"p{i}"), "http://x.test/", {}, now)
                assert feed.entries[0].key == f"p{i}-0"
                if parser.pooled:
                    break
                await asyncio.sleep(0.05)
            with pytest.raises(ParseError, match="not a feed"):
                await parser.parse(b"<nonsense/>", "http://x.test/", {}, now)
            return i, parser.pooled

    started_after, pooled = asyncio.run(parse_until_pooled())
    assert started_after >= 2 and pooled >= 1


def test_a_warm_run_with_few_changed_feeds_starts_no_pool(now):
    async def parse_one_feed_in_twenty() -> int:
        async with Parser(100, processes=2, pool_after=4) as parser:
            for i in range(100):
                parser.fetched()
                if i % 20 == 19:  # one feed in 20 changed: 4 bodies by the 80th, 1 ahead
                    await parser.parse(rss(2, prefix=f"w{i}"), "http://x.test/", {}, now)
                    await asyncio.sleep(0.05)
            await asyncio.sleep(3)  # a pool started at the 4th body would be up by now
            await parser.parse(rss(2, prefix="last"), "http://x.test/", {}, now)
            return parser.pooled

    assert asyncio.run(parse_one_feed_in_twenty()) == 0


def test_many_due_feeds_are_all_stored(poll_setup, app, now):
    paths = [f"/f{i}" for i in range(30)]
    for i, path in enumerate(paths):
        app.bodies[path] = rss(3, prefix=f"s{i}")
    config, store = poll_setup(*paths, network={"per_host": 8})
    report = poll_due(config, store, now)
    assert report.new == 90 and report.failed == 0


def test_should_stop_leaves_the_rest_for_the_next_run(poll_setup, app, now):
    for path in ("/a", "/b", "/c"):
        app.bodies[path] = rss(1, prefix=path.strip("/"))
    config, store = poll_setup("/a", "/b", "/c", network={"max_connections": 1})
    asked = iter([False, True])
    report = poll_due(config, store, now, should_stop=lambda: next(asked, True))
    assert report.stopped_early and len(report.outcomes) == 1
    assert len(store.sources.due(now)) == 2


def test_progress_hears_every_source(poll_setup, app, now):
    app.bodies["/a"] = rss(1)
    config, store = poll_setup("/a", "/b")
    heard = []
    poll_due(config, store, now, progress=lambda done, total, outcome: heard.append((done, total)))
    assert heard == [(0, 2), (1, 2), (2, 2)]


def test_a_missing_date_falls_back_to_first_seen(poll_setup, app, now):
    app.bodies["/nodate"] = (
        b"<rss version='2.0'><channel><title>t</title>"
        b"<item><guid>x</guid><title>No date</title></item></channel></rss>"
    )
    config, store = poll_setup("/nodate")
    poll_due(config, store, now)
    row = next(store.db.query("SELECT published_at, first_seen_at FROM entries"))
    assert row["published_at"] == row["first_seen_at"]


def test_the_server_sees_our_user_agent(poll_setup, app, now):
    seen = []

    def handler(request: Request) -> Response:
        seen.append(request.headers.get("User-Agent"))
        return Response(rss(1), content_type="application/rss+xml")

    app.routes["/ua"] = handler
    config, store = poll_setup("/ua")
    poll_due(config, store, now)
    assert seen and "example.org/curator" in seen[0]


def test_sources_are_taken_one_host_at_a_time(make_config, httpserver, app, now):
    order = []
    for path in ("/a1", "/a2", "/a3", "/b1"):
        app.bodies[path] = rss(1, prefix=path.strip("/"))
    app.routes["/b1"] = lambda r: (order.append(r.host), Response(rss(1), content_type="text/xml"))[
        1
    ]
    local = [{"url": httpserver.url_for(p), "name": p} for p in ("/a1", "/a2", "/a3")]
    other = [{"url": httpserver.url_for("/b1").replace("localhost", "127.0.0.1"), "name": "b1"}]
    config = make_config(sources=local + other, network={"max_connections": 1})
    store = Store.open(config.curator.database)
    try:
        sync_config_sources(config, store, now)
        report = poll_due(config, store, now)
    finally:
        store.close()
    assert [o.name for o in report.outcomes][:2] == ["/a1", "b1"] and order


@pytest.mark.parametrize(
    ("configured", "cores", "workers"),
    [(2, 2, 1), (2, 1, 1), (2, 8, 2), (16, 8, 7), (0, 8, 0), (0, 2, 0)],
)
def test_the_parser_pool_leaves_a_core_to_the_event_loop(configured, cores, workers):
    assert pool_size(configured, cores) == workers


def test_a_poll_loads_no_parser_and_the_store_no_numpy_until_needed() -> None:
    """A run of 304s never parses: lxml, feedparser and nh3 wait for the first body
    (parsing.PARSER_MODULE), and sqlite_utils leaves numpy alone (store/_lean.py)."""
    code = (
        "import sys; import curator.poll, curator.store; "
        "print(' '.join(m for m in ('numpy', 'lxml', 'feedparser', 'nh3', 'curator.parse') "
        "if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.split() == []
