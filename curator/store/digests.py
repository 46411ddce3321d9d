"""The weekly digests: which weeks were made, and who has been sent which.

Each recipient's copy is claimed (`sending`) in its own transaction before it goes
out and marked `sent` after. A run that crashed between the two leaves `sending`: the
next run does not send that copy again (it may have gone), it reports it.
"""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from curator.store.database import translate_errors, write_transaction
from curator.store.times import from_db, to_db


class DigestStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def record(self, week: str, now: datetime) -> None:
        """Note that the digest of `week` ("2026-W49") exists; a second call keeps the first."""
        with translate_errors("digests"), write_transaction(self.db):
            self.db.execute(
                "INSERT OR IGNORE INTO digests (week, made_at) VALUES (?, ?)", [week, to_db(now)]
            )

    def weeks(self) -> list[tuple[str, datetime]]:
        """Every digest made, newest week first, with when it was made."""
        with translate_errors("digests"):
            rows = self.db.execute("SELECT week, made_at FROM digests ORDER BY week DESC")
            return [(week, made) for week, text in rows.fetchall() if (made := from_db(text))]

    def claim(self, week: str, recipient: str, now: datetime) -> bool:
        """Take `recipient`'s copy of `week` to send now; False if it was taken before
        (sent, or claimed by a run that did not finish)."""
        sql = "INSERT OR IGNORE INTO digest_sends VALUES (?, ?, 'sending', ?)"
        with translate_errors("digest_sends"), write_transaction(self.db):
            return self.db.execute(sql, [week, recipient, to_db(now)]).rowcount == 1

    def mark_sent(self, week: str, recipient: str, now: datetime) -> None:
        sql = "UPDATE digest_sends SET state = 'sent', at = ? WHERE week = ? AND recipient = ?"
        with translate_errors("digest_sends"), write_transaction(self.db):
            self.db.execute(sql, [to_db(now), week, recipient])

    def release(self, week: str, recipient: str) -> None:
        """Give back a claim whose copy the server refused: the next run sends it."""
        sql = "DELETE FROM digest_sends WHERE week = ? AND recipient = ? AND state = 'sending'"
        with translate_errors("digest_sends"), write_transaction(self.db):
            self.db.execute(sql, [week, recipient])

    def sends(self, week: str) -> dict[str, str]:
        """recipient -> 'sending' or 'sent', for the copies of `week` taken so far."""
        sql = "SELECT recipient, state FROM digest_sends WHERE week = ?"
        with translate_errors("digest_sends"):
            return dict(self.db.execute(sql, [week]).fetchall())
