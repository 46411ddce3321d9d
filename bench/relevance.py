"""How well the topic rules screen a labelled set: precision and recall of kept-vs-filtered.

    python bench/relevance.py                          # the bundled labelled rows
    python bench/relevance.py news.jsonl --errors      # another set, and what it got wrong
    python bench/relevance.py news.jsonl --config other.toml   # other topics, same rows

A labelled file is JSONL as `curator learn --import` reads it ("title", "text" or
"summary", "label" or "relevant"). The rules of a new desk are what screens its queue
until a learned model beats them (docs/learning.md), so their figures on news nobody
here wrote are the ones that matter: docs/relevance.md gives them for two public sets of
real headlines.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from curator import config as config_module
from curator.models.learning import Decision
from curator.screen.learn_run import read_labels
from curator.screen.relevance import score_article

ROOT = Path(__file__).resolve().parent.parent
FILES = (ROOT / "tests/data/relevance.jsonl", ROOT / "tests/data/desk_decisions.jsonl")


def measure(rows: list[Decision], config: config_module.Config, *, errors: bool) -> str:
    """One table row: the counts, precision and recall; the wrong verdicts printed first."""
    kept_right = kept_wrong = missed = 0
    for row in rows:
        verdict = score_article(row.title, row.text, config.topics, config.relevance.threshold)
        if verdict.kept and row.relevant:
            kept_right += 1
        elif verdict.kept or row.relevant:
            kept_wrong += verdict.kept
            missed += row.relevant
            if errors:
                what = "kept, off topic" if verdict.kept else "missed"
                print(f"{what}: {row.title[:90]} | {'; '.join(verdict.reasons[:3])}")
    precision = kept_right / max(1, kept_right + kept_wrong)
    recall = kept_right / max(1, kept_right + missed)
    counts = f"{len(rows):,} | {kept_right + missed:,} | {kept_right + kept_wrong:,}"
    return f"| {counts} | {precision:.3f} | {recall:.3f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="labelled JSONL files")
    parser.add_argument("--config", type=Path, default=ROOT / "config.toml")
    parser.add_argument("--errors", action="store_true", help="print every wrong verdict")
    args = parser.parse_args()
    config = config_module.load(args.config)
    print("| file | rows | relevant | kept | precision | recall |\n|---|--:|--:|--:|--:|--:|")
    for path in args.files or FILES:
        with path.open(encoding="utf-8") as f:
            rows = read_labels(f, str(path), datetime.now(UTC))
        line = measure(rows, config, errors=args.errors)
        print(f"| {path.name} {line}")


if __name__ == "__main__":
    main()
