"""The `sources`, `poll` and `status` commands against a real server and database.

Most run in-process with click's runner; those about the one-line error (what
`curator` prints when it must stop) run `python -m curator` in a subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from feed_factory import FeedApp, rss
from werkzeug import Response

from curator.cli.main import cli
from curator.poll.opml import read_opml

OPML = """<?xml version="1.0"?>
<opml version="2.0"><head><title>mine</title></head><body>
  <outline text="Research">
    <outline text="NIDA" type="rss" xmlUrl="{base}/nida"/>
    <outline text="Broken" type="rss" xmlUrl="{base}/broken" category="/alerts"/>
  </outline>
  <outline text="Loose" type="rss" xmlUrl="{base}/loose"/>
  <outline text="Again" type="rss" xmlUrl="{base}/nida"/>
</body></opml>
"""


@pytest.fixture
def app(httpserver) -> FeedApp:
    served = FeedApp({"/feed": rss(3, title="Recovery Daily"), "/nida": rss(2, prefix="n")})
    httpserver.expect_request(re.compile(".*")).respond_with_handler(served)
    return served


@pytest.fixture
def config_file(tmp_path: Path, httpserver, app) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[curator]
database = "curator.db"
[network]
allow_private_networks = true
[[sources]]
name = "Configured"
url = "{httpserver.url_for("/feed")}"
tags = ["news"]
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def run(config_file: Path):
    def invoke(*args: str, ok: bool = True):
        result = CliRunner().invoke(cli, ["--config", str(config_file), *args])
        if ok:
            assert result.exit_code == 0, (result.output, result.exception)
        return result

    return invoke


def listed(run) -> list[dict]:
    return json.loads(run("sources", "list", "--json").output)


def curator(config_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "curator", "--config", str(config_file), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_config_sources_are_listed_with_their_health(run):
    (source,) = listed(run)
    assert source["name"] == "Configured" and source["tags"] == ["news"]
    assert source["last_status"] is None and source["origin"] == "config"


def test_add_a_feed_url_takes_the_feeds_title_as_name(run, httpserver):
    out = run("sources", "add", httpserver.url_for("/nida"), "--tag", "research").output
    assert "added source" in out
    added = [s for s in listed(run) if s["origin"] == "cli"]
    assert added[0]["name"] == "Recovery News" and added[0]["tags"] == ["research"]


def test_add_a_web_page_finds_its_feed(run, app, httpserver):
    page = (
        '<html><head><link rel="alternate" type="application/rss+xml" href="/nida"></head></html>'
    )
    app.routes["/home"] = lambda r: Response(page, content_type="text/html")
    run("sources", "add", httpserver.url_for("/home"), "--name", "NIDA home")
    urls = {s["name"]: s["url"] for s in listed(run)}
    assert urls["NIDA home"] == httpserver.url_for("/nida")


def test_a_page_without_a_feed_stops_with_one_clear_line(config_file, app, httpserver):
    app.routes["/plain"] = lambda r: Response(
        "<html><body>hi</body></html>", content_type="text/html"
    )
    result = curator(config_file, "sources", "add", httpserver.url_for("/plain"))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "no feed here" in result.stderr and "announces no feed" in result.stderr


def test_adding_a_known_url_is_refused(run, httpserver):
    result = run("sources", "add", httpserver.url_for("/feed"), ok=False)
    assert result.exit_code != 0 and "already a source" in str(result.exception)


def test_remove_by_name_or_id(run, httpserver):
    run("sources", "add", httpserver.url_for("/nida"), "--name", "Extra")
    assert "removed source" in run("sources", "remove", "extra").output
    configured = listed(run)[0]
    run("sources", "remove", str(configured["id"]))
    assert run("sources", "remove", "nothing", ok=False).exit_code != 0


def test_import_opml_adds_feeds_with_folders_as_tags_and_skips_repeats(run, tmp_path, httpserver):
    opml = tmp_path / "list.opml"
    opml.write_text(OPML.format(base=httpserver.url_for("").rstrip("/")), encoding="utf-8")
    out = run("sources", "import", str(opml)).output
    assert "added 3 sources" in out
    tags = {s["name"]: s["tags"] for s in listed(run)}
    assert tags["NIDA"] == ["Research"] and tags["Broken"] == ["Research", "alerts"]
    assert "added 0 sources, skipped 3" in run("sources", "import", str(opml)).output


def test_export_writes_opml_that_reads_back(run):
    exported = run("sources", "export").output
    (source,) = read_opml(exported.encode(), "export")
    assert source.name == "Configured" and source.tags == ("news",)


def test_poll_prints_a_summary_and_exits_zero_when_a_source_fails(config_file, httpserver):
    with config_file.open("a", encoding="utf-8") as f:
        f.write(f'\n[[sources]]\nname = "Missing"\nurl = "{httpserver.url_for("/missing")}"\n')
    result = curator(config_file, "poll")
    assert result.returncode == 0, result.stderr
    assert re.search(r"│\s+3\s+│\s+0\s+│\s+0\s+│\s+0\s+│\s+1\s+│", result.stdout)
    assert "Missing: HTTP 404" in result.stdout
    assert "\r" not in result.stdout  # no progress bar when not on a terminal


def test_poll_one_source_by_name(run, httpserver):
    run("sources", "add", httpserver.url_for("/nida"), "--name", "Only me")
    run("poll", "--source", "Only me")
    polled = {s["name"]: s["last_status"] for s in listed(run)}
    assert polled == {"Configured": None, "Only me": "ok"}


def test_status_counts_sources_failures_and_entries(run, config_file, httpserver):
    with config_file.open("a", encoding="utf-8") as f:
        f.write(f'\n[[sources]]\nname = "Missing"\nurl = "{httpserver.url_for("/missing")}"\n')
    run("poll")
    body = json.loads(run("status", "--json").output)
    assert (body["sources"], body["failing"], body["entries"]) == (2, 1, 3)
    assert body["last_poll"] and body["worst"][0]["name"] == "Missing"
    assert "1 failing" in run("status").output


def test_a_bad_config_value_stops_with_one_line_naming_the_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[poll]\ninterval = "often"\n', encoding="utf-8")
    result = curator(bad, "poll")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: config: poll.interval: 'often' is not a duration like '30m', '6h' or '2d'"
    )


def test_a_source_marked_all_on_topic_is_added_listed_and_synced(run, config_file, httpserver):
    out = run("sources", "add", httpserver.url_for("/nida"), "--filter", "all").output
    assert "(all on topic)" in out
    assert {s["origin"]: s["filter"] for s in listed(run)} == {"config": "topics", "cli": "all"}

    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(text.replace('tags = ["news"]', 'tags = ["news"]\nfilter = "all"'))
    assert {s["origin"]: s["filter"] for s in listed(run)} == {"config": "all", "cli": "all"}
    config_file.write_text(text)
    assert {s["origin"]: s["filter"] for s in listed(run)} == {"config": "topics", "cli": "all"}
    wide = CliRunner().invoke(
        cli, ["--config", str(config_file), "sources", "list"], env={"COLUMNS": "160"}
    )
    assert "Recovery News (all on topic)" in wide.output and "Configured (all" not in wide.output


def test_a_wrong_filter_is_refused_by_sources_add(run, httpserver):
    result = run("sources", "add", httpserver.url_for("/nida"), "--filter", "some", ok=False)
    assert result.exit_code != 0 and "'some' is not one of" in result.output
