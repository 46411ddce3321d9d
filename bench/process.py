"""Pipeline speed on the bundled pages: extraction, summaries, scoring, clustering.

    python bench/process.py [--pages N] [--cycle N] [--real-pages]

Stage throughput repeats the 16 bundled pages to N (default 500), network
excluded. A row for extraction on the real pages of `../shared/corpora/webpages` (read
from there, as bench/extraction.py reads them; left out when the folder is missing)
gives the CPU time of each page: median, 90th percentile and mean, with the load
average (`--real-pages`: that row alone).
The full cycle runs `process_pending` on --cycle new entries (default 1,000) from
20 sources against a local HTTP server on 127.0.0.1 that gives each entry a distinct
story, so it counts HTTP, robots.txt, extraction, summary, score, clustering against
every earlier item, and one commit per entry.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import random
import re
import statistics
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from curator import config as config_module
from curator.models import Article, ParsedEntry, PendingEntry, StorySignature
from curator.screen.cluster import match_story
from curator.screen.extract import extract_article
from curator.screen.relevance import score_article
from curator.screen.run import process_pending
from curator.screen.story_index import StoryIndex
from curator.screen.summarize import summarize
from curator.store import Store

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "data" / "samples" / "pages"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
THRESHOLD, WINDOW = 0.22, timedelta(days=4)  # config.toml's [cluster]
_VOCABULARY_TEXT = (
    "county officials clinic treatment funding program families report patients hospital "
    "state federal grant study researchers community health services data survey workers "
    "school police court jail pharmacy harm reduction recovery housing peer coaches city"
)
VOCABULARY = _VOCABULARY_TEXT.split()
HEADER = "| stage | n | wall | cpu | per wall second | per cpu second |\n|---|--:|--:|--:|--:|--:|"


def timed(label: str, count: int, work: Callable[[], object], unit: str) -> None:
    """Wall time and this process's CPU time (the CPU figure is steadier on a busy machine)."""
    started, cpu = time.perf_counter(), time.process_time()
    work()
    elapsed, used = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"| {label:<34} | {count:>5} | {elapsed:>7.2f} s | {used:>7.2f} s "
        f"| {count / elapsed:>7.1f} {unit}/s | {count / used:>7.1f} {unit}/s |"
    )


def stages(count: int) -> float:
    """Each pure stage on `count` pages (the bundled ones, repeated); the bytes a story
    takes in a clustering index."""
    config = config_module.load(ROOT / "config.toml")
    pages = sorted(PAGES.glob("*.html"))
    work = [pages[i % len(pages)] for i in range(count)]
    bodies = [p.read_bytes() for p in work]
    entries = [
        PendingEntry(
            i,
            1,
            "bench",
            f"https://bench.example/{p.stem}/{i}",
            p.stem.replace("-", " "),
            "",
            "",
            "",
            None,
            NOW,
        )
        for i, p in enumerate(work)
    ]
    articles: list[Article] = []

    def extract_all() -> None:
        articles.extend(
            extract_article(b, e, url=str(e.url)) for b, e in zip(bodies, entries, strict=True)
        )

    timed("extract (trafilatura + metadata)", count, extract_all, "pages")
    threshold = config.relevance.threshold
    timed(
        "summarize (3 sentences)",
        count,
        lambda: [summarize(a.text, a.title, 3) for a in articles],
        "items",
    )
    timed(
        "score (12 default topics)",
        count,
        lambda: [score_article(a.title, a.text, config.topics, threshold) for a in articles],
        "items",
    )
    timed("cluster (against the run so far)", count, partial(cluster_all, articles), "items")
    stories = window_of_stories(articles, 8000)
    for when in ("first", "again"):  # again: what rebuilding it every run cost
        label = f"index a 3-day window ({when})"
        timed(label, len(stories), lambda: StoryIndex(stories), "items")
    place_in_window(articles, stories)
    return memory_a_story(window_of_stories(articles, 8000, seed=1))


