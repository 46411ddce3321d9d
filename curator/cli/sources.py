"""`curator sources add | list | remove | import | export`: the list of feeds.

Every command first brings the [[sources]] of config.toml into the database
(`syncs_sources`)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import click
from rich.text import Text

from curator.cli.context import AppContext, now, pass_app, shown, syncs_sources
from curator.cli.listing import Column, json_option, limit_option, print_rows, say_if_cut
from curator.config.lists import SOURCE_FILTERS
from curator.models import Source
from curator.poll import add_source, import_sources
from curator.poll.opml import read_opml, write_opml
from curator.store.learning import SourceYield

YIELD_PERIOD = timedelta(days=30)


@click.group()
def sources() -> None:
    """Add, list, remove, import and export the feeds Curator polls."""


@sources.command("add")
@click.argument("url")
@click.option("--name", default=None, help="A name for the source (default: the feed's title).")
@click.option("--tag", "tags", multiple=True, help="A tag (repeat for more).")
@click.option(
    "--filter",
    "filter_",
    type=click.Choice(SOURCE_FILTERS),
    default="topics",
    show_default=True,
    help="all: everything it publishes is on topic; topics: the score decides.",
)
@pass_app
@syncs_sources
def add(app: AppContext, url: str, name: str | None, tags: tuple[str, ...], filter_: str) -> None:
    """Add the feed at URL; a web page's URL works too (its feed is found for you)."""
    source = add_source(
        app.config, app.store, url, now=now(), name=name, tags=tags, filter_=filter_
    )
    on_topic = " (all on topic)" if source.filter == "all" else ""
    app.console.print(shown(f"added source {source.id}: {source.name} <{source.url}>{on_topic}"))


SOURCE_COLUMNS = (
    Column("id", "right"), Column("name", main=True), Column("last poll"),
    Column("status", max_width=30), Column("errs", "right"), Column("next poll"),
    Column("entries", "right"), Column("url", max_width=40, optional=True),
    # last, so that a narrow terminal drops it first
    Column("30d · pub% · rej%", "right", optional=True),
)  # fmt: skip


@sources.command("list")
@limit_option
@json_option
@pass_app
@syncs_sources
def list_sources(app: AppContext, limit: int, as_json: bool) -> None:
    """Every source with its health (last poll and status, errors in a row, next poll;
    times UTC) and its yield: of its items first seen in 30 days, the share published
    and rejected."""
    everything = app.store.sources.all()
    found = everything[:limit]
    yields = app.store.learning.source_yields(now() - YIELD_PERIOD)
    if as_json:
        listed = [source_json(s) | yield_json(yields.get(s.id)) for s in found]
        click.echo(json.dumps(listed, indent=2))
    else:
        rows: list[list[str | Text]] = [
            [
                str(s.id),
                shown(titled(s)),
                when(s.last_polled_at),
                shown(health(s)),
                str(s.consecutive_errors),
                when(s.next_poll_at) if s.enabled else "-",
                str(s.entry_count),
                shown(s.url),
                yield_cell(yields.get(s.id)),
            ]
            for s in found
        ]
        print_rows(app.console, SOURCE_COLUMNS, rows)
    say_if_cut(len(found), len(everything))


@sources.command("remove")
@click.argument("name_or_id")
@pass_app
@syncs_sources
def remove(app: AppContext, name_or_id: str) -> None:
    """Remove a source (by name or id) and its entries."""
    source = app.store.sources.remove(name_or_id)
    app.console.print(shown(f"removed source {source.id}: {source.name}"))
    if source.origin == "config":
        app.err.print("note: it is listed in config.toml and comes back on the next start")


@sources.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_app
@syncs_sources
def import_opml(app: AppContext, file: Path) -> None:
    """Add the feeds listed in an OPML file (folders become tags)."""
    moment = now()
    report = import_sources(app.store, read_opml(file.read_bytes(), str(file)), now=moment)
    app.console.print(f"added {len(report.added)} sources, skipped {len(report.skipped)}")
    for line in report.skipped:
        app.err.print(shown(f"skipped {line}"))


@sources.command("export")
@pass_app
@syncs_sources
def export_opml(app: AppContext) -> None:
    """Print every source as OPML 2.0 (for another feed reader)."""
    moment = now()
    title = f"{app.config.export.title}: sources"
    click.echo(write_opml(app.store.sources.all(), now=moment, title=title), nl=False)


def titled(source: Source) -> str:
    """The name, marked when everything the source publishes goes to the queue."""
    return f"{source.name} (all on topic)" if source.filter == "all" else source.name


def health(source: Source) -> str:
    """One word or phrase: what the last poll said."""
    if not source.enabled:
        return f"disabled: {source.disabled_reason}"
    if source.last_error:
        return f"error: {source.last_error}"
    return source.last_status or "never polled"


def when(moment: datetime | None) -> str:
    """A UTC time, short: '12-01 14:05'."""
    return moment.strftime("%m-%d %H:%M") if moment else "-"


def yield_cell(found: SourceYield | None) -> str:
    """ "40 · 25% · 60%": a source that brings mostly rejects is one a desk may drop."""
    if found is None or not found.items:
        return "-"
    return f"{found.items} · {found.share(found.published)} · {found.share(found.rejected)}"


def yield_json(found: SourceYield | None) -> dict[str, object]:
    found = found or SourceYield(0, 0, 0)
    return {"items_30d": found.items, "published_30d": found.published,
            "rejected_30d": found.rejected}  # fmt: skip


def source_json(s: Source) -> dict[str, object]:
    iso = lambda m: m.isoformat() if m else None  # noqa: E731
    return {
        "id": s.id, "name": s.name, "url": s.url, "tags": list(s.tags), "enabled": s.enabled,
        "disabled_reason": s.disabled_reason, "last_poll": iso(s.last_polled_at),
        "last_status": s.last_status, "last_error": s.last_error, "last_warning": s.last_warning,
        "consecutive_errors": s.consecutive_errors, "next_poll": iso(s.next_poll_at),
        "entries": s.entry_count, "origin": s.origin, "filter": s.filter,
        "interval_seconds": int(s.interval.total_seconds()) if s.interval else None,
    }  # fmt: skip
