"""The site in a real browser: headless Chromium, driven over the DevTools protocol
(tests/cdp.py), loads the index, a post, a tag page, search and a digest at 1280 and
360 px wide, in light and dark: no console error, no failed request, no sideways
scroll, every image loaded and with alt text, and axe-core (tests/data/axe) finds no
serious or critical accessibility violation.

Skipped only when no Chromium is installed, and never under CI (.ci/run installs it from
the distribution; with CI set and no Chromium the module fails).
Screenshots go to tests/artifacts/ (gitignored), for a human to look at.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import lxml.html
import pytest
from cdp import Chromium, Tab
from export_helpers import START, add_image, add_post, photo

from curator.site.digest import parse_week
from curator.site.digest_run import make_digest
from curator.site.run import export_site
from curator.store import Store

ARTIFACTS = Path(__file__).parent / "artifacts"
AXE = Path(__file__).parent / "data" / "axe" / "axe.min.js"
CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
if CHROMIUM is None and os.environ.get("CI"):  # .ci/run installs it: a skip there proves nothing
    pytest.fail("CI has no Chromium for the browser test (chromium not on PATH)", pytrace=False)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed")
PAGES = {
    "index": "index.html",
    "post": "posts/where-to-find-strips.html",
    "tag": "tags/overdose.html",
    "search": "search.html",
    "digest": "digest/2026-W44.html",
}
# What a page should show of itself; the rest of the page is checked the same way for all.
PAGE_CHECKS = """(() => ({
  sideways: document.documentElement.scrollWidth - window.innerWidth,
  images: [...document.images].map(i => ({src: i.currentSrc, alt: i.getAttribute('alt'),
                                           loaded: i.complete && i.naturalWidth > 0})),
  scripts: document.scripts.length,
}))()"""
LOAD_ALL_IMAGES = """Promise.all([...document.images].map(i => { i.loading = 'eager';
  return i.complete ? 0 : new Promise(done => { i.onload = i.onerror = done; }); }))"""
RUN_AXE = """axe.run(document, {resultTypes: ['violations']}).then(r => r.violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')))"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""


@pytest.fixture
def site(tmp_path: Path, make_config, store: Store, now) -> Iterator[str]:
    """A branded export with posts (one with a lead image) and a digest, served on
    127.0.0.1; yields the base URL."""
    folder = tmp_path / "site"
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder))
    )
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "about.md").write_text("# About us\n\nWe help families.\n")
    (pages / "donate.md").write_text("# Donate\n\nEvery gift helps.\n")
    (tmp_path / "logo.png").write_bytes(photo(240, 80, "PNG"))
    config = make_config(
        export={"base_url": base, "out_dir": str(folder)},
        site={"organisation": "Harbor Families", "logo": "logo.png", "pages": "pages",
              "editors": {"ana": "Ana Ruiz"}},
    )  # fmt: skip
    add_post(
        store, "Fentanyl test strips prevent overdoses", tags=["overdose"],
        body_html="<p>Drug checking with <strong>fentanyl test strips</strong> works.</p>"
        "<blockquote><p>Strips found fentanyl in 7 of 10 samples.</p></blockquote>",
        source_url="https://research.example.org/strips", source_name="Research Weekly",
        published_at=START, slug="strips-prevent-overdoses",
    )  # fmt: skip
    with_image = add_post(
        store, "Where to find fentanyl test strips", tags=["overdose", "families"],
        body_html="<p>Pharmacies hand out <em>fentanyl test strips</em> for free.</p>",
        source_url="https://news.example.org/where", source_name="City News",
        published_at=START + timedelta(days=1), slug="where-to-find-strips",
    )  # fmt: skip
    add_image(store, with_image, alt="A pharmacist hands a box of test strips over the counter")
    export_site(config, store, now)
    make_digest(config, store, parse_week("2026-W44"), now)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    assert CHROMIUM is not None
    chromium = Chromium(CHROMIUM, tmp_path_factory.mktemp("chromium-profile"))
    yield chromium
    chromium.close()


