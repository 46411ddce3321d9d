"""The service as operators run it: `curator serve` in a subprocess, stopped with
signals, against a real feed server on 127.0.0.1 and a real SQLite file; plus the
service loop itself driven with jobs whose every run is written to a file."""

from __future__ import annotations

import logging
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from faults.harness import ServiceLog
from pytest_httpserver import HTTPServer

from curator.config import Config
from curator.errors import ServiceError
from curator.service import run_service

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Recovery news</title><link>https://example.org/</link>
<description>d</description>
{items}
</channel></rss>"""
ITEM = """<item><title>Story {n} on naloxone access</title><guid>story-{n}</guid>
<link>https://example.org/story-{n}</link><description>Text {n}.</description>
<pubDate>Tue, 01 Dec 2026 10:00:00 GMT</pubDate></item>"""

# A service whose jobs say what they do: "tick" writes a line per run, "slow" takes
# 3 s unless asked to stop, "boom" raises DatabaseLocked at every run.
SCRIPT = """
import logging, sys, time
from datetime import timedelta
from pathlib import Path
from curator import config
from curator.errors import CuratorError, DatabaseLocked
from curator.service import Job, run_service

out = Path(sys.argv[1])
def note(line):
    with out.open("a") as f:
        f.write(line + "\\n")

def tick(now, should_stop):
    note("tick")
    return "ticked"

def slow(now, should_stop):
    note("slow start")
    for _ in range({"once": 3, "stubborn": 300}.get(sys.argv[2], 30)):
        if should_stop() and sys.argv[2] == "polite":
            note("slow stopped")
            return "stopped early"
        time.sleep(0.1)
    note("slow end")
    return "finished"

def boom(now, should_stop):
    raise DatabaseLocked("database x.db is locked by another process; try again")

logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s")
cfg = config.from_mapping({"curator": {"database": str(out.parent / "c.db")}})
jobs = [Job("tick", timedelta(seconds=0.3), tick), Job("slow", timedelta(hours=1), slow),
        Job("boom", timedelta(seconds=0.3), boom)]
try:
    run_service(cfg, jobs, lock_path=out.parent / "c.db.service-lock",
                logger=logging.getLogger("curator.service"), once=sys.argv[2] == "once")
except CuratorError as e:
    sys.exit(f"error: {e}")
"""


def wait_for(
    condition: Callable[[], bool], process: subprocess.Popen[str], timeout: float = 10.0
) -> None:
    """Wait until `condition()`; on a timeout, kill `process` and show its log."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            _, log = process.communicate()
            raise AssertionError(f"condition not met; the service said:\n{log}")
        time.sleep(0.05)


@contextmanager
def serving(config: Path, *extra: str) -> Iterator[subprocess.Popen[str]]:
    """`curator serve` in a subprocess; killed and reaped whatever the test does."""
    args = [sys.executable, "-m", "curator", "--config", str(config), "serve", *extra]
    process = subprocess.Popen(args, stderr=subprocess.PIPE, text=True, cwd=config.parent)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        if process.stderr is not None and not process.stderr.closed:
            process.communicate()


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


