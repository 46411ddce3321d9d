"""`curator serve`: the background service, running `jobs.service_jobs` on the clock."""

from __future__ import annotations

import logging

import click

from curator.cli.context import AppContext, now, pass_app
from curator.jobs import prepare_service, service_jobs
from curator.service import lock_path_for, run_service


@click.command()
@click.option("--once", is_flag=True, help="Run every job once, then exit (burst mode).")
@pass_app
def serve(app: AppContext, once: bool) -> None:
    """Run the service: poll due sources, process new entries, export the site.

    Ticks: poll.tick, extract.tick, export.tick. One service per database. The
    first SIGTERM/SIGINT finishes the work in hand and exits 0; a second exits now."""
    config = app.config
    if not app.verbose:
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    database = config.curator.database
    prepare_service(config, now())
    run_service(
        config,
        service_jobs(config),
        lock_path=lock_path_for(database),
        logger=logging.getLogger("curator.service"),
        once=once,
    )
