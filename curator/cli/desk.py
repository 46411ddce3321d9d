"""`curator queue | show | history | claim | release | reject | snooze | reopen |
promote | search`: the editors' desk, one library call per command."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from datetime import datetime
from typing import Any

import click

from curator.cli import desk_views as views
from curator.cli import story_views
from curator.cli.context import (
    COUNT,
    EDITOR_HELP,
    ROW_ID,
    AppContext,
    editor_name,
    now,
    pass_app,
    shown,
)  # fmt: skip
from curator.cli.listing import Column, json_option, limit_option, print_rows, say_if_cut
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
        "--expect-version", type=COUNT, default=None, metavar="N",
        help="Refuse the change unless the item still has this version (as read by a script).",
    )(command)  # fmt: skip
    return click.option("--editor", default=None, help=EDITOR_HELP)(command)


@click.command()
@click.option("--state", type=_STATES, default=None, help="Only this state (e.g. filtered).")
@click.option("--topic", default=None, help="Only items with this topic (its name).")
@click.option("--source", default=None, help="Only items from this source (its name).")
@click.option(
    "--since", default=None, help="Only items first seen within this time (2d) or since a date."
)
@click.option("--mine", is_flag=True, help="Only items I hold.")
@click.option("--editor", default=None, help=EDITOR_HELP)
@limit_option
@json_option
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
    mine_of = editor_name(editor) if mine else None
    wanted = queue_filter(state, topic, source, since, mine_of, limit, moment, by_model=by_model,
                          ask_share=app.config.learning.ask_share)  # fmt: skip
    items = app.store.queue.queue(wanted, moment)
    if as_json:
        click.echo(views.to_json([_listed(item, moment) for item in items]))
    elif not items:
        click.echo("Nothing waiting.")
    else:
        rows = views.queue_rows(items, moment, app.config.topics)
        print_rows(app.console, views.QUEUE_COLUMNS, rows)
    say_if_cut(len(items), app.store.queue.count(wanted, moment) if len(items) == limit else 0)


def queue_filter(
    state: str | None, topic: str | None, source: str | None, since: str | None,
    mine: str | None, limit: int, moment: datetime, *, by_model: bool = False,
    ask_share: float = 0.0,
) -> QueueFilter:  # fmt: skip
    """The options of `queue` and `review` as the store's filter; `mine` names the
    editor whose items to list, `by_model` keeps what the learned model would filter,
    `ask_share` places the queue's questions (learning.ask_share)."""
    return QueueFilter(
        state=ItemState(state) if state else None,
        topic=topic,
        source=source,
        since=views.parse_when(since, moment, future=False) if since else None,
        mine=mine,
        limit=limit,
        by_model=by_model,
        ask_share=ask_share,
    )


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
    coverage = story_views.Coverage.of(item, store.stories.reports(item_id),
                                 store.stories.outlets_since_post(item_id))  # fmt: skip
    if as_json:
        record = {"item": item, "articles": texts, "draft": draft, "history": events}
        record |= coverage.fields()
        click.echo(views.to_json(record))
        return
    if not (pager and app.console.is_terminal):
        views.show_item(app.console, item, now(), texts, draft, events)
        story_views.show_coverage(app.console, coverage)
        return
    with app.console.pager(styles=pager_keeps_colour()):
        views.show_item(app.console, item, now(), texts, draft, events)
        story_views.show_coverage(app.console, coverage)


def pager_keeps_colour() -> bool:
    """Whether the pager shows colours rather than raw escape codes: `less` with
    $LESS unset is given -R; a $LESS without R, or another $PAGER, gets plain text."""
    pager = os.environ.get("PAGER", "")
    if pager and os.path.basename(pager.split()[0]) != "less":
        return False
    os.environ.setdefault("LESS", "-R")
    flags = os.environ["LESS"]
    return "R" in flags or "r" in flags


@click.command()
@click.argument("item_id", type=ROW_ID)
@limit_option
@json_option
@pass_app
def history(app: AppContext, item_id: int, limit: int, as_json: bool) -> None:
    """What happened to the item, as a story: when, who, what they did."""
    app.store.items.get(item_id)  # a wrong id is an error, not an empty story
    events = app.store.items.history(item_id)
    shown_events = events[-limit:]  # the latest, in the order they happened
    if as_json:
        click.echo(views.to_json(shown_events))
    else:
        print_rows(app.console, views.HISTORY_COLUMNS, views.history_rows(shown_events))
    say_if_cut(len(shown_events), len(events))


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
@click.option("--reason", help="Why (kept in the history); required without --off-topic.")
@click.option(
    "--off-topic", is_flag=True, help="Not about addiction or recovery: the model learns from it."
)
@editor_options
@pass_app
def reject(app: AppContext, item_id: int, reason: str | None, off_topic: bool, editor: str | None,
           expect_version: int | None) -> None:  # fmt: skip
    """Take the item off the queue, with a reason (--off-topic teaches the model)."""
    if not reason and not off_topic:
        raise click.UsageError("missing option '--reason' or '--off-topic'")
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


SEARCH_COLUMNS = (Column("what"), Column("state"), Column("title and snippet", main=True))


@click.command()
@click.argument("query")
@limit_option
@json_option
@pass_app
def search(app: AppContext, query: str, limit: int, as_json: bool) -> None:
    """Full-text search over items and posts; every word must appear (not in links)."""
    page = app.store.queue.search(query, limit)
    if as_json:
        click.echo(views.to_json(page.hits))
    elif not page.hits:
        click.echo("No matches.")
    else:
        rows = [
            [shown(f"post {hit.slug}" if hit.kind == "post" else f"item {hit.item_id}"),
             shown(hit.state), shown(f"{hit.title} — {hit.snippet}")]
            for hit in page.hits
        ]  # fmt: skip
        print_rows(app.console, SEARCH_COLUMNS, rows)
    say_if_cut(len(page.hits), page.total)


def _listed(item: Item, moment: Any) -> dict[str, Any]:
    return {
        "id": item.id, "title": item.title, "url": item.url, "state": item.state,
        "version": item.version, "score": item.score, "topics": item.topics,
        "sources": item.source_names, "outlets": item.outlets,
        "first_seen_at": item.first_seen_at, "held_by": holder(item, moment),
        "claim_expires_at": item.claim_expires_at if holder(item, moment) else None,
        "learned": item.learned, "learned_reasons": item.learned_reasons,
        "asking": item.asking,
    }  # fmt: skip