def place_in_window(articles: list[Article], stories: list[StorySignature]) -> None:
    """One entry at a time against a window of 8,000 stories, as the service places
    it: CPU time, the median and the slowest tenth (one entry is one `match_story`)."""
    index, entries = StoryIndex(stories), window_of_stories(articles, 300, seed=2)
    rng = random.Random(3)
    for n in range(0, len(entries), 10):  # one in ten retells a story of the window
        told = stories[rng.randrange(len(stories))]
        words = told.lead.split()
        rng.shuffle(words)
        entries[n] = replace(told, title=told.title[::-1], lead=" ".join(words[:200]))
    spent, joined = [], 0
    for entry in entries:
        started = time.thread_time()
        found = match_story(
            replace(entry, item_id=0, url=entry.url + "?new"), index, THRESHOLD, WINDOW
        )
        spent.append(time.thread_time() - started)
        joined += found is not None
    spent.sort()
    median, slow = spent[len(spent) // 2] * 1000, spent[len(spent) * 9 // 10] * 1000
    print(f"| place one entry against 8,000 stories (CPU; {joined} of {len(entries)} join) | "
          f"median {median:.1f} ms | 90th percentile {slow:.1f} ms | |")  # fmt: skip


def real_pages() -> None:
    """extract_article on each real page, timed one by one (CPU: the steadier figure on a
    shared machine; the load average is printed beside it)."""
    from extraction import CORPUS, curator_text, load_pages  # bench/extraction.py

    if not (CORPUS / "manifest.jsonl").is_file():
        print(f"| extract, real pages: {CORPUS} not found, row left out |")
        return
    pages = load_pages(CORPUS)
    times = []
    started = time.perf_counter()
    for page in pages:
        cpu = time.process_time()
        curator_text(page)
        times.append(time.process_time() - cpu)
    elapsed, used = time.perf_counter() - started, sum(times)
    print(
        f"| {'extract, real pages':<34} | {len(pages):>5} | {elapsed:>7.2f} s | {used:>7.2f} s "
        f"| {len(pages) / elapsed:>7.1f} pages/s | {len(pages) / used:>7.1f} pages/s |"
    )
    sizes, times = sorted(len(page.html) for page in pages), sorted(times)
    print(
        f"\nreal pages (median {sizes[len(sizes) // 2] / 1024:.0f} KB): CPU a page median "
        f"{1000 * statistics.median(times):.1f} ms, 90th percentile "
        f"{1000 * times[len(times) * 9 // 10]:.1f} ms, mean {1000 * statistics.mean(times):.1f} ms "
        f"(load average {os.getloadavg()[0]:.1f})\n"
    )


def memory_a_story(stories: list[StorySignature]) -> float:
    """Bytes a story takes in a new index (and in any cache it fills), by tracemalloc."""
    gc.collect()
    tracemalloc.start()
    index = StoryIndex(stories)
    gc.collect()
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del index
    return held / len(stories)


def cluster_all(articles: list[Article]) -> None:
    """Each article against the stories before it, as a run adds its new items."""
    known = StoryIndex()
    for article in articles:
        signature = StorySignature(
            0, article.title, article.url, article.canonical_url, article.text[:2400], NOW
        )
        match = match_story(signature, known, THRESHOLD, NOW - NOW.replace(day=1))
        item_id = match.item_id if match else len(known.items) + 1
        known.add(StorySignature(item_id, *list(signature.__dict__.values())[1:]))


def window_of_stories(articles: list[Article], count: int, seed: int = 0) -> list[StorySignature]:
    """`count` distinct stories, as a 4-day window of 2,000 sources holds: each lead is
    words of a bundled page mixed with words drawn from a Zipf vocabulary of 50,000 (so
    that, as in real news, a few words are in most stories and most are in few), and
    each title a number of its own."""
    rng = random.Random(seed)
    vocabulary = [f"term{n}" for n in range(50_000)]
    weights = list(itertools.accumulate(1 / (n + 1) for n in range(len(vocabulary))))
    stories = []
    for n, article in zip(range(count), itertools.cycle(articles)):
        words = article.text[:1200].split()[:40]
        words += rng.choices(vocabulary, cum_weights=weights, k=260)
        rng.shuffle(words)
        title = f"{' '.join(words[:7])} {n}"
        stories.append(
            StorySignature(n + 1, title, f"https://window.example/{n}", None, " ".join(words), NOW)
        )
    return stories


class StoryHandler(BaseHTTPRequestHandler):
    """Serves /<page>.html?n=<id> as a distinct story: its own canonical URL and a
    lead paragraph of its own, so the cycle makes one item per entry (no joins)."""

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        page = PAGES / Path(path).name
        if not page.is_file() or page.suffix != ".html":
            self.send_error(404)
            return
        html = re.sub(
            r'<link rel="canonical" href="[^"]*">',
            f'<link rel="canonical" href="https://bench.example{self.path}">',
            page.read_text(encoding="utf-8"),
        )
        body = html.replace("</h1>", f"</h1><p>{lead(query)}</p>", 1).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Silence the per-request log lines."""


def lead(seed: str) -> str:
    """Two sentences of words drawn for this story alone."""
    rng = random.Random(seed)
    words = [rng.choice(VOCABULARY) for _ in range(36)]
    first, second = " ".join(words[:18]).capitalize(), " ".join(words[18:]).capitalize()
    return f"{first} in district {seed}. {second}."


def full_cycle(count: int) -> None:
    """process_pending on `count` fresh entries served from 127.0.0.1."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), StoryHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pages = sorted(PAGES.glob("*.html"))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory() as folder:
        raw = config_module.load(ROOT / "config.toml")
        config = raw.with_values(
            curator__database=Path(folder) / "bench.db",
            network__allow_private_networks=True,
            extract__batch=count,
        )
        store = Store.open(config.curator.database)
        for n in range(20):
            source = store.sources.add(f"https://s{n}.example/feed", name=f"Source {n}", now=NOW)
            batch = [
                ParsedEntry(
                    f"{n}-{i}",
                    f"{base}/{pages[i % len(pages)].name}?n={n}-{i}",
                    f"{pages[i % len(pages)].stem} (story {n}-{i})",
                    None,
                    NOW,
                    None,
                    "",
                    "",
                    "",
                )
                for i in range(n, count, 20)
            ]
            store.entries.upsert(source.id, batch, NOW)
        report: list[object] = []
        timed(
            "full cycle (process_pending)",
            count,
            lambda: report.append(process_pending(config, store, NOW)),
            "entries",
        )
        items = store.db.execute("SELECT count(*) FROM items").fetchone()[0]
        print(f"\n{count} entries -> {items} items; {report[0]}")
        store.close()
    server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--cycle", type=int, default=1000)
    parser.add_argument("--real-pages", action="store_true", help="only the real pages' row")
    args = parser.parse_args()
    print(HEADER)
    real_pages()
    if args.real_pages:
        return
    per_story = stages(args.pages)
    full_cycle(args.cycle)
    print(f"index memory: {per_story / 1024:.1f} KB a story of 8,000 (tracemalloc)")


if __name__ == "__main__":
    main()
