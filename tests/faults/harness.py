"""What the fault tests share: a small threaded HTTP server whose answers and
speed a test can change while it runs, a config.toml writer, and the checks run
after every injected fault (a sound database file)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from curator.site.atomic import MANIFEST
from curator.site.run import LOCK

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"


@dataclass
class Site:
    """path -> Answer, read at each request; `delay` seconds before each answer."""

    answers: dict[str, Answer] = field(default_factory=dict)
    delay: float = 0.0
    hits: dict[str, int] = field(default_factory=dict)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.hits[self.path] = site.hits.get(self.path, 0) + 1
            if site.delay:
                time.sleep(site.delay)
            answer = site.answers.get(self.path, Answer(404, b"not found", "text/plain"))
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve(site: Site) -> Iterator[Site]:
    """Run `site` on 127.0.0.1 (a free port) for the duration of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site), bind_and_activate=False)
    server.daemon_threads = True
    server.request_queue_size = 64  # the default 5 drops connections under load
    server.server_bind()
    server.server_activate()
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def write_config(tmp_path: Path, extra: str = "", *, network: str = "") -> Path:
    """A config.toml with the database and export folder in tmp_path; `extra` and
    `network` are TOML lines added at the end and to [network]."""
    path = tmp_path / "config.toml"
    path.write_text(
        f'[curator]\ndatabase = "{tmp_path / "curator.db"}"\n'
        f"[network]\nallow_private_networks = true\n{network}\n"
        f'[export]\nout_dir = "{tmp_path / "export"}"\n' + extra,
        encoding="utf-8",
    )
    return path


def curator(config: Path, *args: str) -> list[str]:
    """The command line of `curator --config CONFIG ARGS...` in this interpreter."""
    return [sys.executable, "-m", "curator", "--config", str(config), *args]


def integrity(db: Path) -> str:
    """PRAGMA integrity_check of `db`, read by a fresh connection ('ok' when sound)."""
    conn = sqlite3.connect(db, timeout=10)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db, timeout=10)
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()


def kill_repeatedly(
    command: list[str],
    progress: Callable[[], int],
    steps: list[int],
    after_each: Callable[[int], None],
    *,
    done: Callable[[], bool] = lambda: False,
    before_each: Callable[[], None] = lambda: None,
) -> int:
    """Start `command` once per step; SIGKILL it as soon as `progress()` (units of
    its work: rows written, files renamed) has grown by that step since the run
    began, then call `after_each(n)`. Counting work done, not seconds, makes every
    kill land mid-work on a fast machine and on a slow or busy one alike. Stops
    early once `done()`; returns how many runs were killed."""
    killed = 0
    for n, step in enumerate(steps):
        if done():
            break
        before_each()
        target = progress() + step
        victim = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while victim.poll() is None and progress() < target and time.monotonic() < deadline:
            time.sleep(0.002)
        if victim.poll() is None:
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=10)
            killed += 1
        after_each(n)
    return killed


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file Curator publishes in `folder` (not its manifest, lock or the
    temporary files a killed export leaves, which the next export removes), but for
    the search index, which Pagefind writes with new names each time (`search_bundle`)."""
    return {
        relative: data
        for relative, data in _files(folder).items()
        if not relative.startswith(("pagefind/", ".pagefind-"))
        and Path(relative).name not in (MANIFEST, LOCK)
        and not Path(relative).name.startswith(".tmp-")
    }


def search_bundle(folder: Path) -> dict[str, bytes]:
    """The search index (`pagefind/`), which replaces the old one whole; without the note
    of what it was made from (.curator-indexed)."""
    files = _files(folder).items()
    return {
        k: v for k, v in files if k.startswith("pagefind/") and not k.endswith(".curator-indexed")
    }


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


class ServiceLog:
    """The service's stderr, read line by line in a thread."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._seen: dict[str, int] = {}
        self._stream = process.stderr
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self._stream is not None
        for line in self._stream:
            self.lines.append(line)
        self._stream.close()

    def wait_for(self, text: str, timeout: float = 30, *, exclude: str = "\0") -> None:
        """Until a line (not yet waited for) holds `text` (and not `exclude`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = sum(text in line and exclude not in line for line in self.lines)
            if found > self._seen.get(text, 0):
                self._seen[text] = found
                return
            time.sleep(0.05)
        raise AssertionError(f"no {text!r} in the log:\n{''.join(self.lines)}")


def process_group(pgid: int) -> list[str]:
    """The command lines of the live (not zombie) processes in group `pgid`, read from
    /proc: a child stays in its group when its parent dies and it is handed to init."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:  # gone meanwhile
            continue
        state, _parent, group = stat.rsplit(")", 1)[1].split()[:3]
        if int(group) == pgid and state not in "ZX":
            found.append(command.replace(b"\0", b" ").decode(errors="replace"))
    return found


def wait_for_group(pgid: int, until: Callable[[list[str]], bool], timeout: float) -> list[str]:
    """Group `pgid`'s command lines as soon as `until` holds for them, or at `timeout`."""
    deadline = time.monotonic() + timeout
    members = process_group(pgid)
    while not until(members) and time.monotonic() < deadline:
        time.sleep(0.05)
        members = process_group(pgid)
    return members
