"""Pending entries -> articles -> summaries, scores and items (layer 4).

`process_pending` is what `curator extract` and the service's extraction job
both run. Each entry's work is committed on its own, so a crash loses at most
the entry in hand and a rerun resumes with the next. A page that fails is
retried with backoff; after `extract.max_attempts` the feed's own text stands in.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from curator.config import Config
from curator.errors import FetchError
from curator.fetch import PAGE_ACCEPT, AddressPolicy, Fetcher
from curator.fetch.guard import check_url
from curator.models import Article, ExtractStatus, PendingEntry
from curator.models.screening import SavedEntry
from curator.screen.extract import extract_article, fallback_article
from curator.screen.placement import ALREADY_IN_IT, Placement, ScreenRules, place_entry
from curator.screen.relevance import on_topic_by_source, score_article
from curator.screen.story_index import StoryIndex
from curator.screen.window import StoryWindow
from curator.store import Store
from curator.urls import is_web_url

log = logging.getLogger(__name__)
FIRST_RETRY = timedelta(minutes=10)
MAX_RETRY = timedelta(days=1)
_GONE = {401: "blocked", 402: "paywalled", 403: "blocked", 404: "gone", 410: "gone", 451: "blocked"}


@dataclass
class ProcessReport:
    """What one run did; `stopped` when `should_stop` ended it early."""

    examined: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    created: int = 0
    joined: int = 0
    kept: int = 0  # new items on topic
    promoted: int = 0  # filtered items an on-topic entry joined, now in the queue
    stopped: bool = False

    def count_of(self, status: str) -> int:
        """How many entries ended with `status` ('done', 'fallback', 'skipped', 'failed')."""
        return self.statuses.get(status, 0)

    def count(self, status: str) -> None:
        """One more entry examined, ending with `status`."""
        self.examined += 1
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def add(self, placement: Placement, saved: SavedEntry) -> None:
        """One more entry in an item: its article's status, the item made or joined."""
        self.count(placement.screened.article.status.value)
        if placement.new_item is not None:
            self.created += 1
            self.kept += placement.relevance.kept
        else:
            self.joined += 1
            self.promoted += saved.promoted


@dataclass(frozen=True)
class _Attempt:
    """One entry's page: an article, or a failure to retry at `retry_at`."""

    entry: PendingEntry
    article: Article | None
    failure: str | None = None
    retry_at: datetime | None = None


def process_pending(
    config: Config,
    store: Store,
    now: datetime,
    *,
    should_stop: Callable[[], bool] = lambda: False,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    window: StoryWindow | None = None,
) -> ProcessReport:
    """Extract, summarise, score and cluster the entries due for extraction.

    `should_stop` is asked between batches; `progress(done, total)` after each entry.
    A caller that runs again and again (the service) passes the same `window` each time."""
    entries = store.articles.pending(now, limit or config.extract.batch)
    if not entries:  # the service asks every tick; a Fetcher costs ~0.15 s of TLS set-up
        return ProcessReport()
    # Entries a feed change sent back keep their story; only the others are clustered.
    unplaced = [e.first_seen_at for e in entries if e.item_id is None]
    span = config.cluster.window
    earliest = min(unplaced, default=now) - span
    stories = (window or StoryWindow()).index(store, earliest, span)
    return asyncio.run(_process(config, store, now, entries, stories, should_stop, progress))


class SourceTexts:
    """Each source's recent article texts (whitespace collapsed), read once a run and
    joined by the articles of the run, so a summary can skip an outlet's stock
    sentences: the ones its other items carry too."""

    RECENT = 10  # articles of a source compared; a stock sentence is in nearly all

    def __init__(self, store: Store) -> None:
        self._store = store
        self._texts: dict[int, dict[int, str]] = {}

    def add(self, entry: PendingEntry, article: Article) -> None:
        self._of(entry.source_id)[entry.id] = " ".join(article.text.split())

    def of(self, source_id: int) -> Mapping[int, str]:
        """The source's texts by entry id."""
        return self._of(source_id)

    def _of(self, source_id: int) -> dict[int, str]:
        if source_id not in self._texts:
            recent = self._store.articles.recent_texts(source_id, self.RECENT)
            self._texts[source_id] = {i: " ".join(t.split()) for i, t in recent.items()}
        return self._texts[source_id]


@dataclass(frozen=True)
class _Run:
    """What each entry of one run is settled with."""

    store: Store
    now: datetime
    rules: ScreenRules
    stories: StoryIndex
    all_on_topic: frozenset[int]  # sources marked `filter = "all"`
    texts: SourceTexts
    report: ProcessReport


async def _process(
    config: Config,
    store: Store,
    now: datetime,
    entries: list[PendingEntry],
    stories: StoryIndex,
    should_stop: Callable[[], bool],
    progress: Callable[[int, int], None] | None,
) -> ProcessReport:
    report, texts = ProcessReport(), SourceTexts(store)
    run = _Run(
        store, now, ScreenRules.of(config), stories, store.sources.all_on_topic(), texts, report
    )
    chunk = config.network.max_connections
    async with Fetcher(config) as fetcher:
        for start in range(0, len(entries), chunk):
            if should_stop():
                report.stopped = True
                log.info("extraction stopped on request after %d entries", report.examined)
                break
            batch = entries[start : start + chunk]
            attempts = await asyncio.gather(*(_attempt(fetcher, config, e, now) for e in batch))
            for attempt in attempts:  # the batch's items see each other's stock sentences
                if attempt.article is not None:
                    texts.add(attempt.entry, attempt.article)
            for attempt in attempts:
                _settle(run, attempt)
                if progress:
                    progress(report.examined, len(entries))
    return report


