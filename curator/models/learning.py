"""The learned relevance model's records: the labelled decisions it trains on, its
weights as plain numbers (never code), its versions and what it says of an item."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from curator.models import ItemState


@dataclass(frozen=True)
class Decision:
    """One labelled example for the model: an editor's decision on an item (published,
    drafted or promoted: kept; rejected as off topic: not) or an imported row."""

    title: str
    text: str
    source: str
    relevant: bool
    decided_at: datetime
    item_id: int | None = None


@dataclass(frozen=True)
class HeldBack:
    """How the model and the rules alone did on the decisions held back from training."""

    rows: int
    model_precision: float
    model_recall: float
    rules_precision: float
    rules_recall: float
    model_ranking: float  # average precision of the order (1.0: every kept item first)
    rules_ranking: float


@dataclass(frozen=True)
class ModelWeights:
    """A trained model as plain numbers: vocabularies, inverse document frequencies and
    the linear weights. Nothing here is code; loading it cannot run anything."""

    word_vocabulary: dict[str, int]
    word_idf: tuple[float, ...]
    char_vocabulary: dict[str, int]
    char_idf: tuple[float, ...]
    topics: tuple[str, ...]
    sources: tuple[str, ...]
    coefficients: tuple[float, ...]
    intercept: float
    # the dense vectors' table the last coefficients weigh ("": none), see screen/embedding.py
    embedding: str = ""


@dataclass(frozen=True)
class LearnedModel:
    """One version of a desk's model: when and on what it was trained, how it did on
    held-back decisions, and whether it is used (`active`)."""

    version: int
    trained_at: datetime
    decisions: int
    positives: int
    negatives: int
    active: bool
    held_back: HeldBack | None
    weights: ModelWeights
    seconds: float = 0.0


@dataclass(frozen=True)
class LearnedMark:
    """What the model says of one item: its probability, its reasons, and the state it
    moves to when the model is confident (None: it stays where the rules put it)."""

    item_id: int
    version: int
    probability: float
    reasons: tuple[str, ...]
    read_state: str
    move_to: ItemState | None = None
    note: str = ""
