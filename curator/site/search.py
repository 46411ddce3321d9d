"""Search without a server: Pagefind indexes the post pages into `pagefind/` after an
export, and search.html runs its script over that index in the browser. Without
JavaScript, search.html is a plain list of every post.

The binary comes in the `pagefind_bin` wheel. Pagefind writes a new bundle into a
temporary folder, which then takes the place of the old one, so that readers never
load half an index.

Pagefind cannot add one page to an index: at 10,000 posts it takes 10-35 s to index
them all (its Python API takes as long: writing the bundle is most of it; see
docs/site.md). So an editor's publish does not wait for it: the export notes the key
of the post pages it writes (`WANTED`) before writing them, and the index keeps the key
it was made from (`KEY`); while the two differ the index is stale, and the previous one
serves until the next export that indexes (the service's, or `curator export`). One
indexing at a time, under its own lock, outside the export's: a publish never waits
for an indexing run either.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from enum import StrEnum
from pathlib import Path

from curator.errors import ExportError
from curator.site.atomic import write_atomic
from curator.site.locks import folder_lock

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
KEY = ".curator-indexed"  # in the bundle: the key of the post pages it was made from
WANTED = ".curator-search-wanted"  # beside it: the post pages' key as last written
LOCK = ".curator-search.lock"
TIMEOUT = 600  # seconds; 10,000 posts take 10-35 s


class SearchIndex(StrEnum):
    """What an export found or did about the search index."""

    CURRENT = "current"  # made from the post pages as they are
    MADE = "made"  # made again by this export
    STALE = "stale"  # left for the next export; the previous index serves meanwhile
    NONE = "none"  # no live post, no index


def note_post_pages(out_dir: Path, key: str) -> None:
    """Before the post pages are written: their key ("" when there are none), so that
    an index made from other pages counts as stale, even if the export stops here."""
    if wanted_key(out_dir) != key:
        write_atomic(out_dir / WANTED, key.encode("utf-8"))


def wanted_key(out_dir: Path) -> str | None:
    """The key of the post pages the last export wrote; None before any did."""
    try:
        return (out_dir / WANTED).read_text(encoding="utf-8")
    except OSError:
        return None


def update_index(out_dir: Path, *, at_once: bool = True) -> SearchIndex:
    """Make the index again if it is stale (drop it if no post is live). Unless
    `at_once`, a stale index is left as it is, for the next export: only a site with no
    index yet is indexed now (it is small, and search.html needs Pagefind's script)."""
    wanted = wanted_key(out_dir)
    if not at_once and wanted and (out_dir / BUNDLE).is_dir():
        return SearchIndex.CURRENT if wanted == indexed_key(out_dir) else SearchIndex.STALE
    with folder_lock(out_dir, LOCK):
        return _index_if_stale(out_dir)


def _index_if_stale(out_dir: Path) -> SearchIndex:
    wanted = wanted_key(out_dir)  # read again: an export may have come in meanwhile
    if wanted is None:
        return SearchIndex.STALE  # no export wrote this folder: nothing to index yet
    if not wanted:
        drop_index(out_dir)
        return SearchIndex.NONE
    if wanted == indexed_key(out_dir):
        return SearchIndex.CURRENT
    index_posts(out_dir, wanted)
    return SearchIndex.MADE


def index_posts(out_dir: Path, key: str) -> None:
    """Index `out_dir/posts/*.html` into `out_dir/pagefind/`; `key` (what the post pages
    are made from) is kept with the index, for `indexed_key`."""
    for leftover in out_dir.glob(f".{BUNDLE}-*"):  # from runs that were stopped half-way
        shutil.rmtree(leftover, ignore_errors=True)
    fresh, stale = (
        out_dir / f".{BUNDLE}-new-{os.getpid()}",
        out_dir / f".{BUNDLE}-old-{os.getpid()}",
    )
    # If this run fails, the old index stays with its key: stale, so indexed again next time.
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
    """The key of the post pages the index was made from; None if there is no index."""
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
