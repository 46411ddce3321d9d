"""What screening decides for one entry, and what the store answers
(screen/placement.py decides, Store.save_screened applies)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from curator.models import Article, ItemState, Relevance


@dataclass(frozen=True)
class NewItem:
    """What the pipeline knows about a story when it first sees it."""

    entry_id: int
    title: str
    url: str
    canonical_url: str | None
    relevance: Relevance
    state: ItemState  # new (in the queue) or filtered
    summary: str
    description: str
    image_url: str | None
    site_name: str | None
    language: str | None
    first_seen_at: datetime
    published_at: datetime | None
    image_alt: str | None = None  # the page's, offered to the editor as a suggestion


@dataclass(frozen=True)
class JoinItem:
    """Another entry for an item the pipeline made before. Joining a filtered item, an
    on-topic entry (`relevance.kept`) sends it to the queue."""

    item_id: int
    entry_id: int
    relevance: Relevance
    reason: str = ""  # why it is the same story (`cluster.StoryMatch.explanation`)


@dataclass(frozen=True)
class ScreenedEntry:
    """What screening one entry writes: its article (and the attempts it took), and the
    item it starts or joins."""

    article: Article
    attempts: int
    item: NewItem | JoinItem


@dataclass(frozen=True)
class SavedEntry:
    """The item a screened entry is in; `promoted` when it sent a filtered item to the queue."""

    item_id: int
    promoted: bool = False
