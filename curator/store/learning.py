"""The store for learning: the editors' decisions read as labels, imported labels, the
model's versions (plain JSON numbers: a stored model is never code), and the items
the model has still to score.

Which decisions teach: a published or drafted item was kept; one rejected with a
reason starting "off-topic" was not; an item an editor promoted from filtered was
kept. Snoozed items, untouched items, and items rejected for other reasons (a
duplicate, a paywall) teach nothing.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlite_utils

from curator.models.learning import Decision, HeldBack, LearnedModel, ModelWeights
from curator.store.database import translate_errors, write_transaction
from curator.store.times import from_db, to_db

OFF_TOPIC = "off-topic"  # the reason `curator reject --off-topic` writes first
TEXT_CHARS = 3000
_LEAD = f"""(SELECT substr(a.text, 1, {TEXT_CHARS}) FROM entries e JOIN articles a
             ON a.entry_id = e.id WHERE e.item_id = i.id ORDER BY e.id LIMIT 1)"""
_SOURCE = """(SELECT s.name FROM entries e JOIN sources s ON s.id = e.source_id
              WHERE e.item_id = i.id ORDER BY e.id LIMIT 1)"""
_PROMOTED = """(SELECT max(h.at) FROM history h WHERE h.item_id = i.id
               AND h.from_state = 'filtered' AND h.to_state = 'new' AND h.editor != 'curator')"""
_DESK_DECISIONS = f"""
SELECT i.id, i.title, coalesce(nullif({_LEAD}, ''), i.summary, '') AS text,
       coalesce({_SOURCE}, '') AS source, i.state,
       coalesce(i.changed_at, i.first_seen_at) AS changed_at, {_PROMOTED} AS promoted_at
FROM items i
WHERE i.state IN ('published', 'drafted')
   OR (i.state = 'rejected' AND i.reject_reason LIKE '{OFF_TOPIC}%')
   OR (i.state NOT IN ('rejected', 'retracted') AND {_PROMOTED} IS NOT NULL)
"""


@dataclasses.dataclass(frozen=True)
class ItemToScore:
    """An item waiting or filtered, as the model reads it, with the rules' score (its
    state may be an earlier model's verdict)."""

    item_id: int
    state: str
    changed_by: str | None
    row: Decision
    rules_score: float
    asked: bool = False  # the queue asks the editors about it: theirs to decide


@dataclasses.dataclass(frozen=True)
class AskCandidate:
    """An undecided item the queue might ask the editors about: filtered or new, the
    model's probability (None before a model scored it) and the rules' score."""

    item_id: int
    filtered: bool
    probability: float | None
    rules_score: float


# The items closest to a question, two ways: the model's closest calls (new or
# filtered), and the filtered items the rules came closest to keeping (for the days
# before a model is used). Asked items are not asked again.
_ASK_POOL = """
SELECT * FROM (SELECT id, state, learned, score FROM items
               WHERE state IN ('new', 'filtered') AND asked_at IS NULL AND learned IS NOT NULL
               ORDER BY abs(learned - 0.5), score DESC LIMIT :limit)
UNION ALL
SELECT * FROM (SELECT id, state, learned, score FROM items
               WHERE state = 'filtered' AND asked_at IS NULL AND learned IS NULL AND score > 0
               ORDER BY score DESC LIMIT :limit)
"""


@dataclasses.dataclass(frozen=True)
class SourceYield:
    """What became of a source's items first seen in a period: how many the editors
    published and how many they rejected."""

    items: int
    published: int
    rejected: int

    def share(self, count: int) -> str:
        return f"{count / self.items:.0%}" if self.items else "-"


_YIELD = """
SELECT e.source_id, count(DISTINCT i.id),
       count(DISTINCT CASE WHEN i.state IN ('published', 'retracted') THEN i.id END),
       count(DISTINCT CASE WHEN i.state = 'rejected' THEN i.id END)
FROM entries e JOIN items i ON i.id = e.item_id
WHERE i.first_seen_at >= ? GROUP BY e.source_id
"""


class LearningStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def decisions(self) -> list[Decision]:
        """Every label, the desk's and the imported, oldest decision first."""
        with translate_errors("labels"):
            desk = [_desk_decision(row) for row in self.db.query(_DESK_DECISIONS)]
            imported = [
                Decision(
                    r["title"], r["text"], r["source"], bool(r["relevant"]), _time(r["added_at"])
                )
                for r in self.db.query("SELECT * FROM labels ORDER BY id")
            ]
        return sorted([*imported, *desk], key=lambda d: d.decided_at)

    def decision_counts(self) -> tuple[int, int]:
        """(kept, not kept) over every label, without reading their texts."""
        sql = f"""SELECT coalesce(sum(state != 'rejected'), 0), coalesce(sum(state = 'rejected'), 0)
                  FROM ({_DESK_DECISIONS})"""
        with translate_errors("labels"):
            desk = self.db.execute(sql).fetchone()
            imported = self.db.execute(
                "SELECT coalesce(sum(relevant), 0), coalesce(sum(1 - relevant), 0) FROM labels"
            ).fetchone()
        return int(desk[0]) + int(imported[0]), int(desk[1]) + int(imported[1])

    def import_labels(self, rows: Sequence[Decision], origin: str) -> int:
        """Add labelled rows (from `curator learn --import`) in one transaction."""
        with translate_errors("labels"), write_transaction(self.db):
            self.db.table("labels").insert_all(
                {
                    "title": r.title,
                    "text": r.text,
                    "source": r.source,
                    "relevant": int(r.relevant),
                    "origin": origin,
                    "added_at": to_db(r.decided_at),
                }
                for r in rows
            )
        return len(rows)

    def next_version(self) -> int:
        with translate_errors("learned_models"):
            row = self.db.execute("SELECT max(version) FROM learned_models").fetchone()
        return int(row[0] or 0) + 1

    def save_model(self, model: LearnedModel) -> None:
        with translate_errors("learned_models"), write_transaction(self.db):
            self.db.table("learned_models").insert(
                {
                    "version": model.version,
                    "trained_at": to_db(model.trained_at),
                    "decisions": model.decisions,
                    "positives": model.positives,
                    "negatives": model.negatives,
                    "active": int(model.active),
                    "held_back": json.dumps(dataclasses.asdict(model.held_back))
                    if model.held_back
                    else None,
                    "weights": json.dumps(dataclasses.asdict(model.weights)),
                    "seconds": model.seconds,
                }
            )

    def latest_model(self) -> LearnedModel | None:
        """The newest version, used or not."""
        return self._model("ORDER BY version DESC LIMIT 1")

    def active_model(self) -> LearnedModel | None:
        """The newest version that is used: the one that beat the rules."""
        return self._model("WHERE active = 1 ORDER BY version DESC LIMIT 1")

    def latest_trained_on(self) -> int | None:
        """On how many decisions the newest version was trained (None: no version yet),
        read without loading its weights."""
        with translate_errors("learned_models"):
            row = self.db.execute(
                "SELECT decisions FROM learned_models ORDER BY version DESC LIMIT 1"
            ).fetchone()
        return None if row is None else int(row[0])

    def latest_embedding(self) -> str:
        """The word vectors the newest version was trained on ("" for none, or no version
        yet), read without loading its weights."""
        with translate_errors("learned_models"):
            row = self.db.execute(
                "SELECT coalesce(json_extract(weights, '$.embedding'), '') FROM learned_models"
                " ORDER BY version DESC LIMIT 1"
            ).fetchone()
        return "" if row is None else str(row[0])

    def model_size(self, version: int) -> int:
        """Bytes of the stored weights."""
        with translate_errors("learned_models"):
            row = self.db.execute(
                "SELECT length(weights) FROM learned_models WHERE version = ?", [version]
            ).fetchone()
        return int(row[0]) if row else 0

    def _model(self, clause: str) -> LearnedModel | None:
        with translate_errors("learned_models"):
            rows = list(self.db.query(f"SELECT * FROM learned_models {clause}"))
        return _model(rows[0]) if rows else None

    def source_yields(self, since: datetime) -> dict[int, SourceYield]:
        """Per source id: its items first seen since `since`, published and rejected."""
        with translate_errors("items"):
            rows = self.db.execute(_YIELD, [to_db(since)]).fetchall()
        return {row[0]: SourceYield(row[1], row[2], row[3]) for row in rows}

    def ask_candidates(self, limit: int) -> list[AskCandidate]:
        """Up to `limit` of each kind in `_ASK_POOL`, for `screen.asking` to choose from."""
        with translate_errors("items"):
            rows = self.db.execute(_ASK_POOL, {"limit": limit}).fetchall()
        return [AskCandidate(r[0], r[1] == "filtered", r[2], r[3]) for r in rows]

    def to_score(self, version: int, limit: int) -> list[ItemToScore]:
        """New and filtered items not yet scored by model `version`."""
        sql = f"""SELECT i.id, i.state, i.changed_by, i.asked_at, i.score, i.title,
                         i.first_seen_at,
                         coalesce(nullif({_LEAD}, ''), i.summary, '') AS text,
                         coalesce({_SOURCE}, '') AS source
                  FROM items i WHERE i.state IN ('new', 'filtered')
                  AND (i.learned_version IS NULL OR i.learned_version != ?)
                  ORDER BY i.id LIMIT ?"""
        with translate_errors("items"):
            rows = self.db.query(sql, [version, limit])
            return [
                ItemToScore(
                    r["id"],
                    r["state"],
                    r["changed_by"],
                    Decision(
                        r["title"],
                        r["text"],
                        r["source"],
                        False,
                        _time(r["first_seen_at"]),
                        r["id"],
                    ),
                    r["score"],
                    r["asked_at"] is not None,
                )
                for r in rows
            ]


def _desk_decision(row: dict[str, Any]) -> Decision:
    relevant = row["state"] != "rejected"
    decided = (
        row["promoted_at"] if relevant and row["state"] not in ("published", "drafted") else None
    )
    return Decision(
        title=row["title"],
        text=row["text"],
        source=row["source"],
        relevant=relevant,
        decided_at=_time(decided or row["changed_at"]),
        item_id=row["id"],
    )


def _time(value: str | None) -> datetime:
    moment = from_db(value)
    assert moment is not None  # the columns read here are NOT NULL or set with the state
    return moment


def _model(row: dict[str, Any]) -> LearnedModel:
    weights = json.loads(row["weights"])
    held = json.loads(row["held_back"]) if row["held_back"] else None
    return LearnedModel(
        version=row["version"],
        trained_at=_time(row["trained_at"]),
        decisions=row["decisions"],
        positives=row["positives"],
        negatives=row["negatives"],
        active=bool(row["active"]),
        held_back=HeldBack(**held) if held else None,
        weights=ModelWeights(
            word_vocabulary=dict(weights["word_vocabulary"]),
            word_idf=tuple(weights["word_idf"]),
            char_vocabulary=dict(weights["char_vocabulary"]),
            char_idf=tuple(weights["char_idf"]),
            topics=tuple(weights["topics"]),
            sources=tuple(weights["sources"]),
            coefficients=tuple(weights["coefficients"]),
            intercept=float(weights["intercept"]),
            embedding=str(weights.get("embedding", "")),  # "" in models from before it
        ),
        seconds=row["seconds"],
    )
