"""`curator annotate ID`: write the post in $VISUAL/$EDITOR; saved as a new draft version.

A draft is never lost: the editor works on a file beside the database
(data/recovery/item-42-<time>.md). It is removed only once the draft is saved;
if the editor fails, the database is locked or the item changed meanwhile, the
file stays, its path is printed, and the next `annotate` of the item offers it.
Text given with --body-file is written to such a file whenever it is refused.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import click
from rich.markdown import Markdown
from rich.panel import Panel

from curator.cli import desk_views as views
from curator.cli import drafting
from curator.cli.context import ROW_ID, AppContext, clean, editor_name, now, pass_app, shown
from curator.desk import actions, states
from curator.desk.actions import SavedDraft
from curator.desk.publish import source_name
from curator.desk.states import Action
from curator.errors import CuratorError
from curator.models import Item


@click.command()
@click.argument("item_id", type=ROW_ID)
@click.option("--title", default=None, help="The post's title (default: the draft's or item's).")
@click.option("--tag", "tags", multiple=True, help="A tag (repeat for more).")
@click.option(
    "--body-file",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="Take the body from this UTF-8 file ('-' for stdin), not an editor.",
)
@click.option("--preview/--no-preview", default=True, help="Show the rendered draft.")
@click.option("--editor", default=None, help="Your name (default: $CURATOR_EDITOR, else login).")
@pass_app
def annotate(app: AppContext, item_id: int, title: str | None, tags: tuple[str, ...],
             body_file: str | None, preview: bool, editor: str | None) -> None:  # fmt: skip
    """Write or revise the post for one item."""
    body = drafting.read_body_file(body_file) if body_file is not None else None
    saved = annotate_item(app, item_id, editor_name(editor), title=title, tags=tags, body=body)
    if saved is None:
        click.echo(f"item {item_id}: nothing changed; no draft saved")
        return
    report_saved(app, saved, preview)


def annotate_item(
    app: AppContext, item_id: int, editor: str, *, title: str | None = None,
    tags: tuple[str, ...] = (), body: str | None = None,
) -> SavedDraft | None:  # fmt: skip
    """Claim the item, get the text (editor or `body`), save it as the next draft."""
    moment = now()
    database: Path = app.config.curator.database
    work = drafting.recovery_path(database, item_id, moment)
    if body is not None:
        return _save_given(app, item_id, editor, drafting.DraftText(title or "", tags, body), work)
    item = app.store.desk.get_item(item_id)
    states.decide(item, Action.SAVE_DRAFT, editor, moment)  # refuse early, before any typing
    latest = app.store.desk.latest_draft(item_id)
    claimed_here = states.holder(item, moment) != editor
    if claimed_here:  # show the others before typing starts
        item = actions.act(app.store, app.config, item_id, Action.CLAIM, editor, moment)
    offered = _offer_recovery(database, item_id)
    if offered is not None:
        start = offered.read_text(encoding="utf-8")
    else:
        texts = app.store.desk.article_texts(item_id)
        start = drafting.template(item, latest, texts, source_name(item), title, tags)
    written = _edit(drafting.keep(work, start), start)
    if written == start and offered is None:
        work.unlink()
        if claimed_here:  # nothing written: give the item back as it was
            with contextlib.suppress(CuratorError):
                act = app.store, app.config, item_id, Action.RELEASE, editor, now()
                actions.act(*act, expected_version=item.version)
        return None
    return _save(app, item, editor, drafting.parse(written, item.title, str(work)), work, offered)


def _save(
    app: AppContext, item: Item, editor: str, text: drafting.DraftText, work: Path,
    used: Path | None,
) -> SavedDraft:  # fmt: skip
    """Save against the version read before the text was written; on any failure
    the text stays in `work` and its path is printed. Once saved, `work` and the
    recovery file `used` (its text is in the draft) go; other recovery files stay."""
    try:
        version = item.version
        if states.holder(item, now()) != editor:
            claimed = actions.act(
                app.store,
                app.config,
                item.id,
                Action.CLAIM,
                editor,
                now(),
                expected_version=version,
            )
            version = claimed.version
        saved = actions.save_draft(
            app.store, app.config, item.id, editor, now(), title=text.title, tags=text.tags,
            body=text.body, expected_version=version,
        )  # fmt: skip
    except CuratorError:
        _keep(work, text, item.id)
        raise
    work.unlink(missing_ok=True)
    if used is not None:
        used.unlink(missing_ok=True)
    return saved


def _save_given(
    app: AppContext, item_id: int, editor: str, given: drafting.DraftText, work: Path
) -> SavedDraft:
    """Save text given with --body-file (no title or tags: the draft's, else the
    item's). Whatever refuses it, from reading the item on, it is kept in `work`."""
    try:
        item = app.store.desk.get_item(item_id)
        states.decide(item, Action.SAVE_DRAFT, editor, now())
        latest = app.store.desk.latest_draft(item_id)
    except CuratorError:
        _keep(work, given, item_id)
        raise
    text = drafting.DraftText(
        given.title or (latest.title if latest else item.title),
        given.tags or (latest.tags if latest else item.topics),
        given.body,
    )
    return _save(app, item, editor, text, work, None)


def _keep(work: Path, text: drafting.DraftText, item_id: int) -> None:
    """Keep refused text in `work` (unless the editor's file is there already) and say so."""
    if not work.exists():
        drafting.keep(work, drafting.front_matter(text) + "\n" + text.body)
    click.echo(f"your text is kept in {work}; `curator annotate {item_id}` offers it", err=True)


def _offer_recovery(database: Path, item_id: int) -> Path | None:
    """The newest recovery file of the item, if the editor chooses to start from it."""
    found = drafting.latest_recovery(database, item_id)
    if found is None:
        return None
    if click.confirm(
        f"An unsaved draft of item {item_id} was kept in {found}. Use it?", default=True
    ):
        return found
    return None


def _edit(work: Path, start: str) -> str:
    """Run $VISUAL/$EDITOR on the file; on failure the file (and its path) stays,
    unless it holds nothing the editor wrote."""
    try:
        click.edit(filename=str(work), extension=".md")
    except click.ClickException as e:
        if work.read_text(encoding="utf-8") == start:
            work.unlink()
            raise CuratorError(e.format_message()) from e
        raise CuratorError(f"{e.format_message()}; your text is kept in {work}") from e
    return work.read_text(encoding="utf-8")


def report_saved(app: AppContext, saved: SavedDraft, preview: bool) -> None:
    """Say what was saved, what the language check noticed, and show the post."""
    draft = saved.draft
    click.echo(f"item {draft.item_id}: saved draft v{draft.version} ({saved.item.state.value})")
    for note in views.language_notes(saved.language, app.config.review.crisis_line):
        click.echo(note, err=True)
    if preview:
        body = Markdown(clean(draft.body_markdown))
        title, tags = shown(draft.title, "bold"), shown(", ".join(draft.tags))
        app.console.print(Panel(body, title=title, subtitle=tags))
