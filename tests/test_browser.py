"""The static pages in a real browser: headless Chromium loads them, we read the DOM.

Skipped only when no Chromium is installed (.ci/run installs it from the distribution).
A screenshot of each page is kept in tests/artifacts/ (gitignored) for a human to look at.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import lxml.html
import pytest
from export_helpers import START, add_post

from curator.site.run import export_site
from curator.store import Store

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""


@pytest.fixture
def site(tmp_path: Path, make_config, store: Store, now) -> Iterator[str]:
    """An export with three posts, served on 127.0.0.1; yields the base URL."""
    folder = tmp_path / "site"
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder))
    )
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    config = make_config(export={"base_url": base, "out_dir": str(folder)})
    add_post(
        store,
        "Fentanyl test strips prevent overdoses",
        tags=["overdose"],
        body_html="<p>Drug checking with <strong>fentanyl test strips</strong> works.</p>",
        source_url="https://research.example.org/strips",
        source_name="Research Weekly",
        published_at=START,
        slug="strips-prevent-overdoses",
    )
    add_post(
        store,
        "Where to find fentanyl test strips",
        tags=["overdose", "families"],
        body_html="<p>Pharmacies hand out <em>fentanyl test strips</em> for free.</p>",
        source_url="https://news.example.org/where",
        source_name="City News",
        published_at=START + timedelta(days=1),
        slug="where-to-find-strips",
    )
    export_site(config, store, now)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()
    thread.join()


def chromium(tmp_path: Path, *args: str) -> str:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_index_and_post_page_render_in_headless_chromium(site: str, tmp_path: Path):
    index = lxml.html.fromstring(chromium(tmp_path, "--dump-dom", site + "index.html"))
    links = {a.text_content().strip(): a.get("href") for a in index.iter("a")}
    assert links["Where to find fentanyl test strips"] == "posts/where-to-find-strips.html"
    assert links["Fentanyl test strips prevent overdoses"] == "posts/strips-prevent-overdoses.html"
    assert not index.xpath("//script")

    post = lxml.html.fromstring(
        chromium(tmp_path, "--dump-dom", site + "posts/where-to-find-strips.html")
    )
    assert post.findtext(".//h1") == "Where to find fentanyl test strips"
    assert "Pharmacies hand out fentanyl test strips for free." in post.text_content()
    report = post.xpath("//a[@class='full-report']")[0]
    assert report.text == "Read the full report" and report.get("href") == (
        "https://news.example.org/where"
    )
    assert "from City News" in post.text_content()
    related = post.xpath("//aside[@class='related']//a")
    assert [(a.text, a.get("href")) for a in related] == [
        ("Fentanyl test strips prevent overdoses", "strips-prevent-overdoses.html")
    ]
    tags = [a.text for a in post.xpath("//ul[@class='tag-list']//a")]
    assert tags == ["overdose", "families"]


def test_screenshots_are_stored_as_artifacts(site: str, tmp_path: Path):
    ARTIFACTS.mkdir(exist_ok=True)
    for page, name in (
        ("index.html", "index.png"),
        ("posts/where-to-find-strips.html", "post.png"),
    ):
        target = ARTIFACTS / name
        target.unlink(missing_ok=True)
        chromium(
            tmp_path,
            "--hide-scrollbars",
            "--window-size=900,1100",
            f"--screenshot={target}",
            site + page,
        )
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert target.stat().st_size > 5_000  # a page, not a blank
