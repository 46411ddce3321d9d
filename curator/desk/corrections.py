"""`curator merge` and `curator split`: read the items, let `desk.stories` decide,
have `store.stories` apply it. The first item named may be held to the version the
editor read (`expected_version`); every item is applied at the version read here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from curator.desk import stories
from curator.desk.actions import read_item
from curator.desk.stories import Covered
from curator.models import Item, ItemState
from curator.store import Store


@dataclass(frozen=True)
class Corrected:
    """Where the entries went (`item`, as it is now) and how many moved."""

    kind: str
    item: Item
    moved: int
    left: tuple[int, ...]  # the items they left


def merge_items(
    store: Store, item_ids: Sequence[int], editor: str, now: datetime, *,
    expected_version: int | None = None, force: bool = False,
) -> Corrected:  # fmt: skip
    """Move every report of the later items into the first."""
    first = read_item(store, item_ids[0], expected_version)
    items = [first] + [store.items.get(i) for i in item_ids[1:]]
    correction = stories.decide_merge([_covered(store, i) for i in items], editor, now, force=force)
    target = store.stories.apply(correction)
    return Corrected("merge", store.items.get(target), len(correction.moves), tuple(item_ids[1:]))


def split_item(
    store: Store, item_id: int, entry_ids: Sequence[int], editor: str, now: datetime, *,
    expected_version: int | None = None, force: bool = False,
) -> Corrected:  # fmt: skip
    """Move the named reports out: back where a merge took them from, or to a new item."""
    covered = _covered(store, read_item(store, item_id, expected_version))
    named = set(entry_ids)
    origins = {r.merged_from for r in covered.reports if r.entry_id in named}
    origin, history = None, []
    if len(origins) == 1 and (origin_id := origins.pop()) is not None:
        candidate = store.items.get(origin_id)
        if candidate.state is ItemState.MERGED:
            origin, history = _covered(store, candidate), store.items.history(origin_id)
    correction = stories.decide_split(
        covered, entry_ids, editor, now, origin=origin, origin_history=history, force=force
    )
    target = store.stories.apply(correction)
    return Corrected("split", store.items.get(target), len(correction.moves), (item_id,))


def _covered(store: Store, item: Item) -> Covered:
    return Covered(item, tuple(store.stories.reports(item.id)))
