"""A subscriber's view: the export served over 127.0.0.1, read with a real feed client."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import feedparser
import httpx
import pytest
from click.testing import CliRunner
from export_helpers import START, add_post

from curator.cli.main import cli
from curator.config import Config
from curator.site.run import export_site
from curator.store import Store


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A static server on 127.0.0.1 for the export folder (as nginx would serve it)."""
    folder = tmp_path / "site"
    folder.mkdir()
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_subscriber_reads_the_posts_in_order_with_their_links(
    make_config, store: Store, now: datetime, served: tuple[Path, str]
):
    folder, base = served
    config: Config = make_config(export={"base_url": base, "out_dir": str(folder)})
    titles = ["Naloxone in every school", "Recovery high schools grow", "Kratom gets labels"]
    for n, title in enumerate(titles):
        add_post(
            store,
            title,
            source_url=f"https://source.example/{n}",
            published_at=START + timedelta(days=n),
            tags=["news"],
        )
    export_site(config, store, now)
    with httpx.Client(timeout=10) as client:
        for feed_name in ("atom.xml", "rss.xml"):
            response = client.get(base + feed_name)
            assert response.status_code == 200
            feed = feedparser.parse(response.content)
            assert feed.bozo == 0
            assert [e.title for e in feed.entries] == titles[::-1]
            for entry in feed.entries:
                page = client.get(entry.link)
                assert page.status_code == 200 and entry.title in page.text
                assert 'href="https://source.example/' in page.text
        assert client.get(base + "feed.json").json()["items"][0]["title"] == titles[-1]
        assert "Kratom gets labels" in client.get(base + "tags/news.html").text


def test_an_unchanged_export_answers_a_conditional_get_with_304(
    make_config, store: Store, now: datetime, served: tuple[Path, str]
):
    folder, base = served
    config: Config = make_config(export={"base_url": base, "out_dir": str(folder)})
    add_post(store, "Naloxone in every school")
    export_site(config, store, now)
    with httpx.Client(timeout=10) as client:
        first = client.get(base + "atom.xml")
        export_site(config, store, now + timedelta(minutes=15))
        again = client.get(
            base + "atom.xml", headers={"If-Modified-Since": first.headers["Last-Modified"]}
        )
    assert again.status_code == 304


def test_curator_export_command_prints_where_the_feeds_are(
    tmp_path: Path, make_config, store: Store
):
    add_post(store, "Naloxone in every school")
    config_file = tmp_path / "config.toml"
    config_file.write_text(f'[curator]\ndatabase = "{tmp_path / "curator.db"}"\n')
    target = tmp_path / "public"
    result = CliRunner().invoke(cli, ["--config", str(config_file), "export", "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert "Exported 1 posts" in result.output
    assert str(target / "atom.xml") in result.output
    assert str(target / "index.html") in result.output
    assert (target / "posts").is_dir()
