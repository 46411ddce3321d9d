"""Editors correct same-story clustering: merge items into one, or split reports out.

Only deciding here: from the items and their reports as read, `decide_merge` and
`decide_split` return the `StoryCorrection` that `store.stories` applies in one
transaction against the versions read. A split that names exactly the reports a
merge brought in from an item gives them back to that item (so split undoes merge),
and merging a split-off item back undoes the split. Each correction also teaches
labelled pairs: merge says every cross pair is one story, split that every moved
report is another story than every one that stays.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import combinations

from curator.desk.states import CORRECTABLE, CORRECTED_ONLY_BY_FORCE, holder
from curator.errors import InvalidTransition, ReviewError
from curator.models import HistoryEvent, Item, ItemState
from curator.models.stories import (
    EntryMove,
    ItemTouch,
    NewStory,
    Report,
    StoryCorrection,
    StoryLabel,
)
from curator.urls import normalize_url

_QUEUED = frozenset({ItemState.NEW, ItemState.IN_REVIEW, ItemState.DRAFTED})


@dataclass(frozen=True)
class Covered:
    """An item as read for a correction: the item and its reports, oldest first."""

    item: Item
    reports: tuple[Report, ...]


def decide_merge(
    items: Sequence[Covered], editor: str, now: datetime, *, force: bool = False
) -> StoryCorrection:
    """All reports of the later items move into the first; the later items become
    `merged` into it."""
    ids = [c.item.id for c in items]
    if len(set(ids)) != len(ids) or len(ids) < 2:
        raise ReviewError(ids[0], "merge needs two or more different items")
    for covered in items:
        check_correctable(covered.item, editor, now, force, "merge")
    target, later = items[0], items[1:]
    moves = tuple(EntryMove(r.entry_id, c.item.id, c.item.id) for c in later for r in c.reports)
    named = ", ".join(f"#{c.item.id}" for c in later)
    touches = [_touch(target.item, _merged_state(items), f"merged in {named}")]
    touches += [
        _touch(c.item, ItemState.MERGED, f"merged into #{target.item.id}", target.item.id)
        for c in later
    ]
    labels = [
        _label(x, y, same=True)
        for left, right in combinations(items, 2)
        for x in left.reports
        for y in right.reports
    ]  # fmt: skip
    return StoryCorrection(
        "merge", editor, now, target.item.id, None, moves, tuple(touches), tuple(labels)
    )


def decide_split(
    covered: Covered,
    entry_ids: Iterable[int],
    editor: str,
    now: datetime,
    *,
    origin: Covered | None = None,
    origin_history: Sequence[HistoryEvent] = (),
    force: bool = False,
) -> StoryCorrection:
    """The named reports leave the item: back into `origin` (the item a merge took
    them from, when they are exactly the reports it gave) or into a new item."""
    item = covered.item
    check_correctable(item, editor, now, force, "split")
    moved, kept = _parted(covered, entry_ids)
    labels = tuple(_label(x, y, same=False) for x in moved for y in kept)
    moves = tuple(EntryMove(r.entry_id, item.id, None) for r in moved)
    if origin is not None and _gives_back(covered, origin, moved):
        before = _state_before_merge(origin_history)
        back = ItemTouch(origin.item.id, origin.item.version, ItemState.MERGED, before,
                         f"split back out of #{item.id}")  # fmt: skip
        touch = _touch(item, item.state, f"split back into #{origin.item.id}")
        return StoryCorrection(
            "split", editor, now, origin.item.id, None, moves, (touch, back), labels
        )
    touch = _touch(item, item.state, f"split off {_entries(moved)} into a new item")
    if any(_address(r) == item.url for r in moved):  # its address now names another item
        touch = replace(touch, renamed=kept[0], renamed_url=_address(kept[0]))
    first = moved[0]
    story = NewStory(first, _address(first), item.id, item.score, item.topics, item.reasons)
    return StoryCorrection("split", editor, now, None, story, moves, (touch,), labels)


def check_correctable(item: Item, editor: str, now: datetime, force: bool, verb: str) -> None:
    """A merged item is gone, a published one is changed only when forced, and an item
    another editor holds is theirs: each refused in one line."""
    if item.state not in CORRECTABLE:
        raise InvalidTransition(item.id, f"is merged into #{item.merged_into}; {verb} that one")
    if item.state in CORRECTED_ONLY_BY_FORCE and not force:
        raise InvalidTransition(
            item.id, f"is {item.state.value}: its post names this story (add --force to {verb})"
        )
    held_by = holder(item, now)
    if held_by and held_by != editor:
        raise InvalidTransition(item.id, f"claimed by {held_by}; {verb} it after it is released")


def _parted(covered: Covered, entry_ids: Iterable[int]) -> tuple[list[Report], list[Report]]:
    """The reports named (oldest first) and those that stay; refused unless both exist."""
    wanted = set(entry_ids)
    moved = [r for r in covered.reports if r.entry_id in wanted]
    missing = wanted - {r.entry_id for r in moved}
    item_id = covered.item.id
    if missing:
        raise ReviewError(item_id, f"has no entry {', '.join(map(str, sorted(missing)))}")
    kept = [r for r in covered.reports if r.entry_id not in wanted]
    if not moved or not kept:
        raise ReviewError(item_id, "a split must leave at least one entry in the item")
    return moved, kept


def _gives_back(covered: Covered, origin: Covered, moved: list[Report]) -> bool:
    """`moved` is exactly what a merge brought into the item from `origin`."""
    brought = {r.entry_id for r in covered.reports if r.merged_from == origin.item.id}
    return (
        origin.item.state is ItemState.MERGED
        and origin.item.merged_into == covered.item.id
        and brought == {r.entry_id for r in moved}
    )


def _state_before_merge(history: Sequence[HistoryEvent]) -> ItemState:
    merges = [e for e in history if e.to_state is ItemState.MERGED and e.from_state]
    state = merges[-1].from_state if merges else None
    return state if state is not None and state is not ItemState.MERGED else ItemState.NEW


def _merged_state(items: Sequence[Covered]) -> ItemState:
    """The first item's state, but a filtered one merged with a queued one is queued:
    the editor's merge must not take a story off the queue."""
    state = items[0].item.state
    queued = any(c.item.state in _QUEUED for c in items[1:])
    return ItemState.NEW if state is ItemState.FILTERED and queued else state


def _touch(item: Item, to: ItemState, note: str, merged_into: int | None = None) -> ItemTouch:
    return ItemTouch(item.id, item.version, item.state, to, note, merged_into)


def _label(x: Report, y: Report, *, same: bool) -> StoryLabel:
    a, b = sorted((x.entry_id, y.entry_id))
    return StoryLabel(a, b, same)


def _entries(reports: list[Report]) -> str:
    noun = "entry" if len(reports) == 1 else "entries"
    return f"{noun} {', '.join(str(r.entry_id) for r in reports)}"


def _address(report: Report) -> str:
    try:
        return normalize_url(report.url)
    except ValueError:
        return report.url
