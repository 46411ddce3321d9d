"""Rendering and writing many post pages in a second process.

A cold export renders 10,000 post pages; each page and its file are independent, so
a spawned worker (never forked: the service exports from a scheduler thread) takes
chunks of them while this process takes chunks too, from the other end. The worker
gets plain data (settings, titles, detached views) and writes its files itself, as
`atomic.write_output` does here. Below `threshold` pages everything stays in this
process: a worker costs ~0.5 s to start.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from curator.errors import ExportError
from curator.export.atomic import Job, Known, write_output
from curator.export.settings import SiteSettings
from curator.export.site import post_renderer
from curator.export.views import PostView, attacher, live_titles
from curator.models import Post

THRESHOLD = 500
CHUNK = 200

Written = list[tuple[str, Known, bool]]
_Pages = tuple[Callable[..., PostView], Callable[[PostView], bytes]]
_worker: _Pages | None = None  # set in a worker process by _start


class PageBatch:
    """An `atomic.Batch` for post pages (outputs whose `job` is a detached view)."""

    def __init__(
        self,
        settings: SiteSettings,
        posts: Sequence[Post],
        workers: int | None = None,
        threshold: int = THRESHOLD,
    ) -> None:
        self.settings = settings
        self.titles = live_titles(posts)
        self.workers = (os.cpu_count() or 1) - 1 if workers is None else workers
        self.threshold = threshold

    def __call__(self, jobs: list[Job]) -> Written:
        pages = _pages(self.settings, self.titles)
        if len(jobs) < self.threshold or self.workers < 1:
            return _write(pages, jobs)
        chunks = deque(jobs[i : i + CHUNK] for i in range(0, len(jobs), CHUNK))
        done: Written = []
        futures: list[Future[Written]] = []
        with ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(self.settings, self.titles),
        ) as pool:
            while chunks:
                # Two chunks in flight per worker; this process takes from the other end.
                while chunks and sum(not f.done() for f in futures) < 2 * self.workers:
                    futures.append(pool.submit(_write_in_worker, chunks.popleft()))
                if chunks:
                    done += _write(pages, chunks.pop())
            for future in futures:
                try:
                    done += future.result()
                except _Failed as e:
                    raise ExportError(e.path, e.problem) from None
        return done


def _pages(settings: SiteSettings, titles: dict[str, str]) -> _Pages:
    return attacher(settings, titles), post_renderer(settings)


def _write(pages: _Pages, jobs: list[Job]) -> Written:
    attach, render = pages
    done = []
    for relative, path, job, key, before in jobs:
        entry, wrote = write_output(path, render(attach(job)), key, before)
        done.append((relative, entry, wrote))
    return done


def _start(settings: SiteSettings, titles: dict[str, str]) -> None:
    global _worker
    _worker = _pages(settings, titles)


def _write_in_worker(jobs: list[Job]) -> Written:
    """`_write` in the worker; an ExportError comes back as one that pickles."""
    assert _worker is not None, "the pool's initializer sets it up"
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
