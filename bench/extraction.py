"""Curator's extraction against plain trafilatura on real pages, scored by snippets.

    python bench/extraction.py [--corpus DIR] [--per-page | --differences]

Reads `../shared/corpora/webpages` (relative to the repo root) or `--corpus`: real
pages from trafilatura's evaluation set, each with snippets that must ("with") and
must not ("without") be in the main text. Scoring follows that folder's README
(trafilatura's own measure): whitespace collapsed, plain substring tests, counts
added over all pages. Curator is run as the pipeline runs it, with an entry whose
feed text is empty, so a page it empties shows as empty; trafilatura with its
reference settings (`include_tables=True`, `include_comments=False`, `fast=False`).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import trafilatura

from curator.models import PendingEntry
from curator.screen.extract import extract_article

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "webpages"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Page:
    name: str
    url: str | None
    html: bytes
    with_: list[str]
    without: list[str]


@dataclass
class Score:
    """Snippet counts over pages, and pages passed (all "with", no "without") and empty."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    passed: int = 0
    empty: int = 0
    seconds: float = 0.0
    pages: dict[str, tuple[int, int, bool]] = field(default_factory=dict)

    def add(self, page: Page, text: str) -> None:
        found = _SPACE.sub(" ", text).strip()
        hits = sum(_normal(s) in found for s in page.with_) if found else 0
        leaks = sum(_normal(s) in found for s in page.without) if found else 0
        self.tp, self.fn = self.tp + hits, self.fn + len(page.with_) - hits
        self.fp, self.tn = self.fp + leaks, self.tn + len(page.without) - leaks
        passed = hits == len(page.with_) and leaks == 0
        self.passed += passed
        self.empty += not found
        self.pages[page.name] = (hits, leaks, bool(found))

    def measures(self) -> dict[str, float]:
        total = self.tp + self.fp + self.fn + self.tn
        return {
            "precision": _ratio(self.tp, self.tp + self.fp),
            "recall": _ratio(self.tp, self.tp + self.fn),
            "F1": _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn),
            "accuracy": _ratio(self.tp + self.tn, total),
        }


def _normal(snippet: str) -> str:
    return _SPACE.sub(" ", snippet).strip()


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def load_pages(corpus: Path) -> list[Page]:
    """Every page of the manifest, as raw bytes (no decoding: a fetcher gets bytes)."""
    pages = []
    for line in (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        html = gzip.decompress((corpus / entry["file"]).read_bytes())
        name = entry["file"].removeprefix("pages/").removesuffix(".html.gz")
        pages.append(Page(name, entry.get("url"), html, entry["with"], entry["without"]))
    return pages


def curator_text(page: Page) -> str:
    """Curator's main text as the pipeline makes it; "" when it fell back to the
    (empty) feed text."""
    url = page.url or "https://example.org/page"
    entry = PendingEntry(0, 1, "bench", url, "", "", "", "", None, NOW)
    article = extract_article(page.html, entry, url=url)
    return article.text


def trafilatura_text(page: Page) -> str:
    found = trafilatura.extract(
        page.html,
        url=page.url,
        include_comments=False,
        include_tables=True,
        include_formatting=False,
        fast=False,
    )
    return found or ""


def run(pages: list[Page], extract: Callable[[Page], str]) -> Score:
    score = Score()
    started = time.perf_counter()
    for page in pages:
        try:
            text = extract(page)
        except Exception:  # an error costs recall, as in trafilatura's own evaluation
            text = ""
        score.add(page, text)
    score.seconds = time.perf_counter() - started
    return score


def table(results: dict[str, Score], count: int) -> str:
    """The totals as a markdown table."""
    lines = [
        "| extractor | precision | recall | F1 | accuracy | pages passed | pages empty | pages/s |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, score in results.items():
        m = score.measures()
        lines.append(
            f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['F1']:.3f} "
            f"| {m['accuracy']:.3f} | {score.passed} ({score.passed / count:.0%}) "
            f"| {score.empty} | {count / score.seconds:.1f} |"
        )
    return "\n".join(lines)


def per_page(results: dict[str, Score], pages: list[Page], only_differences: bool) -> str:
    """One row a page: with-snippets found / without-snippets leaked, "empty" when none."""
    names = list(results)
    lines = [
        "| page | " + " | ".join(f"{n} with/without" for n in names) + " |",
        "|---|" + "--:|" * len(names),
    ]
    for page in pages:
        cells = [results[n].pages[page.name] for n in names]
        if only_differences and len(set(cells)) == 1:
            continue
        shown = [
            f"{hits}/{len(page.with_)} · {leaks}/{len(page.without)}" if found else "empty"
            for hits, leaks, found in cells
        ]
        lines.append(f"| {page.name} | " + " | ".join(shown) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder with manifest.jsonl")
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--per-page", action="store_true", help="list every page")
    shown.add_argument("--differences", action="store_true", help="list pages that differ")
    args = parser.parse_args()
    if not (args.corpus / "manifest.jsonl").is_file():
        sys.exit(f"error: {args.corpus}/manifest.jsonl: not found (give --corpus)")
    pages = load_pages(args.corpus)
    results = {"Curator": run(pages, curator_text), "trafilatura": run(pages, trafilatura_text)}
    print(f"{len(pages)} pages from {args.corpus}\n")
    print(table(results, len(pages)))
    if args.per_page or args.differences:
        print()
        print(per_page(results, pages, only_differences=args.differences))


if __name__ == "__main__":
    main()
