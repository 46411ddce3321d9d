"""`curator annotate ID`: write the post in $VISUAL/$EDITOR; saved as a new draft version.

The use case (claim, recover, save, release, never losing the text) is
`curator.desk.annotate`; this module parses the arguments and is its terminal:
it runs the editor program, asks about a recovery file and prints.
"""

from __future__ import annotations

import os
import shutil
from functools import partial
from pathlib import Path

import click
from rich.markdown import Markdown
from rich.panel import Panel

from curator.cli import desk_views as views
from curator.cli.body_file import read_body_file
from curator.cli.context import (
    EDITOR_HELP,
    ROW_ID,
    AppContext,
    clean,
    editor_name,
    now,
    pass_app,
    shown,
)
from curator.desk.actions import SavedDraft
from curator.desk.annotate import Annotation, EditorFailed, Terminal, annotate_item


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
@click.option("--editor", default=None, help=EDITOR_HELP)
@pass_app
def annotate(app: AppContext, item_id: int, title: str | None, tags: tuple[str, ...],
             body_file: str | None, preview: bool, editor: str | None) -> None:  # fmt: skip
    """Write or revise the post for one item."""
    body = read_body_file(body_file) if body_file is not None else None
    asked = Annotation(item_id, editor_name(editor), title, tags, body)
    saved = annotate_item(app.store, app.config, asked, terminal(item_id), now)
    if saved is None:
        click.echo(f"item {item_id}: nothing changed; no draft saved")
        return
    report_saved(app, saved, preview)


def terminal(item_id: int) -> Terminal:
    """The editor program, the recovery question and the notices, for one item."""
    program = choose_editor()
    return Terminal(
        edit=partial(run_editor, program),
        use_recovered=partial(_use_recovered, item_id),
        tell_kept=partial(_tell_kept, item_id),
        how_to_save=how_to_save(program),
    )


def choose_editor() -> str:
    """$VISUAL, else $EDITOR, else the system's `editor`, else nano, else vi: never a
    question before the editor opens (Debian's sensible-editor asks one)."""
    for chosen in (os.environ.get("VISUAL"), os.environ.get("EDITOR")):
        if chosen and chosen.strip():
            return chosen
    for program in ("editor", "nano"):
        if shutil.which(program):
            return program
    return "vi"


def how_to_save(program: str) -> str:
    """One line for the template on saving and quitting, for the editors that puzzle."""
    words = program.split()
    found = shutil.which(words[0]) if words else None
    name = Path(os.path.realpath(found)).name if found else ""  # `editor` is a symlink
    if name.startswith(("nano", "pico")):
        return "To save and quit: Ctrl-O, Enter, then Ctrl-X (nano)."
    if name.startswith(("vi", "nvim")):
        return "To save and quit: Esc, then type :wq and Enter (vim)."
    return "When done, save the file and close the editor."


def run_editor(program: str, path: Path) -> None:
    """The editor program on the file, waiting until it is closed."""
    try:
        click.edit(filename=str(path), editor=program, extension=".md")
    except click.ClickException as e:
        raise EditorFailed(e.format_message()) from e


def _use_recovered(item_id: int, found: Path) -> bool:
    question = f"An unsaved draft of item {item_id} was kept in {found}. Use it?"
    return click.confirm(question, default=True)


def _tell_kept(item_id: int, work: Path) -> None:
    click.echo(f"your text is kept in {work}; `curator annotate {item_id}` offers it", err=True)


def report_saved(app: AppContext, saved: SavedDraft, preview: bool) -> None:
    """Say what was saved, what the language check noticed, and show the post."""
    draft = saved.draft
    click.echo(f"item {draft.item_id}: saved draft v{draft.version} ({saved.item.state.value})")
    for note in views.language_notes(saved.language):
        click.echo(note, err=True)
    if preview:
        body = Markdown(clean(draft.body_markdown))
        title, tags = shown(draft.title, "bold"), shown(", ".join(draft.tags))
        app.console.print(Panel(body, title=title, subtitle=tags))
