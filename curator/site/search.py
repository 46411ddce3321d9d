"""Search without a server: Pagefind indexes the post pages into `pagefind/` after an
export, and search.html runs its script over that index in the browser. Without
JavaScript, search.html is a plain list of every post.

The binary comes in the `pagefind_bin` wheel. Pagefind writes a new bundle into a
temporary folder, which then takes the place of the old one, so that readers never
load half an index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from curator.errors import ExportError

BUNDLE = "pagefind"
# Linux's PR_SET_PDEATHSIG (kept across exec): the binary gets SIGKILL when the thread
# that started it ends. preexec_fn would do it in-process, but is unsafe with threads.
_LAUNCH = """
import ctypes, os, signal, sys
prctl = getattr(ctypes.CDLL(None), "prctl", None)
if prctl is not None:
    prctl(1, signal.SIGKILL)
if os.getppid() != int(sys.argv[1]):
    sys.exit("pagefind: the export that started it is gone")
os.execv(sys.argv[2], sys.argv[2:])
"""
KEY = ".curator-indexed"
TIMEOUT = 600  # seconds; 10,000 posts take a few


def index_posts(out_dir: Path, key: str) -> None:
    """Index `out_dir/posts/*.html` into `out_dir/pagefind/`; `key` (what the post pages
    are made from) is kept with the index, for `indexed_key`."""
    for leftover in out_dir.glob(f".{BUNDLE}-*"):  # from runs that were stopped half-way
        shutil.rmtree(leftover, ignore_errors=True)
    fresh, stale = (
        out_dir / f".{BUNDLE}-new-{os.getpid()}",
        out_dir / f".{BUNDLE}-old-{os.getpid()}",
    )
    # The old index's key goes first: if this run fails, the next export indexes again.
    (out_dir / BUNDLE / KEY).unlink(missing_ok=True)
    _run_pagefind(out_dir, fresh)
    (fresh / KEY).write_text(key, encoding="utf-8")
    current = out_dir / BUNDLE
    if current.exists():
        current.rename(stale)
    fresh.rename(current)
    shutil.rmtree(stale, ignore_errors=True)


def _run_pagefind(out_dir: Path, bundle: Path) -> None:
    """Pagefind, started through a launcher that has it killed if this process dies
    (a killed export must not leave it writing into the folder)."""
    arguments = ["--site", str(out_dir), "--glob", "posts/*.html",
                 "--output-path", str(bundle), "--silent"]  # fmt: skip
    command = [sys.executable, "-c", _LAUNCH, str(os.getpid()), str(_executable()), *arguments]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ExportError(str(out_dir), f"pagefind did not run ({e})") from e
    if done.returncode != 0:
        problem = " ".join((done.stderr or done.stdout).split())[-300:]
        raise ExportError(str(out_dir), f"pagefind failed ({problem})")


def drop_index(out_dir: Path) -> None:
    """No live posts: no index (it would still find the retracted ones)."""
    shutil.rmtree(out_dir / BUNDLE, ignore_errors=True)


def indexed_key(out_dir: Path) -> str | None:
    """The key of the post pages the index was made from; None if there is no index.
    An export that stopped after writing pages but before indexing them leaves an old
    key, so the next export indexes them (the pages it writes may be none)."""
    try:
        return (out_dir / BUNDLE / KEY).read_text(encoding="utf-8")
    except OSError:
        return None


def _executable() -> Path:
    try:
        from pagefind_bin import get_executable
    except ImportError as e:
        raise ExportError("pagefind", "the pagefind_bin package is not installed") from e
    return Path(get_executable())
