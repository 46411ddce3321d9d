"""Source rows as records: the conversion both ways, and what the source store reports."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from curator.models import Source
from curator.store.times import from_db


@dataclass(frozen=True)
class SyncReport:
    added: int = 0
    updated: int = 0
    retired: int = 0


@dataclass(frozen=True)
class SourceCounts:
    """The numbers `curator status` shows."""

    sources: int
    enabled: int
    failing: int
    disabled: int
    entries: int
    entries_today: int
    last_poll_at: datetime | None


def seconds(interval: timedelta | None) -> int | None:
    """A duration as whole seconds for the interval_seconds column."""
    return int(interval.total_seconds()) if interval else None


def row_to_source(row: dict[str, Any]) -> Source:
    """A `sources` row (with an entry_count column) as a Source record."""
    interval = row["interval_seconds"]
    return Source(
        id=row["id"],
        url=row["url"],
        name=row["name"],
        tags=tuple(json.loads(row["tags"])),
        interval=timedelta(seconds=interval) if interval else None,
        enabled=bool(row["enabled"]),
        disabled_reason=row["disabled_reason"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        body_hash=row["body_hash"],
        last_polled_at=from_db(row["last_polled_at"]),
        last_status=row["last_status"],
        last_error=row["last_error"],
        last_warning=row["last_warning"],
        consecutive_errors=row["consecutive_errors"],
        next_poll_at=from_db(row["next_poll_at"]),
        entry_count=row["entry_count"],
        origin=row["origin"],
        filter=row["filter"],
    )
