"""`poll_due`: poll what is due, store what is new. The one function `curator
poll` and the service both run.

Per source: fetch (conditional GET) -> 304 or same bytes: bookkeeping only ->
parse (off the loop) -> entries and bookkeeping in one transaction. A failure is
written on the source row with its next attempt; the run moves on.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import itertools
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from curator.config import Config
from curator.errors import CuratorError, FetchError, SourceError
from curator.fetch import Fetcher
from curator.models import FetchedFeed, Source
from curator.poll.parsing import Parser
from curator.poll.report import (
    DISABLED,
    FAILED,
    NOT_MODIFIED,
    OK,
    UNCHANGED,
    PollReport,
    SourceOutcome,
)
from curator.poll.schedule import Schedule
from curator.store import Store
from curator.urls import host_of

log = logging.getLogger("curator.poll")
KEPT_BATCH = 100  # 304s whose bookkeeping is written in one transaction
Progress = Callable[[int, int, SourceOutcome | None], None]  # (done, total, just finished)


def poll_due(
    config: Config,
    store: Store,
    now: datetime,
    *,
    everything: bool = False,
    source_name: str | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    progress: Progress | None = None,
) -> PollReport:
    """Poll the due sources (all enabled ones with `everything`, or the one named).

    `should_stop` is asked before each source is started: the sources in hand
    finish, the rest wait for the next run. `progress` hears each finished source.
    """
    store.sources.sync_from_config(config.sources, now)
    if source_name is not None:
        sources = [store.sources.find(source_name)]
    else:
        sources = store.sources.due(now, everything=everything)
    if progress:
        progress(0, len(sources), None)
    if not sources:
        return PollReport.of([])
    run = _Run(config, store, now, should_stop, progress, len(sources))
    return asyncio.run(run.all(sources))


@dataclass
class _Run:
    config: Config
    store: Store
    now: datetime
    should_stop: Callable[[], bool]
    progress: Progress | None
    total: int

    def __post_init__(self) -> None:
        self.schedule = Schedule.from_config(self.config)
        self.outcomes: list[SourceOutcome] = []
        self.stopped = False
        self.kept: list[Callable[[], None]] = []  # bookkeeping of 304s not yet written

    async def all(self, sources: list[Source]) -> PollReport:
        queue = list(reversed(_interleave_hosts(sources)))
        workers = min(len(sources), int(self.config.network.max_connections))
        processes = int(self.config.poll.parse_processes)
        parser = Parser(len(sources), processes=processes)
        try:
            async with parser, Fetcher(self.config) as fetcher:
                await asyncio.gather(
                    *(self._worker(queue, fetcher, parser) for _ in range(workers))
                )
        finally:
            self._write_kept()
        return PollReport.of(self.outcomes, stopped_early=self.stopped)

    async def _worker(self, queue: list[Source], fetcher: Fetcher, parser: Parser) -> None:
        while queue:
            if self.should_stop():
                self.stopped = True
                return
            source = queue.pop()
            try:
                outcome = await self._poll(source, fetcher, parser)
            except CuratorError as e:  # e.g. the database stayed locked
                outcome = self._failed(source, str(e), None, None)
            except Exception as e:  # a bug in one source's poll must not stop the run
                log.exception("poll %s: unexpected error", source.name)
                outcome = self._failed(source, f"unexpected {type(e).__name__}: {e}", None, None)
            self.outcomes.append(outcome)
            log.info("poll %s: %s", source.name, _describe(outcome))
            if self.progress:
                self.progress(len(self.outcomes), self.total, outcome)

    async def _poll(self, source: Source, fetcher: Fetcher, parser: Parser) -> SourceOutcome:
        try:
            fetched = await fetcher.fetch(
                source.url, now=self.now, etag=source.etag, last_modified=source.last_modified
            )
        except FetchError as e:
            return self._failed(source, e.problem, e.status, e.retry_after)
        finally:
            parser.fetched()  # how the parser guesses the parsing still ahead
        moved = self._move(source, fetched)
        if fetched.status == 304 or fetched.body is None:
            return self._kept(source, fetched, NOT_MODIFIED, moved, _validators(fetched, None))
        body_hash = hashlib.sha256(fetched.body).hexdigest()
        if body_hash == source.body_hash:
            return self._kept(source, fetched, UNCHANGED, moved, _validators(fetched, body_hash))
        try:
            # relative links resolve against where the body came from (after redirects)
            base = fetched.url or source.url
            feed = await parser.parse(fetched.body, base, fetched.headers, self.now)
        except SourceError as e:
            return self._failed(source, e.problem, fetched.status, None)
        warning = _warning(feed.warning, feed.skipped_entries)
        next_poll = self.schedule.after_success(self.now, source.interval, fetched.headers)
        with self.store.transaction():
            counts = self.store.entries.upsert(source.id, feed.entries, self.now)
            self.store.sources.record_success(
                source.id,
                now=self.now,
                status=OK,
                http_status=fetched.status,
                next_poll_at=next_poll,
                validators=_validators(fetched, body_hash),
                feed_title=feed.title,
                warning=warning,
            )
        return SourceOutcome(
            source.id,
            source.name,
            source.url,
            OK,
            new=counts.new,
            updated=counts.updated,
            unchanged=counts.unchanged,
            http_status=fetched.status,
            warning=warning,
            next_poll_at=next_poll,
            moved_to=moved,
        )

    def _kept(
        self,
        source: Source,
        fetched: FetchedFeed,
        status: str,
        moved: str | None,
        validators: dict[str, str | None],
    ) -> SourceOutcome:
        """A 304 or the same bytes again: only the source's bookkeeping is written,
        KEPT_BATCH of them in one transaction (a crash before it leaves those rows as
        they were: polled again next time, nothing lost)."""
        next_poll = self.schedule.after_success(self.now, source.interval, fetched.headers)
        write = functools.partial(
            self.store.sources.record_success,
            source.id,
            now=self.now,
            status=status,
            http_status=fetched.status,
            next_poll_at=next_poll,
            validators=validators,
            warning=source.last_warning,
        )
        self.kept.append(write)
        if len(self.kept) >= KEPT_BATCH:
            self._write_kept()
        return SourceOutcome(
            source.id,
            source.name,
            source.url,
            status,
            http_status=fetched.status,
            next_poll_at=next_poll,
            moved_to=moved,
        )

    def _write_kept(self) -> None:
        writes, self.kept = self.kept, []
        if not writes:
            return
        try:
            with self.store.transaction():
                for write in writes:
                    write()
        except CuratorError as e:  # e.g. locked: those sources are simply polled again
            log.warning("poll: bookkeeping of %d unchanged sources not written: %s", len(writes), e)

    def _failed(
        self, source: Source, problem: str, status: int | None, retry_after: datetime | None
    ) -> SourceOutcome:
        """A failed poll is data: the error and the next attempt go on the row."""
        if status == 410:
            reason = f"410 Gone: {problem}"
            self.store.sources.record_failure(
                source.id,
                now=self.now,
                error=problem,
                http_status=status,
                next_poll_at=None,
                disable_reason=reason,
            )
            return SourceOutcome(
                source.id, source.name, source.url, DISABLED, http_status=status, error=reason
            )
        next_poll = self.schedule.after_error(
            self.now, source.interval, source.consecutive_errors + 1, random.random(), retry_after
        )
        self.store.sources.record_failure(
            source.id, now=self.now, error=problem, http_status=status, next_poll_at=next_poll
        )
        return SourceOutcome(
            source.id,
            source.name,
            source.url,
            FAILED,
            http_status=status,
            error=problem,
            next_poll_at=next_poll,
        )

    def _move(self, source: Source, fetched: FetchedFeed) -> str | None:
        """A 301/308 moves the stored URL (unless another source already has it)."""
        if not fetched.permanent_url or fetched.permanent_url == source.url:
            return None
        moved_to = fetched.permanent_url
        if self.store.sources.move(source.id, moved_to):
            log.info("source %s moved permanently to %s", source.name, moved_to)
            return moved_to
        log.warning("source %s moved to %s: already another source", source.name, moved_to)
        return None


def _interleave_hosts(sources: list[Source]) -> list[Source]:
    """Due order, but one source per host in turn, so that workers are not all
    queued behind one host's per-host limit while other hosts wait."""
    by_host: dict[str, list[Source]] = {}
    for source in sources:
        by_host.setdefault(host_of(source.url), []).append(source)
    rounds = itertools.zip_longest(*by_host.values())
    return [source for row in rounds for source in row if source is not None]


def _validators(fetched: FetchedFeed, body_hash: str | None) -> dict[str, str | None]:
    """After a 304 the old validators stand unless the server sent new ones."""
    if body_hash is None:
        sent = {"etag": fetched.etag, "last_modified": fetched.last_modified}
        return {k: v for k, v in sent.items() if v}
    return {"etag": fetched.etag, "last_modified": fetched.last_modified, "body_hash": body_hash}


def _warning(problem: str | None, skipped: int) -> str | None:
    parts = [f"skipped {skipped} unreadable or repeated entries"] if skipped else []
    return "; ".join([*parts, *([problem] if problem else [])]) or None


def _describe(outcome: SourceOutcome) -> str:
    if outcome.failed:
        return f"{outcome.status} ({outcome.http_status or '-'}): {outcome.error}"
    return f"{outcome.status}, {outcome.new} new, {outcome.updated} updated"
