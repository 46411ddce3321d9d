"""The background service: APScheduler 3 is only the clock that calls Curator's jobs.

The database is the schedule (each source's next_poll_at); a job asks "what is
due?" at every tick. One service per database (an flock beside it). The first
SIGTERM/SIGINT asks the jobs to stop after the source or entry in hand and waits
for them; a second exits at once. Every exit of the loop is logged. `once=True`
is burst mode: every job once, in order, through the same runner.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

from apscheduler.events import EVENT_SCHEDULER_STARTED, SchedulerEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler

from curator.config import Config
from curator.errors import CuratorError, ServiceError

ShouldStop = Callable[[], bool]


@dataclass(frozen=True)
class Job:
    """A named piece of work run every `interval`; `run(now, should_stop)` returns
    a one-line outcome for the log and must return soon after should_stop() is true."""

    name: str
    interval: timedelta
    run: Callable[[datetime, ShouldStop], str]


def lock_path_for(database: Path) -> Path:
    """The service lock file for a database: beside it, e.g. curator.db.service-lock."""
    return database.with_name(database.name + ".service-lock")


@contextmanager
def service_lock(lock_path: Path, database: Path) -> Iterator[None]:
    """Hold the one-service-per-database lock; the kernel drops it if we die."""
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise ServiceError(f"cannot open the service lock {lock_path}: {e.strerror}") from e
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise ServiceError(f"another curator serve holds {database} (pid {holder})") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


def run_service(
    config: Config,
    jobs: Sequence[Job],
    *,
    lock_path: Path,
    logger: logging.Logger,
    once: bool = False,
) -> None:
    """Run `jobs` on their intervals (the first run at start) until a signal stops it."""
    database = config.curator.database
    with service_lock(lock_path, database):
        stop = threading.Event()
        runner = _runner(stop, logger)
        with _stop_on_signals(stop, logger):
            if once:
                logger.info("running each job once: %s", ", ".join(j.name for j in jobs))
                failures = [job.name for job in jobs if not runner(job)]
                logger.info("burst done%s", " (stopped by a signal)" if stop.is_set() else "")
                if failures:
                    raise ServiceError(f"burst: {', '.join(failures)} failed; see the log above")
                return
            _run_scheduled(database, jobs, runner, stop, logger)


def _runner(stop: threading.Event, logger: logging.Logger) -> Callable[[Job], bool]:
    """One run of a job: its outcome or its error in one log line; never raises.
    False when the job failed."""

    def run(job: Job) -> bool:
        if stop.is_set():
            return True
        started = time.monotonic()
        try:
            outcome = job.run(datetime.now(UTC), stop.is_set)
        except Exception as e:  # the service must outlive any job; the next tick retries
            kind = "" if isinstance(e, CuratorError) else f"{type(e).__name__}: "
            logger.error("%s failed: %s%s (retrying at the next tick)", job.name, kind, e)
            logger.debug("%s traceback", job.name, exc_info=True)
            return False
        logger.info("%s: %s (%.1fs)", job.name, outcome, time.monotonic() - started)
        return True

    return run


def _run_scheduled(
    database: Path,
    jobs: Sequence[Job],
    runner: Callable[[Job], bool],
    stop: threading.Event,
    logger: logging.Logger,
) -> None:
    scheduler = _scheduler(jobs, runner)
    stopper = _shut_down_when_asked(scheduler, stop, logger)
    plan = ", ".join(f"{job.name} every {_human(job.interval)}" for job in jobs)
    logger.info("service started on %s (pid %d): %s", database, os.getpid(), plan)
    try:
        scheduler.start()
    except BaseException as e:
        logger.error("service loop ended by %s: %s", type(e).__name__, e)
        raise
    # start() returns once shutdown() has marked the scheduler stopped, which may be
    # before the jobs in hand have finished: shutdown() waits for them.
    if stopper.is_alive():
        stopper.join()
    logger.info("service stopped cleanly")


def _scheduler(jobs: Sequence[Job], runner: Callable[[Job], bool]) -> BlockingScheduler:
    """Every job on its interval, the first run at once; a late tick runs once."""
    executor = ThreadPoolExecutor(max_workers=max(1, len(jobs)))
    scheduler = BlockingScheduler(executors={"default": executor}, timezone=UTC)
    first = datetime.now(UTC)
    for job in jobs:
        scheduler.add_job(
            runner,
            "interval",
            args=(job,),
            seconds=job.interval.total_seconds(),
            id=job.name,
            name=job.name,
            next_run_time=first,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,  # a late tick still runs (once, coalesced)
        )
    return scheduler


def _shut_down_when_asked(
    scheduler: BlockingScheduler, stop: threading.Event, logger: logging.Logger
) -> threading.Thread:
    """A thread, started with the scheduler, that shuts it down once `stop` is set
    (waiting for the jobs in hand)."""

    def shut_down() -> None:
        stop.wait()
        logger.info("stopping: waiting for the jobs in hand to finish")
        scheduler.shutdown(wait=True)

    stopper = threading.Thread(target=shut_down, name="curator-stop", daemon=True)

    def on_started(event: SchedulerEvent) -> None:  # shutdown() needs a running scheduler
        stopper.start()

    scheduler.add_listener(on_started, EVENT_SCHEDULER_STARTED)
    return stopper


@contextmanager
def _stop_on_signals(stop: threading.Event, logger: logging.Logger) -> Iterator[None]:
    """First SIGTERM/SIGINT: set `stop`. Second: exit at once (status 128 + signal)."""

    def handle(signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if stop.is_set():
            logger.warning("second %s: exiting at once", name)
            for handler in logging.getLogger().handlers + logger.handlers:
                handler.flush()
            os._exit(128 + signum)
        logger.info("%s: finishing the work in hand, then stopping (again to exit now)", name)
        stop.set()

    watched = (signal.SIGTERM, signal.SIGINT)
    previous = {s: signal.signal(s, handle) for s in watched}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _human(interval: timedelta) -> str:
    seconds = int(interval.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
