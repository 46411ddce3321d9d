"""The store's reads for the editors' queue: what waits (ranked and filtered), the
snoozed items due back, an item's article texts, and full-text search. Reads only:
changes to items go through `store.items`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import sqlite_utils

from curator.models import Item, ItemState
from curator.store.database import translate_errors
from curator.store.item_rows import SOURCE_NAMES, select_items
from curator.store.search import SearchPage, search_all
from curator.store.times import to_db

_WAITING = "('new', 'in_review', 'drafted')"
# The learned model's probability first (0.5 while none is used), then the rules' score.
_RANK = "coalesce(learned, 0.5) DESC, score DESC, first_seen_at DESC, outlets DESC, id DESC"
_BY_MODEL_RANK = "learned DESC, score DESC, id DESC"  # what the model filters, closest calls first
_ASKED_FIRST = "asked_at, id"  # the queue's questions, the oldest first
T = TypeVar("T")


@dataclass(frozen=True)
class QueueFilter:
    """What `curator queue` asks for; empty fields do not filter."""

    state: ItemState | None = None
    topic: str | None = None
    source: str | None = None
    since: datetime | None = None
    mine: str | None = None  # an editor's name: only items they hold
    limit: int = 50
    by_model: bool = False  # only items the learned model would filter
    ask_share: float = 0.0  # learning.ask_share: every 1/share-th slot asks (0: in rank order)


@dataclass(frozen=True)
class ArticleText:
    """An entry's article as the desk shows it; `note` says how its extraction went
    when it did not simply work ("page gone (HTTP 404)", "paywalled: feed text")."""

    source_name: str
    url: str
    text: str
    note: str = ""


class QueueStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def queue(self, wanted: QueueFilter, now: datetime) -> list[Item]:
        """Waiting items, best first: the learned probability, score, recency, outlets;
        the items the queue asks about (`learn_run.ask_questions`) at every
        1/`ask_share`-th slot when the waiting items are listed."""
        asks = wanted.ask_share > 0 and not wanted.by_model
        if not asks or wanted.state not in (None, ItemState.NEW):
            return self._ranked(wanted, now, _RANK if not wanted.by_model else _BY_MODEL_RANK)
        ranked = self._ranked(wanted, now, _RANK, "asked_at IS NULL")
        asked = self._ranked(wanted, now, _ASKED_FIRST, "asked_at IS NOT NULL")
        return interleave(ranked, asked, wanted.ask_share)[: wanted.limit]

    def asking(self, now: datetime) -> int:
        """How many waiting items the queue asks about now."""
        where, params = _queue_conditions(QueueFilter(), now, ranked=False)
        sql = f"SELECT count(*) FROM items WHERE {' AND '.join(where)} AND asked_at IS NOT NULL"
        with translate_errors("items"):
            return int(self.db.execute(sql, params).fetchone()[0])

    def _ranked(self, wanted: QueueFilter, now: datetime, rank: str, *more: str) -> list[Item]:
        where, params = _queue_conditions(wanted, now)
        where += more
        # Rank and cut first; the source names are looked up for the chosen rows only.
        sql = (
            f"SELECT items.*, {SOURCE_NAMES} FROM items WHERE id IN "
            f"(SELECT id FROM items WHERE {' AND '.join(where)} ORDER BY {rank} LIMIT ?) "
            f"ORDER BY {rank}"
        )
        return select_items(self.db, sql, [*params, wanted.limit])

    def count(self, wanted: QueueFilter, now: datetime) -> int:
        """How many items `queue` would list without its limit."""
        where, params = _queue_conditions(wanted, now, ranked=False)
        sql = f"SELECT count(*) FROM items WHERE {' AND '.join(where)}"
        with translate_errors("items"):
            return int(self.db.execute(sql, params).fetchone()[0])

    def due_snoozed(self, now: datetime) -> list[Item]:
        sql = (
            f"SELECT items.*, {SOURCE_NAMES} FROM items "
            "WHERE state = 'snoozed' AND snoozed_until <= ?"
        )
        return select_items(self.db, sql, [to_db(now)])

    def article_texts(self, item_id: int) -> list[ArticleText]:
        """The extracted text of every entry of the item, with its source."""
        sql = """SELECT s.name, coalesce(a.url, e.url, ''), coalesce(a.text, e.summary_text, ''),
                        coalesce(e.extract_note, '')
                 FROM entries e JOIN sources s ON s.id = e.source_id
                 LEFT JOIN articles a ON a.entry_id = e.id
                 WHERE e.item_id = ? ORDER BY e.id"""
        with translate_errors("articles"):
            return [ArticleText(*row) for row in self.db.execute(sql, [item_id]).fetchall()]

    def search(self, query: str, limit: int = 50) -> SearchPage:
        """Full-text search over posts and items (see `store.search`)."""
        return search_all(self.db, query, limit)


def interleave(ranked: Sequence[T], asked: Sequence[T], share: float) -> list[T]:
    """The ranked items with an asked item at every 1/`share`-th slot (the 5th,
    10th, ... for 0.2), so that no stretch of the top asks more than `share`; asked
    items left over when the ranked run out follow them."""
    every = max(1, round(1 / share)) if share > 0 else len(ranked) + 1
    shown: list[T] = []
    waiting_asked, waiting_ranked = deque(asked), deque(ranked)
    while waiting_asked and waiting_ranked:
        take_asked = len(shown) % every == every - 1
        shown.append((waiting_asked if take_asked else waiting_ranked).popleft())
    return shown + list(waiting_ranked) + list(waiting_asked)


def _queue_conditions(
    wanted: QueueFilter, now: datetime, *, ranked: bool = True
) -> tuple[list[str], list[Any]]:
    # Unary + keeps SQLite on the rank index: most items wait, so walking in rank
    # order finds --limit of them at once (the state index would sort them all).
    # A count (`ranked=False`) has nothing to sort, and counts fastest on the state index.
    state = "+state" if ranked else "state"
    due_snooze = f"({state} = 'snoozed' AND snoozed_until <= ?)"
    if wanted.state is None:
        where, params = [f"({state} IN {_WAITING} OR {due_snooze})"], [to_db(now)]
    elif wanted.state is ItemState.NEW:
        where, params = [f"({state} = 'new' OR {due_snooze})"], [to_db(now)]
    else:
        where, params = ["state = ?"], [wanted.state.value]
    if wanted.topic:
        where.append("EXISTS (SELECT 1 FROM json_each(items.topics) WHERE value = ?)")
        params.append(wanted.topic)
    if wanted.source:
        where.append(
            "id IN (SELECT e.item_id FROM entries e JOIN sources s ON s.id = e.source_id "
            "WHERE s.name = ? COLLATE NOCASE)"
        )
        params.append(wanted.source)
    if wanted.since:
        where.append("first_seen_at >= ?")
        params.append(to_db(wanted.since))
    if wanted.by_model:
        where.append("learned < 0.5")
    if wanted.mine:
        where.append("claimed_by = ? AND claim_expires_at > ?")
        params += [wanted.mine, to_db(now)]
    return where, params
