"""Crash safety: `python -m curator poll` killed with SIGKILL in the middle of a
run leaves a sound database, and a rerun ends with exactly the expected entries."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from feed_factory import rss

SOURCES = 12
ENTRIES = 20


class SlowFeeds(BaseHTTPRequestHandler):
    """/feed/<n> answers after `delay` seconds (set on the server)."""

    def do_GET(self) -> None:
        time.sleep(self.server.delay)  # type: ignore[attr-defined]
        body = rss(ENTRIES, prefix=f"s{self.path.rsplit('/', 1)[-1]}")
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def slow_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowFeeds)
    server.delay = 0.4  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def write_config(tmp_path: Path, port: int) -> Path:
    sources = "".join(
        f'[[sources]]\nname = "feed {i}"\nurl = "http://127.0.0.1:{port}/feed/{i}"\n\n'
        for i in range(SOURCES)
    )
    path = tmp_path / "config.toml"
    path.write_text(
        '[curator]\ndatabase = "curator.db"\n'
        "[network]\nallow_private_networks = true\nmax_connections = 2\nper_host = 2\n\n" + sources,
        encoding="utf-8",
    )
    return path


def entry_count(db: Path) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(db, timeout=5)
    try:
        return conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0
    finally:
        conn.close()


def test_sigkill_mid_poll_leaves_a_sound_database_and_a_rerun_completes(tmp_path, slow_server):
    config = write_config(tmp_path, slow_server.server_address[1])
    db = tmp_path / "curator.db"
    command = [sys.executable, "-m", "curator", "--config", str(config), "poll"]
    victim = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while entry_count(db) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    stored_at_kill = entry_count(db)
    assert 0 < stored_at_kill < SOURCES * ENTRIES  # killed mid-run, as intended

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0] % ENTRIES == 0  # whole feeds
    conn.close()

    slow_server.delay = 0  # type: ignore[attr-defined]
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr
    conn = sqlite3.connect(db)
    keys = set(conn.execute("SELECT source_id, entry_key FROM entries"))
    polled = conn.execute("SELECT COUNT(*) FROM sources WHERE last_status = 'ok'").fetchone()[0]
    conn.close()
    assert len(keys) == SOURCES * ENTRIES and polled == SOURCES
