"""What a poll run did: one `SourceOutcome` per source, summed in a `PollReport`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from curator.models import Source, SourceUpdate
from curator.store.entries import UpsertCounts

# SourceOutcome.status values
OK = "ok"
UNCHANGED = "unchanged"  # the same bytes as last time
NOT_MODIFIED = "not_modified"  # 304
FAILED = "error"
DISABLED = "disabled"  # 410 Gone


@dataclass(frozen=True)
class SourceOutcome:
    """One source's poll: entry counts on success, the error when it failed."""

    source_id: int
    name: str
    url: str
    status: str  # ok | unchanged (same bytes) | not_modified (304) | error | disabled (410)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    http_status: int | None = None
    error: str | None = None
    warning: str | None = None
    next_poll_at: datetime | None = None
    moved_to: str | None = None

    @property
    def failed(self) -> bool:
        return self.status in (FAILED, DISABLED)

    @classmethod
    def of(
        cls,
        source: Source,
        update: SourceUpdate,
        *,
        moved: bool = False,
        counts: UpsertCounts | None = None,
    ) -> SourceOutcome:
        """What the report says of a poll the store has written (`moved`: it took
        the 301/308's URL; `counts`: what happened to the entries)."""
        if update.failed:
            error = update.disabled_reason or update.error
            return cls(source.id, source.name, source.url, update.status,
                       http_status=update.http_status, error=error,
                       next_poll_at=update.next_poll_at)  # fmt: skip
        counts = counts or UpsertCounts()
        return cls(
            source.id, source.name, source.url, update.status,
            new=counts.new, updated=counts.updated, unchanged=counts.unchanged,
            http_status=update.http_status, next_poll_at=update.next_poll_at,
            warning=update.warning if update.status == OK else None,
            moved_to=update.moved_to if moved else None,
        )  # fmt: skip


@dataclass(frozen=True)
class PollReport:
    """Entry counts (new/updated/unchanged) and source counts (not_modified/failed)."""

    new: int
    updated: int
    unchanged: int
    not_modified: int
    failed: int
    outcomes: tuple[SourceOutcome, ...]
    stopped_early: bool = False  # should_stop() said so before every due source was polled

    @classmethod
    def of(cls, outcomes: Sequence[SourceOutcome], *, stopped_early: bool = False) -> PollReport:
        return cls(
            new=sum(o.new for o in outcomes),
            updated=sum(o.updated for o in outcomes),
            unchanged=sum(o.unchanged for o in outcomes),
            not_modified=sum(o.status == NOT_MODIFIED for o in outcomes),
            failed=sum(o.failed for o in outcomes),
            outcomes=tuple(outcomes),
            stopped_early=stopped_early,
        )
