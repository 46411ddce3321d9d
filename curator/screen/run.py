"""Pending entries -> articles -> summaries, scores and items (layer 4).

`process_pending` is what `curator extract` and the service's extraction job
both run. Each entry's work is committed on its own, so a crash loses at most
the entry in hand and a rerun resumes with the next. A page that fails is
retried with backoff; after `extract.max_attempts` the feed's own text stands in.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from curator.config import Config
from curator.errors import FetchError
from curator.fetch import PAGE_ACCEPT, AddressPolicy, Fetcher
from curator.fetch.guard import check_url
from curator.models import Article, ExtractStatus, PendingEntry, Relevance, StorySignature
from curator.screen.cluster import StoryIndex, find_story
from curator.screen.extract import extract_article, fallback_article
from curator.screen.relevance import on_topic_by_source, score_article
from curator.screen.summarize import summarize
from curator.store import Store
from curator.store.stories import ItemIdentity, NewItem
from curator.urls import is_web_url, normalize_url

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


class StoryWindow:
    """The stories new entries may join, kept from one extraction run to the next.

    Built anew each run, the index took in ~8,000 stories every 2 minutes at 2,000
    sources (30,000 when a feed had edited an old entry), and that churn fragmented the
    heap: the service grew ~3.6 MB a day. Kept, it reads only the items numbered above
    the last it read (made by this process or another). It is built again, reaching a
    quarter window further back than asked (for retries of older entries), when a run
    needs older stories than it holds, when its oldest are more than 3/4 of a window
    older than a run needs (so about every half window), or when the last item it saw or
    the newest it holds is not in the database as it read it (a restored copy).
    An item's title, addresses and first-seen time never change; its lead is the one
    first read (the database's may later come from an older entry that joined it)."""

    def __init__(self) -> None:
        self._index: StoryIndex | None = None
        self._built_from: datetime | None = None  # it holds the items first seen since
        self._last_seen: ItemIdentity | None = None  # the newest item when it last read

    def index(self, store: Store, earliest: datetime, window: timedelta) -> StoryIndex:
        """The stories first seen from `earliest` on, up to date with `store`."""
        newest = store.stories.newest()  # before reading, so no item falls between
        built_from, index = self._built_from, self._index
        if (
            index is None
            or built_from is None
            or not built_from <= earliest <= built_from + window * 3 / 4
            or not self._unchanged(store, index)
        ):
            self._index = index = None  # the old one goes before the new one is built
            built_from = self._built_from = earliest - window / 4
            index = self._index = StoryIndex(store.stories.signatures(built_from))
        else:
            read_up_to = self._last_seen[0] if self._last_seen else 0
            for signature in store.stories.signatures(built_from, read_up_to):
                if signature.item_id not in index:
                    index.add(signature)
        self._last_seen = newest
        index.forget_before(earliest)
        return index

    def _unchanged(self, store: Store, index: StoryIndex) -> bool:
        """The last item it saw in the database, and the newest it holds, are there as
        it read them (title and first-seen time)."""
        last = self._last_seen
        if last is not None and store.stories.identity(last[0]) != last:
            return False
        held = index.get(index.newest_id)
        return held is None or store.stories.identity(held.item_id) == (
            held.item_id,
            held.title,
            held.first_seen_at,
        )


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

    def elsewhere(self, entry: PendingEntry) -> str:
        """The text of the source's other articles, one per line."""
        texts = self._of(entry.source_id)
        return "\n".join(text for entry_id, text in texts.items() if entry_id != entry.id)

    def _of(self, source_id: int) -> dict[int, str]:
        if source_id not in self._texts:
            recent = self._store.articles.recent_texts(source_id, self.RECENT)
            self._texts[source_id] = {i: " ".join(t.split()) for i, t in recent.items()}
        return self._texts[source_id]


async def _process(
    config: Config,
    store: Store,
    now: datetime,
    entries: list[PendingEntry],
    stories: StoryIndex,
    should_stop: Callable[[], bool],
    progress: Callable[[int, int], None] | None,
) -> ProcessReport:
    report = ProcessReport()
    all_on_topic = store.sources.all_on_topic()
    texts = SourceTexts(store)
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
                _settle(config, store, now, attempt, stories, report, all_on_topic, texts)
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
    policy = AddressPolicy(allow_private=bool(config.network.allow_private_networks))
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


def _settle(
    config: Config,
    store: Store,
    now: datetime,
    attempt: _Attempt,
    stories: StoryIndex,
    report: ProcessReport,
    all_on_topic: frozenset[int],
    texts: SourceTexts,
) -> None:
    """Commit one entry's outcome: a retry, or its article and its item."""
    entry, article = attempt.entry, attempt.article
    report.examined += 1
    if article is None:
        store.articles.mark_failed(
            entry.id, entry.attempts + 1, attempt.failure or "", attempt.retry_at or now
        )
        report.statuses["failed"] = report.statuses.get("failed", 0) + 1
        log.info("entry %d: %s (retry at %s)", entry.id, attempt.failure, attempt.retry_at)
        return
    report.statuses[article.status.value] = report.statuses.get(article.status.value, 0) + 1
    title = entry.title or article.title
    relevance = score_article(title, article.text, config.topics, config.relevance.threshold)
    if entry.source_id in all_on_topic:
        relevance = on_topic_by_source(relevance)
    signature = StorySignature(
        0,
        title,
        _identity(entry, article),
        article.canonical_url,
        article.text[:600],
        entry.first_seen_at,
    )
    item_id = entry.item_id or find_story(
        signature, stories, config.cluster.similarity, config.cluster.window
    )
    tries = entry.attempts + (article.status != ExtractStatus.SKIPPED)
    # The summary is made before the write lock is taken, and only for a new story.
    new = None
    if item_id is None:
        summary = summarize(
            article.text,
            signature.title,
            config.summary.sentences,
            elsewhere=texts.elsewhere(entry),
        )
        new = _new_item(entry, article, signature, relevance, summary)
    with store.transaction():
        store.articles.save(article, tries, now)
        if new is None:
            assert item_id is not None
            if store.stories.join(item_id, entry.id, relevance, now) is not None:
                report.promoted += 1
            report.joined += 1
        else:
            item_id = store.stories.create(new, now)
            report.created += 1
            report.kept += relevance.kept
    if new is not None:  # committed: the next entries of the story may join it
        stories.add(replace(signature, item_id=item_id))
    log.info(
        "entry %d: %s -> item %d (score %.1f)",
        entry.id,
        article.status.value,
        item_id,
        relevance.score,
    )


def _new_item(
    entry: PendingEntry,
    article: Article,
    signature: StorySignature,
    relevance: Relevance,
    summary: str,
) -> NewItem:
    return NewItem(
        entry_id=entry.id,
        title=signature.title,
        url=signature.url,
        canonical_url=article.canonical_url,
        relevance=relevance,
        summary=summary,
        description=entry.summary_text.strip(),
        image_url=article.image_url,
        site_name=article.site_name or entry.source_name,
        language=article.language,
        first_seen_at=entry.first_seen_at,
        published_at=article.published_at or entry.published_at,
    )


def _identity(entry: PendingEntry, article: Article) -> str:
    """The item's URL: the entry's link, normalised (the page's when it has none)."""
    for candidate in (entry.url, article.url):
        if candidate:
            try:
                return normalize_url(candidate)
            except ValueError:
                continue
    return f"urn:curator:entry:{entry.id}"


def rescore_items(config: Config, store: Store, now: datetime) -> tuple[int, int]:
    """Score every item again with the current topics, as on topic as the best of its
    entries (as when they joined it); (items, state changes)."""
    threshold = config.relevance.threshold
    rescored = moved = 0
    all_on_topic = store.stories.all_on_topic()
    for item_id in store.stories.item_ids():
        screened = store.articles.screened_for_item(item_id)
        relevance = max(
            (
                score_article(title, text, config.topics, threshold)
                for title, text in screened or [(store.stories.title_of(item_id), "")]
            ),
            key=lambda scored: scored.score,
        )
        if item_id in all_on_topic:
            relevance = on_topic_by_source(relevance)
        moved += store.stories.rescore(item_id, relevance, now) is not None
        rescored += 1
    return rescored, moved
