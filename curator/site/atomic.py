"""Writing the export folder so that readers and static servers are never surprised.

- Each file is written to a temporary file beside it, then renamed over the old one
  (`os.replace`): a reader sees the old or the new file, never half of one. A folder
  that does not exist yet is written whole under a temporary name and renamed into
  place (`_Staging`): a reader sees all of it or none.
- A file whose bytes did not change is not touched, so it keeps its mtime (and a
  static server's ETag / Last-Modified, so readers get 304s). Each output comes with
  a key of everything it is made from; when the key and the file on disk are as the
  manifest remembers them, the file is not even rendered.
- A manifest (`.curator-export.json`) lists what Curator wrote; a file it wrote before
  and no longer produces (a retracted post's page) is removed. Nothing else is deleted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from curator.errors import ExportError

MANIFEST = ".curator-export.json"
FILE_MODE = 0o644  # static servers run as another user (the umask still applies)
_TEMPORARY = re.compile(r"^\.tmp-\d+-\d+-")  # see write_atomic
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True)
class Output:
    """One file to be: `key` changes whenever the bytes `render()` gives could change."""

    key: str
    render: Callable[[], bytes]
    job: object = None  # plain data a worker process renders the same bytes from (pool.py)


@dataclass(frozen=True)
class SyncResult:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]


@dataclass(frozen=True)
class Known:
    """A file's manifest entry."""

    digest: str
    size: int
    mtime_ns: int
    key: str = ""


# relative path, where to write it, in a staging folder?, job, key, as it was
Job = tuple[str, str, bool, object, str, Known | None]
# Writes the stale outputs that have a `job`; per output: (relative, entry, written?).
# It calls its second argument once, at a moment it has time to spare (pool.py).
Batch = Callable[[list[Job], Callable[[], None]], list[tuple[str, Known, bool]]]


@dataclass(frozen=True)
class Manifest:
    """What the folder's manifest says: the key of the inputs it was last synced from,
    and the files Curator wrote."""

    source: str
    files: dict[str, Known]


def read_manifest(out_dir: Path) -> Manifest:
    """The folder's manifest (empty in a new folder). Read it once per export: at
    10,000 files it is a 2 MB JSON file."""
    try:
        raw = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        files = {path: Known(*entry) for path, entry in raw["files"].items()}
        return Manifest(str(raw.get("source", "")), files)
    except FileNotFoundError:
        return Manifest("", {})
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise ExportError(str(out_dir / MANIFEST), f"unreadable manifest ({e}); remove it") from e


def folder_is_current(out_dir: Path, manifest: Manifest, source: str) -> bool:
    """Was the folder last synced from `source` (a key of all the inputs), and is every
    file as Curator left it?"""
    if not source or manifest.source != source:
        return False
    folder = os.fspath(out_dir)
    return all(_intact(_inside(folder, r), k) for r, k in manifest.files.items())


def sync_folder(
    out_dir: Path,
    outputs: Mapping[str, Output],
    source: str = "",
    batch: Batch | None = None,
    previous: Manifest | None = None,
) -> SyncResult:
    """Make `out_dir` hold `outputs` (relative path -> Output), touching only what changed.
    `source` is remembered for `folder_is_current`; `batch`, if given, writes the stale
    outputs that have a `job` (first: the other files link to them), and the others are
    rendered while it works. `previous`: the folder's manifest, if the caller read it."""
    if previous is None:
        previous = read_manifest(out_dir)
    folder = os.fspath(out_dir)
    _sweep_temporaries(folder, {relative.rpartition("/")[0] for relative in outputs})
    staging = _Staging(folder)
    plan = _plan(folder, outputs, previous.files, staging, batched=batch is not None)
    manifest = dict(plan.current)
    written = _write_stale(plan, batch, staging, manifest)
    staging.move_in()
    removed = [r for r in sorted(previous.files) if r not in outputs]
    for relative in removed:
        _remove(_inside(folder, relative))
    if previous.files != manifest or previous.source != source:
        _write_manifest(out_dir, manifest, source)
    return SyncResult(tuple(sorted(written)), len(outputs) - len(written), tuple(removed))


