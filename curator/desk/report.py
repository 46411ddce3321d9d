"""What the desk did in a time window (`curator report`): items in, published,
rejected, snoozed, and the median time from first seen to published, in all, per
editor and per source. A pure tally of the store's records."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from curator.store.activity import Arrival, Decision


@dataclass(frozen=True)
class Tally:
    """One row of the report: `name` is "all", an editor or a source. `items_in` counts
    items first seen (an editor's row: 0); `kept` those of them not filtered out."""

    name: str
    items_in: int = 0
    kept: int = 0
    published: int = 0
    rejected: int = 0
    snoozed: int = 0
    median_hours_to_publish: float | None = None


@dataclass(frozen=True)
class DeskReport:
    since: datetime
    until: datetime
    total: Tally
    editors: tuple[Tally, ...]
    sources: tuple[Tally, ...]


def tally_desk(
    arrivals: list[Arrival], decisions: list[Decision], since: datetime, until: datetime
) -> DeskReport:
    """The report for the window: in all, per editor (most published first), per source."""
    editors = sorted({d.editor for d in decisions})
    sources = sorted(
        {s for a in arrivals for s in a.sources} | {s for d in decisions for s in d.sources}
    )
    by_editor = [_tally(name, [], [d for d in decisions if d.editor == name]) for name in editors]
    by_source = [
        _tally(name, [a for a in arrivals if name in a.sources],
               [d for d in decisions if name in d.sources])
        for name in sources
    ]  # fmt: skip
    return DeskReport(
        since, until, _tally("all", arrivals, decisions), _ranked(by_editor), _ranked(by_source)
    )


def _tally(name: str, arrivals: list[Arrival], decisions: list[Decision]) -> Tally:
    count = _counter(decisions)
    published = [d for d in decisions if d.to_state == "published"]
    hours = [(d.at - d.first_seen_at).total_seconds() / 3600 for d in published]
    return Tally(
        name=name,
        items_in=len(arrivals),
        kept=sum(1 for a in arrivals if a.state != "filtered"),
        published=count("published"),
        rejected=count("rejected"),
        snoozed=count("snoozed"),
        median_hours_to_publish=round(statistics.median(hours), 1) if hours else None,
    )


def _counter(decisions: Iterable[Decision]) -> Callable[[str], int]:
    states = [d.to_state for d in decisions]
    return states.count


def _ranked(rows: list[Tally]) -> tuple[Tally, ...]:
    return tuple(sorted(rows, key=lambda t: (-t.published, -t.items_in, t.name)))
