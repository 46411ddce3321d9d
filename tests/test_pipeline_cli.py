"""`curator extract`, `curator items`, `curator score` from the command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from curator.cli.main import cli
from curator.models import ParsedEntry
from curator.store import Store

PAGES = Path(__file__).resolve().parent.parent / "data" / "samples" / "pages"
CONFIG = """
[curator]
database = "curator.db"
[network]
allow_private_networks = true
[[relevance.topics]]
name = "{topic}"
terms = [{terms}]
"""


def write_config(tmp_path: Path, topic: str, terms: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.format(topic=topic, terms=terms), encoding="utf-8")
    return path


def run(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), *args], catch_exceptions=False)


def seed(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("", content_type="text/plain")
    pages = {"ohio": "ohio-overdose-decline", "teens": "research-teen-cannabis"}
    for path, page in pages.items():
        body = (PAGES / f"{page}.html").read_bytes()
        httpserver.expect_request(f"/{path}").respond_with_data(body, content_type="text/html")
    now = datetime(2026, 12, 1, tzinfo=UTC)
    store = Store.open(tmp_path / "curator.db")
    source = store.sources.add("https://ledger.example/feed", name="Ledger", now=now)
    entries = [
        ParsedEntry(path, httpserver.url_for(f"/{path}"), title, None, now, None, "", "", "")
        for path, title in (("ohio", "Ohio overdose deaths fall"), ("teens", "Teen cannabis risk"))
    ]
    store.entries.upsert(source.id, entries, now)
    store.close()


def test_extract_then_items_lists_the_kept_story_as_json(tmp_path: Path, httpserver: HTTPServer):
    seed(tmp_path, httpserver)
    config = write_config(tmp_path, "overdose", '"overdose", "naloxone"')

    extracted = run(config, "extract")
    listed = run(config, "items", "--json")
    everything = run(config, "items", "--state", "new", "--state", "filtered")

    assert extracted.exit_code == 0 and "examined 2 entries" in extracted.output
    (item,) = json.loads(listed.output)
    assert item["title"] == "Ohio overdose deaths fall" and item["state"] == "new"
    assert item["sources"] == ["Ledger"] and item["reasons"][0].startswith("title: overdose")
    assert len(everything.output.splitlines()) == 3  # the header, an item a line


def test_score_applies_changed_topics_to_existing_items(tmp_path: Path, httpserver: HTTPServer):
    seed(tmp_path, httpserver)
    run(write_config(tmp_path, "overdose", '"overdose"'), "extract")

    result = run(write_config(tmp_path, "cannabis", '"cannabis"'), "score")
    listed = run(tmp_path / "config.toml", "items", "--json")

    assert "re-scored 2 items; 2 changed" in result.output
    assert [found["title"] for found in json.loads(listed.output)] == ["Teen cannabis risk"]
