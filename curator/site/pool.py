"""Worker processes for a big export: post pages, rendered and written in parallel.

A cold export renders 10,000 post pages, each independent of the others. `Helpers`
runs spawned worker processes (never forked: the service exports from a scheduler
thread), one single-process executor each, so that what a worker is told first (the
site's settings and titles) is what it knows when its chunks arrive. When an export will
clearly be big they are started as it begins, so that their start-up (~0.5 s)
overlaps with reading the posts; otherwise when the work turns out to be big.
The pages go in chunks of detached views, taken by the workers from one end of
the queue and by this process from the other; each process writes its own files
(`atomic.write_output`). First, while the workers start on the pages, this process
renders the other stale outputs (`meanwhile`: index, tag pages, feeds). Below
THRESHOLD pages everything stays in this process. (Sharing out the choice of related
posts was tried and dropped: each part needs the word counts of every post, so two
processes took 2.2 s where one took 2.9 s, for 19 MB of posts sent across.)
"""

from __future__ import annotations

import math
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from curator.errors import ExportError
from curator.lifeline import end_with_parent
from curator.models import Post
from curator.site.atomic import Job, Known, write_output
from curator.site.pages import post_renderer
from curator.site.settings import SiteSettings
from curator.site.views import PostView, Titles, attacher, live_titles

THRESHOLD = 500
CHUNK = 200
MAX_WORKERS = 3  # beside this process; on 2 cores two workers were slower than one

Written = list[tuple[str, Known, bool]]
_Pages = tuple[Callable[..., PostView], Callable[[PostView], bytes]]
_worker: _Pages | None = None  # set in a worker process by _set_pages


class Helpers:
    """Worker processes for one export, started on first need; `close` ends them."""

    def __init__(self, workers: int | None = None, threshold: int = THRESHOLD) -> None:
        self.count = _spare_cpus() if workers is None else workers
        self.threshold = threshold
        self._pools: list[ProcessPoolExecutor] = []

    def worth_it(self, size: int) -> bool:
        """Is work of `size` (posts, pages) big enough to share with workers?"""
        return self.count > 0 and size >= self.threshold

    def start(self, pages: int) -> list[ProcessPoolExecutor]:
        """The workers for `pages` pages (one per two chunks at most), spawned now if
        they are not yet."""
        if not self._pools:
            wanted = min(self.count, max(1, math.ceil(pages / CHUNK / 2)))
            context = multiprocessing.get_context("spawn")
            self._pools = [
                ProcessPoolExecutor(1, mp_context=context, initializer=end_with_parent)
                for _ in range(wanted)
            ]  # end_with_parent: no worker outlives this process, however it ends
            for pool in self._pools:
                pool.submit(_warm_up)  # an executor spawns its process at the first task
        return self._pools

    def close(self) -> None:
        """Wait for the chunks the workers are on (they write files), drop the rest."""
        for pool in self._pools:
            pool.shutdown(wait=True, cancel_futures=True)
        self._pools = []


class PageBatch:
    """An `atomic.Batch` for post pages (outputs whose `job` is a detached view)."""

    def __init__(self, settings: SiteSettings, posts: Sequence[Post], helpers: Helpers) -> None:
        self.settings = settings
        self.titles = live_titles(posts)
        self.helpers = helpers

    def __call__(self, jobs: list[Job], meanwhile: Callable[[], None]) -> Written:
        pages = _pages(self.settings, self.titles)
        if not self.helpers.worth_it(len(jobs)):
            meanwhile()
            return _write(pages, jobs)
        pools = self.helpers.start(len(jobs))
        setups = [pool.submit(_set_pages, self.settings, self.titles) for pool in pools]
        chunks = _Chunks(jobs)
        try:
            return chunks.share(pools, setups, pages, meanwhile)
        except _Failed as e:
            raise ExportError(e.path, e.problem) from None
        except BrokenProcessPool as e:
            folder = os.path.dirname(jobs[0][1])
            raise ExportError(folder, f"a worker process died ({e})") from None
        finally:  # on a failure: no more chunks for the workers (close() waits for theirs)
            chunks.stopping.set()


