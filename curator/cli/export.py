"""`curator export`: write the feeds and the static site."""

from __future__ import annotations

from pathlib import Path

import click

from curator.cli.context import AppContext, now, pass_app
from curator.site.run import export_site
from curator.site.search import SearchIndex

SEARCH_STATES = {
    SearchIndex.CURRENT: "the index was up to date",
    SearchIndex.MADE: "the index was made again",
    SearchIndex.STALE: "the index is stale; the next export makes it again",
    SearchIndex.NONE: "no index (no live post)",
}


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write (default: export.out_dir in the config).",
)
@pass_app
def export(app: AppContext, out_dir: Path | None) -> None:
    """Write Atom, RSS and JSON feeds and the static site from the published posts."""
    report = export_site(app.config, app.store, now(), out_dir)
    console = app.console
    console.print(
        f"Exported {report.posts} posts: {len(report.written)} files written, "
        f"{report.unchanged} unchanged, {len(report.removed)} removed."
    )
    console.print(f"Search:    {SEARCH_STATES[report.search]}", highlight=False)
    console.print(f"Atom:      {report.atom}", highlight=False, soft_wrap=True)
    console.print(f"RSS:       {report.rss}", highlight=False, soft_wrap=True)
    console.print(f"JSON Feed: {report.json_feed}", highlight=False, soft_wrap=True)
    console.print(f"Site:      {report.index}", highlight=False, soft_wrap=True)
