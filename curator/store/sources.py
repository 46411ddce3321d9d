"""The store for sources and their polling bookkeeping (the schedule lives here).

A source from config.toml keeps its identity through `declared_url` (as written),
so a 301 that moves `url` does not make the next start-up add it again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from curator.config.lists import SourceConfig
from curator.errors import ConfigError, CuratorError, SourceError
from curator.models import Source, SourceUpdate, Validators
from curator.store.database import translate_errors, write_transaction
from curator.store.source_rows import SourceCounts, SyncReport, row_to_source, seconds
from curator.store.times import from_db, to_db
from curator.urls import normalize_url

RETIRED = "removed from config.toml"
_COUNTED = "(SELECT COUNT(*) FROM entries e WHERE e.source_id = sources.id) AS entry_count"


class SourceStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def sync_from_config(self, sources: Sequence[SourceConfig], now: datetime) -> SyncReport:
        """Make the [[sources]] of config.toml rows: add new ones (due now), update
        changed names/tags/intervals, disable those no longer listed."""
        wanted = {_declared(s, i): s for i, s in enumerate(sources)}
        if self._in_step(wanted):
            return SyncReport()  # nothing to write: no write lock is taken
        with translate_errors("sources"), write_transaction(self.db):
            rows = {r["declared_url"]: r for r in self._rows("origin = 'config'")}
            added = updated = retired = 0
            for declared, given in wanted.items():
                row = rows.get(declared) or self._adopt(declared)
                if row is None:
                    self._insert(
                        declared,
                        given.name,
                        given.tags,
                        given.interval,
                        "config",
                        now,
                        filter_=given.filter,
                    )
                    added += 1
                elif self._refresh(row, declared, given):
                    updated += 1
            for declared, row in rows.items():
                if declared not in wanted and row["enabled"]:
                    self.db.table("sources").update(
                        row["id"], {"enabled": 0, "disabled_reason": RETIRED}
                    )
                    retired += 1
        return SyncReport(added, updated, retired)

    def add(
        self,
        url: str,
        *,
        name: str,
        now: datetime,
        tags: Sequence[str] = (),
        interval: timedelta | None = None,
        origin: str = "cli",
        filter_: str = "topics",
    ) -> Source:
        """Add a source, due at once; a URL that is already a source is refused."""
        normal = normalize_url(url)
        with translate_errors("sources"), write_transaction(self.db):
            existing = self._rows("url = ?", [normal])
            if existing:
                known = existing[0]
                raise SourceError(url, f"already a source (id {known['id']}, {known['name']!r})")
            source_id = self._insert(
                normal, name, tuple(tags), interval, origin, now, filter_=filter_
            )
        return self.get(source_id)

    def remove(self, name_or_id: str) -> Source:
        """Delete a source and its entries."""
        source = self.find(name_or_id)
        with translate_errors("sources"), write_transaction(self.db):
            self.db.table("sources").delete(source.id)
        return source

    def get(self, source_id: int) -> Source:
        rows = self._rows("id = ?", [source_id], counted=True)
        if not rows:
            raise CuratorError(f"source {source_id}: no such source")
        return row_to_source(rows[0])

    def find(self, name_or_id: str) -> Source:
        """A source by id, exact name, or name ignoring case; ambiguity is an error."""
        where = "id = ?" if name_or_id.isdigit() else "name = ? COLLATE NOCASE"
        rows = self._rows(where, [name_or_id], counted=True)
        exact = [r for r in rows if r["name"] == name_or_id]
        rows = exact or rows
        if len(rows) != 1:
            problem = (
                f"{len(rows)} sources have that name; use the id" if rows else "no such source"
            )
            raise CuratorError(f"source {name_or_id!r}: {problem} (see `curator sources list`)")
        return row_to_source(rows[0])

    def all(self) -> list[Source]:
        """Every source with its entry count, by name."""
        rows = self._rows("1", counted=True, order="name COLLATE NOCASE, id")
        return [row_to_source(r) for r in rows]

    def all_on_topic(self) -> frozenset[int]:
        """Ids of the sources marked `filter = "all"`."""
        with translate_errors("sources"):
            rows = self.db.execute("SELECT id FROM sources WHERE filter = 'all'").fetchall()
        return frozenset(r[0] for r in rows)

    def due(self, now: datetime, *, everything: bool = False) -> list[Source]:
        """Enabled sources whose next poll time has come (all enabled ones if `everything`)."""
        if everything:
            where, params = "enabled = 1", []
        else:
            where, params = (
                "enabled = 1 AND (next_poll_at IS NULL OR next_poll_at <= ?)",
                [to_db(now)],
            )
        return [row_to_source(r) for r in self._rows(where, params, order="next_poll_at, id")]

    def apply(self, update: SourceUpdate) -> bool:
        """Write what one poll decided, in one transaction; True if the source moved
        to `update.moved_to` (False when there is no move or another source has it)."""
        with translate_errors("sources"), write_transaction(self.db):
            moved = update.moved_to is not None and self._move(update.source_id, update.moved_to)
            values = _failure_columns(update) if update.failed else _success_columns(update)
            # plain SQL: sqlite-utils' update() reads the row first, a query per poll
            assignments = ", ".join(f"{column} = ?" for column in values)
            self.db.execute(
                f"UPDATE sources SET {assignments} WHERE id = ?",
                [*values.values(), update.source_id],
            )
        return moved

    def apply_all(self, updates: Sequence[SourceUpdate]) -> None:
        """Write many polls' bookkeeping in one transaction (e.g. a batch of 304s)."""
        with translate_errors("sources"), write_transaction(self.db):
            for update in updates:
                self.apply(update)

    def _move(self, source_id: int, new_url: str) -> bool:
        """Point a source at the URL a 301/308 gave; False if another source has it."""
        normal = normalize_url(new_url)
        if self._rows("url = ? AND id != ?", [normal, source_id]):
            return False
        self.db.execute("UPDATE sources SET url = ? WHERE id = ?", [normal, source_id])
        return True

    def counts(self, now: datetime) -> SourceCounts:
        """Sources, failing and disabled ones, entries (all and since midnight UTC)."""
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        with translate_errors("sources"):
            row = self.db.execute(
                """SELECT COUNT(*), COALESCE(SUM(enabled), 0),
                          COALESCE(SUM(enabled = 1 AND consecutive_errors > 0), 0),
                          COALESCE(SUM(enabled = 0), 0), MAX(last_polled_at),
                          (SELECT COUNT(*) FROM entries),
                          (SELECT COUNT(*) FROM entries WHERE first_seen_at >= ?)
                   FROM sources""",
                [to_db(midnight)],
            ).fetchone()
        return SourceCounts(
            sources=row[0],
            enabled=row[1],
            failing=row[2],
            disabled=row[3],
            entries=row[5],
            entries_today=row[6],
            last_poll_at=from_db(row[4]),
        )

    def worst(self, limit: int = 5) -> list[Source]:
        """Failing or disabled sources, the longest-failing first."""
        where = "consecutive_errors > 0 OR enabled = 0"
        rows = self._rows(where, counted=True, order="enabled, consecutive_errors DESC, name")
        return [row_to_source(r) for r in rows[:limit]]

    def _rows(
        self, where: str, params: Sequence[Any] = (), *, counted: bool = False, order: str = "id"
    ) -> list[dict[str, Any]]:
        columns = "*, " + _COUNTED if counted else "*, 0 AS entry_count"
        sql = f"SELECT {columns} FROM sources WHERE {where} ORDER BY {order}"
        with translate_errors("sources"):
            cursor = self.db.execute(sql, list(params))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _adopt(self, declared: str) -> dict[str, Any] | None:
        """A source added by hand that config.toml now lists becomes a config source."""
        rows = self._rows("url = ? OR declared_url = ?", [declared, declared])
        if not rows:
            return None
        self.db.table("sources").update(
            rows[0]["id"], {"origin": "config", "declared_url": declared}
        )
        return rows[0]

    def _insert(
        self,
        url: str,
        name: str,
        tags: tuple[str, ...],
        interval: timedelta | None,
        origin: str,
        now: datetime,
        *,
        filter_: str = "topics",
    ) -> int:
        row = {
            "url": url,
            "declared_url": url,
            "name": name,
            "tags": json.dumps(list(tags)),
            "interval_seconds": seconds(interval),
            "origin": origin,
            "filter": filter_,
            "next_poll_at": to_db(now),
            "created_at": to_db(now),
        }
        return int(self.db.table("sources").insert(row).last_pk or 0)

    def _in_step(self, wanted: dict[str, SourceConfig]) -> bool:
        """Every listed source has its row as config.toml says, and no other config
        source is enabled (so a start-up on a locked database can go on reading)."""
        rows = {r["declared_url"]: r for r in self._rows("origin = 'config'")}
        listed = all(
            declared in rows and not _changes(rows[declared], given)
            for declared, given in wanted.items()
        )
        retired = all(row["enabled"] == 0 for d, row in rows.items() if d not in wanted)
        return listed and retired

    def _refresh(self, row: dict[str, Any], declared: str, given: SourceConfig) -> bool:
        changed = _changes(row, given)
        if changed:
            self.db.table("sources").update(row["id"], changed)
        return bool(changed)


