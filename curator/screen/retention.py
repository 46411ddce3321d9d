"""Housekeeping (layer 4): keep the database from growing without bound.

`drop_old_screened_text` runs after each extraction run (the service's process
job and `curator extract`): the text of items nobody will read again, those
filtered or rejected more than `retention.filtered_text_after` ago, is emptied.
SQLite reuses the freed pages, so the file stops growing rather than shrinking.
"""

from __future__ import annotations

from datetime import datetime

from curator.config import Config
from curator.store import Store
from curator.store.retention import PrunedText


def drop_old_screened_text(config: Config, store: Store, now: datetime) -> PrunedText:
    """Apply `retention.filtered_text_after` as of `now`."""
    return store.retention.drop_screened_out_text(now - config.retention.filtered_text_after)
