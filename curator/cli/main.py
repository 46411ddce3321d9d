"""`curator`: the root command. Subcommands are imported only when run, so
`curator queue` does not pay for trafilatura or feedgen at start-up."""

from __future__ import annotations

import logging
import sys
from importlib import import_module
from pathlib import Path
from typing import Any

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
    "merge": "stories:merge",
    "split": "stories:split",
    "stories": "stories:stories",
    "export": "export:export",
    "learn": "learn:learn",
    "report": "report:report",
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
    set_up_logging(verbose, service=ctx.invoked_subcommand == "serve")
    app = AppContext(config_path=config_path, verbose=verbose)
    ctx.obj = app
    ctx.call_on_close(app.close)


class _CurrentStderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time, so that a progress bar, which
    stands in for it while it runs, prints the lines above itself."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _: Any) -> None:
        return


def set_up_logging(verbose: bool, *, service: bool) -> None:
    """The service logs what it does (INFO); a command in a terminal says it in its
    own output and logs only warnings, unless -v asks for every detail."""
    handler = _CurrentStderr()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    quiet = logging.INFO if service else logging.WARNING
    logging.basicConfig(level=logging.DEBUG if verbose else quiet, handlers=[handler])
    # httpx logs every request at INFO; our own one line per source says more.
    logging.getLogger("httpx").setLevel(logging.DEBUG if verbose else logging.WARNING)


def main() -> None:
    """Run the CLI. Every error is one line on stderr starting `error:`: a usage error
    (a missing or wrong argument) exits 2, anything else that stops a command exits 1."""
    try:
        cli.main(prog_name="curator", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.UsageError as e:
        click.echo(usage_line(e), err=True)
        sys.exit(2)
    except click.ClickException as e:
        click.echo(f"error: {e.format_message()}", err=True)
        sys.exit(e.exit_code)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except CuratorError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)


def usage_line(error: click.UsageError) -> str:
    """'error: curator reject: missing option '--reason' (see `curator reject --help`)'."""
    message = error.format_message().rstrip(".")
    message = message[:1].lower() + message[1:]
    ctx = error.ctx
    if ctx is None:
        return f"error: {message}"
    return f"error: {ctx.command_path}: {message} (see `{ctx.command_path} --help`)"
