"""process_pending: pages -> articles -> items, against a real HTTP server."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from curator.config import Config
from curator.models import ParsedEntry
from curator.screen.run import process_pending, rescore_items
from curator.store import Store

PAGES = Path(__file__).resolve().parent.parent / "data" / "samples" / "pages"
TOPICS = {
    "topics": [
        {"name": "overdose", "weight": 1.0, "terms": ["overdose", "naloxone", "fentanyl"]},
        {"name": "treatment", "weight": 1.0, "terms": ["methadone", "buprenorphine"]},
    ]
}


def serve(httpserver: HTTPServer, path: str, page: str, robots: str = "") -> str:
    httpserver.expect_request("/robots.txt").respond_with_data(robots, content_type="text/plain")
    body = (PAGES / f"{page}.html").read_bytes()
    httpserver.expect_request(path).respond_with_data(body, content_type="text/html; charset=utf-8")
    return httpserver.url_for(path)


def add_entries(store: Store, now: datetime, feed: str, *links: tuple[str, str]) -> int:
    """A source named `feed` with one entry per (url, title); returns the source id."""
    source = store.sources.add(f"https://{feed}.example/feed", name=feed, now=now)
    store.entries.upsert(source.id, [entry(url, title, now) for url, title in links], now)
    return source.id


def entry_rows(store: Store) -> list[dict[str, object]]:
    return list(store.db.query("SELECT * FROM entries ORDER BY id"))


def item_rows(store: Store) -> list[dict[str, object]]:
    return list(store.db.query("SELECT * FROM items ORDER BY id"))


@pytest.fixture
def topical(make_config: Callable[..., Config]) -> Config:
    return make_config(relevance=TOPICS)


def test_pages_become_items_with_summary_score_and_history(
    httpserver: HTTPServer, topical: Config, store: Store, now: datetime
):
    ohio = serve(httpserver, "/ohio", "ohio-overdose-decline")
    add_entries(store, now, "ledger", (ohio, "Ohio overdose deaths fall 18%"))

    report = process_pending(topical, store, now)

    assert report.count_of("done") == 1 and report.created == 1 and report.kept == 1
    (item,) = item_rows(store)
    assert item["state"] == "new" and item["version"] == 1 and item["outlets"] == 1
    assert item["url"] == ohio
    assert item["canonical_url"] == (
        "https://www.columbusledger.example/health/2026/11/30/ohio-overdose-deaths-fall"
    )
    assert "fell 18 percent" in str(item["summary"])
    assert json.loads(str(item["topics"]))[0] == "overdose"
    assert item["site_name"] == "The Columbus Ledger" and item["language"] == "en"
    history = list(store.db.query("SELECT * FROM history"))
    assert [(h["editor"], h["from_state"], h["to_state"]) for h in history] == [
        ("curator", None, "new")
    ]
    assert history[0]["note"] == json.loads(str(item["reasons"]))[0]
    assert entry_rows(store)[0]["item_id"] == item["id"]


def test_an_off_topic_page_becomes_a_filtered_item(
    httpserver: HTTPServer, make_config: Callable[..., Config], store: Store, now: datetime
):
    config = make_config(relevance={"topics": [{"name": "x", "terms": ["volcano"]}]})
    url = serve(httpserver, "/teens", "research-teen-cannabis")
    add_entries(store, now, "science", (url, "Teen cannabis use and psychosis"))

    process_pending(config, store, now)

    (item,) = item_rows(store)
    assert item["state"] == "filtered" and item["score"] == 0
    assert store.db.execute("SELECT to_state, note FROM history").fetchone() == (
        "filtered",
        "no topic matched",
    )


def test_the_same_story_from_two_outlets_is_one_item_and_keeps_its_version(
    httpserver: HTTPServer, topical: Config, store: Store, now: datetime
):
    first = serve(httpserver, "/a/ohio", "ohio-overdose-decline")
    second = serve(httpserver, "/b/ohio-syndicated", "ohio-overdose-decline")
    add_entries(store, now, "ledger", (first, "Ohio overdose deaths fall 18%"))
    add_entries(store, now, "wire", (second, "Naloxone credited as Ohio overdoses drop"))

    seen: list[tuple[int, int]] = []

    report = process_pending(topical, store, now, progress=lambda *done: seen.append(done))

    assert (report.created, report.joined) == (1, 1) and seen == [(1, 2), (2, 2)]
    (item,) = item_rows(store)
    assert item["outlets"] == 2 and item["version"] == 1
    assert {e["item_id"] for e in entry_rows(store)} == {item["id"]}
    assert store.db.execute("SELECT count(*) FROM history").fetchone()[0] == 1


def test_a_failing_page_is_retried_with_backoff_then_falls_back_to_the_feed(
    httpserver: HTTPServer, make_config: Callable[..., Config], store: Store, now: datetime
):
    config = make_config(relevance=TOPICS, extract={"max_attempts": 2})
    httpserver.expect_request("/robots.txt").respond_with_data("", content_type="text/plain")
    httpserver.expect_request("/down").respond_with_data("busy", status=503)
    add_entries(store, now, "ledger", (httpserver.url_for("/down"), "Fentanyl deaths fall"))

    first = process_pending(config, store, now)
    (entry,) = entry_rows(store)
    assert first.count_of("failed") == 1 and not item_rows(store)
    assert entry["extract_status"] == "failed" and entry["extract_attempts"] == 1
    assert entry["next_extract_at"] == (now + timedelta(minutes=10)).isoformat(
        timespec="microseconds"
    )
    assert process_pending(config, store, now + timedelta(minutes=5)).examined == 0

    last = process_pending(config, store, now + timedelta(minutes=11))

    (entry,) = entry_rows(store)
    assert last.count_of("fallback") == 1
    assert (
        entry["extract_status"] == "fallback"
        and "gave up after 2 attempts" in entry["extract_note"]
    )
    (item,) = item_rows(store)
    assert item["state"] == "new" and "Fentanyl deaths fall" in str(
        item["summary"] or item["title"]
    )


def test_a_missing_page_falls_back_to_the_feed_text_at_once(
    httpserver: HTTPServer, topical: Config, store: Store, now: datetime
):
    httpserver.expect_request("/robots.txt").respond_with_data("", content_type="text/plain")
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    add_entries(store, now, "ledger", (httpserver.url_for("/gone"), "Naloxone in schools"))

    process_pending(topical, store, now)

    (entry,) = entry_rows(store)
    assert entry["extract_status"] == "fallback" and "HTTP 404" in entry["extract_note"]
    article = store.articles.get(int(entry["id"]))  # type: ignore[call-overload]
    assert article is not None and article.text == "Naloxone in schools (feed summary)."


def test_robots_txt_disallow_skips_the_page_without_fetching_it(
    httpserver: HTTPServer, topical: Config, store: Store, now: datetime
):
    url = serve(
        httpserver,
        "/private/ohio",
        "ohio-overdose-decline",
        robots="User-agent: *\nDisallow: /private\n",
    )
    add_entries(store, now, "ledger", (url, "Ohio overdose deaths fall"))

    report = process_pending(topical, store, now)

    (entry,) = entry_rows(store)
    assert report.count_of("skipped") == 1
    assert entry["extract_status"] == "skipped" and "robots.txt" in entry["extract_note"]
    assert [r.path for r, _ in httpserver.log] == ["/robots.txt"]
    assert item_rows(store)[0]["title"] == "Ohio overdose deaths fall"  # screened on the feed text


@pytest.mark.parametrize(
    "link", ["http://127.0.0.1:{port}/ohio", "http://169.254.169.254/latest/meta-data/"]
)
def test_a_feed_linking_to_a_private_address_gets_nothing_fetched(
    link: str, httpserver: HTTPServer, make_config: Callable[..., Config], now: datetime
):
    config = make_config(relevance=TOPICS, network={"allow_private_networks": False})
    store = Store.open(config.curator.database)
    serve(httpserver, "/ohio", "ohio-overdose-decline")
    add_entries(store, now, "evil", (link.format(port=httpserver.port), "Fentanyl news"))

    report = process_pending(config, store, now)

    (entry,) = entry_rows(store)
    assert report.count_of("skipped") == 1
    assert entry["extract_status"] == "skipped" and "blocked" in entry["extract_note"]
    assert httpserver.log == []
    store.close()


def test_a_run_that_dies_half_way_resumes_where_it_stopped(
    httpserver: HTTPServer, make_config: Callable[..., Config], store: Store, now: datetime
):
    config = make_config(relevance=TOPICS, network={"max_connections": 1})
    links = [(serve(httpserver, f"/p{i}", "ohio-overdose-decline"), f"Story {i}") for i in range(3)]
    add_entries(store, now, "ledger", *links)
    calls = []

    def crash_on_second_chunk() -> bool:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("power cut")
        return False

    with pytest.raises(RuntimeError):
        process_pending(config, store, now, should_stop=crash_on_second_chunk)
    assert [e["extract_status"] for e in entry_rows(store)] == ["done", "pending", "pending"]

    report = process_pending(config, store, now)

    assert report.examined == 2
    assert [e["extract_status"] for e in entry_rows(store)] == ["done"] * 3
    assert len(item_rows(store)) == 1 and item_rows(store)[0]["outlets"] == 1


def test_should_stop_ends_the_run_between_chunks(
    httpserver: HTTPServer, make_config: Callable[..., Config], store: Store, now: datetime
):
    config = make_config(relevance=TOPICS, network={"max_connections": 1})
    links = [(serve(httpserver, f"/q{i}", "samhsa-grants"), f"Grant {i}") for i in range(3)]
    add_entries(store, now, "gov", *links)

    report = process_pending(config, store, now, should_stop=lambda: bool(item_rows(store)))

    assert report.stopped and report.examined == 1


def test_score_moves_items_between_new_and_filtered_with_history(
    httpserver: HTTPServer,
    make_config: Callable[..., Config],
    topical: Config,
    store: Store,
    now: datetime,
):
    url = serve(httpserver, "/clinic", "methadone-clinic-rural")
    add_entries(store, now, "radio", (url, "A methadone clinic opens in Logan County"))
    process_pending(topical, store, now)
    assert item_rows(store)[0]["state"] == "new"

    narrow = make_config(relevance={"topics": [{"name": "alcohol", "terms": ["alcohol"]}]})
    assert rescore_items(narrow, store, now + timedelta(hours=1)) == (1, 1)

    (item,) = item_rows(store)
    assert item["state"] == "filtered" and item["version"] == 2 and item["score"] == 0
    last = store.db.execute(
        "SELECT from_state, to_state, editor FROM history ORDER BY id DESC"
    ).fetchone()
    assert last == ("new", "filtered", "curator")
    assert rescore_items(narrow, store, now + timedelta(hours=2)) == (1, 0)


def test_a_pdf_link_is_screened_on_the_feed_text(
    httpserver: HTTPServer, topical: Config, store: Store, now: datetime
):
    httpserver.expect_request("/robots.txt").respond_with_data("", content_type="text/plain")
    httpserver.expect_request("/report.pdf").respond_with_data(
        b"%PDF-1.7", content_type="application/pdf"
    )
    add_entries(store, now, "cdc", (httpserver.url_for("/report.pdf"), "Overdose report"))

    process_pending(topical, store, now)

    (entry,) = entry_rows(store)
    assert entry["extract_status"] == "fallback"
    assert "not an HTML page (application/pdf)" in str(entry["extract_note"])
    assert item_rows(store)[0]["state"] == "new"


def test_with_extraction_disabled_nothing_is_fetched(
    httpserver: HTTPServer, make_config: Callable[..., Config], store: Store, now: datetime
):
    config = make_config(relevance=TOPICS, extract={"enabled": False})
    url = serve(httpserver, "/ohio", "ohio-overdose-decline")
    add_entries(store, now, "ledger", (url, "Naloxone news"))

    process_pending(config, store, now)

    assert entry_rows(store)[0]["extract_status"] == "skipped"
    assert httpserver.log == [] and len(item_rows(store)) == 1


def test_an_all_on_topic_source_puts_a_low_score_in_the_queue_and_rescoring_keeps_it(
    httpserver: HTTPServer, make_config: Callable[..., Config], store: Store, now: datetime
):
    narrow = make_config(relevance={"topics": [{"name": "alcohol", "terms": ["alcohol"]}]})
    clinic = serve(httpserver, "/clinic", "methadone-clinic-rural")
    ohio = serve(httpserver, "/ohio", "ohio-overdose-decline")
    add_entries(store, now, "scored", (ohio, "Ohio overdose deaths fall 18%"))
    trusted = store.sources.add("https://trusted.example/feed", name="t", now=now, filter_="all")
    store.entries.upsert(trusted.id, [entry(clinic, "A methadone clinic opens", now)], now)

    process_pending(narrow, store, now)

    scored, on_topic = item_rows(store)
    assert scored["state"] == "filtered" and on_topic["state"] == "new"
    assert on_topic["score"] == 0
    assert json.loads(str(on_topic["reasons"]))[0] == "source: all on topic"
    assert rescore_items(narrow, store, now + timedelta(hours=1)) == (2, 0)
    assert [row["state"] for row in item_rows(store)] == ["filtered", "new"]


def entry(url: str, title: str, now: datetime) -> ParsedEntry:
    """A feed entry linking to `url`, with a short feed summary."""
    return ParsedEntry(
        key=url,
        url=url,
        title=title,
        author=None,
        published_at=now,
        updated_at=None,
        summary_html=f"<p>{title} (feed summary).</p>",
        summary_text=f"{title} (feed summary).",
        content_html="",
    )


def test_an_on_topic_entry_joining_a_filtered_story_puts_it_in_the_queue(
    httpserver: HTTPServer, make_config: Callable[..., Config], store: Store, now: datetime
):
    """A story first seen off topic (a low score) is not missed when a source marked
    "all" runs it too: the item goes to the queue at once, with a history row."""
    narrow, second = _filtered_story(httpserver, make_config, store, now)
    (item,) = item_rows(store)
    assert item["state"] == "filtered" and item["version"] == 1

    trusted = store.sources.add("https://trusted.example/feed", name="t", now=now, filter_="all")
    store.entries.upsert(trusted.id, [entry(second, "Ohio overdose deaths fall 18%", now)], now)
    report = process_pending(narrow, store, now + timedelta(minutes=5))

    assert (report.created, report.joined, report.kept, report.promoted) == (0, 1, 0, 1)
    (item,) = item_rows(store)
    assert item["state"] == "new" and item["outlets"] == 2 and item["version"] == 2
    last = store.db.execute(
        "SELECT from_state, to_state, editor, note FROM history ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert last[:3] == ("filtered", "new", "curator")
    assert last[3] == "joined by an on-topic entry: source: all on topic"


def test_an_item_kept_by_a_joining_entry_stays_kept_when_scored_again(
    httpserver: HTTPServer, make_config: Callable[..., Config], store: Store, now: datetime
):
    """`curator score` scores an item as the best of its entries, as the join did: the
    entry that made it on topic keeps it on topic."""
    narrow, second = _filtered_story(httpserver, make_config, store, now)
    add_entries(store, now, "wire", (second, "Ohio overdose deaths fall 18% as alcohol sales rise"))
    report = process_pending(narrow, store, now + timedelta(minutes=5))
    assert (report.joined, item_rows(store)[0]["state"]) == (1, "new")

    assert rescore_items(narrow, store, now + timedelta(hours=1)) == (1, 0)
    (item,) = item_rows(store)
    assert item["state"] == "new" and "alcohol" in str(item["reasons"])


def _filtered_story(
    httpserver: HTTPServer, make_config: Callable[..., Config], store: Store, now: datetime
) -> tuple[Config, str]:
    """An Ohio overdose story processed under a config whose only topic is alcohol (so
    its item is filtered); (that config, the URL of a second copy of the page)."""
    narrow = make_config(relevance={"topics": [{"name": "alcohol", "terms": ["alcohol"]}]})
    first = serve(httpserver, "/a/ohio", "ohio-overdose-decline")
    second = serve(httpserver, "/b/ohio-syndicated", "ohio-overdose-decline")
    add_entries(store, now, "scored", (first, "Ohio overdose deaths fall 18%"))
    process_pending(narrow, store, now)
    return narrow, second


STOCK = "Sessions at the public library teach how to recognise and respond to an overdose."
STORIES = {
    "clinic": (
        "Rural clinic opens methadone wing",
        "A rural clinic in Harlan opened a methadone wing on Monday, the first in the county.",
        "The wing can treat two hundred patients a day and has a waiting list of ninety.",
        "Staff said most patients now drive less than twenty miles for their daily dose.",
    ),
    "schools": (
        "Schools stock naloxone in every building",
        "Every public school in the district will keep naloxone kits in its nurse's office.",
        "The school board voted five to two for the plan after a student overdose in May.",
        "Teachers will be trained during the first week of the autumn term by paramedics.",
    ),
    "jail": (
        "Jail starts buprenorphine program",
        "The county jail began offering buprenorphine to inmates with opioid use disorder.",
        "The sheriff said twelve inmates started treatment in the program's first week.",
        "Inmates who leave will be referred to a clinic near their home for their doses.",
    ),
}


def serve_story(httpserver: HTTPServer, name: str) -> str:
    title, *sentences = STORIES[name]
    paragraphs = "".join(f"<p>{s}</p>" for s in [*sentences, STOCK])
    html = f"<html><body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    httpserver.expect_request(f"/{name}").respond_with_data(html, content_type="text/html")
    return httpserver.url_for(f"/{name}")


def summaries(store: Store) -> dict[str, str]:
    return {str(r["title"]): str(r["summary"]) for r in item_rows(store)}


def test_a_sentence_an_outlet_repeats_across_its_items_is_in_none_of_their_summaries(
    httpserver: HTTPServer, make_config: Callable[..., Config], store: Store, now: datetime
):
    config = make_config(relevance=TOPICS, summary={"sentences": 4})
    httpserver.expect_request("/robots.txt").respond_with_data("", content_type="text/plain")
    clinic, schools, jail = (serve_story(httpserver, name) for name in STORIES)
    add_entries(store, now, "gazette", (clinic, STORIES["clinic"][0]), (jail, STORIES["jail"][0]))
    add_entries(store, now, "courier", (schools, STORIES["schools"][0]))

    process_pending(config, store, now)

    found = summaries(store)
    assert len(found) == 3
    assert STOCK not in found[STORIES["clinic"][0]]
    assert STOCK not in found[STORIES["jail"][0]]
    assert "methadone wing on Monday" in found[STORIES["clinic"][0]]
    assert STOCK in found[STORIES["schools"][0]]  # another outlet's only item: its own


def test_a_later_item_skips_the_stock_sentence_of_its_source_s_stored_articles(
    httpserver: HTTPServer, make_config: Callable[..., Config], store: Store, now: datetime
):
    config = make_config(relevance=TOPICS, summary={"sentences": 4})
    httpserver.expect_request("/robots.txt").respond_with_data("", content_type="text/plain")
    clinic, jail = serve_story(httpserver, "clinic"), serve_story(httpserver, "jail")
    source = add_entries(store, now, "gazette", (clinic, STORIES["clinic"][0]))
    process_pending(config, store, now)
    assert STOCK in summaries(store)[STORIES["clinic"][0]]  # nothing to compare with yet

    later = now + timedelta(hours=1)
    store.entries.upsert(source, [entry(jail, STORIES["jail"][0], later)], later)
    process_pending(config, store, later)

    assert STOCK not in summaries(store)[STORIES["jail"][0]]