@pytest.fixture
def service_script(tmp_path: Path) -> Iterator[Callable[[str], subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    def start(mode: str) -> subprocess.Popen[str]:
        code = textwrap.dedent(SCRIPT)
        args = [sys.executable, "-c", code, str(tmp_path / "notes"), mode]
        process = subprocess.Popen(args, stderr=subprocess.PIPE, text=True)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        if process.stderr is not None and not process.stderr.closed:
            process.communicate()


def test_first_sigterm_lets_the_job_in_hand_finish_and_exits_0(
    tmp_path: Path, service_script: Callable[[str], subprocess.Popen[str]]
) -> None:
    service = service_script("polite")
    notes = tmp_path / "notes"
    wait_for(lambda: "slow start" in lines(notes), service)
    service.send_signal(signal.SIGTERM)
    _, log = service.communicate(timeout=10)
    assert service.returncode == 0
    assert "slow stopped" in lines(notes) and "slow end" not in lines(notes)
    assert "SIGTERM: finishing the work in hand" in log
    assert "slow: stopped early" in log
    assert log.rstrip().endswith("curator.service: service stopped cleanly")


def test_a_job_that_raises_is_logged_in_one_line_and_the_service_goes_on(
    tmp_path: Path, service_script: Callable[[str], subprocess.Popen[str]]
) -> None:
    service = service_script("polite")
    notes = tmp_path / "notes"
    wait_for(lambda: lines(notes).count("tick") >= 4, service)
    service.send_signal(signal.SIGINT)
    _, log = service.communicate(timeout=10)
    assert service.returncode == 0
    failures = [line for line in log.splitlines() if "boom failed" in line]
    assert len(failures) >= 3
    assert failures[0] == (
        "curator.service: boom failed: database x.db is locked by another process; "
        "try again (retrying at the next tick)"
    )
    assert "Traceback" not in log


def test_burst_mode_runs_each_job_once_and_fails_when_one_failed(
    tmp_path: Path, service_script: Callable[[str], subprocess.Popen[str]]
) -> None:
    service = service_script("once")
    _, log = service.communicate(timeout=20)
    assert service.returncode == 1
    assert lines(tmp_path / "notes") == ["tick", "slow start", "slow end"]
    assert log.splitlines()[-1] == "error: burst: boom failed; see the log above"


def test_second_signal_exits_at_once(
    tmp_path: Path, service_script: Callable[[str], subprocess.Popen[str]]
) -> None:
    service = service_script("stubborn")  # its slow job ignores should_stop, runs 30 s
    notes = tmp_path / "notes"
    wait_for(lambda: "slow start" in lines(notes), service)
    log = ServiceLog(service)
    service.send_signal(signal.SIGTERM)
    log.wait_for("SIGTERM: finishing the work in hand")
    started = time.monotonic()
    service.send_signal(signal.SIGTERM)
    service.wait(timeout=20)
    log.reader.join(timeout=5)
    assert time.monotonic() - started < 10, "the second signal did not end it at once"
    assert service.returncode == 128 + signal.SIGTERM
    assert "second SIGTERM: exiting at once" in "".join(log.lines)
    assert "slow end" not in lines(notes)


def _feed_config(tmp_path: Path, feed_url: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        textwrap.dedent(f"""
        [curator]
        database = "curator.db"
        [network]
        allow_private_networks = true
        [poll]
        tick = "1s"
        [extract]
        enabled = false
        [export]
        out_dir = "export"
        [[sources]]
        name = "Recovery news"
        url = "{feed_url}"
        """)
    )
    return path


def _entry_count(database: Path) -> int:
    if not database.exists():
        return 0
    with sqlite3.connect(database) as db:
        try:
            return int(db.execute("SELECT count(*) FROM entries").fetchone()[0])
        except sqlite3.OperationalError:  # not migrated yet
            return 0


def test_serve_polls_a_feed_server_and_stops_cleanly_on_sigterm(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    items = "\n".join(ITEM.format(n=n) for n in range(3))
    httpserver.expect_request("/feed.xml").respond_with_data(
        RSS.format(items=items), content_type="application/rss+xml"
    )
    config = _feed_config(tmp_path, httpserver.url_for("/feed.xml"))
    database = tmp_path / "curator.db"
    with serving(config) as service:
        wait_for(lambda: _entry_count(database) == 3, service, timeout=20)
        wait_for(lambda: (tmp_path / "export" / "index.html").exists(), service, timeout=20)
        second = subprocess.run(
            [sys.executable, "-m", "curator", "--config", str(config), "serve"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=30,
        )
        assert second.returncode == 1
        assert second.stderr.strip().splitlines()[-1] == (
            f"error: another curator serve holds {database} (pid {service.pid})"
        )
        service.send_signal(signal.SIGTERM)
        _, log = service.communicate(timeout=20)
    assert service.returncode == 0, log
    assert "poll: 1 sources: 3 new" in log
    assert "service stopped cleanly" in log
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_serve_once_runs_every_job_once_and_exits(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        RSS.format(items=ITEM.format(n=1)), content_type="application/rss+xml"
    )
    config = _feed_config(tmp_path, httpserver.url_for("/feed.xml"))
    with serving(config, "--once") as service:
        _, log = service.communicate(timeout=60)
    assert service.returncode == 0, log
    for job in ("poll: 1 sources: 1 new", "process: ", "export: ", "burst done"):
        assert job in log
    assert _entry_count(tmp_path / "curator.db") == 1


def test_a_lock_that_cannot_be_created_is_one_line(tmp_path: Path, config: Config) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ServiceError, match=r"cannot open the service lock .*file/x\.lock: "):
        run_service(config, [], lock_path=blocker / "x.lock", logger=logging.getLogger("t"))
