"""Every file of feedparser's own test corpus goes through parse_feed and the
entries upsert without an unhandled exception (a ParseError is a fine answer)."""

from __future__ import annotations

import re
from pathlib import Path

from curator.errors import ParseError
from curator.parse import parse_feed

CORPUS = Path(__file__).resolve().parent / "data/feedparser-tests"
_HEADER = re.compile(rb"^Header:\s*([\w-]+):\s*(.*?)\s*$", re.M)


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "LICENSE")


def stated_headers(body: bytes) -> dict[str, str]:
    """The HTTP headers a corpus file states in its header comment."""
    return {m[1].decode(): m[2].decode("latin-1") for m in _HEADER.finditer(body[:4096])}


def test_the_corpus_is_present():
    assert len(corpus_files()) > 2000


def test_every_corpus_file_is_ingested_or_refused_cleanly(store, now):
    source = store.sources.add("http://corpus.example.org/feed", name="corpus", now=now)
    parsed = refused = entries = 0
    for path in corpus_files():
        body = path.read_bytes()
        url = f"http://corpus.example.org/{path.relative_to(CORPUS).as_posix()}"
        try:
            feed = parse_feed(body, url=url, headers=stated_headers(body), now=now)
        except ParseError as e:
            assert str(e).startswith(url), e  # one line that names the feed
            refused += 1
            continue
        counts = store.entries.upsert(source.id, feed.entries, now)
        assert counts.new + counts.updated + counts.unchanged == len(feed.entries)
        parsed += 1
        entries += len(feed.entries)
    assert parsed > 2000 and refused < 50 and entries > 250
    assert store.integrity_ok()
