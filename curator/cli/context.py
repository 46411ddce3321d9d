"""What every command shares: the loaded config, the store, the clock, the editor.

Commands stay thin: parse arguments, call one library function, print.
"""

from __future__ import annotations

import functools
import getpass
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import click
from rich.console import Console
from rich.text import Text

from curator import config as config_module
from curator.config import Config
from curator.store import Store


@dataclass
class AppContext:
    config_path: Path | None
    verbose: bool = False
    _config: Config | None = None
    _store: Store | None = None
    console: Console = field(default_factory=Console)
    err: Console = field(default_factory=lambda: Console(stderr=True))

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = config_module.load(self.config_path)
        return self._config

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(self.config.curator.database, self.config.curator.busy_timeout)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def now() -> datetime:
    """The one clock of the front doors; everything below takes `now` as an argument."""
    return datetime.now(UTC)


def editor_name(explicit: str | None = None) -> str:
    """--editor, else $CURATOR_EDITOR, else the login name."""
    return explicit or os.environ.get("CURATOR_EDITOR") or getpass.getuser()


EDITOR_HELP = "Your name (default: $CURATOR_EDITOR, else the login name)."

pass_app = click.make_pass_decorator(AppContext)

_P = ParamSpec("_P")
_R = TypeVar("_R")


def syncs_sources(
    command: Callable[Concatenate[AppContext, _P], _R],
) -> Callable[Concatenate[AppContext, _P], _R]:
    """For a command that works on sources (put it under @pass_app): the [[sources]]
    of config.toml are brought into the database first, once per command."""

    @functools.wraps(command)
    def synced(app: AppContext, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        # imported here: `curator --help` and the desk's commands do not load polling
        from curator.poll.sources import sync_config_sources

        sync_config_sources(app.config, app.store, now())
        return command(app, *args, **kwargs)

    return synced


# SQLite integers are 64-bit: a larger number would overflow in the driver (a
# traceback) instead of reading as "no such item". Ids, versions and limits use these.
SQLITE_MAX = 2**63 - 1
ROW_ID = click.IntRange(1, SQLITE_MAX)


class Count(click.ParamType):
    """A whole number from 1 up (a limit, a version): said in words when wrong, and
    without click's `[1<=x<=9223372036854775807]` in --help."""

    name = "N"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        if isinstance(value, int):
            number = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                self.fail(f"{value!r} is not a whole number", param, ctx)
        if not 1 <= number <= SQLITE_MAX:
            self.fail(f"{number} is not a number from 1 up", param, ctx)
        return number


COUNT = Count()

# C0 and C1 controls but tab and newline: ESC sequences could move the cursor,
# retitle the window or hide lines in an editor's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """Strangers' text (feed titles, pages) without terminal control characters."""
    return _CONTROL.sub("", text)


def shown(text: str, style: str = "") -> Text:
    """Text for rich, never read as markup: a feed title holding '[/]' or
    '[link=...]' is printed as it is, not obeyed (and '[/]' no longer crashes)."""
    return Text(clean(text), style=style)
