"""Times in the database: ISO 8601 UTC text, always the same width so they sort."""

from __future__ import annotations

from datetime import UTC, datetime


def to_db(moment: datetime | None) -> str | None:
    """Aware datetime -> '2026-12-03T07:44:39.000000+00:00' (None stays None)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the store")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_db(text: str | None) -> datetime | None:
    """The inverse of `to_db`."""
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
