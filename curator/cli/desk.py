"""`curator queue | show | history | claim | release | reject | snooze | reopen |
promote | search`: the editors' desk, one library call per command."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import click

from curator.cli import desk_views as views
from curator.cli.context import ROW_ID, AppContext, editor_name, now, pass_app, shown
from curator.desk import actions
from curator.desk.labels import off_topic_reason
from curator.desk.states import Action, holder
from curator.errors import DatabaseLocked
from curator.models import Item, ItemState
from curator.store.queue import QueueFilter

_STATES = click.Choice([s.value for s in ItemState])


def editor_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--editor and --expect-version, shared by every command that changes an item."""
    command = click.option(
        "--expect-version", type=ROW_ID, default=None,
        help="Refuse the change unless the item still has this version (as read by a script).",
    )(command)  # fmt: skip
    return click.option(
        "--editor", default=None, help="Your name (default: $CURATOR_EDITOR, else the login name)."
    )(command)


@click.command()
@click.option("--state", type=_STATES, default=None, help="Only this state (e.g. filtered).")
@click.option("--topic", default=None, help="Only items with this topic.")
@click.option("--source", default=None, help="Only items from this source (its name).")
@click.option(
    "--since", default=None, help="Only items first seen within this time (2d) or since a date."
)
@click.option("--mine", is_flag=True, help="Only items I hold.")
@click.option("--editor", default=None, help="Who 'mine' is (default: $CURATOR_EDITOR or login).")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON for scripts.")
@click.option("--by-model", is_flag=True, help="Only items the learned model would filter.")
@pass_app
def queue(
    app: AppContext, state: str | None, topic: str | None, source: str | None,
    since: str | None, mine: bool, editor: str | None, limit: int, as_json: bool,
    by_model: bool,
) -> None:  # fmt: skip
    """The items waiting, best first (the learned model's probability once it is used,
    then score, recency, number of outlets). `--state filtered --by-model` lists what
    the model would filter, the closest calls first: `curator promote ID` brings one back."""
    moment = now()
    with contextlib.suppress(DatabaseLocked):  # a busy service must not hide the queue
        actions.wake_due(app.store, moment)
    wanted = QueueFilter(
        state=ItemState(state) if state else None,
        topic=topic,
        source=source,
        since=views.parse_when(since, moment, future=False) if since else None,
        mine=editor_name(editor) if mine else None,
        limit=limit,
        by_model=by_model,
    )
    items = app.store.queue.queue(wanted, moment)
    if as_json:
        click.echo(views.to_json([_listed(item, moment) for item in items]))
    elif not items:
        click.echo("Nothing waiting.")
    else:
        app.console.print(views.queue_table(items, moment))


@click.command()
@click.argument("item_id", type=ROW_ID)
@click.option("--json", "as_json", is_flag=True, help="JSON for scripts.")
@click.option("--pager/--no-pager", default=True, help="Page long output in a terminal.")
@pass_app
def show(app: AppContext, item_id: int, as_json: bool, pager: bool) -> None:
    """Everything about one item: sources, score, summary, text, draft, history."""
    store = app.store
    item = store.items.get(item_id)
    texts, draft, events = (
        store.queue.article_texts(item_id),
        store.drafts.latest(item_id),
        store.items.history(item_id),
    )
    if as_json:
        record = {"item": item, "articles": texts, "draft": draft, "history": events}
        click.echo(views.to_json(record))
        return
    if pager and app.console.is_terminal:
        with app.console.pager(styles=True):
            views.show_item(app.console, item, now(), texts, draft, events)
    else:
        views.show_item(app.console, item, now(), texts, draft, events)


@click.command()
@click.argument("item_id", type=ROW_ID)
@click.option("--json", "as_json", is_flag=True, help="JSON for scripts.")
@pass_app
def history(app: AppContext, item_id: int, as_json: bool) -> None:
    """Every change of the item's state: who, when, from, to, note."""
    events = app.store.items.history(item_id)
    if as_json:
        click.echo(views.to_json(events))
    else:
        app.console.print(views.history_table(events))


def _act(app: AppContext, item_id: int, action: Action, editor: str | None,
         expect_version: int | None, **extra: Any) -> None:  # fmt: skip
    moment = now()
    item = actions.act(
        app.store, app.config, item_id, action, editor_name(editor), moment,
        expected_version=expect_version, **extra,
    )  # fmt: skip
    click.echo(outcome(item, moment))