@dataclass(frozen=True)
class _Plan:
    """The outputs of a sync by what becomes of them."""

    current: dict[str, Known]  # as the manifest remembers them: not even rendered
    batched: list[Job]  # stale, with a job: for the batch
    here: list[tuple[Job, Output]]  # stale, rendered and written in this process


def _plan(
    folder: str,
    outputs: Mapping[str, Output],
    known: dict[str, Known],
    staging: _Staging,
    *,
    batched: bool,
) -> _Plan:
    """Which outputs are current, and where each stale one is written (`batched`: by
    the batch, if it has a job)."""
    plan = _Plan({}, [], [])
    for relative, output in sorted(outputs.items()):
        path = _inside(folder, relative)
        before = known.get(relative)
        if before and before.key == output.key and _intact(path, before):
            plan.current[relative] = before
        elif batched and output.job is not None:
            where = staging.place(relative, path)
            plan.batched.append((relative, *where, output.job, output.key, before))
        else:
            where = staging.place(relative, path)
            plan.here.append(((relative, *where, None, output.key, before), output))
    return plan


def _write_stale(
    plan: _Plan, batch: Batch | None, staging: _Staging, manifest: dict[str, Known]
) -> list[str]:
    """Write the stale outputs, the batch's first, and enter them in `manifest`; the
    paths written (an output whose bytes did not change is not)."""
    written: list[str] = []
    rendered: list[bytes] = []
    if plan.batched:
        assert batch is not None  # only then do stale outputs keep their job

        def render_the_rest() -> None:
            rendered.extend(output.render() for _, output in plan.here)

        for relative, entry, wrote in batch(plan.batched, render_the_rest):
            manifest[relative] = entry
            if wrote:
                written.append(relative)
        staging.move_in(but={job[0] for job, _ in plan.here})
    for (relative, path, fresh, _, key, before), output in plan.here:
        data = rendered.pop(0) if rendered else output.render()
        manifest[relative], wrote = write_output(path, data, key, before, fresh=fresh)
        if wrote:
            written.append(relative)
    return written


class _Staging:
    """A folder of the export that does not exist yet (the posts/ of a first or cold
    export) is written whole under a temporary name, then renamed into place: readers
    see all of it or none, and its thousands of files are each written in place,
    without a temporary file and a rename of their own (which cost ext4 twice as
    much kernel time)."""

    def __init__(self, out_dir: str) -> None:
        self.out_dir = out_dir
        self.folders: dict[str, str | None] = {}  # top folder -> its staging folder, if new

    def place(self, relative: str, path: str) -> tuple[str, bool]:
        """Where to write `relative` (final `path`), and whether that is a new file in
        a staging folder."""
        top, slash, rest = relative.partition("/")
        if not slash:
            return path, False
        if top not in self.folders:
            final = os.path.join(self.out_dir, top)
            staged = os.path.join(self.out_dir, f".tmp-{os.getpid()}-0-{top}")
            self.folders[top] = None if os.path.lexists(final) else staged
            if self.folders[top]:
                _make_folder(staged)
        staged_folder = self.folders[top]
        return (os.path.join(staged_folder, rest), True) if staged_folder else (path, False)

    def move_in(self, but: Collection[str] = ()) -> None:
        """Rename the staging folders into place, except those that `but` has files in."""
        waiting = {relative.partition("/")[0] for relative in but}
        for top, staged in self.folders.items():
            if staged and top not in waiting:
                final = os.path.join(self.out_dir, top)
                try:
                    os.rename(staged, final)
                except OSError as e:
                    raise ExportError(final, e.strerror or str(e)) from e
                self.folders[top] = None


