"""The service's jobs: poll, process (with retention), export and learn, each a `service.Job`
whose run opens its own connection to the database (the jobs run in their own
threads) and returns its one-line outcome for the log. `curator serve --once` and
the scheduled service run the same jobs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from curator.config import Config
from curator.poll import poll_due
from curator.poll.sources import sync_config_sources
from curator.screen.learn_run import learn, score_waiting
from curator.screen.learning import unusable_note
from curator.screen.retention import drop_old_screened_text
from curator.screen.run import process_pending
from curator.screen.window import StoryWindow
from curator.service import Job, ShouldStop
from curator.site.digest import digest_due
from curator.site.digest_run import make_digest, send_digest
from curator.site.run import export_site
from curator.store import Store
from curator.store.source_rows import SyncReport

Work = Callable[[Config, Store, datetime, ShouldStop], str]
DIGEST_TICK = timedelta(minutes=15)  # how often the service asks whether the digest is due


def prepare_service(config: Config, now: datetime) -> SyncReport:
    """Before the jobs run: create or migrate the database (before the jobs' threads
    race to do it) and bring the [[sources]] of config.toml in, once for the
    service's life (the config is read once too), not at every poll tick."""
    store = Store.open(config.curator.database, config.curator.busy_timeout)
    try:
        return sync_config_sources(config, store, now)
    finally:
        store.close()


def service_jobs(config: Config) -> list[Job]:
    """The service's jobs, in the order burst mode runs them."""
    window = StoryWindow()  # kept between runs; a job never runs twice at once

    def process_with_window(
        config: Config, store: Store, now: datetime, should_stop: ShouldStop
    ) -> str:
        return _process(config, store, now, should_stop, window)

    jobs = [
        Job("poll", config.poll.tick, _with_store(config, _poll)),
        Job("process", config.extract.tick, _with_store(config, process_with_window)),
        Job("export", config.export.tick, _with_store(config, _export)),
        Job("learn", config.learning.tick, _with_store(config, _learn)),
    ]
    if config.digest.enabled:
        jobs.append(Job("digest", DIGEST_TICK, _with_store(config, send_weekly_digest)))
    return jobs


def _with_store(config: Config, work: Work) -> Callable[[datetime, ShouldStop], str]:
    def run(now: datetime, should_stop: ShouldStop) -> str:
        store = Store.open(config.curator.database, config.curator.busy_timeout)
        try:
            return work(config, store, now, should_stop)
        finally:
            store.close()

    return run


def _poll(config: Config, store: Store, now: datetime, should_stop: ShouldStop) -> str:
    report = poll_due(config, store, now, should_stop=should_stop)
    line = (
        f"{len(report.outcomes)} sources: {report.new} new, {report.updated} updated, "
        f"{report.not_modified} not modified, {report.failed} failed"
    )
    return line + (" (stopped early)" if report.stopped_early else "")


def _process(
    config: Config, store: Store, now: datetime, should_stop: ShouldStop, window: StoryWindow
) -> str:
    report = process_pending(config, store, now, should_stop=should_stop, window=window)
    counts = ", ".join(f"{n} {status}" for status, n in sorted(report.statuses.items()))
    line = f"{report.examined} entries ({counts or 'none'}), {report.created} new items"
    scored, moved = score_waiting(config, store, now)
    if scored:
        line += f"; the model scored {scored} items, moved {moved}"
    pruned = drop_old_screened_text(config, store, now)
    if pruned.articles or pruned.entries:
        line += f"; retention emptied {pruned.articles} articles, {pruned.entries} entries"
    return line + (" (stopped early)" if report.stopped else "")


def send_weekly_digest(config: Config, store: Store, now: datetime, should_stop: ShouldStop) -> str:
    """Once this week's `digest.weekday` and `digest.time` have come, make and send last
    week's digest to whoever has not had it; every later tick finds nobody left."""
    week = digest_due(now, config.digest.weekday, config.digest.time)
    if week is None:
        return "not due"
    made = make_digest(config, store, week, now)
    if made.empty:
        return f"{week.label}: no posts, nothing sent"
    report = send_digest(config, store, made, now)
    line = f"{week.label}: sent {report.sent}, {report.already} had it already"
    return line + (f", {len(report.uncertain)} uncertain" if report.uncertain else "")


def _export(config: Config, store: Store, now: datetime, should_stop: ShouldStop) -> str:
    report = export_site(config, store, now)
    return (
        f"{report.posts} posts; {len(report.written)} files written, {report.unchanged} unchanged;"
        f" search index {report.search}"
    )


def _learn(config: Config, store: Store, now: datetime, should_stop: ShouldStop) -> str:
    """Train again once learning.retrain_every new decisions came in; score the rest."""
    report = learn(config, store, now)
    line = "no new model"
    if report.trained is not None:
        used = "used" if report.trained.active else "not used"
        line = f"model v{report.trained.version} on {report.trained.decisions} decisions ({used})"
    asked = f", {report.asked} asked about" if report.asked else ""
    line += f"; {report.scored} items scored, {report.moved} moved{asked}"
    if report.unusable is not None:
        line += f"; {unusable_note(report.unusable)}"
    return line
