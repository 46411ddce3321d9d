"""Desk speed: `queue`, `show` and `search` with 100,000 items in a temporary database.

    python bench/desk.py [--items N] [--runs R] [--keep PATH]

Prints the median time of each query, as the commands run them (without the
printing). Goal: every median under 100 ms on 2 cores. The text is synthetic
but shaped like news: topic words plus a Zipf-distributed common vocabulary.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from curator.models import ItemState
from curator.store import Store
from curator.store.queue import QueueFilter
from curator.store.times import to_db

NOW = datetime(2026, 12, 1, tzinfo=UTC)
STATES = ["new"] * 60 + ["in_review"] * 5 + ["drafted"] * 5 + ["rejected"] * 10
STATES += ["filtered"] * 15 + ["published"] * 3 + ["snoozed"] * 2
TOPICS = ["overdose", "treatment", "recovery", "policy", "research", "families", "alcohol"]


def words(rng: random.Random, count: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choices(letters, k=rng.randint(4, 10))) for _ in range(count)]


def generate(store: Store, count: int, seed: int = 11) -> None:
    """`count` items, 1-3 entries (and a short article) each, from 40 sources."""
    rng = random.Random(seed)
    common = [*words(rng, 3000), "fentanyl", "naloxone", "buprenorphine"]
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(common))))

    def text(k: int) -> str:
        return " ".join(rng.choices(common, cum_weights=cumulative, k=k)).capitalize() + "."

    db = store.db
    sources = [{"id": n, "url": f"https://s{n}.example.org/feed", "name": f"Source {n}",
                "created_at": to_db(NOW)} for n in range(1, 41)]  # fmt: skip
    db.table("sources").insert_all(sources)
    items: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    articles: list[dict[str, Any]] = []
    for n in range(1, count + 1):
        seen = NOW - timedelta(minutes=7 * (count - n))
        state = rng.choice(STATES)
        held = state in ("in_review", "drafted")
        items.append({
            "id": n, "title": text(10), "url": f"https://news.example.org/{n}",
            "state": state, "score": round(rng.uniform(0, 10), 2),
            "topics": json.dumps(rng.sample(TOPICS, rng.randint(1, 2))),
            "reasons": json.dumps(["title: fentanyl"]), "summary": text(40),
            "description": text(20), "outlets": rng.randint(1, 3),
            "first_seen_at": to_db(seen),
            "claimed_by": rng.choice(["ana", "ben"]) if held else None,
            "claim_expires_at": to_db(NOW + timedelta(hours=1)) if held else None,
            "snoozed_until": to_db(NOW + timedelta(days=1)) if state == "snoozed" else None,
        })  # fmt: skip
        for k in range(rng.randint(1, 3)):
            entry_id = len(entries) + 1
            entries.append({
                "id": entry_id, "source_id": rng.randint(1, 40), "entry_key": f"{n}-{k}",
                "url": f"https://news.example.org/{n}", "title": "", "content_hash": "x",
                "first_seen_at": to_db(seen), "changed_at": to_db(seen), "item_id": n,
            })  # fmt: skip
            articles.append({
                "entry_id": entry_id, "url": f"https://news.example.org/{n}", "text": text(80),
                "status": "done", "extracted_at": to_db(seen),
            })  # fmt: skip
    with store.db.conn:
        db.table("items").insert_all(items, batch_size=2000)
        db.table("entries").insert_all(entries, batch_size=2000)
        db.table("articles").insert_all(articles, batch_size=2000)
    db.execute("ANALYZE")


def median_ms(run: Callable[[], object], runs: int) -> float:
    run()  # warm the page cache, as an editor's second command would
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(store: Store, count: int, runs: int) -> list[tuple[str, float]]:
    queue = store.queue
    common_word = words(random.Random(11), 1)[0]  # the first, most frequent, vocabulary word

    def show() -> object:
        item_id = count // 2
        return (store.items.get(item_id), queue.article_texts(item_id),
                store.drafts.latest(item_id), store.items.history(item_id))  # fmt: skip

    cases: dict[str, Callable[[], object]] = {
        "queue": lambda: queue.queue(QueueFilter(), NOW),
        "queue --topic alcohol": lambda: queue.queue(QueueFilter(topic="alcohol"), NOW),
        "queue --source 'Source 7'": lambda: queue.queue(QueueFilter(source="Source 7"), NOW),
        "queue --state filtered": lambda: queue.queue(QueueFilter(state=ItemState.FILTERED), NOW),
        "queue --since 1d": lambda: queue.queue(QueueFilter(since=NOW - timedelta(days=1)), NOW),
        "queue --mine": lambda: queue.queue(QueueFilter(mine="ana"), NOW),
        "queue count (for '50 of N')": lambda: queue.count(QueueFilter(), NOW),
        "show ID": show,
        f"search {common_word} (in most items)": lambda: queue.search(common_word),
        "search fentanyl": lambda: queue.search("fentanyl"),
        "search naloxone buprenorphine": lambda: queue.search("naloxone buprenorphine"),
        "search <rare word>": lambda: queue.search("zzzzqq"),
    }
    return [(name, median_ms(run, runs)) for name, run in cases.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", type=Path, default=None, help="keep the database here (reused)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.db"
        fresh = not path.exists()
        store = Store.open(path)
        if fresh:
            start = time.perf_counter()
            generate(store, args.items)
            print(f"generated {args.items:,} items in {time.perf_counter() - start:.1f} s")
        results = measure(store, args.items, args.runs)
        store.close()
    width = max(len(name) for name, _ in results)
    for name, ms in results:
        print(f"{name:<{width}}  {ms:7.1f} ms  {'ok' if ms < 100 else 'SLOW'}")


if __name__ == "__main__":
    main()
