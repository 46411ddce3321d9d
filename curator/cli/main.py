"""`curator`: the root command. Subcommands are imported only when run, so
`curator queue` does not pay for trafilatura or feedgen at start-up."""

from __future__ import annotations

import logging
import sys
from importlib import import_module
from pathlib import Path

import click

from curator.cli.context import AppContext
from curator.errors import CuratorError

# name -> "module:attribute" under curator.cli
COMMANDS: dict[str, str] = {
    "sources": "sources:sources",
    "poll": "poll:poll",
    "status": "poll:status",
    "serve": "serve:serve",
    "demo": "demo:demo",
    "extract": "screen:extract",
    "score": "screen:score",
    "items": "screen:items",
    "queue": "desk:queue",
    "show": "desk:show",
    "history": "desk:history",
    "claim": "desk:claim",
    "release": "desk:release",
    "reject": "desk:reject",
    "snooze": "desk:snooze",
    "reopen": "desk:reopen",
    "promote": "desk:promote",
    "annotate": "annotate:annotate",
    "review": "review:review",
    "publish": "publish:publish",
    "retract": "publish:retract",
    "posts": "publish:posts",
    "search": "desk:search",
    "export": "export:export",
    "digest": "digest:digest",
}


class LazyGroup(click.Group):
    """Loads a subcommand's module only when it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        module = import_module(f"curator.cli.{module_name}")
        command: click.Command = getattr(module, attribute)
        return command


@click.group(cls=LazyGroup)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="CURATOR_CONFIG",
    help="Configuration file (default: ./config.toml, or $CURATOR_CONFIG).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log more detail.")
@click.version_option(package_name="curator")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, verbose: bool) -> None:
    """Curator finds, screens and publishes news about addiction and recovery."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # httpx logs every request at INFO; our own one line per source says more.
    logging.getLogger("httpx").setLevel(logging.DEBUG if verbose else logging.WARNING)
    app = AppContext(config_path=config_path, verbose=verbose)
    ctx.obj = app
    ctx.call_on_close(app.close)


def main() -> None:
    """Run the CLI; a CuratorError becomes one line on stderr and exit status 1."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except CuratorError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