def write_output(
    path: str, data: bytes, key: str, before: Known | None, *, fresh: bool = False
) -> tuple[Known, bool]:
    """Put `data` at `path` unless the file holds it already; its manifest entry, and
    whether it was written. `fresh`: a new file in a staging folder, written in place."""
    digest = hashlib.sha256(data).hexdigest()
    if fresh:
        try:
            stat, wrote = _write_in_place(path, data), True
        except OSError as e:
            raise ExportError(path, e.strerror or str(e)) from e
    elif _same(path, data, digest, before):
        stat, wrote = os.stat(path), False
    else:
        stat, wrote = write_atomic(path, data), True
    return Known(digest, stat.st_size, stat.st_mtime_ns, key), wrote


def write_atomic(path: str | Path, data: bytes) -> os.stat_result:
    """Write `data` to `path` through a temporary file and a rename; returns its stat.

    Plain `os` calls on string paths: for 10,000 files the Python per file counts."""
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f".tmp-{os.getpid()}-{threading.get_ident()}-{name}")
    try:
        stat = _write_in_place(temporary, data)
        os.replace(temporary, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(e, OSError):
            raise ExportError(str(path), e.strerror or str(e)) from e
        raise
    return stat


def _write_in_place(path: str, data: bytes) -> os.stat_result:
    """Write `data` to `path` directly (a temporary file, or one no reader sees yet)."""
    fd = _create(path)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        return os.fstat(fd)
    finally:
        os.close(fd)


def _make_folder(path: str) -> None:
    try:
        os.makedirs(path)
    except OSError as e:
        raise ExportError(path, e.strerror or str(e)) from e


def _create(path: str) -> int:
    try:
        return os.open(path, _CREATE, FILE_MODE)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return os.open(path, _CREATE, FILE_MODE)


def _sweep_temporaries(out_dir: str, folders: set[str]) -> None:
    """Remove the temporary files and staging folders an export killed half-way left
    (ours by their name; the caller holds the export lock, so no live export is
    writing them)."""
    for folder in folders | {""}:
        try:
            entries = list(os.scandir(os.path.join(out_dir, folder)))
        except (FileNotFoundError, NotADirectoryError):
            continue  # not made yet; or a file in its place, which writing will report
        for entry in entries:
            name = entry.name
            if name[:5] != ".tmp-" or not _TEMPORARY.match(name):
                continue
            if entry.is_file(follow_symlinks=False):
                _remove(entry.path)
            elif not folder and entry.is_dir(follow_symlinks=False):  # a staging folder
                shutil.rmtree(entry.path, ignore_errors=True)


def _intact(path: str, known: Known) -> bool:
    """Is the file as Curator left it (same size and mtime as in the manifest)?"""
    try:
        stat = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):  # gone, or a file where its folder was
        return False
    return (known.size, known.mtime_ns) == (stat.st_size, stat.st_mtime_ns)


def _same(path: str, data: bytes, digest: str, known: Known | None) -> bool:
    """Do the bytes on disk equal `data`? Trusts the manifest when size and mtime match."""
    if known and _intact(path, known):
        return known.digest == digest
    try:
        if os.stat(path).st_size != len(data):
            return False
        with open(path, "rb") as file:
            return file.read() == data
    except (FileNotFoundError, NotADirectoryError):
        return False


def _inside(out_dir: str, relative: str) -> str:
    """The path of `relative` in the folder (string operations: this runs per file)."""
    path = os.path.join(out_dir, relative)
    if relative.startswith(("/", "\\")) or ".." in relative.split("/") or relative == MANIFEST:
        raise ExportError(path, "refusing to write outside the export folder")
    return path


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass  # someone removed it already
    except OSError as e:
        raise ExportError(path, e.strerror or str(e)) from e


def _write_manifest(out_dir: Path, manifest: dict[str, Known], source: str) -> None:
    body = {
        "about": "Files written by Curator's export; Curator removes only these.",
        "source": source,
        "files": {p: [k.digest, k.size, k.mtime_ns, k.key] for p, k in sorted(manifest.items())},
    }
    # No indent: json's C encoder then writes the 10,000 entries in a blink.
    write_atomic(out_dir / MANIFEST, json.dumps(body, separators=(",", ":")).encode("utf-8"))
