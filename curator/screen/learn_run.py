"""Learning, done: train a new model version when due, score the waiting and filtered
items with the model in use, and import labelled files. The decisions are made by
`learning` (pure); this module reads the store, calls them, and has the store apply.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from curator.config import Config
from curator.errors import CuratorError
from curator.models import ItemState
from curator.models.learning import Decision, LearnedMark, LearnedModel
from curator.screen import asking, learning
from curator.screen.learned_model import Scorer, embedding_current, vectors_current
from curator.screen.relevance import is_kept
from curator.store import Store
from curator.store.learning import TEXT_CHARS, ItemToScore

SCORE_BATCH = 500
MAX_LABEL_ROWS = 200_000
MAX_LABEL_BYTES = 500_000_000
MAX_TITLE_CHARS = 1000
_TRUE = {True, "1", "true", "yes", "relevant", "kept", "on-topic"}
_FALSE = {False, "0", "false", "no", "irrelevant", "off-topic"}


class LabelsError(CuratorError):
    """A labelled file that cannot be imported; the message names the file and line."""


@dataclass(frozen=True)
class LearnReport:
    """What one learning run did: the model it trained (if any), and the items scored."""

    trained: LearnedModel | None
    scored: int
    moved: int
    asked: int = 0
    unusable: int | None = None  # the version in use, when it is on other word vectors


def learn(config: Config, store: Store, now: datetime, *, force: bool = False) -> LearnReport:
    """Train a new version when `retrain_every` decisions came in since the last, when
    the newest was trained on other word vectors than the installed ones (or when
    `force`d), then score the items the model in use has not scored yet."""
    trained = None
    counts = learning.DecisionCounts(*store.learning.decision_counts())
    due = learning.enough_decisions(counts, config.learning) and (
        learning.due_for_training(counts.total, store.learning.latest_trained_on(), config.learning)
        or not embedding_current(store.learning.latest_embedding())
    )
    if force or due:
        trained = _train(config, store, store.learning.decisions(), now)
    active = store.learning.active_model()
    scored, moved = _score_with(config, store, active, now)
    unusable = active.version if active is not None and _vectors_changed(active) else None
    return LearnReport(trained, scored, moved, ask_questions(config, store, now), unusable)


def ask_questions(config: Config, store: Store, now: datetime) -> int:
    """Top the queue's questions up to `learning.ask_share` of its top slots with
    the items the model is least sure of; how many were added."""
    share = config.learning.ask_share
    if asking.questions_allowed(share) == 0:
        return 0
    candidates = store.learning.ask_candidates(asking.TOP_SLOTS)
    chosen = asking.choose_questions(candidates, store.queue.asking(now), share)
    return store.items.ask(chosen, asking.ASK_NOTE, now)


def _vectors_changed(model: LearnedModel | None) -> bool:
    return model is not None and not vectors_current(model.weights)


def _train(
    config: Config, store: Store, decisions: list[Decision], now: datetime
) -> LearnedModel | None:
    started = time.perf_counter()
    model = learning.train(
        decisions,
        config.topics,
        config.relevance.threshold,
        config.learning,
        now,
        store.learning.next_version(),
    )
    if model is None:
        return None
    model = replace(model, seconds=round(time.perf_counter() - started, 2))
    store.learning.save_model(model)
    return model


def score_waiting(config: Config, store: Store, now: datetime) -> tuple[int, int]:
    """Score new and filtered items with the model in use: (scored, moved)."""
    return _score_with(config, store, store.learning.active_model(), now)


def _score_with(
    config: Config, store: Store, model: LearnedModel | None, now: datetime
) -> tuple[int, int]:
    if model is None or _vectors_changed(model):
        return 0, 0  # a model on other word vectors would give wrong numbers: retrained first
    scorer = Scorer(model.weights, config.topics)
    all_on_topic = store.items.all_on_topic()
    scored = moved = 0
    while batch := store.learning.to_score(model.version, SCORE_BATCH):
        marks = [
            _mark(config, scorer, model.version, item, item.item_id in all_on_topic)
            for item in batch
        ]
        moved += store.items.mark_learned(marks, now)
        scored += len(marks)
    return scored, moved


def _mark(
    config: Config, scorer: Scorer, version: int, item: ItemToScore, source_all: bool
) -> LearnedMark:
    """The model's mark on one item; a move only when it is confident, and never of
    an item an editor put where it is, one the queue asks the editors about (a later
    model must not take the question back) or one from a source that is all on topic."""
    scored = scorer.score(item.row)
    mark = LearnedMark(
        item.item_id, version, round(scored.probability, 4), scored.reasons, item.state
    )
    if source_all or item.asked or (item.changed_by or "curator") != "curator":
        return mark
    # the rules' verdict, not the state: an earlier model may have moved the item
    rules_kept = is_kept(item.rules_score, config.relevance.threshold)
    keep = learning.combined_keep(
        rules_kept, scored.probability, config.learning.confidence, scored.own_margin
    )
    wanted = ItemState.NEW if keep else ItemState.FILTERED
    if wanted.value == item.state:
        return mark
    words = " ".join(scored.reasons) or "no word stood out"
    note = f"learned ({scored.probability:.2f}): {words}"
    return replace(mark, move_to=wanted, note=note)


def read_labels(lines: Iterable[str], origin: str, now: datetime) -> list[Decision]:
    """Rows of a JSONL file: {"title", "text" (or "summary"), "label" (or "relevant"),
    "source" (optional)}. A bad line stops the import with its number: nothing is
    half-imported."""
    rows: list[Decision] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if len(rows) >= MAX_LABEL_ROWS:
            raise LabelsError(f"{origin}: more than {MAX_LABEL_ROWS:,} rows")
        rows.append(_label_row(line, f"{origin}:{number}", now))
    return rows


def _label_row(line: str, where: str, now: datetime) -> Decision:
    try:
        body = json.loads(line)
    except json.JSONDecodeError as e:
        raise LabelsError(f"{where}: not JSON ({e.msg})") from e
    if not isinstance(body, dict):
        raise LabelsError(f"{where}: not a JSON object")
    title, text = body.get("title"), body.get("text", body.get("summary", ""))
    label = body.get("label", body.get("relevant"))
    if not isinstance(title, str) or not title.strip() or not isinstance(text, str):
        raise LabelsError(f'{where}: needs a "title" and a "text" (strings)')
    if label is None:
        raise LabelsError(f'{where}: needs a "label" (true or false)')
    if isinstance(label, str):
        label = label.strip().lower()
    if not isinstance(label, bool | int | str) or (label not in _TRUE and label not in _FALSE):
        raise LabelsError(f'{where}: "label" must be true or false, not {label!r}')
    source = body.get("source")
    source = source if isinstance(source, str) else ""
    return Decision(
        title=" ".join(title.split())[:MAX_TITLE_CHARS],
        text=text[:TEXT_CHARS],
        source=source[:200],
        relevant=label in _TRUE,
        decided_at=now,
    )


def import_labels(store: Store, path: Path, now: datetime) -> int:
    """Import a labelled JSONL file (all rows or none); the count imported. A device
    (/dev/zero) or a file over MAX_LABEL_BYTES is refused before it is read."""
    try:
        if not path.is_file() and path.exists():
            raise LabelsError(f"{path}: not a regular file")
        if path.stat().st_size > MAX_LABEL_BYTES:
            raise LabelsError(f"{path}: larger than {MAX_LABEL_BYTES:,} bytes")
        with path.open(encoding="utf-8") as f:
            rows = read_labels(f, str(path), now)
    except FileNotFoundError as e:
        raise LabelsError(f"{path}: file not found") from e
    except (OSError, UnicodeDecodeError) as e:
        raise LabelsError(f"{path}: cannot be read ({e})") from e
    return store.learning.import_labels(rows, origin=path.name)
