"""An exclusive lock on a file in the export's folder: a second holder waits. The export
and the search index each have their own, so a publish never waits for Pagefind."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from curator.errors import ExportError


@contextlib.contextmanager
def folder_lock(out_dir: Path, name: str) -> Iterator[None]:
    """Hold `out_dir/name` locked (the folder made if need be); released when the
    block ends or the process dies."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(out_dir / name, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise ExportError(str(out_dir / name), e.strerror or str(e)) from e
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
