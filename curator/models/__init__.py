"""The records passed between stages: frozen dataclasses and enums.

No feedparser, httpx, bs4 or sqlite object ever leaves the module that owns it;
stages meet through these records only. Times are timezone-aware UTC. Here: sources,
feeds, entries, articles, items and posts; beside them, by subject, `screening` (what
screening one entry decides), `stories` (the editors' merges and splits) and `learning`
(the learned relevance model).
"""

from __future__ import annotations

import enum
import html
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Source:
    """A feed Curator polls, with the bookkeeping that makes polling polite."""

    id: int
    url: str
    name: str
    tags: tuple[str, ...] = ()
    interval: timedelta | None = None
    enabled: bool = True
    disabled_reason: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    last_polled_at: datetime | None = None
    last_status: str | None = None
    last_error: str | None = None
    last_warning: str | None = None
    consecutive_errors: int = 0
    next_poll_at: datetime | None = None
    entry_count: int = 0
    origin: str = "cli"
    filter: str = "topics"  # "all": everything it publishes enters the queue as new


@dataclass(frozen=True)
class Validators:
    """What a conditional GET sends next time, and the hash that tells the same
    bytes again."""

    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None


@dataclass(frozen=True)
class SourceUpdate:
    """What one poll changes on its source's row, decided by the poll stage and
    written by the store in one transaction.

    A failure has `error` (and leaves validators, title and warning as they were);
    a success has `validators` and resets the errors. `feed_title` None keeps the
    title; `moved_to` is a 301/308's new URL, taken unless another source has it."""

    source_id: int
    polled_at: datetime
    status: str  # ok | unchanged | not_modified | error | disabled
    http_status: int | None
    next_poll_at: datetime | None  # None: never (disabled)
    consecutive_errors: int = 0
    error: str | None = None
    disabled_reason: str | None = None
    validators: Validators | None = None
    feed_title: str | None = None
    warning: str | None = None
    moved_to: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None


@dataclass(frozen=True)
class FetchedFeed:
    """What the network gave for one feed request.

    `body` is None for a 304. `permanent_url` is set when a 301/308 moved the feed.
    """

    url: str
    status: int
    body: bytes | None
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    permanent_url: str | None = None
    fetched_at: datetime | None = None


@dataclass(frozen=True)
class ParsedEntry:
    """One feed entry, normalised: `key` is its identity within its source."""

    key: str
    url: str | None
    title: str
    author: str | None
    published_at: datetime | None
    updated_at: datetime | None
    summary_html: str
    summary_text: str
    content_html: str
    image_url: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedFeed:
    """A feed read from bytes; `warning` keeps a survivable problem (bozo)."""

    title: str
    link: str | None
    entries: tuple[ParsedEntry, ...]
    warning: str | None = None
    skipped_entries: int = 0


class ExtractStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    FALLBACK = "fallback"  # the page gave nothing usable; the feed's own text stands in
    FAILED = "failed"  # retried later
    SKIPPED = "skipped"  # no link, or robots.txt / the address guard said no


@dataclass(frozen=True)
class PendingEntry:
    """An entry waiting for its article page to be extracted."""

    id: int
    source_id: int
    source_name: str
    url: str | None
    title: str
    summary_html: str
    summary_text: str
    content_html: str
    published_at: datetime | None
    first_seen_at: datetime
    attempts: int = 0
    item_id: int | None = None  # set when a change in the feed sent it back for extraction


@dataclass(frozen=True)
class Article:
    """The main text and metadata of one entry's page (or its feed fallback)."""

    entry_id: int
    url: str
    text: str
    title: str
    status: ExtractStatus
    canonical_url: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    site_name: str | None = None
    image_url: str | None = None
    language: str | None = None
    note: str | None = None  # why it fell back, failed or was skipped
    image_alt: str | None = None  # the page's own description of its image (og:image:alt)


@dataclass(frozen=True)
class Relevance:
    """A score with the reasons an editor can read ("title: fentanyl (x2)")."""

    score: float
    topics: tuple[str, ...]
    reasons: tuple[str, ...]
    kept: bool


