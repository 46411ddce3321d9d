"""`curator merge | split | stories eval`: editors correct same-story clustering, and
measure it against their corrections."""

from __future__ import annotations

import click

from curator.cli import desk_views as views
from curator.cli import story_views
from curator.cli.context import ROW_ID, AppContext, editor_name, now, pass_app
from curator.cli.desk import editor_options
from curator.desk.corrections import Corrected, merge_items, split_item

_FORCE = click.option(
    "--force", is_flag=True, help="Also on a published or retracted item (its post stays)."
)


@click.command()
@click.argument("item_ids", nargs=-1, required=True, type=ROW_ID)
@_FORCE
@editor_options
@pass_app
def merge(app: AppContext, item_ids: tuple[int, ...], force: bool, editor: str | None,
          expect_version: int | None) -> None:  # fmt: skip
    """Make the items one story: every entry of the later items moves into the first,
    and they become `merged` into it (--expect-version: the first item's)."""
    done = merge_items(
        app.store, item_ids, editor_name(editor), now(),
        expected_version=expect_version, force=force,
    )  # fmt: skip
    click.echo(_said(done))


@click.command()
@click.argument("item_id", type=ROW_ID)
@click.argument("entry_ids", nargs=-1, required=True, type=ROW_ID)
@_FORCE
@editor_options
@pass_app
def split(app: AppContext, item_id: int, entry_ids: tuple[int, ...], force: bool,
          editor: str | None, expect_version: int | None) -> None:  # fmt: skip
    """Another story after all: the entries (ids as `curator show ITEM` lists them) move
    to a new item, or back to the item a merge took them from."""
    done = split_item(
        app.store, item_id, entry_ids, editor_name(editor), now(),
        expected_version=expect_version, force=force,
    )  # fmt: skip
    click.echo(_said(done))


def _said(done: Corrected) -> str:
    item = done.item
    left = ", ".join(f"#{i}" for i in done.left)
    noun = "entry" if done.moved == 1 else "entries"
    return (
        f"{done.kind}: {done.moved} {noun} from {left} into item {item.id} "
        f"({item.state.value}, {item.outlets} outlets, version {item.version})"
    )


@click.group()
def stories() -> None:
    """Same-story clustering measured against the editors' merges and splits."""


@stories.command(name="eval")
@click.option("--json", "as_json", is_flag=True, help="JSON for scripts.")
@pass_app
def evaluate(app: AppContext, as_json: bool) -> None:
    """Score every pair of entries editors merged or split with today's clustering:
    how many it agrees on, its precision and recall of "same story", and its misses."""
    from curator.screen.story_eval import evaluate_pairs

    pairs = app.store.stories.labelled_pairs()
    result = evaluate_pairs(pairs, app.config.cluster.threshold, app.config.cluster.window)
    if as_json:
        click.echo(views.to_json(result))
    else:
        app.console.print(story_views.evaluation_report(result))
