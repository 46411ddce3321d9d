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

import click

from curator.cli import desk_views as views
from curator.cli.annotate import annotate_item, report_saved
from curator.cli.context import AppContext, clean, editor_name, now, pass_app
from curator.cli.publish import export_now
from curator.desk import actions
from curator.desk.publish import draft_report, publish_item
from curator.desk.states import Action, holder
from curator.errors import CuratorError, ReviewError
from curator.models import Item, ItemState
from curator.store.desk import QueueFilter

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
    while (item := _next_item(app, wanted, name, passed)) is not None:
        passed.add(item.id)
        try:
            if not _walk_card(app, item, name):
                return
        except BaseException:
            _release(app, item.id, name)
            raise
    click.echo("The queue is empty. Thank you!")


def _next_item(app: AppContext, wanted: QueueFilter, editor: str, passed: set[int]) -> Item | None:
    """The best item not yet passed that this editor can claim (it is claimed)."""
    for item in app.store.desk.queue(wanted, now()):
        if item.id in passed or holder(item, now()) not in (None, editor):
            continue
        try:
            return actions.act(
                app.store, app.config, item.id, Action.CLAIM, editor, now(),
                expected_version=item.version,
            )  # fmt: skip
        except ReviewError:
            passed.add(item.id)  # someone else got there first
    return None


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
        item = app.store.desk.get_item(item.id)


def _act_on_key(app: AppContext, item: Item, editor: str, key: str) -> bool:
    """Do what the key says; True when the card is done with."""
    act = app.store, app.config, item.id
    if key == "n":
        _release(app, item.id, editor)
        return True
    if key == "r":
        reason = click.prompt("Reason for rejecting")
        actions.act(*act, Action.REJECT, editor, now(), expected_version=item.version,
                      reason=reason)  # fmt: skip
        click.echo(f"item {item.id}: rejected")
        return True
    if key == "s":
        until = views.parse_when(click.prompt("Snooze for", default="1d"), now(), future=True)
        actions.act(*act, Action.SNOOZE, editor, now(), expected_version=item.version,
                      until=until)  # fmt: skip
        click.echo(f"item {item.id}: snoozed until {until:%Y-%m-%d %H:%M}")
        return True
    if key == "a":
        saved = annotate_item(app, item.id, editor)
        if saved is not None:
            report_saved(app, saved, preview=True)
        return False
    if key == "p":
        return _publish(app, item, editor)
    if key == "o":
        _open_link(item.url)
    elif key == "f":
        texts = app.store.desk.article_texts(item.id)
        full = "\n\n".join(f"{t.source_name}: {t.url}\n\n{t.text}" for t in texts)
        click.echo_via_pager(clean(full))
    else:
        click.echo(KEYS)
    return False


def _publish(app: AppContext, item: Item, editor: str) -> bool:
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
        item = app.store.desk.get_item(item_id)
        if holder(item, now()) == editor:
            actions.act(app.store, app.config, item_id, Action.RELEASE, editor, now())
    except CuratorError as e:
        click.echo(f"note: item {item_id} not released ({e})", err=True)


def _open_link(url: str) -> None:
    """Open the link where a browser can show it; over SSH, print it to copy."""
    click.echo(url)
    graphical = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    if os.environ.get("BROWSER") or graphical or sys.platform == "darwin":
        webbrowser.open(url)
