"""Same-story clustering on real coverage: 300 articles on 100 events (BASIL).

    python bench/stories.py [--corpus FILE] [--window 3d] [--threshold 0.15] [--busy DAYS]

Reads `../shared/corpora/stories/basil.jsonl` (research data: read here, never copied
into the repository): each event reported once by Fox News, The New York Times and
HuffPost. The articles go in `published` order (then `id`; the data has no times, so
each gets noon of its day plus a second per article) through the decider the service
uses, `screen.placement.place_entry`, against a `StoryIndex` that learns each new
story as the pipeline does after its commit. Prints pairwise precision, recall and
F1, the false merges (clusters holding more than one event, and their wrong pairs),
the events found whole and the articles left alone, and why entries joined.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from curator import config as config_module
from curator.config.values import parse_duration
from curator.models import Article, ExtractStatus, PendingEntry
from curator.screen.placement import NEW_STORY, ScreenRules, place_entry
from curator.screen.story_index import StoryIndex

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "stories" / "basil.jsonl"


@dataclass(frozen=True)
class Story:
    """One article of the corpus and the event it reports (the gold label)."""

    id: str
    event: str
    outlet: str
    published: datetime
    title: str
    url: str
    text: str


def load(path: Path) -> list[Story]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    rows.sort(key=lambda r: (r["published"], r["id"]))
    return [
        Story(
            r["id"],
            r["story"],
            r["outlet"],
            _arrival(r["published"], n),
            r["title"],
            r["url"],
            r["text"],
        )
        for n, r in enumerate(rows)
    ]


def _arrival(day: str, order: int) -> datetime:
    """Noon of the article's day, a second later for each article before it."""
    noon = datetime.fromisoformat(day).replace(tzinfo=UTC, hour=12)
    return noon + timedelta(seconds=order)


def crowded(stories: list[Story], days: float, seed: int = 3) -> list[Story]:
    """The events moved into `days` days from 2020-01-01: each starts at a random time,
    keeps the spread of its days, and each article gets a random hour of its day."""
    chance = random.Random(seed)
    start = {event: chance.uniform(0, days) for event in sorted({s.event for s in stories})}
    first: dict[str, datetime] = {}
    for s in stories:
        first[s.event] = min(first.get(s.event, s.published), s.published)
    base = datetime(2020, 1, 1, tzinfo=UTC)
    moved = [
        replace(s, published=base + timedelta(days=start[s.event], hours=chance.uniform(0, 12))
                + (s.published - first[s.event]).days * timedelta(days=1))
        for s in stories
    ]  # fmt: skip
    return sorted(moved, key=lambda s: (s.published, s.id))


def cluster(stories: list[Story], rules: ScreenRules) -> tuple[dict[str, int], Counter[str]]:
    """Each article's item, placed in arrival order; and how often each reason decided."""
    index, item_of, reasons = StoryIndex(), {}, Counter[str]()
    feeds = {outlet: n for n, outlet in enumerate(sorted({s.outlet for s in stories}), start=1)}
    for entry_id, story in enumerate(stories, start=1):
        entry = PendingEntry(
            entry_id, feeds[story.outlet], story.outlet, story.url, story.title, "", "", "",
            story.published, story.published,
        )  # fmt: skip
        article = Article(entry_id, story.url, story.text, story.title, ExtractStatus.DONE)
        placed = place_entry(entry, article, index, rules, on_topic_source=True, source_texts={})
        reasons[str(placed.why)] += 1
        item = placed.screened.item
        # A new item is numbered after its first entry; either way the index learns it.
        item_of[story.id] = entry_id if placed.why == NEW_STORY else item.item_id  # type: ignore[union-attr]
        index.add(replace(placed.signature, item_id=item_of[story.id]))
    return item_of, reasons


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    merged_clusters: int  # clusters holding more than one event
    wrong_pairs: int
    whole_events: int  # all of an event's articles in one cluster, and nothing else
    alone: int  # articles in a cluster of one


def score(stories: list[Story], item_of: dict[str, int]) -> Scores:
    event = {s.id: s.event for s in stories}
    true_pairs = same = right = 0
    for a, b in itertools.combinations(stories, 2):
        gold, found = a.event == b.event, item_of[a.id] == item_of[b.id]
        true_pairs += gold
        same += found
        right += gold and found
    clusters: dict[int, list[str]] = defaultdict(list)
    for story_id, item in item_of.items():
        clusters[item].append(story_id)
    merged = [c for c in clusters.values() if len({event[s] for s in c}) > 1]
    wrong = sum(
        sum(1 for a, b in itertools.combinations(c, 2) if event[a] != event[b]) for c in merged
    )
    sizes = Counter(s.event for s in stories)
    whole = sum(
        1
        for c in clusters.values()
        if len({event[s] for s in c}) == 1 and len(c) == sizes[event[c[0]]]
    )
    precision = right / same if same else 1.0
    recall = right / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    alone = sum(1 for c in clusters.values() if len(c) == 1)
    return Scores(precision, recall, f1, len(merged), wrong, whole, alone)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--window", help="cluster.window (default: config.toml's)")
    parser.add_argument(
        "--threshold", type=float, help="cluster.threshold (default: config.toml's)"
    )
    parser.add_argument(
        "--busy", type=float, metavar="DAYS",
        help="move the 100 events into DAYS days (each event's own spread kept, random start"
        " and hour): many similar stories at once, as a busy news month has",
    )  # fmt: skip
    args = parser.parse_args()
    if not args.corpus.is_file():
        raise SystemExit(f"{args.corpus}: not found (the BASIL corpus lives in ../shared)")
    rules = ScreenRules.of(config_module.load(ROOT / "config.toml"))
    if args.window:
        rules = replace(rules, window=parse_duration(args.window, "--window"))
    if args.threshold is not None:
        rules = replace(rules, same_story=args.threshold)
    stories = load(args.corpus)
    if args.busy:
        stories = crowded(stories, args.busy)
    started = time.process_time()
    item_of, reasons = cluster(stories, rules)
    seconds = time.process_time() - started
    s = score(stories, item_of)
    events = len({x.event for x in stories})
    print(f"{len(stories)} articles on {events} events, in published order; window "
          f"{rules.window}, threshold {rules.same_story}"
          f"{f', events moved into {args.busy:g} days' if args.busy else ''}; "
          f"{seconds:.2f} CPU s")  # fmt: skip
    print()
    print("| precision | recall | F1 | clusters with 2+ events | wrong pairs | events whole "
          "| articles alone |")  # fmt: skip
    print("|--:|--:|--:|--:|--:|--:|--:|")
    print(f"| {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.merged_clusters} | "
          f"{s.wrong_pairs} | {s.whole_events} of {events} | {s.alone} |")  # fmt: skip
    print()
    print(
        "why each article was placed: "
        + ", ".join(f"{n} {why}" for why, n in reasons.most_common())
    )


if __name__ == "__main__":
    main()
