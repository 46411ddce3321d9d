"""`curator extract`, `curator score`, `curator items`: from entries to candidate stories."""

from __future__ import annotations

import json

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from curator.cli.context import COUNT, AppContext, now, pass_app, shown
from curator.cli.listing import Column, json_option, limit_option, print_rows, say_if_cut
from curator.models import Item, ItemState
from curator.screen.retention import drop_old_screened_text
from curator.screen.run import ProcessReport, process_pending, rescore_items


@click.command()
@click.option(
    "--limit",
    type=COUNT,
    default=None,
    metavar="N",
    help="Extract at most N entries (default: extract.batch).",
)
@pass_app
def extract(app: AppContext, limit: int | None) -> None:
    """Fetch, extract, summarise, score and cluster the entries that are due.

    Each entry is committed on its own: an interrupted run loses nothing and the
    next run resumes. Pages that fail are retried later with backoff."""
    if not app.console.is_terminal:
        _print_report(app, process_pending(app.config, app.store, now(), limit=limit))
        _drop_old_text(app)
        return
    columns = (TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=app.console, transient=True) as bar:
        task = bar.add_task("extracting", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = process_pending(app.config, app.store, now(), limit=limit, progress=advance)
    _print_report(app, report)
    _drop_old_text(app)


def _drop_old_text(app: AppContext) -> None:
    """retention.filtered_text_after runs after every extraction run."""
    pruned = drop_old_screened_text(app.config, app.store, now())
    if pruned.articles or pruned.entries:
        app.console.print(
            f"retention: emptied the text of {pruned.articles} articles and "
            f"{pruned.entries} entries of old filtered/rejected items"
        )


@click.command()
@pass_app
def score(app: AppContext) -> None:
    """Re-score every item against the topics in the current config.

    A 'new' item that falls below relevance.threshold becomes 'filtered' and a
    'filtered' one above it becomes 'new'; other states keep their state."""
    rescored, moved = rescore_items(app.config, app.store, now())
    app.console.print(f"re-scored {rescored} items; {moved} changed between new and filtered")


@click.command()
@click.option(
    "--state",
    "states",
    multiple=True,
    default=("new",),
    show_default=True,
    type=click.Choice([s.value for s in ItemState]),
    help="Show items in this state (repeatable).",
)
@limit_option
@json_option
@pass_app
def items(app: AppContext, states: tuple[str, ...], limit: int, as_json: bool) -> None:
    """List candidate items, best score first, with why each was kept."""
    wanted = tuple(ItemState(s) for s in states)
    found = app.store.items.ranked(wanted, limit)
    if as_json:
        click.echo(json.dumps([item_json(item) for item in found], indent=2, ensure_ascii=False))
    else:
        rows = [
            [shown(str(item.id)), shown(f"{item.score:.1f}"), shown(str(item.outlets)),
             shown(item.title), shown(item.reasons[0] if item.reasons else "")]
            for item in found
        ]  # fmt: skip
        print_rows(app.console, ITEM_COLUMNS, rows)
    say_if_cut(len(found), app.store.items.count_in(wanted) if len(found) == limit else 0)


ITEM_COLUMNS = (
    Column("id", "right"), Column("score", "right"), Column("outlets", "right"),
    Column("title", main=True), Column("why", max_width=30, optional=True),
)  # fmt: skip


def item_json(item: Item) -> dict[str, object]:
    """An item as plain JSON (times in ISO 8601)."""
    return {
        "id": item.id,
        "state": item.state.value,
        "title": item.title,
        "url": item.url,
        "score": item.score,
        "topics": list(item.topics),
        "reasons": list(item.reasons),
        "summary": item.summary,
        "description": item.description,
        "outlets": item.outlets,
        "sources": list(item.source_names),
        "image_url": item.image_url,
        "site_name": item.site_name,
        "first_seen_at": item.first_seen_at.isoformat(),
        "published_at": item.published_at.isoformat() if item.published_at else None,
        "version": item.version,
    }


def _print_report(app: AppContext, report: ProcessReport) -> None:
    table = Table(title=f"examined {report.examined} entries")
    columns = ("done", "fallback", "skipped", "failed", "new items", "kept", "joined", "promoted")
    for column in columns:
        table.add_column(column, justify="right")
    counts = [report.count_of(s) for s in ("done", "fallback", "skipped", "failed")]
    found = (report.created, report.kept, report.joined, report.promoted)
    table.add_row(*(str(n) for n in (*counts, *found)))
    app.console.print(table)
    if report.stopped:
        app.console.print("stopped early; the rest wait for the next run")
