"""`curator report [--since 7d]`: what the desk did, as tables or --json."""

from __future__ import annotations

import click
from rich.text import Text

from curator.cli import desk_views as views
from curator.cli.context import AppContext, now, pass_app, shown
from curator.cli.listing import Column, json_option, print_rows
from curator.desk.report import DeskReport, Tally, tally_desk

_COUNTS = (
    Column("in", "right"), Column("kept", "right"), Column("published", "right"),
    Column("rejected", "right"), Column("snoozed", "right"),
    Column("median to publish", "right"),
)  # fmt: skip


@click.command()
@click.option(
    "--since", default="7d", show_default=True, help="The window: a duration (7d) or a date."
)
@json_option
@pass_app
def report(app: AppContext, since: str, as_json: bool) -> None:
    """What the desk did: items in, published, rejected, snoozed, and the median time from
    first seen to published; in all, per editor and per source."""
    until = now()
    start = views.parse_when(since, until, future=False)
    store = app.store.activity
    found = tally_desk(store.arrivals(start, until), store.decisions(start, until), start, until)
    if as_json:
        click.echo(views.to_json(found))
    else:
        print_report(app, found)


def print_report(app: AppContext, found: DeskReport) -> None:
    click.echo(f"The desk from {found.since:%Y-%m-%d %H:%M} to {found.until:%Y-%m-%d %H:%M} UTC")
    click.echo()
    print_rows(app.console, (Column("", main=True), *_COUNTS), [_row(found.total)])
    if found.editors:
        click.echo()
        editors = (Column("editor", main=True), *_COUNTS[2:])
        print_rows(app.console, editors, [_row(t)[:1] + _row(t)[3:] for t in found.editors])
    if found.sources:
        click.echo()
        print_rows(app.console, (Column("source", main=True), *_COUNTS),
                   [_row(t) for t in found.sources])  # fmt: skip


def _row(tally: Tally) -> list[Text]:
    hours = tally.median_hours_to_publish
    median = "-" if hours is None else (f"{hours:.1f}h" if hours < 48 else f"{hours / 24:.1f}d")
    counts = (tally.items_in, tally.kept, tally.published, tally.rejected, tally.snoozed)
    return [shown(tally.name), *(shown(str(n)) for n in counts), shown(median)]