async def _attempt(
    fetcher: Fetcher, config: Config, entry: PendingEntry, now: datetime
) -> _Attempt:
    """Fetch and extract one page; decide what a failure means."""
    if not config.extract.enabled:
        return _skip(entry, "extract.enabled is false; using the feed's text")
    if not entry.url or not is_web_url(entry.url):
        return _skip(entry, "the entry has no http(s) link")
    refusal = _address_refusal(config, entry.url)
    if refusal:
        return _skip(entry, f"not fetched: {refusal}")
    try:
        if not await fetcher.allowed_by_robots(entry.url, now=now):
            failure = fetcher.robots_failure(entry.url)
            if failure:  # a passing fault: retried with backoff, not skipped for good
                raise FetchError(entry.url, f"robots.txt could not be read: {failure}")
            return _skip(entry, "robots.txt disallows this page")
        page = await fetcher.fetch(entry.url, now=now, accept=PAGE_ACCEPT)
    except FetchError as e:
        return _failure(config, entry, e, now)
    kind = page.headers.get("content-type", "text/html").split(";")[0].strip().lower()
    if not page.body or ("html" not in kind and "xml" not in kind):
        note = f"not an HTML page ({kind or 'empty'}); using the feed's text"
        return _Attempt(entry, fallback_article(entry, note, url=page.url))
    return _Attempt(entry, extract_article(page.body, entry, url=page.url))


def _address_refusal(config: Config, url: str) -> str | None:
    """The fetch guard's verdict on a literal address, asked before robots.txt so
    the note names the real reason (names resolving inside are refused on connect)."""
    parts = urlsplit(url)
    policy = AddressPolicy(allow_private=config.network.allow_private_networks)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        check_url(url, parts.scheme, parts.hostname or "", port, policy)
    except FetchError as e:
        return e.problem
    return None


def _skip(entry: PendingEntry, note: str) -> _Attempt:
    return _Attempt(entry, fallback_article(entry, note, status=ExtractStatus.SKIPPED))


def _failure(config: Config, entry: PendingEntry, error: FetchError, now: datetime) -> _Attempt:
    """Refused addresses are skipped for good; 4xx pages fall back; the rest retry."""
    if error.problem.startswith(("blocked", "only http", "the URL has no host")):
        return _skip(entry, f"not fetched: {error.problem}")
    if error.status in _GONE:
        note = f"page {_GONE[error.status]} (HTTP {error.status}); using the feed's text"
        return _Attempt(entry, fallback_article(entry, note))
    tries = entry.attempts + 1
    if tries >= config.extract.max_attempts:
        note = f"gave up after {tries} attempts ({error.problem}); using the feed's text"
        return _Attempt(entry, fallback_article(entry, note))
    delay = min(MAX_RETRY, FIRST_RETRY * 2 ** (tries - 1))
    retry_at = max(now + delay, error.retry_after or now)
    return _Attempt(entry, None, failure=error.problem, retry_at=retry_at)


def _settle(run: _Run, attempt: _Attempt) -> None:
    """Commit one entry's outcome: a retry, or its article and its item (one
    transaction; the summary is made before the write lock is taken)."""
    entry, article = attempt.entry, attempt.article
    if article is None:
        _retry_later(run, attempt)
        return
    placement = place_entry(
        entry,
        article,
        run.stories,
        run.rules,
        on_topic_source=entry.source_id in run.all_on_topic,
        source_texts=run.texts.of(entry.source_id),
    )
    saved = run.store.save_screened(placement.screened, run.now)
    if placement.why != ALREADY_IN_IT:  # committed: the story's next reports compare with it
        run.stories.add(replace(placement.signature, item_id=saved.item_id))
    run.report.add(placement, saved)
    log.info(
        "entry %d: %s -> item %d, %s (score %.1f)",
        entry.id,
        article.status.value,
        saved.item_id,
        placement.why,
        placement.relevance.score,
    )


def _retry_later(run: _Run, attempt: _Attempt) -> None:
    entry, retry_at = attempt.entry, attempt.retry_at or run.now
    run.store.articles.mark_failed(entry.id, entry.attempts + 1, attempt.failure or "", retry_at)
    run.report.count("failed")
    log.info("entry %d: %s (retry at %s)", entry.id, attempt.failure, attempt.retry_at)


def rescore_items(config: Config, store: Store, now: datetime) -> tuple[int, int]:
    """Score every item again with the current topics, as on topic as the best of its
    entries (as when they joined it); (items, state changes)."""
    threshold = config.relevance.threshold
    rescored = moved = 0
    all_on_topic = store.items.all_on_topic()
    for item_id in store.items.item_ids():
        screened = store.articles.screened_for_item(item_id)
        relevance = max(
            (
                score_article(title, text, config.topics, threshold)
                for title, text in screened or [(store.items.title_of(item_id), "")]
            ),
            key=lambda scored: scored.score,
        )
        if item_id in all_on_topic:
            relevance = on_topic_by_source(relevance)
        moved += store.items.rescore(item_id, relevance, now) is not None
        rescored += 1
    return rescored, moved
