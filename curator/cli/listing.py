"""The one convention of every listing command (`queue`, `items`, `posts`, `search`,
`history`, `sources list`, `report`'s tables):

- `--limit N`, 50 by default; a list cut short says so on stderr: "50 of 60; --limit 60
  shows them all".
- `--json`: one JSON array of objects (indented), `[]` when nothing matched.
- A header, then one line an item, never wrapped, whatever the terminal's width: a
  terminal cuts the title (and drops minor columns) to fit, a pipe (`curator queue |
  cat`) keeps each line whole for grep.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from curator.cli.context import COUNT

DEFAULT_LIMIT = 50


def limit_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--limit N, the same on every listing command."""
    return click.option(
        "--limit", type=COUNT, default=DEFAULT_LIMIT, metavar="N",
        help=f"Show at most N (default {DEFAULT_LIMIT}).",
    )(command)  # fmt: skip


def json_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--json, the same on every listing command."""
    return click.option(
        "--json", "as_json", is_flag=True, help="A JSON array of objects, for scripts."
    )(command)


@dataclass(frozen=True)
class Column:
    """A column of a listing. `main` (the title) takes the room left and is cut first;
    in a terminal the others are cut at `max_width`, and `optional` ones are dropped
    when the main column would get fewer than 20 characters."""

    name: str
    justify: str = "left"
    main: bool = False
    max_width: int | None = None
    optional: bool = False


GAP = "  "


def print_rows(
    console: Console, columns: Sequence[Column], rows: Sequence[Sequence[str | Text]]
) -> None:
    """A header and one line a row (see the module docstring)."""
    cells = [[cell if isinstance(cell, Text) else Text(cell) for cell in row] for row in rows]
    if not console.is_terminal:
        for line in _lines(columns, cells, None):
            click.echo(line.plain.rstrip())
        return
    for line in _lines(columns, cells, console.width):
        console.print(line, no_wrap=True, overflow="ellipsis", highlight=False)


def _lines(columns: Sequence[Column], rows: list[list[Text]], width: int | None) -> list[Text]:
    """The header and the rows, each column padded to one width; with a `width` (a
    terminal), cells are cut to fit it."""
    keep = _fitting(columns, rows, width)
    widths = {i: _width(columns[i], rows, i, width is not None) for i in keep}
    main = next((i for i in keep if columns[i].main), None)
    if width is not None and main is not None:
        others = sum(w for i, w in widths.items() if i != main) + len(GAP) * (len(keep) - 1)
        widths[main] = max(8, min(widths[main], width - others))
    header = [Text(columns[i].name, style="bold") for i in keep]
    return [_line(cells, [columns[i] for i in keep], [widths[i] for i in keep])
            for cells in [header, *([row[i] for i in keep] for row in rows)]]  # fmt: skip


def _fitting(columns: Sequence[Column], rows: list[list[Text]], width: int | None) -> list[int]:
    """The columns shown: all but optional ones with nothing in them, and in a terminal
    fewer optional ones while the main one lacks room."""
    keep = [
        i for i, column in enumerate(columns)
        if not column.optional or any(row[i].plain for row in rows)
    ]  # fmt: skip
    if width is None:
        return keep
    for i in reversed(keep[:]):
        others = [j for j in keep if not columns[j].main]
        used = sum(_width(columns[j], rows, j, True) for j in others) + len(GAP) * len(others)
        if width - used >= 20 or not columns[i].optional:
            continue
        keep.remove(i)
    return keep


def _width(column: Column, rows: list[list[Text]], index: int, capped: bool) -> int:
    natural = max([len(column.name), *(row[index].cell_len for row in rows)])
    if capped and column.max_width is not None and not column.main:
        return min(natural, column.max_width)
    return natural


def _line(cells: Sequence[Text], columns: Sequence[Column], widths: Sequence[int]) -> Text:
    line = Text()
    for n, (cell, column, width) in enumerate(zip(cells, columns, widths, strict=True)):
        cell = cell.copy()
        cell.truncate(width, overflow="ellipsis")
        pad = " " * (width - cell.cell_len)
        parts = [Text(pad), cell] if column.justify == "right" else [cell, Text(pad)]
        line.append_text(Text(GAP) if n else Text())
        for part in parts:
            line.append_text(part)
    line.rstrip()
    return line


def say_if_cut(shown_count: int, total: int) -> None:
    """'50 of 60; --limit 60 shows them all' on stderr, when the list was cut."""
    if total > shown_count:
        click.echo(f"{shown_count} of {total}; --limit {total} shows them all", err=True)
