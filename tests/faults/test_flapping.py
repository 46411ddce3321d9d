"""A source that flips between working and failing for days: the backoff grows
while it fails, falls back to the normal interval when it works, the error is
on its row meanwhile, and neither poll nor the service ever stops."""

from __future__ import annotations

import itertools
import signal
import subprocess
from datetime import timedelta

from feed_factory import rss

from curator.poll import poll_due
from curator.poll.sources import sync_config_sources
from curator.store import Store
from curator.store.times import from_db
from faults.harness import Answer, ServiceLog, Site, curator, serve, write_config

BROKEN = Answer(500, b"upstream down", "text/plain")
TICK = timedelta(minutes=15)  # the service's tick, coarser to keep the test quick
# (day the stretch starts, working?): three failing stretches of growing length
STRETCHES = [(0, True), (1, False), (2, True), (3, False), (5, True), (6, False), (9, True)]


def _working(day: float) -> bool:
    return [ok for start, ok in STRETCHES if start <= day][-1]


def _feed(day: float) -> Answer:
    return Answer(200, rss(5 + int(day), prefix="flap"), "application/rss+xml")


def test_backoff_grows_while_failing_and_recovers_on_success(make_config, now):
    with serve(Site()) as site:
        source = {"url": site.url("/feed"), "name": "flappy", "interval": "4h"}
        config = make_config(sources=[source])
        store = Store.open(config.curator.database)
        sync_config_sources(config, store, now)
        polls = []  # (day, status, wait until the next poll, error on the row)
        moment = now
        while moment < now + timedelta(days=10):
            day = (moment - now) / timedelta(days=1)
            site.answers["/feed"] = _feed(day) if _working(day) else BROKEN
            report = poll_due(config, store, moment)
            if report.outcomes:
                row = store.db["sources"].get(1)
                wait = from_db(row["next_poll_at"]) - moment
                polls.append((day, report.outcomes[0].status, wait, row["last_error"]))
            moment += TICK
        store.close()

    failing = [p for p in polls if p[1] == "error"]
    assert failing and all("500" in (error or "") for _, _, _, error in failing)
    for stretch in _runs(polls):
        waits = [wait for _, status, wait, _ in stretch]
        if stretch[0][1] == "error":  # doubling (+-10% jitter) up to poll.max_backoff
            pairs = itertools.pairwise(waits)
            assert all(b > a * 1.5 or b >= timedelta(hours=21) for a, b in pairs)
            assert max(waits) <= timedelta(days=1)
        else:  # the normal interval, from the first success on
            assert all(w == timedelta(hours=4) for w in waits)
            assert all(error is None for *_, error in stretch)
    assert len(_runs(polls)) == 7  # every stretch was seen: polling never stopped
    assert polls[-1][1] != "error" and len(polls) < 10 * 6 + 20  # no hammering


def _runs(polls):
    """Consecutive polls with the same success/failure, as lists."""
    runs: list[list] = []
    for poll in polls:
        if runs and (runs[-1][-1][1] == "error") == (poll[1] == "error"):
            runs[-1].append(poll)
        else:
            runs.append([poll])
    return runs


def test_the_service_keeps_polling_a_source_that_flips(tmp_path):
    with serve(Site()) as site:
        config = write_config(
            tmp_path,
            '[poll]\ntick = "1s"\ninterval = "1s"\nmin_interval = "1s"\nmax_backoff = "2s"\n'
            f'[[sources]]\nname = "flappy"\nurl = "{site.url("/feed")}"\n',
        )
        site.answers["/feed"] = BROKEN
        service = subprocess.Popen(
            curator(config, "serve"), stderr=subprocess.PIPE, text=True, cwd=tmp_path
        )
        log = ServiceLog(service)
        for flip in range(1, 5):  # each turn starts once the service has seen the last one
            log.wait_for("1 sources: 0 new, 0 updated, 0 not modified, 1 failed")
            site.answers["/feed"] = _feed(flip)
            log.wait_for(", 0 failed", exclude="0 sources")
            site.answers["/feed"] = BROKEN
        alive = service.poll() is None
        service.send_signal(signal.SIGTERM)
        service.wait(timeout=20)
        log.reader.join(timeout=10)

    text = "".join(log.lines)
    assert alive and service.returncode == 0, text
    assert "Traceback" not in text and "service stopped cleanly" in text
