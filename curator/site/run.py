"""Export: published posts -> feeds and static site on disk.

Reads the posts through the store, chooses related posts for those that have none
yet (once, at their first export; again only if one of them was retracted), renders
with `curator.site.build` and syncs the folder. One export at a time (flock). An export
with no change writes nothing; when the store's summary of the posts is the one the
folder was made from, it does not even read the posts.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from curator.config import Config
from curator.errors import ExportError
from curator.models import Post
from curator.site.atomic import Output, folder_is_current, read_manifest, sync_folder
from curator.site.build import ATOM, JSON, RSS, SiteSettings, build_export, source_key
from curator.site.pool import Helpers, PageBatch
from curator.site.related import choose_related
from curator.site.search import drop_index, index_posts, indexed_key
from curator.site.templates import fingerprint
from curator.store import Store

LOCK = ".curator-export.lock"


@dataclass(frozen=True)
class ExportReport:
    out_dir: Path
    posts: int
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]
    related_chosen: int

    @property
    def atom(self) -> Path:
        return self.out_dir / ATOM

    @property
    def rss(self) -> Path:
        return self.out_dir / RSS

    @property
    def json_feed(self) -> Path:
        return self.out_dir / JSON

    @property
    def index(self) -> Path:
        return self.out_dir / "index.html"


def export_site(
    config: Config, store: Store, now: datetime, out_dir: Path | None = None
) -> ExportReport:
    """Write the feeds and the site for the published posts into `out_dir`
    (default: `export.out_dir`); `now` dates the feeds only when there are no posts."""
    settings = SiteSettings.from_config(config)
    target = Path(out_dir or config.export.out_dir)
    with _one_export_at_a_time(target):
        weeks = [week for week, _ in store.digests.weeks()]
        state = store.exports.state()
        source = source_key(settings, (state, weeks))
        manifest = read_manifest(target)
        current = folder_is_current(target, manifest, source)
        if current and (indexed_key(target) is not None or not state.live):
            return ExportReport(target, state.live, (), len(manifest.files), (), 0)
        helpers = Helpers()
        try:
            to_make = state.live - len(manifest.files)
            if helpers.worth_it(to_make):  # most pages are to be made: start the workers now
                helpers.start(to_make)
            posts, chosen = _with_related(store, store.exports.published_posts())
            updated = store.exports.last_change() or now
            files = build_export(settings, posts, updated, store.exports.image_data, weeks)
            if chosen:
                # We wrote the related posts. If nothing else moved meanwhile, the new state
                # is what these files are made from; if something did, record none.
                after = store.exports.state()
                same = after.posts_only() == state.posts_only()
                source = source_key(settings, (after, weeks)) if same else ""
            batch = PageBatch(settings, posts, helpers)
            result = sync_folder(target, files, source, batch, manifest)
        finally:
            helpers.close()
        _keep_search_current(target, files)
    return ExportReport(
        out_dir=target,
        posts=len(posts),
        written=result.written,
        unchanged=result.unchanged,
        removed=result.removed,
        related_chosen=chosen,
    )


def _keep_search_current(target: Path, files: dict[str, Output]) -> None:
    """The search index, made again when the post pages are not the ones it was made
    from; none when no post is live."""
    pages = sorted((path, out.key) for path, out in files.items() if path.startswith("posts/"))
    if not pages:
        drop_index(target)
        return
    key = fingerprint(pages)
    if indexed_key(target) != key:
        index_posts(target, key)


def _with_related(store: Store, posts: list[Post]) -> tuple[list[Post], int]:
    """Choose related posts where none were chosen yet or one of them is gone."""
    live = {p.slug for p in posts}
    targets = store.exports.posts_without_related()
    targets.update(p.id for p in posts if any(s not in live for s in p.related_slugs))
    if not targets:
        return posts, 0
    chosen = choose_related(posts, targets)
    store.exports.save_related(chosen)
    fresh = [replace(p, related_slugs=chosen[p.id]) if p.id in chosen else p for p in posts]
    return fresh, len(chosen)


@contextlib.contextmanager
def _one_export_at_a_time(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder; a second export waits for the first."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(out_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise ExportError(str(out_dir), e.strerror or str(e)) from e
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
