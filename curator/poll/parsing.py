"""Parsing off the event loop. Parsing is CPU-bound and feedparser holds the GIL,
so a big run parses in a process pool; a small one (or a run of 304s) never pays
for starting it: bodies are parsed in a thread until `POOL_AFTER` of them have
come and four times as many are still expected; only then does the pool start, in
the background, taking over when ready."""

from __future__ import annotations

import asyncio
import functools
import importlib
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from types import TracebackType

from curator.errors import ParseError
from curator.lifeline import end_with_parent
from curator.models import ParsedFeed

log = logging.getLogger("curator.poll")
PARSER_MODULE = "curator.parse"  # imported with the first body: a run of 304s never loads it
POOL_AFTER = 24  # bodies parsed in the thread before a process pool is worth starting
POOL_AHEAD = 4  # ... and how many times as many must be expected still to come
ParseFunction = Callable[[bytes, str, dict[str, str], datetime], ParsedFeed | str]


def pool_size(configured: int, cores: int) -> int:
    """Workers for `configured` (poll.parse_processes) on `cores` cores: never more than
    the cores left beside the event loop's process, which fetches, unpickles and writes
    as much CPU as a worker parses since the fast path (a worker more only competes
    with it, for ~30 MB)."""
    return min(configured, max(1, cores - 1))


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class Parser:
    """`await parser.parse(...)` runs parse_feed elsewhere; use as `async with`.

    `feeds` is how many feeds may need parsing, `processes` the pool's size (0: no
    pool, poll.parse_processes); `pooled` counts the feeds parsed in the pool."""

    def __init__(self, feeds: int, *, processes: int, pool_after: int = POOL_AFTER) -> None:
        processes = pool_size(processes, _usable_cores())
        self._feeds = feeds
        self._pool_after = pool_after
        self._processes = processes
        self._pool_wanted = feeds > pool_after and processes > 0
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="parse")
        self._pool: ProcessPoolExecutor | None = None
        self._bodies = 0
        self._fetched = 0
        self._starting: asyncio.Future[None] | None = None
        self._parse: ParseFunction | None = None
        self.pooled = 0

    async def __aenter__(self) -> Parser:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._starting is not None:
            await self._starting  # so that a pool still starting is shut down too
        self._thread.shutdown(wait=error is None, cancel_futures=True)
        if self._pool is not None:
            self._pool.shutdown(wait=error is None, cancel_futures=True)

    async def parse(
        self, body: bytes, url: str, headers: dict[str, str], now: datetime
    ) -> ParsedFeed:
        """parse_feed in the thread or the pool; raises ParseError like parse_feed."""
        loop = asyncio.get_running_loop()
        self._bodies += 1
        if self._pool_wanted and self._starting is None and self._pool_pays():
            self._starting = loop.run_in_executor(None, self._start_pool)
        parse = self._parse or await self._load_parser(loop)
        executor: Executor = self._pool or self._thread
        try:
            result = await loop.run_in_executor(executor, parse, body, url, headers, now)
            self.pooled += executor is self._pool
        except BrokenProcessPool:  # a worker died (the OOM killer?): go on in the thread
            log.warning("the parser pool broke; parsing goes on in a thread")
            self._pool_wanted, self._pool = False, None
            result = await loop.run_in_executor(self._thread, parse, body, url, headers, now)
        if isinstance(result, str):
            raise ParseError(url, result)
        return result

    async def _load_parser(self, loop: asyncio.AbstractEventLoop) -> ParseFunction:
        """curator.parse (lxml, feedparser, nh3: ~0.15 s of imports), loaded in the
        thread so that the fetches go on meanwhile."""
        module = await loop.run_in_executor(self._thread, importlib.import_module, PARSER_MODULE)
        self._parse = module.parse_feed_or_problem
        return module.parse_feed_or_problem

    def fetched(self) -> None:
        """One more feed fetched, whether it needs parsing or not (a 304, a failure)."""
        self._fetched += 1

    def _pool_pays(self) -> bool:
        """`pool_after` bodies have come and, at the rate bodies come per feed fetched,
        POOL_AHEAD times as many are ahead. Starting the workers costs about as much as
        parsing 30-40 bodies saves (measured), so a warm run where a tenth or a fifth
        of the feeds changed stays in the thread."""
        fetched = max(self._fetched, self._bodies)
        ahead = (self._feeds - fetched) * self._bodies / fetched
        return self._bodies >= self._pool_after and ahead >= POOL_AHEAD * self._pool_after

    def _start_pool(self) -> None:
        """Start the workers (off the event loop: it takes a second) and hand over."""
        context = _pool_context(self._processes)
        # The workers leave Ctrl-C to us, and end with us however we end (lifeline.py).
        initializer = functools.partial(end_with_parent, ignore_interrupt=True)
        pool = ProcessPoolExecutor(self._processes, mp_context=context, initializer=initializer)
        try:
            pool.submit(int).result()  # the workers are up
        except (OSError, BrokenProcessPool) as e:  # no processes here: the thread will do
            log.warning("no parser pool (%s); parsing stays in a thread", e)
            pool.shutdown(wait=False)
            return
        self._pool = pool


def _pool_context(processes: int) -> multiprocessing.context.BaseContext:
    """Never fork a process that has threads (the service's scheduler). One worker is
    spawned: a forkserver would be one process more (~30 MB) to fork a single child.
    More workers fork from a forkserver, which imports the parser once for them all
    (their pages shared until written)."""
    if processes == 1:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([PARSER_MODULE, "curator.lifeline"])
    return context
