"""`curator poll` and `curator status`: poll what is due; say what is broken."""

from __future__ import annotations

import json
import logging

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from curator.cli.context import AppContext, now, pass_app, shown, syncs_sources
from curator.cli.sources import health, source_json, when
from curator.poll import PollReport, SourceOutcome, poll_due


@click.command()
@click.option("--all", "everything", is_flag=True, help="Poll every enabled source, due or not.")
@click.option("--source", "source_name", default=None, help="Poll only this source (name or id).")
@pass_app
@syncs_sources
def poll(app: AppContext, everything: bool, source_name: str | None) -> None:
    """Poll the sources that are due and store their new entries.

    Failed sources are reported and kept for a later try; the exit status is
    non-zero only when the command itself could not run."""
    config, store = app.config, app.store
    if app.console.is_terminal:
        if not app.verbose:  # the bar and the summary say it; log lines would tear the bar
            logging.getLogger("curator.poll").setLevel(logging.WARNING)
        with _bar(app) as bar:
            task = bar.add_task("polling", total=None)

            def advance(done: int, total: int, outcome: SourceOutcome | None) -> None:
                name = outcome.name if outcome else ""
                bar.update(task, completed=done, total=total, description=name[:30])

            report = poll_due(config, store, now(), everything=everything,
                              source_name=source_name, progress=advance)  # fmt: skip
    else:
        report = poll_due(config, store, now(), everything=everything, source_name=source_name)
    _print_report(app, report)


def _bar(app: AppContext) -> Progress:
    return Progress(
        TextColumn("{task.description:<30}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=app.console, transient=True,
    )  # fmt: skip


def _print_report(app: AppContext, report: PollReport) -> None:
    polled = len(report.outcomes)
    table = Table(title=f"polled {polled} sources")
    for column in ("new", "updated", "unchanged", "not modified", "failed"):
        table.add_column(column, justify="right")
    table.add_row(*(str(n) for n in (report.new, report.updated, report.unchanged,
                                     report.not_modified, report.failed)))  # fmt: skip
    app.console.print(table)
    for outcome in report.outcomes:
        if outcome.failed:
            app.console.print(shown(f"  {outcome.name}: {outcome.error}"), highlight=False)
    if report.stopped_early:
        app.console.print("stopped early; the rest wait for the next run")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="JSON for scripts.")
@pass_app
@syncs_sources
def status(app: AppContext, as_json: bool) -> None:
    """Counts at a glance (sources, failing sources, entries, entries today), the
    last poll, and the worst sources."""
    moment = now()
    counts = app.store.sources.counts(moment)
    worst = app.store.sources.worst()
    if as_json:
        body = {
            "sources": counts.sources, "enabled": counts.enabled, "failing": counts.failing,
            "disabled": counts.disabled, "entries": counts.entries,
            "entries_today": counts.entries_today,
            "last_poll": counts.last_poll_at.isoformat() if counts.last_poll_at else None,
            "worst": [source_json(s) for s in worst],
        }  # fmt: skip
        click.echo(json.dumps(body, indent=2))
        return
    app.console.print(
        f"sources: {counts.sources} ({counts.failing} failing, {counts.disabled} disabled)\n"
        f"entries: {counts.entries} ({counts.entries_today} today)\n"
        f"last poll: {counts.last_poll_at:%Y-%m-%d %H:%M} UTC"
        if counts.last_poll_at
        else "last poll: never",
        highlight=False,
    )
    if worst:
        table = Table(title="worst sources")
        for column in ("id", "name", "errors", "status", "next poll"):
            table.add_column(column, overflow="fold")
        for s in worst:
            table.add_row(str(s.id), shown(s.name), str(s.consecutive_errors),
                          shown(health(s)), when(s.next_poll_at))  # fmt: skip
        app.console.print(table)
