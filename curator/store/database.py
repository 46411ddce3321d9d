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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreError(f"database {path}: cannot create its folder ({e.strerror})") from e
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
    _execute(conn, "BEGIN IMMEDIATE")  # a lock held elsewhere fails here, in one line
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        try:
            _execute(conn, "COMMIT")
        except StoreError:  # e.g. the disk is full: leave no transaction open behind us
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def _execute(conn: sqlite3.Connection, statement: str) -> None:
    """Run `statement`; its error becomes a StoreError naming the database file."""
    try:
        conn.execute(statement)
    except sqlite3.DatabaseError as e:
        try:
            where: Path | str = Path(conn.execute("PRAGMA database_list").fetchone()[2])
        except sqlite3.DatabaseError:
            where = statement
        raise _translate(e, where) from e


@contextlib.contextmanager
def translate_errors(where: Path | str) -> Iterator[None]:
    """Turn sqlite3 errors raised inside the block into one-line StoreErrors."""
    try:
        yield
    except sqlite3.DatabaseError as e:
        raise _translate(e, where) from e


def _translate(error: sqlite3.DatabaseError, where: Path | str) -> StoreError:
    text = str(error)
    # `where` is the file, or the table in hand (the stores do not know the file)
    what = f"database {where}" if isinstance(where, Path) else f"the database ({where})"
    if "locked" in text or "busy" in text:
        return DatabaseLocked(f"{what} is locked by another process; try again")
    return StoreError(f"{what}: {text}")
