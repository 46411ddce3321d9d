"""How the desk looks in a terminal (rich) and to scripts (--json)."""

from __future__ import annotations

import dataclasses
import enum
import json
from datetime import UTC, datetime
from typing import Any

import click
from rich.console import Console, Group
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from curator.cli.context import clean, shown
from curator.config import parse_duration
from curator.desk.states import holder
from curator.desk.wording import LanguageReport
from curator.errors import ConfigError
from curator.models import Draft, HistoryEvent, Item


def to_json(records: Any) -> str:
    """Records (dataclasses, lists of them) as indented JSON; times in ISO 8601."""
    return json.dumps(records, default=_plain, indent=2, ensure_ascii=False)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"cannot show {type(value).__name__} as JSON")


def age(moment: datetime, now: datetime) -> str:
    """'45m', '5h', '3d': how long ago, in the largest whole unit."""
    seconds = max(0, int((now - moment).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def queue_table(items: list[Item], now: datetime) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    for name in ("id", "age", "score"):
        table.add_column(name, justify="right")
    for name in ("topics", "title", "source(s)", "state", "held by"):
        table.add_column(name, overflow="fold" if name == "title" else "ellipsis")
    for item in items:
        table.add_row(
            str(item.id),
            age(item.first_seen_at, now),
            f"{item.score:.1f}",
            shown(", ".join(item.topics)),
            shown(item.title),
            shown(_sources(item)),
            item.state.value,
            shown(holder(item, now) or ""),
        )
    return table


def card(item: Item, now: datetime) -> Panel:
    """The review card: title, sources, score and reasons, summary."""
    held = holder(item, now)
    lines = Text()
    lines.append(
        clean(f"{_sources(item)} · {age(item.first_seen_at, now)} ago · {item.state.value}")
    )
    if held:
        lines.append(clean(f" · held by {held} until {item.claim_expires_at:%H:%M}"))
    lines.append(clean(f"\n{item.url}\n"), style="cyan")
    lines.append(
        clean(f"score {item.score:.1f}: {'; '.join(item.reasons) or 'no reasons'}\n"), style="dim"
    )
    if item.learned is not None:
        lines.append(clean(f"{learned_line(item)}\n"), style="dim")
    lines.append(clean(f"\n{item.summary or item.description or '(no summary)'}"))
    return Panel(lines, title=shown(f"#{item.id} {item.title}", "bold"), title_align="left")


def learned_line(item: Item) -> str:
    """The model's view beside the rules': "learned 0.93: +al-anon +families −earnings"."""
    return (
        f"learned {item.learned or 0:.2f}: {' '.join(item.learned_reasons) or 'no word stood out'}"
    )


def history_table(events: list[HistoryEvent]) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    for name in ("when", "editor", "from", "to", "note"):
        table.add_column(name)
    for event in events:
        table.add_row(
            f"{event.at:%Y-%m-%d %H:%M}",
            shown(event.editor),
            event.from_state.value if event.from_state else "",
            event.to_state.value,
            shown(event.note or ""),
        )
    return table


def show_item(
    console: Console, item: Item, now: datetime, texts: list[Any], draft: Draft | None,
    events: list[HistoryEvent],
) -> None:  # fmt: skip
    """Everything about one item, in reading order."""
    console.print(card(item, now))
    console.print(f"first seen {item.first_seen_at:%Y-%m-%d %H:%M} UTC · version {item.version}")
    if item.description and item.description != item.summary:
        console.print(Panel(shown(item.description), title="feed description", title_align="left"))
    for text in texts:
        title = shown(f"{text.source_name}: {text.url}")
        console.print(
            Panel(shown(text.text or "(no text extracted)"), title=title, title_align="left")
        )
    if draft is not None:
        body = Group(shown(f"{draft.title}  [{', '.join(draft.tags)}]", "bold"),
                     Markdown(clean(draft.body_markdown)))  # fmt: skip
        by = shown(f"draft v{draft.version} by {draft.editor}")
        console.print(Panel(body, title=by, title_align="left"))
    console.print(history_table(events))


def _sources(item: Item) -> str:
    return ", ".join(item.source_names) or item.site_name or ""


def parse_when(text: str, now: datetime, *, future: bool) -> datetime:
    """'2d' (from now, forward or back) or an ISO date/time ('2026-12-24', UTC)."""
    try:
        step = parse_duration(text)
    except ConfigError:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise click.BadParameter(f"{text!r} is neither a duration like 2d nor a date") from None
        moment = moment if moment.tzinfo else moment.replace(tzinfo=now.tzinfo)
        try:  # 9999-12-31T23:59-12:00 is past the last date Python can hold in UTC
            return moment.astimezone(UTC)
        except OverflowError:
            raise click.BadParameter(f"{text!r} is out of range") from None
    return now + step if future else now - step


def language_notes(report: LanguageReport, crisis_line: str) -> list[str]:
    """The language check as lines for the editor (warnings, never rewrites)."""
    notes = [f'language: "{f.found}" -> consider "{f.instead}"' for f in report.findings]
    if report.missing_crisis_line:
        notes.append(
            f"reminder: a post on overdose or suicide should carry the crisis line: {crisis_line}"
        )
    return notes
