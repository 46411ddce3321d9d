"""Search without a server: Pagefind indexes the post pages into `pagefind/` after an
export, and search.html runs its script over that index in the browser. Without
JavaScript, search.html is a plain list of every post.

The binary comes in the `pagefind_bin` wheel. Pagefind writes a new bundle into a
temporary folder, which then takes the place of the old one, so that readers never
load half an index.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from curator.errors import ExportError

BUNDLE = "pagefind"
TIMEOUT = 600  # seconds; 10,000 posts take a few


def index_posts(out_dir: Path) -> None:
    """Index `out_dir/posts/*.html` into `out_dir/pagefind/`."""
    fresh, stale = out_dir / f".{BUNDLE}-new", out_dir / f".{BUNDLE}-old"
    for leftover in (fresh, stale):  # from a run that stopped half-way
        shutil.rmtree(leftover, ignore_errors=True)
    command = [str(_executable()), "--site", str(out_dir), "--glob", "posts/*.html",
               "--output-path", str(fresh), "--silent"]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ExportError(str(out_dir), f"pagefind did not run ({e})") from e
    if done.returncode != 0:
        problem = " ".join((done.stderr or done.stdout).split())[-300:]
        raise ExportError(str(out_dir), f"pagefind failed ({problem})")
    current = out_dir / BUNDLE
    if current.exists():
        current.rename(stale)
    fresh.rename(current)
    shutil.rmtree(stale, ignore_errors=True)


def drop_index(out_dir: Path) -> None:
    """No live posts: no index (it would still find the retracted ones)."""
    shutil.rmtree(out_dir / BUNDLE, ignore_errors=True)


def needs_index(out_dir: Path, changed: tuple[str, ...]) -> bool:
    """Whether the index is missing or a post page was written or removed."""
    posts_changed = any(path.startswith("posts/") for path in changed)
    return posts_changed or not (out_dir / BUNDLE / "pagefind.js").exists()


def _executable() -> Path:
    try:
        from pagefind_bin import get_executable
    except ImportError as e:
        raise ExportError("pagefind", "the pagefind_bin package is not installed") from e
    return Path(get_executable())
