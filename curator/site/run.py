"""Export: published posts -> feeds and static site on disk.

Reads the posts through the store, chooses related posts for those that have none
yet (once, at their first export; again only if one of them was retracted), renders
with `curator.site.build` and syncs the folder. One export at a time (flock). An export
with no change writes nothing; when the store's summary of the posts is the one the
folder was made from, it does not even read the posts. The search index is brought up
to date after the files, outside the export's lock (see `curator.site.search`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from curator.config import Config
from curator.models import Post
from curator.site.atomic import Output, folder_is_current, read_manifest, sync_folder
from curator.site.build import ATOM, JSON, RSS, SiteSettings, build_export, source_key
from curator.site.locks import folder_lock
from curator.site.pool import Helpers, PageBatch
from curator.site.related import choose_related
from curator.site.search import SearchIndex, note_post_pages, update_index, wanted_key
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
    search: SearchIndex = SearchIndex.CURRENT

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
    config: Config,
    store: Store,
    now: datetime,
    out_dir: Path | None = None,
    *,
    index_search: bool = True,
) -> ExportReport:
    """Write the feeds and the site for the published posts into `out_dir`
    (default: `export.out_dir`); `now` dates the feeds only when there are no posts.
    `index_search=False` (an editor's publish): a stale search index is left for the
    next export, and the previous one serves meanwhile (see `curator.site.search`)."""
    target = Path(out_dir or config.export.out_dir)
    with folder_lock(target, LOCK):
        report = _write_export(SiteSettings.from_config(config), store, now, target)
    return replace(report, search=update_index(target, at_once=index_search))


def _write_export(
    settings: SiteSettings, store: Store, now: datetime, target: Path
) -> ExportReport:
    weeks = [week for week, _ in store.digests.weeks()]
    state = store.exports.state()
    source = source_key(settings, (state, weeks))
    manifest = read_manifest(target)
    if folder_is_current(target, manifest, source) and wanted_key(target) is not None:
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
        note_post_pages(target, _post_pages_key(files))
        result = sync_folder(target, files, source, PageBatch(settings, posts, helpers), manifest)
    finally:
        helpers.close()
    return ExportReport(target, len(posts), result.written, result.unchanged, result.removed,
                        chosen)  # fmt: skip


def _post_pages_key(files: dict[str, Output]) -> str:
    """What the search index is made from: the post pages ("" when there are none)."""
    pages = sorted((path, out.key) for path, out in files.items() if path.startswith("posts/"))
    return fingerprint(pages) if pages else ""


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
