"""`poll_due`: poll what is due, store what is new. The one function `curator
poll` and the service both run.

Per source: fetch (conditional GET) -> 304 or same bytes: bookkeeping only ->
parse (off the loop) -> entries and bookkeeping in one transaction. A failure is
written on the source row with its next attempt; the run moves on.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from curator.config import Config
from curator.errors import CuratorError, FetchError, SourceError
from curator.fetch import Fetcher
from curator.models import FetchedFeed, Source, SourceUpdate
from curator.poll.decide import Decider, moved_url
from curator.poll.parsing import Parser
from curator.poll.report import PollReport, SourceOutcome
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
        self.outcomes: list[SourceOutcome] = []
        self.stopped = False
        self.decide = Decider(Schedule.from_config(self.config), self.now)
        self.kept: list[SourceUpdate] = []  # bookkeeping of 304s not yet written

    async def all(self, sources: list[Source]) -> PollReport:
        queue = list(reversed(_interleave_hosts(sources)))
        workers = min(len(sources), self.config.network.max_connections)
        processes = self.config.poll.parse_processes
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
                outcome = self._failed(source, str(e))
            except Exception as e:  # a bug in one source's poll must not stop the run
                log.exception("poll %s: unexpected error", source.name)
                outcome = self._failed(source, f"unexpected {type(e).__name__}: {e}")
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
            return self._failed(source, e.problem, e.status, retry_after=e.retry_after)
        finally:
            parser.fetched()  # how the parser guesses the parsing still ahead
        validators = self.decide.validators(source, fetched)
        kept = self.decide.kept(source, fetched, validators)
        if kept is not None:
            return self._kept(source, kept)
        try:
            # relative links resolve against where the body came from (after redirects)
            base = fetched.url or source.url
            feed = await parser.parse(fetched.body or b"", base, fetched.headers, self.now)
        except SourceError as e:
            return self._failed(source, e.problem, fetched.status, fetched=fetched)
        update = self.decide.parsed(source, fetched, validators, feed)
        with self.store.transaction():
            counts = self.store.entries.upsert(source.id, feed.entries, self.now)
            moved = self._apply(source, update)
        return SourceOutcome.of(source, update, moved=moved, counts=counts)

    def _kept(self, source: Source, update: SourceUpdate) -> SourceOutcome:
        """A 304 or the same bytes again: only the source's bookkeeping is written,
        KEPT_BATCH of them in one transaction (a crash before it leaves those rows as
        they were: polled again next time, nothing lost). A move is written at once."""
        if update.moved_to is not None:
            return SourceOutcome.of(source, update, moved=self._apply(source, update))
        self.kept.append(update)
        if len(self.kept) >= KEPT_BATCH:
            self._write_kept()
        return SourceOutcome.of(source, update)

    def _write_kept(self) -> None:
        updates, self.kept = self.kept, []
        if not updates:
            return
        try:
            self.store.sources.apply_all(updates)
        except CuratorError as e:  # e.g. locked: those sources are simply polled again
            log.warning(
                "poll: bookkeeping of %d unchanged sources not written: %s", len(updates), e
            )

    def _failed(
        self,
        source: Source,
        problem: str,
        status: int | None = None,
        *,
        retry_after: datetime | None = None,
        fetched: FetchedFeed | None = None,
    ) -> SourceOutcome:
        """A failed poll is data: the error and the next attempt go on the row."""
        moved_to = moved_url(source, fetched) if fetched is not None else None
        update = self.decide.failed(
            source, problem, status, jitter=random.random(), retry_after=retry_after,
            moved_to=moved_to,
        )  # fmt: skip
        self._apply(source, update)
        return SourceOutcome.of(source, update)

    def _apply(self, source: Source, update: SourceUpdate) -> bool:
        """Write the update; True if the source took the 301/308's URL."""
        moved = self.store.sources.apply(update)
        if moved:
            log.info("source %s moved permanently to %s", source.name, update.moved_to)
        elif update.moved_to is not None:
            log.warning("source %s moved to %s: already another source", source.name,
                        update.moved_to)  # fmt: skip
        return moved


def _interleave_hosts(sources: list[Source]) -> list[Source]:
    """Due order, but one source per host in turn, so that workers are not all
    queued behind one host's per-host limit while other hosts wait."""
    by_host: dict[str, list[Source]] = {}
    for source in sources:
        by_host.setdefault(host_of(source.url), []).append(source)
    rounds = itertools.zip_longest(*by_host.values())
    return [source for row in rounds for source in row if source is not None]


def _describe(outcome: SourceOutcome) -> str:
    if outcome.failed:
        return f"{outcome.status} ({outcome.http_status or '-'}): {outcome.error}"
    return f"{outcome.status}, {outcome.new} new, {outcome.updated} updated"