def outcome(item: Item, moment: Any) -> str:
    """One line saying where the item stands now."""
    held = holder(item, moment)
    tail = f", held by {held} until {item.claim_expires_at:%H:%M}" if held else ""
    if item.snoozed_until and item.state is ItemState.SNOOZED:
        tail += f", until {item.snoozed_until:%Y-%m-%d %H:%M}"
    return f"item {item.id}: {item.state.value}{tail} (version {item.version})"


@click.command()
@click.argument("item_id", type=ROW_ID)
@editor_options
@pass_app
def claim(app: AppContext, item_id: int, editor: str | None, expect_version: int | None) -> None:
    """Take the item, so no one else works on it (the claim expires: review.claim_ttl)."""
    _act(app, item_id, Action.CLAIM, editor, expect_version)


@click.command()
@click.argument("item_id", type=ROW_ID)
@editor_options
@pass_app
def release(app: AppContext, item_id: int, editor: str | None, expect_version: int | None) -> None:
    """Give the item back to the queue."""
    _act(app, item_id, Action.RELEASE, editor, expect_version)


@click.command()
@click.argument("item_id", type=ROW_ID)
@click.option("--reason", help="Why (kept in the history).")
@click.option(
    "--off-topic", is_flag=True, help="Not about addiction or recovery: the model learns from it."
)
@editor_options
@pass_app
def reject(app: AppContext, item_id: int, reason: str | None, off_topic: bool, editor: str | None,
           expect_version: int | None) -> None:  # fmt: skip
    """Take the item off the queue, with a reason (--off-topic teaches the model)."""
    reason = off_topic_reason(reason) if off_topic else reason
    _act(app, item_id, Action.REJECT, editor, expect_version, reason=reason)


@click.command()
@click.argument("item_id", type=ROW_ID)
@click.option("--until", "until_text", required=True, help="A duration (2d, 6h) or a date.")
@editor_options
@pass_app
def snooze(app: AppContext, item_id: int, until_text: str, editor: str | None,
           expect_version: int | None) -> None:  # fmt: skip
    """Hide the item until later; it comes back as new."""
    until = views.parse_when(until_text, now(), future=True)
    _act(app, item_id, Action.SNOOZE, editor, expect_version, until=until)


@click.command()
@click.argument("item_id", type=ROW_ID)
@editor_options
@pass_app
def reopen(app: AppContext, item_id: int, editor: str | None, expect_version: int | None) -> None:
    """Bring a rejected or snoozed item back to the queue."""
    _act(app, item_id, Action.REOPEN, editor, expect_version)


@click.command()
@click.argument("item_id", type=ROW_ID)
@editor_options
@pass_app
def promote(app: AppContext, item_id: int, editor: str | None, expect_version: int | None) -> None:
    """Put a filtered item (below the relevance threshold) into the queue."""
    _act(app, item_id, Action.PROMOTE, editor, expect_version)


@click.command()
@click.argument("query")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON for scripts.")
@pass_app
def search(app: AppContext, query: str, limit: int, as_json: bool) -> None:
    """Full-text search over items and posts; every word must appear."""
    hits = app.store.queue.search(query, limit)
    if as_json:
        click.echo(views.to_json(hits))
        return
    if not hits:
        click.echo("No matches.")
    for hit in hits:
        where = f"post {hit.slug}" if hit.kind == "post" else f"item {hit.item_id}"
        line = shown(where, "bold") + shown(f" ({hit.state}) {hit.title}")
        app.console.print(line, highlight=False)
        app.console.print(shown(f"    {hit.snippet}"), highlight=False)


def _listed(item: Item, moment: Any) -> dict[str, Any]:
    return {
        "id": item.id, "title": item.title, "url": item.url, "state": item.state,
        "version": item.version, "score": item.score, "topics": item.topics,
        "sources": item.source_names, "outlets": item.outlets,
        "first_seen_at": item.first_seen_at, "held_by": holder(item, moment),
        "claim_expires_at": item.claim_expires_at if holder(item, moment) else None,
        "learned": item.learned, "learned_reasons": item.learned_reasons,
    }  # fmt: skip