def _changes(row: dict[str, Any], given: SourceConfig) -> dict[str, Any]:
    """The columns of a config source's row that config.toml now says otherwise."""
    values = {
        "name": given.name,
        "tags": json.dumps(list(given.tags)),
        "interval_seconds": seconds(given.interval),
        "filter": given.filter,
    }
    if row["disabled_reason"] == RETIRED:
        values.update(enabled=1, disabled_reason=None)
    return {k: v for k, v in values.items() if row.get(k) != v}


def _success_columns(update: SourceUpdate) -> dict[str, Any]:
    """A poll that worked (ok | unchanged | not_modified): errors reset, the source
    is enabled again, the validators replace the old."""
    validators = update.validators or Validators()
    values: dict[str, Any] = {
        "last_polled_at": to_db(update.polled_at),
        "last_status": update.status,
        "last_http_status": update.http_status,
        "last_error": None,
        "last_warning": update.warning,
        "consecutive_errors": 0,
        "next_poll_at": to_db(update.next_poll_at),
        "enabled": 1,
        "disabled_reason": None,
        "etag": validators.etag,
        "last_modified": validators.last_modified,
        "body_hash": validators.body_hash,
    }
    if update.feed_title:
        values["feed_title"] = update.feed_title
    return values


def _failure_columns(update: SourceUpdate) -> dict[str, Any]:
    """A failed poll is data: the error, how many in a row, the next attempt."""
    return {
        "last_polled_at": to_db(update.polled_at),
        "last_status": update.status,
        "last_http_status": update.http_status,
        "last_error": (update.error or "")[:1000],
        "consecutive_errors": update.consecutive_errors,
        "next_poll_at": to_db(update.next_poll_at),
        "enabled": 0 if update.disabled_reason else 1,
        "disabled_reason": update.disabled_reason,
    }


def _declared(source: SourceConfig, index: int) -> str:
    try:
        return normalize_url(source.url)
    except ValueError as e:
        raise ConfigError(f"sources[{index}].url", f"{source.url!r} is not an http(s) URL") from e
