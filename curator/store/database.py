"""Opening the SQLite file: WAL, a busy timeout, foreign keys, migrations.

sqlite3's own errors are translated here (and only here) into StoreError.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import sqlite_utils

from curator.errors import DatabaseLocked, StoreError
from curator.store.migrations import MIGRATIONS


def open_database(
    path: Path, busy_timeout: timedelta = timedelta(seconds=5)
) -> sqlite_utils.Database:
    """Open (creating if needed) the database at `path`, schema up to date."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # isolation_level=None: no implicit transactions; writes say BEGIN IMMEDIATE.
        conn = sqlite3.connect(
            str(path),
            timeout=busy_timeout.total_seconds(),
            isolation_level=None,
            check_same_thread=False,
        )
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout.total_seconds() * 1000)}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        db = sqlite_utils.Database(conn)
        with translate_errors(path):
            MIGRATIONS.apply(db)
    except sqlite3.DatabaseError as e:
        raise _translate(e, path) from e
    return db


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction, taken with BEGIN IMMEDIATE so a reader that later
    writes never fails half-way; nested calls become savepoints."""
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


@contextlib.contextmanager
def translate_errors(where: Path | str) -> Iterator[None]:
    """Turn sqlite3 errors raised inside the block into one-line StoreErrors."""
    try:
        yield
    except sqlite3.DatabaseError as e:
        raise _translate(e, where) from e


def _translate(error: sqlite3.DatabaseError, where: Path | str) -> StoreError:
    text = str(error)
    if "locked" in text or "busy" in text:
        return DatabaseLocked(f"database {where} is locked by another process; try again")
    return StoreError(f"database {where}: {text}")
