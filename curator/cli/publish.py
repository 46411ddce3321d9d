"""`curator publish ID`, `retract SLUG`, `posts`: drafts become posts, and back."""

from __future__ import annotations

import click

from curator.cli import desk_views as views
from curator.cli.context import ROW_ID, AppContext, editor_name, now, pass_app
from curator.cli.desk import editor_options
from curator.desk.publish import ImageChoice, draft_report, publish_item, retract_post
from curator.errors import CuratorError
from curator.site.run import export_site


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
    _, report = draft_report(app.store, app.config, item_id)
    for note in views.language_notes(report, app.config.review.crisis_line):
        click.echo(note, err=True)
    published = publish_item(
        app.store, app.config, item_id, editor_name(editor), now(),
        allow_terms=allow_terms, expected_version=expect_version,
        image=ImageChoice(image_url, image_alt, image_credit),
    )  # fmt: skip
    click.echo(f"published item {item_id} as {published.post.slug}")
    if published.image_problem:
        click.echo(f"note: no lead image: {published.image_problem}", err=True)
    elif published.post.image and not published.post.image.alt:
        click.echo("note: the lead image has no alt text; pass --image-alt", err=True)
    export_now(app)


@click.command()
@click.argument("slug")
@click.option("--reason", default=None, help="Why (kept in the item's history).")
@click.option("--editor", default=None, help="Your name (default: $CURATOR_EDITOR, else login).")
@pass_app
def retract(app: AppContext, slug: str, reason: str | None, editor: str | None) -> None:
    """Take a published post back out of the feeds."""
    post = retract_post(app.store, slug, editor_name(editor), now(), reason)
    click.echo(f"retracted {post.slug} (item {post.item_id})")
    export_now(app)


@click.command()
@click.option("--all", "include_retracted", is_flag=True, help="Include retracted posts.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON for scripts.")
@pass_app
def posts(app: AppContext, include_retracted: bool, limit: int, as_json: bool) -> None:
    """The published posts, newest first."""
    found = app.store.posts.list(include_retracted=include_retracted, limit=limit)
    if as_json:
        click.echo(views.to_json(found))
        return
    if not found:
        click.echo("No posts yet.")
    for post in found:
        gone = " (retracted)" if post.retracted_at else ""
        click.echo(f"{post.published_at:%Y-%m-%d %H:%M}  {post.slug}  {post.editor}{gone}")


def export_now(app: AppContext) -> None:
    """Bring the feeds and site up to date; the post itself is already saved."""
    try:
        report = export_site(app.config, app.store, now())
    except CuratorError as e:
        click.echo(f"error: saved, but the export failed: {e}; run `curator export`", err=True)
        raise click.exceptions.Exit(1) from e
    click.echo(f"exported {report.posts} post(s) to {report.out_dir}")
