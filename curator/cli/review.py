"""`curator review`: walk the queue one card at a time, single keys, any terminal.

Keys are read with click.getchar (no curses), so it works over SSH and in a
plain terminal. The item shown is claimed; moving on releases it. Every action
names the version on the card, so a change made meanwhile is refused, not lost.
"""

from __future__ import annotations

import contextlib
import enum
import os
import sys
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import click

from curator.cli import desk_views as views
from curator.cli.annotate import report_saved, terminal
from curator.cli.context import EDITOR_HELP, AppContext, clean, editor_name, now, pass_app
from curator.cli.desk import outcome, queue_filter
from curator.cli.listing import limit_option
from curator.cli.publish import export_now
from curator.config.lists import topic_labels
from curator.desk import actions
from curator.desk.annotate import Annotation, annotate_item
from curator.desk.labels import off_topic_reason
from curator.desk.publish import preview_post, publish_item
from curator.desk.states import Action
from curator.errors import CuratorError
from curator.models import Item, ItemState
from curator.store.queue import QueueFilter

KEYS = "[a]nnotate [p]ublish [r]eject [s]nooze [n]ext [o]pen [f]ull text [?]why [q]uit"


class After(enum.Enum):
    """What a key leaves on the screen: the next card, this card again, or the card as
    it is (with a line of news under it)."""

    NEXT = "next"
    REDRAW = "redraw"
    STAY = "stay"


@dataclass
class Walk:
    """One review session: who, what they asked for, and where they are."""

    app: AppContext
    editor: str
    wanted: QueueFilter
    total: int
    passed: set[int] = field(default_factory=set)
    news: str = ""  # what became of the last card, said under the next one

    def position(self) -> tuple[int, int]:
        return len(self.passed), max(self.total, len(self.passed))


@click.command()
@click.option("--topic", default=None, help="Only items with this topic (its name).")
@click.option("--source", default=None, help="Only items from this source (its name).")
@click.option("--since", default=None, help="Only items first seen within this time (2d).")
@click.option("--mine", is_flag=True, help="Only items I hold.")
@limit_option
@click.option("--editor", default=None, help=EDITOR_HELP)
@pass_app
def review(app: AppContext, topic: str | None, source: str | None, since: str | None,
           mine: bool, limit: int, editor: str | None) -> None:  # fmt: skip
    """Walk the queue: a card per item, one key per decision (at most --limit cards)."""
    name, moment = editor_name(editor), now()
    actions.wake_due(app.store, moment)
    wanted = queue_filter(None, topic, source, since, name if mine else None, limit, moment,
                          ask_share=app.config.learning.ask_share)  # fmt: skip
    walk = Walk(app, name, wanted, app.store.queue.count(wanted, moment))
    while len(walk.passed) < limit and (item := _claim_next(walk)) is not None:
        walk.passed.add(item.id)
        try:
            if not _walk_card(walk, item):
                return
        except BaseException:
            _release(app, item.id, name)
            raise
        walk.news = "last card: " + outcome(app.store.items.get(item.id), now())
    click.echo("The queue is empty. Thank you!" if len(walk.passed) < limit else "That's all.")


def _claim_next(walk: Walk) -> Item | None:
    """The next card: the queue is read past the cards already passed."""
    wanted = replace(walk.wanted, limit=len(walk.passed) + walk.wanted.limit)
    return actions.claim_next(
        walk.app.store, walk.app.config, wanted, walk.editor, now(), walk.passed
    )


def _walk_card(walk: Walk, item: Item) -> bool:
    """Show the card and act on keys until the editor moves on; False to quit."""
    app, after = walk.app, After.REDRAW
    while True:
        if after is After.REDRAW:
            _draw(walk, item)
        click.echo(KEYS)
        key = click.getchar().lower()
        if key == "q":
            _release(app, item.id, walk.editor)
            return False
        try:
            after = _act_on_key(app, item, walk.editor, key)
        except CuratorError as e:
            click.secho(f"error: {e}", fg="red", err=True)
            after = After.STAY
        if after is After.NEXT:
            return True
        item = app.store.items.get(item.id)


def _draw(walk: Walk, item: Item) -> None:
    """A clean screen with the card on top (a terminal), or the card below the rest."""
    app = walk.app
    if app.console.is_terminal:
        app.console.clear()
    texts = app.store.queue.article_texts(item.id)
    view = views.CardView(
        position=walk.position(), notes=views.extract_notes(texts),
        labels=topic_labels(app.config.topics, item.topics), viewer=walk.editor,
        height=app.console.height,
    )  # fmt: skip
    app.console.print(views.card(item, now(), view))
    if walk.news:
        click.echo(walk.news)
        walk.news = ""


