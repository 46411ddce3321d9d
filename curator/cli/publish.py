"""`curator publish ID`, `retract SLUG`, `posts`: drafts become posts, and back."""

from __future__ import annotations

import sys

import click

from curator.cli import desk_views as views
from curator.cli.context import (
    EDITOR_HELP,
    ROW_ID,
    AppContext,
    clean,
    editor_name,
    now,
    pass_app,
    shown,
)  # fmt: skip
from curator.cli.desk import editor_options
from curator.cli.listing import Column, json_option, limit_option, print_rows, say_if_cut
from curator.desk.publish import ImageChoice, post_to_retract, publish_item, retract_post
from curator.errors import CuratorError, TermsToReconsider
from curator.site.run import export_site
from curator.site.search import SearchIndex


@click.command()
@click.argument("item_id", type=ROW_ID)
@click.option(
    "--allow-terms", is_flag=True, help="Publish although the language check found terms."
)
@click.option("--image", "image_url", default=None, help="Lead image URL (default: the page's).")
@click.option(
    "--image-alt", default="", help="What the lead image shows, for readers who cannot see it."
)
@click.option("--image-credit", default="", help="Credit line (default: 'Image: <source>').")
@editor_options
@pass_app
def publish(app: AppContext, item_id: int, allow_terms: bool, image_url: str | None,
            image_alt: str, image_credit: str, editor: str | None,
            expect_version: int | None) -> None:  # fmt: skip
    """Publish the item's latest draft as a post, with our copy of its lead image."""
    try:
        published = publish_item(
            app.store, app.config, item_id, editor_name(editor), now(),
            allow_terms=allow_terms, expected_version=expect_version,
            image=ImageChoice(image_url, image_alt, image_credit),
        )  # fmt: skip
    except TermsToReconsider as held:
        for found in held.found:
            click.echo(f"language: {found}", err=True)
        raise
    click.echo(f"published item {item_id} as {published.post.slug}")
    for note in views.language_notes(published.language):
        click.echo(note, err=True)
    for note in views.image_notes(published):
        click.echo(note, err=True)
    export_now(app, index_search=False)


@click.command()
@click.argument("post", metavar="ID|SLUG")
@click.option("--reason", default=None, help="Why (kept in the history); asked in a terminal.")
@click.option("--yes", is_flag=True, help="Do not ask to confirm (a terminal asks).")
@click.option("--editor", default=None, help=EDITOR_HELP)
@pass_app
def retract(app: AppContext, post: str, reason: str | None, yes: bool,
            editor: str | None) -> None:  # fmt: skip
    """Take a published post back out of the feeds: by item id or by slug."""
    found = post_to_retract(app.store, post)
    asking = sys.stdin.isatty()
    if reason is None and not asking:
        raise click.UsageError("missing option '--reason'", click.get_current_context())
    if reason is None:
        reason = click.prompt("Reason for retracting")
    if asking and not yes:
        click.confirm(f"Retract {found.slug!r} ({clean(found.title)})?", abort=True)
    gone = retract_post(app.store, found.slug, editor_name(editor), now(), reason)
    click.echo(f"retracted {gone.slug} (item {gone.item_id})")
    export_now(app)


POST_COLUMNS = (
    Column("published"), Column("item", "right"), Column("title", main=True),
    Column("slug", max_width=30, optional=True), Column("by", max_width=12, optional=True),
)  # fmt: skip


@click.command()
@click.option("--all", "include_retracted", is_flag=True, help="Include retracted posts.")
@limit_option
@json_option
@pass_app
def posts(app: AppContext, include_retracted: bool, limit: int, as_json: bool) -> None:
    """The published posts, newest first."""
    found = app.store.posts.list(include_retracted=include_retracted, limit=limit)
    if as_json:
        click.echo(views.to_json(found))
    elif not found:
        click.echo("No posts yet.")
    else:
        rows = [
            [shown(f"{post.published_at:%Y-%m-%d %H:%M}"), shown(str(post.item_id)),
             shown(post.title + (" (retracted)" if post.retracted_at else "")),
             shown(post.slug), shown(post.editor)]
            for post in found
        ]  # fmt: skip
        print_rows(app.console, POST_COLUMNS, rows)
    total = app.store.posts.count(include_retracted) if len(found) == limit else 0
    say_if_cut(len(found), total)


def export_now(app: AppContext, *, index_search: bool = True) -> None:
    """Bring the feeds and site up to date; the post itself is already saved. A publish
    leaves a big search index to the next export; a retraction takes the post out of
    search at once (its excerpt must not stay findable)."""
    try:
        report = export_site(app.config, app.store, now(), index_search=index_search)
    except CuratorError as e:
        click.echo(f"error: saved, but the export failed: {e}; run `curator export`", err=True)
        raise click.exceptions.Exit(1) from e
    click.echo(f"exported {report.posts} post(s) to {report.out_dir}")
    if report.search is SearchIndex.STALE:
        click.echo("search: finds it after the next export (the service's, or `curator export`)")
