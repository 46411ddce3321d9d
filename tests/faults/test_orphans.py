"""No process outlives a SIGKILLed `curator poll` or `curator export`: the parse
workers (spawned when there is one, else forked from a forkserver), the forkserver
and the resource tracker, and the export's page workers all end within seconds
(curator/lifeline.py). Linux: reads /proc."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from export_helpers import add_post
from feed_factory import rss

from curator.poll.parsing import pool_size
from curator.site.pool import THRESHOLD
from curator.store import Store
from faults.harness import Answer, Site, curator, serve, wait_for_group, write_config

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

FEEDS = 200  # enough that a cold poll starts its parse pool (poll/parsing.py)
GONE_WITHIN = 5.0  # seconds


def _kill_once(command: list[str], started: str, count: int) -> list[str]:
    """Run `command` in a group of its own; once `count` of its processes have
    `started` in their command line, SIGKILL the main process only; return what is
    left of the group GONE_WITHIN seconds later (as soon as nothing is)."""
    victim = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        members = wait_for_group(
            victim.pid, lambda found: sum(started in m for m in found) >= count, timeout=60
        )
        assert victim.poll() is None, f"it ended before its workers were seen: {members}"
        assert sum(started in m for m in members) >= count, f"no workers came: {members}"
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        return wait_for_group(victim.pid, lambda found: not found, timeout=GONE_WITHIN)
    finally:
        with contextlib.suppress(ProcessLookupError):  # whatever the test found left over
            os.killpg(victim.pid, signal.SIGKILL)


def test_sigkill_of_a_cold_poll_leaves_no_parse_worker_or_tracker(
    tmp_path: Path,
) -> None:
    site = Site()
    for i in range(FEEDS):
        site.answers[f"/feed/{i}"] = Answer(200, rss(30, prefix=f"f{i}"), "application/rss+xml")
    with serve(site):
        sources = "".join(
            f'[[sources]]\nname = "feed {i}"\nurl = "{site.url(f"/feed/{i}")}"\n'
            for i in range(FEEDS)
        )
        config = write_config(tmp_path, sources)
        # the pool is up: its one spawned worker, or the forkserver and a worker forked from it
        spawned = pool_size(2, len(os.sched_getaffinity(0))) == 1
        started, count = ("multiprocessing.spawn", 1) if spawned else ("forkserver", 2)
        left = _kill_once(curator(config, "poll", "--all"), started, count)
    assert left == []


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one CPU: no page workers")
def test_sigkill_of_an_export_leaves_no_page_worker(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    store = Store.open(tmp_path / "curator.db")
    for i in range(THRESHOLD + 300):
        add_post(store, title=f"Post {i}", body_markdown=f"Words {i}. " * 40)
    store.close()
    left = _kill_once(curator(config, "export"), "multiprocessing.spawn", 1)
    assert left == []