def _act_on_key(app: AppContext, item: Item, editor: str, key: str) -> After:
    """Do what the key says."""
    action = _ON_KEY.get(key)
    if action is None:
        return After.STAY
    return action(app, item, editor)


def _next(app: AppContext, item: Item, editor: str) -> After:
    _release(app, item.id, editor)
    return After.NEXT


def _reject(app: AppContext, item: Item, editor: str) -> After:
    reason = click.prompt("Reason for rejecting")
    if click.confirm("Off topic (the model learns from it)?", default=False):
        reason = off_topic_reason(reason)
    actions.act(app.store, app.config, item.id, Action.REJECT, editor, now(),
                expected_version=item.version, reason=reason)  # fmt: skip
    click.echo(f"item {item.id}: rejected")
    return After.NEXT


def _snooze(app: AppContext, item: Item, editor: str) -> After:
    until = views.parse_when(click.prompt("Snooze for", default="1d"), now(), future=True)
    actions.act(app.store, app.config, item.id, Action.SNOOZE, editor, now(),
                expected_version=item.version, until=until)  # fmt: skip
    click.echo(f"item {item.id}: snoozed until {until:%Y-%m-%d %H:%M}")
    return After.NEXT


def _annotate(app: AppContext, item: Item, editor: str) -> After:
    asked = Annotation(item.id, editor)
    saved = annotate_item(app.store, app.config, asked, terminal(item.id), now)
    if saved is None:
        click.echo("Nothing changed; no draft saved.")
        return After.STAY
    report_saved(app, saved, preview=False)
    click.echo("[p] shows the post as subscribers will read it, and asks before publishing.")
    return After.STAY


def _open(app: AppContext, item: Item, editor: str) -> After:
    if _open_link(item.url):
        click.echo("Opened in your browser.")
    else:
        click.echo("No browser here: the link is on the card above, to copy.")
    return After.STAY


def _why(app: AppContext, item: Item, editor: str) -> After:
    app.console.print(views.reasons_text(item), highlight=False)
    return After.STAY


def _full_text(app: AppContext, item: Item, editor: str) -> After:
    texts = app.store.queue.article_texts(item.id)
    full = "\n\n".join(
        f"{t.source_name}: {t.url}" + (f" ({t.note})" if t.note else "") + f"\n\n{t.text}"
        for t in texts
    )
    click.echo_via_pager(clean(full))
    return After.REDRAW


def _publish(app: AppContext, item: Item, editor: str) -> After:
    """Show the post as subscribers will read it, ask, publish, export."""
    if item.state is not ItemState.DRAFTED:
        click.echo("Annotate it first ([a]): only a drafted item can be published.")
        return After.STAY
    post, report = preview_post(app.store, app.config, item.id)
    app.console.print(views.post_preview(post))
    for note in views.term_notes(report):
        click.echo(note)
    question = "Publish with these words anyway?" if report.findings else "Publish this post?"
    if not click.confirm(question, default=False):
        click.echo("Not published; the draft is kept.")
        return After.STAY
    published = publish_item(
        app.store, app.config, item.id, editor, now(), allow_terms=bool(report.findings),
        expected_version=item.version,
    )  # fmt: skip
    click.echo(f"item {item.id}: published as {published.post.slug}")
    for note in views.image_notes(published):
        click.echo(note)
    with contextlib.suppress(click.exceptions.Exit):  # the failure is printed; go on reviewing
        export_now(app)
    return After.NEXT


def _release(app: AppContext, item_id: int, editor: str) -> None:
    """Give the item back if this editor still holds it; a failure here is harmless."""
    try:
        actions.release_if_held(app.store, app.config, item_id, editor, now())
    except CuratorError as e:
        click.echo(f"note: item {item_id} not released ({e})", err=True)


def _open_link(url: str) -> bool:
    """Open the link where a browser can show it; False where none can (over SSH)."""
    graphical = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    if os.environ.get("BROWSER") or graphical or sys.platform == "darwin":
        return webbrowser.open(url)
    return False


_ON_KEY: dict[str, Callable[[AppContext, Item, str], After]] = {
    "n": _next,
    "r": _reject,
    "s": _snooze,
    "a": _annotate,
    "p": _publish,
    "o": _open,
    "f": _full_text,
    "?": _why,
}