class _Chunks:
    """One batch's pages in chunks: the workers take them from one end of the queue,
    each its next as its last is done; this process takes them from the other end."""

    def __init__(self, jobs: list[Job]) -> None:
        self.waiting = deque(jobs[i : i + CHUNK] for i in range(0, len(jobs), CHUNK))
        self.futures: list[Future[Written]] = []
        self.handing_out = threading.RLock()  # a done callback may run at once, in `feed`
        self.stopping = threading.Event()

    def share(
        self,
        pools: list[ProcessPoolExecutor],
        setups: list[Future[None]],
        pages: _Pages,
        meanwhile: Callable[[], None],
    ) -> Written:
        """Start the workers on the chunks, do `meanwhile`, write chunks here until
        none is left, then gather what the workers wrote."""
        for pool in pools:
            self.feed(pool)
            self.feed(pool)  # one to work on, one waiting
        meanwhile()
        done = self.write_here(pages)
        with self.handing_out:  # every chunk is handed out: no future is added after this
            handed = list(self.futures)
        for setup in setups:
            setup.result()  # its failure, not the chunks' "_set_pages runs first"
        for future in handed:
            done += future.result()
        return done

    def feed(self, pool: ProcessPoolExecutor) -> None:
        """Give `pool` its next chunk; called again (from the executor's thread) as
        each one is done, so a worker never waits for this process to look up.
        A pool that is shut down or broken gets none: this process takes them."""
        with self.handing_out:
            if self.stopping.is_set() or not self.waiting:
                return
            try:
                future = pool.submit(_write_in_worker, self.waiting[0])
            except RuntimeError:  # BrokenProcessPool is one too
                return
            self.waiting.popleft()
            self.futures.append(future)

        def next_one(finished: Future[Written]) -> None:
            if not finished.cancelled():  # cancelled: the export is failing
                self.feed(pool)

        future.add_done_callback(next_one)

    def write_here(self, pages: _Pages) -> Written:
        """Write chunks in this process, from the other end, until none is waiting."""
        done: Written = []
        while True:
            with self.handing_out:
                chunk = self.waiting.pop() if self.waiting else None
            if chunk is None:
                return done
            done += _write(pages, chunk)


def _pages(settings: SiteSettings, titles: Titles) -> _Pages:
    return attacher(settings, titles), post_renderer(settings)


def _write(pages: _Pages, jobs: list[Job]) -> Written:
    attach, render = pages
    done = []
    for relative, path, fresh, job, key, before in jobs:
        entry, wrote = write_output(path, render(attach(job)), key, before, fresh=fresh)
        done.append((relative, entry, wrote))
    return done


def _spare_cpus() -> int:
    """The CPUs this process may run on (a container's limit, not the host's), but
    one for itself, and at most MAX_WORKERS."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    return max(0, min(usable - 1, MAX_WORKERS))


def _warm_up() -> None:
    """Nothing: importing this module (the first task does) is the warming up."""


def _set_pages(settings: SiteSettings, titles: Titles) -> None:
    """What the worker renders pages with (sent first, before any chunk)."""
    global _worker
    _worker = _pages(settings, titles)


def _write_in_worker(jobs: list[Job]) -> Written:
    """`_write` in the worker; an ExportError comes back as one that pickles."""
    assert _worker is not None, "_set_pages runs first"
    try:
        return _write(_worker, jobs)
    except ExportError as e:
        raise _Failed(e.path, str(e).removeprefix(f"export {e.path}: ")) from None


class _Failed(Exception):
    """An ExportError on its way back from a worker (ExportError's arguments do not
    survive pickling)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(path, problem)
        self.path, self.problem = path, problem
