"""Editors' corrections of same-story clustering and the coverage they read:
desk/stories.py decides them, store/stories.py applies them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from curator.models import ItemState, StorySignature


@dataclass(frozen=True)
class Report:
    """One outlet's report of an item (an entry), as the coverage view and the
    editors' merge and split see it; `merged_from` is the item a merge took it from."""

    entry_id: int
    item_id: int
    source_id: int
    source_name: str
    title: str
    url: str
    first_seen_at: datetime
    cluster_reason: str | None = None
    description: str = ""
    merged_from: int | None = None


@dataclass(frozen=True)
class StoryLabel:
    """An editor's word on two entries: the same story or not (`entry_a < entry_b`)."""

    entry_a: int
    entry_b: int
    same: bool


@dataclass(frozen=True)
class ItemTouch:
    """What a correction does to one item, against the version read: its new state
    (and the item it is merged into), maybe a new title and address, a history note."""

    item_id: int
    read_version: int
    from_state: ItemState
    to_state: ItemState
    note: str
    merged_into: int | None = None
    renamed: Report | None = None  # takes this report's title and `renamed_url`
    renamed_url: str | None = None


@dataclass(frozen=True)
class EntryMove:
    """One entry leaving `from_item`; `merged_from` is kept on it to undo a merge."""

    entry_id: int
    from_item: int
    merged_from: int | None


@dataclass(frozen=True)
class NewStory:
    """The item a split starts, named for its first report, scored as the item it left."""

    first: Report
    url: str  # the first report's, normalised
    split_from: int
    score: float
    topics: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class StoryCorrection:
    """A merge or split, decided: entries moved into `target` (or into `new_story`),
    the items it changes, and the labelled pairs it teaches."""

    kind: str  # "merge" | "split"
    editor: str
    at: datetime
    target: int | None
    new_story: NewStory | None
    moves: tuple[EntryMove, ...]
    touches: tuple[ItemTouch, ...]
    labels: tuple[StoryLabel, ...]


@dataclass(frozen=True)
class LabelledPair:
    """Two entries (as clustering reads them, `item_id` being each entry's id) and the
    editors' latest word on them."""

    a: StorySignature
    b: StorySignature
    same: bool