def checked(browser: Chromium, url: str, width: int, dark: bool = False) -> tuple[Tab, dict]:
    """`url` loaded at `width` px; fails on any console error or failed request."""
    tab = browser.open_tab(width, 900)
    scheme = {"name": "prefers-color-scheme", "value": "dark" if dark else "light"}
    browser.send("Emulation.setEmulatedMedia", {"features": [scheme]}, tab.session)
    tab.load(url)
    tab.evaluate(LOAD_ALL_IMAGES)
    shown = tab.evaluate(PAGE_CHECKS)
    assert (tab.errors, tab.failed) == ([], []), url
    assert shown["sideways"] <= 0, f"{url} scrolls sideways at {width}px"
    for image in shown["images"]:
        assert image["loaded"] and image["alt"] is not None, (url, image)
    return tab, shown


def test_every_kind_of_page_is_clean_and_accessible_at_1280_and_360_px(
    site: str, browser: Chromium
):
    ARTIFACTS.mkdir(exist_ok=True)
    axe = AXE.read_text(encoding="utf-8")
    runs = [(name, width, False) for width in (1280, 360) for name in PAGES]
    runs += [("index", 360, True), ("post", 360, True)]  # dark mode: its colours' contrast
    for name, width, dark in runs:
        path = PAGES[name]
        tab, shown = checked(browser, site + path, width, dark)
        tab.evaluate(axe)  # through DevTools: the page's CSP stays as it is
        assert tab.evaluate(RUN_AXE) == [], (path, width, dark)
        if name != "search":
            assert shown["scripts"] == 0, path
        suffix = "-dark" if dark else ""
        tab.screenshot(ARTIFACTS / f"{name}-{width}{suffix}.png")
        tab.close()
    assert (ARTIFACTS / "post-360.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def dom(tab: Tab) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(tab.evaluate("document.documentElement.outerHTML"))


def test_the_post_page_reads_as_a_family_would_see_it(site: str, browser: Chromium):
    tab, shown = checked(browser, site + PAGES["post"], 1280)
    post = dom(tab)
    assert post.findtext(".//h1") == "Where to find fentanyl test strips"
    assert "By Ana Ruiz" in post.xpath("string(//p[@class='meta'])")
    assert "call or text 988" in post.xpath("string(//p[@class='crisis'])")
    logo, lead = shown["images"]
    assert logo["alt"] == ""  # beside the organisation's name, which it repeats
    assert lead["alt"] == "A pharmacist hands a box of test strips over the counter"
    assert lead["src"].startswith(site + "images/where-to-find-strips-")  # ours, not hotlinked
    related = post.xpath("//aside[@class='related']//a")
    assert [(a.text, a.get("href")) for a in related] == [
        ("Fentanyl test strips prevent overdoses", "strips-prevent-overdoses.html")
    ]
    tab.close()
    other = dom(checked(browser, site + "posts/strips-prevent-overdoses.html", 1280)[0])
    caption = other.xpath("string(//figure[@class='quote']/figcaption)")
    assert caption == "Quoted from Research Weekly"


def test_search_finds_posts_with_javascript_and_lists_them_without(site: str, browser: Chromium):
    tab, _ = checked(browser, site + PAGES["search"], 1280)
    titles = tab.evaluate("""new Promise((done, fail) => {
      const box = document.querySelector('.pagefind-ui__search-input');
      box.value = 'pharmacies'; box.dispatchEvent(new Event('input', {bubbles: true}));
      const started = Date.now();
      (function wait() {
        const found = [...document.querySelectorAll('.pagefind-ui__result-link')];
        if (found.length) return done(found.map(a => a.textContent.trim()));
        if (Date.now() - started > 10000) return fail('no results');
        setTimeout(wait, 100);
      })();
    })""")
    assert titles == ["Where to find fentanyl test strips"]
    assert (tab.errors, tab.failed) == ([], [])
    tab.close()
    plain = browser.open_tab(360, 900)
    browser.send("Emulation.setScriptExecutionDisabled", {"value": True}, plain.session)
    plain.load(site + PAGES["search"])
    listed = [a.text for a in dom(plain).xpath("//ol[@class='every-post']//a")]
    assert listed == [
        "Where to find fentanyl test strips",
        "Fentanyl test strips prevent overdoses",
    ]
    assert (plain.errors, plain.failed) == ([], [])
