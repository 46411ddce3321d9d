"""One convention for every listing command, and one for usage errors.

Listings: `--limit N` (50 by default) and a note on stderr when the list was cut
("50 of 60; --limit 60 shows them all"); `--json` is one JSON array; to a pipe, a
header and one line an item, whatever the length of a title. Usage errors: one line
`error: ...` on stderr and exit status 2.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from desk_factory import add_item, write_config
from rich.console import Console
from rich.text import Text

from curator import config as config_module
from curator.cli.desk_views import QUEUE_COLUMNS, queue_rows
from curator.cli.listing import print_rows
from curator.cli.main import COMMANDS, cli
from curator.desk import actions
from curator.desk.publish import publish_item
from curator.desk.states import Action
from curator.store import Store
from curator.store.queue import QueueFilter

LONG = "A very long title about naloxone " + "and what it means for families " * 6
# every listing command, with what it needs to list the desk's 60 items (or their posts)
LISTINGS = {
    "queue": ["queue"],
    "items": ["items"],
    "posts": ["posts"],
    "search": ["search", "naloxone"],
    "history": ["history", "60"],
    "sources list": ["sources", "list"],
}


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """60 waiting items (one a source), 55 of them published, and one item's long history."""
    tmp_path = tmp_path_factory.mktemp("listings")
    config = write_config(tmp_path)
    store = Store.open(tmp_path / "curator.db")
    now = datetime.now(UTC)
    ids = [
        add_item(store.db, now, title=f"{LONG} #{n}", sources=(f"Outlet {n}",),
                 age=timedelta(minutes=n))
        for n in range(60)
    ]  # fmt: skip
    for item_id in ids[:55]:
        _publish(store, config, item_id, now)
    for n in range(30):  # claim and release: 60 history rows
        _act(store, config, ids[59], Action.CLAIM, now + timedelta(seconds=n))
        _act(store, config, ids[59], Action.RELEASE, now + timedelta(seconds=n))
    store.close()
    return config


def _act(store: Store, config_path: Path, item_id: int, action: Action, now: datetime) -> None:
    actions.act(store, config_module.load(config_path), item_id, action, "ana", now)


def _publish(store: Store, config_path: Path, item_id: int, now: datetime) -> None:
    config = config_module.load(config_path)
    actions.save_draft(store, config, item_id, "ana", now, title=f"Post {item_id}",
                       tags=("overdose",), body="Naloxone saves lives.")  # fmt: skip
    publish_item(store, config, item_id, "ana", now)


def run(config: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner(env={"CURATOR_EDITOR": "ana"}).invoke(cli, ["--config", str(config), *args])
    return result.exit_code, result.stdout, result.stderr


def _published_and_waiting(command: list[str]) -> list[str]:
    """Which state holds 60 for each listing: items and queue count waiting ones."""
    if command[0] == "items":
        return [*command, "--state", "new", "--state", "published"]
    if command[0] == "queue":
        return [*command, "--state", "published"]
    return command


@pytest.mark.parametrize("name", sorted(LISTINGS))
def test_a_listing_says_when_it_was_cut(desk: Path, name: str) -> None:
    args = _published_and_waiting(LISTINGS[name])
    code, out, err = run(desk, *args, "--limit", "7")
    assert code == 0, err
    assert len(out.splitlines()) == 1 + 7  # a header and an item a line
    assert err.startswith("7 of ") and "; --limit " in err and "shows them all" in err
    total = int(err.split()[2].rstrip(";"))
    code, out, err = run(desk, *args, "--limit", str(total))
    assert len(out.splitlines()) == 1 + total and err == ""


@pytest.mark.parametrize("name", sorted(LISTINGS))
def test_a_listing_shows_50_at_first_and_json_is_one_array(desk: Path, name: str) -> None:
    args = _published_and_waiting(LISTINGS[name])
    code, out, err = run(desk, *args, "--json")
    assert code == 0, err
    found = json.loads(out)
    assert isinstance(found, list) and all(isinstance(row, dict) for row in found)
    assert len(found) == 50 and err.startswith("50 of ")


def test_to_a_pipe_every_item_is_one_whole_line(desk: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "curator", "--config", str(desk), "queue", "--state", "published"],
        capture_output=True, text=True, env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    lines = result.stdout.splitlines()
    # the header; "held by" only when someone holds an item
    assert lines[0].split() == ["id", "age", "score", "title", "source(s)", "topics", "state"]
    assert len(lines) == 51 and all(LONG.strip() in line for line in lines[1:])
    assert "50 of 55; --limit 55 shows them all" in result.stderr


def test_the_narrow_terminal_keeps_one_line_an_item(desk: Path) -> None:
    store = Store.open(desk.parent / "curator.db")
    items = store.queue.queue(QueueFilter(limit=5), datetime.now(UTC))
    store.close()
    screen = io.StringIO()
    console = Console(file=screen, width=80, force_terminal=True, no_color=True)
    print_rows(console, QUEUE_COLUMNS, queue_rows(items, datetime.now(UTC), ()))
    lines = screen.getvalue().splitlines()
    assert len(lines) == 6 and all(len(Text.from_ansi(line).plain) <= 80 for line in lines)
    assert "…" in lines[1] and lines[1].lstrip().startswith(str(items[0].id))


USAGE_ERRORS = [
    ["reject", "5"],  # no --reason
    ["queue", "--limit", "0"],
    ["queue", "--limit", "x"],
    ["show"],
    ["no-such-command"],
    ["posts", "--bogus"],
]


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=" ".join)
def test_a_usage_error_is_one_line_and_exit_2(desk: Path, args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "curator", "--config", str(desk), *args],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: curator") and "--help" in line, line


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_shows_no_integer_ranges_and_every_limit_says_what(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"], terminal_width=80)
    assert result.exit_code == 0
    assert "<=x<=" not in result.output
    if "--limit" in result.output:
        assert "--limit N" in result.output and "at most N" in result.output