@dataclass(frozen=True)
class StorySignature:
    """What same-story clustering compares: one report's identity, title, the start of
    its text (`lead`) and when it was first seen; `item_id` is the story it is in."""

    item_id: int
    title: str
    url: str
    canonical_url: str | None
    lead: str
    first_seen_at: datetime
    source_id: int = 0  # the feed it came from (0: not known)


class ItemState(enum.StrEnum):
    NEW = "new"
    IN_REVIEW = "in_review"
    DRAFTED = "drafted"
    PUBLISHED = "published"
    RETRACTED = "retracted"
    SNOOZED = "snoozed"
    REJECTED = "rejected"
    FILTERED = "filtered"
    MERGED = "merged"  # its entries moved into another item (`merged_into`); terminal


@dataclass(frozen=True)
class Item:
    """One story as the editors see it; several entries may cover it."""

    id: int
    title: str
    url: str
    state: ItemState
    version: int
    score: float
    topics: tuple[str, ...]
    reasons: tuple[str, ...]
    summary: str
    description: str
    outlets: int
    first_seen_at: datetime
    published_at: datetime | None = None
    updated_at: datetime | None = None
    claimed_by: str | None = None
    claim_expires_at: datetime | None = None
    snoozed_until: datetime | None = None
    reject_reason: str | None = None
    source_names: tuple[str, ...] = ()
    image_url: str | None = None
    site_name: str | None = None
    changed_by: str | None = None
    changed_at: datetime | None = None
    merged_into: int | None = None
    learned: float | None = None  # the model's probability that the editors keep it
    learned_reasons: tuple[str, ...] = ()  # "+al anon", "−earnings": the words that weighed most
    image_alt: str | None = None  # the page's description of its image: a suggestion only
    asking: bool = False  # the queue asks the editors about it: the model is unsure


@dataclass(frozen=True)
class HistoryEvent:
    item_id: int
    at: datetime
    editor: str
    from_state: ItemState | None
    to_state: ItemState
    note: str | None = None


@dataclass(frozen=True)
class ItemChange:
    """One editor's decision on one item, made against the version they read.

    The claim/snooze/reject fields are the item's new values; the store applies
    the change only if the item still has `read_version`.
    """

    item_id: int
    read_version: int
    editor: str
    at: datetime
    from_state: ItemState
    to_state: ItemState
    claimed_by: str | None = None
    claim_expires_at: datetime | None = None
    snoozed_until: datetime | None = None
    reject_reason: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Draft:
    """An editor's text for one item; every save is a new version."""

    item_id: int
    version: int
    title: str
    tags: tuple[str, ...]
    body_markdown: str
    editor: str
    saved_at: datetime
    image_alt: str = ""  # what the lead image shows, for readers who cannot see it


@dataclass(frozen=True)
class Rendition:
    """One width of a post's lead image, re-encoded by us (see desk/images.py)."""

    width: int
    height: int
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class LeadImage:
    """A post's lead image as stored: its renditions' sizes (narrowest first), the alt
    text the editor gave, the credit line, and a digest of the bytes."""

    sizes: tuple[tuple[int, int], ...]
    alt: str
    credit: str
    digest: str


@dataclass(frozen=True)
class Post:
    """A published post: what subscribers read."""

    id: int
    item_id: int
    slug: str
    title: str
    body_markdown: str
    body_html: str
    source_url: str
    source_name: str
    tags: tuple[str, ...]
    editor: str
    published_at: datetime
    updated_at: datetime
    image_url: str | None = None
    retracted_at: datetime | None = None
    related_slugs: tuple[str, ...] = ()
    image: LeadImage | None = None  # our copy of the lead image, if one was made
    also_covered_by: tuple[str, ...] = ()  # the other outlets of its story, when published

    @property
    def links_to_report(self) -> bool:
        """Its text links to the report already ("read the full report here"): the
        credit then names the source without a second link to it."""
        return bool(self.source_url) and f'href="{html.escape(self.source_url)}"' in self.body_html


ItemIdentity = tuple[int, str, datetime | None]  # id, title, first seen: never change
