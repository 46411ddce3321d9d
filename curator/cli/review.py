"""`curator review`: walk the queue one card at a time, single keys, any terminal.

Keys are read with click.getchar (no curses), so it works over SSH and in a
plain terminal. The item shown is claimed; moving on releases it. Every action
names the version on the card, so a change made meanwhile is refused, not lost.
"""

from __future__ import annotations

import contextlib
import os
import sys
import webbrowser
from collections.abc import Callable

import click

from curator.cli import desk_views as views
from curator.cli.annotate import report_saved, terminal
from curator.cli.context import AppContext, clean, editor_name, now, pass_app
from curator.cli.publish import export_now
from curator.desk import actions
from curator.desk.annotate import Annotation, annotate_item
from curator.desk.labels import off_topic_reason
from curator.desk.publish import draft_report, publish_item
from curator.desk.states import Action
from curator.errors import CuratorError
from curator.models import Item, ItemState
from curator.store.queue import QueueFilter

KEYS = "[a]nnotate [p]ublish [r]eject [s]nooze [n]ext [o]pen link [f]ull text [q]uit"


@click.command()
@click.option("--topic", default=None, help="Only items with this topic.")
@click.option("--source", default=None, help="Only items from this source.")
@click.option("--editor", default=None, help="Your name (default: $CURATOR_EDITOR, else login).")
@pass_app
def review(app: AppContext, topic: str | None, source: str | None, editor: str | None) -> None:
    """Walk the queue: a card per item, one key per decision."""
    name = editor_name(editor)
    actions.wake_due(app.store, now())
    wanted = QueueFilter(topic=topic, source=source, limit=50)
    passed: set[int] = set()
    while (
        item := actions.claim_next(app.store, app.config, wanted, name, now(), passed)
    ) is not None:
        passed.add(item.id)
        try:
            if not _walk_card(app, item, name):
                return
        except BaseException:
            _release(app, item.id, name)
            raise
    click.echo("The queue is empty. Thank you!")


def _walk_card(app: AppContext, item: Item, editor: str) -> bool:
    """Show the card and act on keys until the editor moves on; False to quit."""
    while True:
        app.console.print(views.card(item, now()))
        click.echo(KEYS)
        key = click.getchar().lower()
        if key == "q":
            _release(app, item.id, editor)
            return False
        try:
            moved = _act_on_key(app, item, editor, key)
        except CuratorError as e:
            click.secho(f"error: {e}", fg="red", err=True)
            moved = False
        if moved:
            return True
        item = app.store.items.get(item.id)


def _act_on_key(app: AppContext, item: Item, editor: str, key: str) -> bool:
    """Do what the key says; True when the card is done with."""
    action = _ON_KEY.get(key)
    if action is None:
        click.echo(KEYS)
        return False
    return action(app, item, editor)


def _next(app: AppContext, item: Item, editor: str) -> bool:
    _release(app, item.id, editor)
    return True


def _reject(app: AppContext, item: Item, editor: str) -> bool:
    reason = click.prompt("Reason for rejecting")
    if click.confirm("Off topic (the model learns from it)?", default=False):
        reason = off_topic_reason(reason)
    actions.act(app.store, app.config, item.id, Action.REJECT, editor, now(),
                expected_version=item.version, reason=reason)  # fmt: skip
    click.echo(f"item {item.id}: rejected")
    return True


def _snooze(app: AppContext, item: Item, editor: str) -> bool:
    until = views.parse_when(click.prompt("Snooze for", default="1d"), now(), future=True)
    actions.act(app.store, app.config, item.id, Action.SNOOZE, editor, now(),
                expected_version=item.version, until=until)  # fmt: skip
    click.echo(f"item {item.id}: snoozed until {until:%Y-%m-%d %H:%M}")
    return True


def _annotate(app: AppContext, item: Item, editor: str) -> bool:
    asked = Annotation(item.id, editor)
    saved = annotate_item(app.store, app.config, asked, terminal(item.id), now)
    if saved is not None:
        report_saved(app, saved, preview=True)
    return False


def _open(app: AppContext, item: Item, editor: str) -> bool:
    _open_link(item.url)
    return False


def _full_text(app: AppContext, item: Item, editor: str) -> bool:
    texts = app.store.queue.article_texts(item.id)
    full = "\n\n".join(f"{t.source_name}: {t.url}\n\n{t.text}" for t in texts)
    click.echo_via_pager(clean(full))
    return False


def _publish(app: AppContext, item: Item, editor: str) -> bool:
    """Show what the language check says, publish if the editor agrees, export."""
    if item.state is not ItemState.DRAFTED:
        click.echo("Annotate it first ([a]): only a drafted item can be published.")
        return False
    _, report = draft_report(app.store, app.config, item.id)
    for note in views.language_notes(report, app.config.review.crisis_line):
        click.echo(note)
    allow = bool(report.findings) and click.confirm("Publish with these words anyway?")
    if report.findings and not allow:
        return False
    published = publish_item(
        app.store, app.config, item.id, editor, now(), allow_terms=allow,
        expected_version=item.version,
    )  # fmt: skip
    click.echo(f"item {item.id}: published as {published.post.slug}")
    with contextlib.suppress(click.exceptions.Exit):  # the failure is printed; go on reviewing
        export_now(app)
    return True


def _release(app: AppContext, item_id: int, editor: str) -> None:
    """Give the item back if this editor still holds it; a failure here is harmless."""
    try:
        actions.release_if_held(app.store, app.config, item_id, editor, now())
    except CuratorError as e:
        click.echo(f"note: item {item_id} not released ({e})", err=True)


def _open_link(url: str) -> None:
    """Open the link where a browser can show it; over SSH, print it to copy."""
    click.echo(url)
    graphical = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    if os.environ.get("BROWSER") or graphical or sys.platform == "darwin":
        webbrowser.open(url)


_ON_KEY: dict[str, Callable[[AppContext, Item, str], bool]] = {
    "n": _next,
    "r": _reject,
    "s": _snooze,
    "a": _annotate,
    "p": _publish,
    "o": _open,
    "f": _full_text,
}
