"""`curator digest [--week 2026-W49] [--preview] [--send]`: the weekly digest."""

from __future__ import annotations

import click

from curator.cli.context import AppContext, now, pass_app
from curator.site.digest import parse_week, week_before
from curator.site.digest_run import (
    check_sending,
    make_digest,
    preview,
    send_digest,
    write_preview,
)


@click.command()
@click.option("--week", default=None, help="ISO week like 2026-W49 (default: last week).")
@click.option("--preview", "preview_only", is_flag=True, help="Write the email to check, only.")
@click.option("--send", is_flag=True, help="Send it by SMTP ([digest] in the config).")
@pass_app
def digest(app: AppContext, week: str | None, preview_only: bool, send: bool) -> None:
    """Build the week's digest: its page, digest.xml and the email; send it if asked."""
    moment = now()
    chosen = parse_week(week) if week else week_before(moment)
    if preview_only:
        made = make_digest(app.config, app.store, chosen, moment, record=False)
        if made.empty:
            click.echo(f"{chosen.label}: no posts, no digest")
            return
        for path in write_preview(app.config, chosen, preview(app.config, made)):
            click.echo(f"preview: {path}")
        return
    if send:
        check_sending(app.config)
    made = make_digest(app.config, app.store, chosen, moment)
    if made.empty:
        click.echo(f"{chosen.label}: no posts, nothing made or sent")
        return
    posts = len(made.digest.posts)
    click.echo(f"{chosen.label}: {posts} post(s); page {made.digest.week.page} and digest.xml")
    if send:
        report = send_digest(app.config, app.store, made, moment)
        click.echo(f"sent {report.sent}, {report.already} had it already")
        for address in report.uncertain:
            click.echo(f"note: {address}: a run stopped while sending; not sent again", err=True)
