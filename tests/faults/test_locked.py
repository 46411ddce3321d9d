"""The database locked by another process for longer than the busy timeout:
the service logs one line per attempt and does the work at the first tick after
the lock goes; a CLI command says so in one line (exit 1, no traceback); nothing
is lost."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from feed_factory import rss

from faults.harness import Answer, ServiceLog, Site, curator, rows, serve, write_config

ENTRIES = 12  # the busy timeout is 0.3 s; the lock is held for seconds
HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


def _hold_lock(db: Path) -> subprocess.Popen[str]:
    """Another process holding the database's write lock until told (`_release`)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def _release(holder: subprocess.Popen[str]) -> None:
    holder.communicate("go\n", timeout=10)


def _prepare(tmp_path: Path, site: Site, tick: str = "1h") -> Path:
    """A config (busy timeout 0.3 s) and its database, with the source, no entries."""
    path = write_config(
        tmp_path,
        f'[poll]\ntick = "{tick}"\n[extract]\nenabled = false\n'
        f'[[sources]]\nname = "news"\nurl = "{site.url("/feed")}"\n',
    )
    path.write_text(path.read_text().replace("[curator]\n", '[curator]\nbusy_timeout = "0.3s"\n'))
    subprocess.run(curator(path, "sources", "list"), check=True, capture_output=True)
    return path


def test_a_cli_command_on_a_locked_database_says_so_in_one_line(tmp_path):
    with serve(Site()) as site:
        site.answers["/feed"] = Answer(200, rss(ENTRIES), "application/rss+xml")
        path = _prepare(tmp_path, site)
        db = tmp_path / "curator.db"
        holder = _hold_lock(db)
        locked = subprocess.run(curator(path, "poll"), capture_output=True, text=True, timeout=30)
        _release(holder)
        after = subprocess.run(curator(path, "poll"), capture_output=True, text=True, timeout=30)

    errors = [line for line in locked.stderr.splitlines() if line.startswith("error:")]
    assert locked.returncode == 1 and "Traceback" not in locked.stderr, locked.stderr
    assert len(errors) == 1 and "locked" in errors[0] and str(db) in errors[0], locked.stderr
    assert after.returncode == 0, after.stderr
    assert rows(db, "SELECT COUNT(*) FROM entries")[0][0] == ENTRIES


def test_the_service_retries_a_locked_database_at_the_next_tick(tmp_path):
    with serve(Site()) as site:
        site.answers["/feed"] = Answer(200, rss(ENTRIES), "application/rss+xml")
        path = _prepare(tmp_path, site, tick="1s")
        db = tmp_path / "curator.db"
        holder = _hold_lock(db)
        service = subprocess.Popen(curator(path, "serve"), stderr=subprocess.PIPE, text=True)
        log = ServiceLog(service)
        log.wait_for("poll failed")
        log.wait_for("poll failed")  # and once more at the next tick
        _release(holder)
        log.wait_for("1 sources: 12 new")
        service.send_signal(signal.SIGTERM)
        service.wait(timeout=20)
        log.reader.join(timeout=10)

    text = "".join(log.lines)
    failures = [line for line in log.lines if "poll failed" in line]
    assert service.returncode == 0 and "Traceback" not in text, text
    assert len(failures) >= 2, text
    assert all("locked by another process" in line and "next tick" in line for line in failures)
    assert "service stopped cleanly" in text
    assert rows(db, "SELECT COUNT(*) FROM entries")[0][0] == ENTRIES


def test_extraction_on_a_locked_database_stops_in_one_line_and_resumes(tmp_path):
    with serve(Site()) as site:
        site.answers["/feed"] = Answer(200, rss(ENTRIES), "application/rss+xml")
        path = _prepare(tmp_path, site)
        subprocess.run(curator(path, "poll"), check=True, capture_output=True)
    db = tmp_path / "curator.db"
    holder = _hold_lock(db)
    locked = subprocess.run(curator(path, "extract"), capture_output=True, text=True, timeout=30)
    _release(holder)
    after = subprocess.run(curator(path, "extract"), capture_output=True, text=True, timeout=30)

    assert locked.returncode == 1 and "Traceback" not in locked.stderr, locked.stderr
    assert locked.stderr.strip() == f"error: database {db} is locked by another process; try again"
    assert after.returncode == 0, after.stderr
    assert rows(db, "SELECT COUNT(*) FROM articles")[0][0] == ENTRIES
