"""A stand-in for $EDITOR in the annotate tests: a real program editing a real file.

FAKE_EDITOR_MODE:
  write  copy what it was given to $FAKE_EDITOR_SEEN, then replace the body with $FAKE_EDITOR_TEXT
  keep   leave the file as it is (the editor saved without changes)
  fail   write the text, then exit 1 (the editor crashed)
  race   write the text, and meanwhile "ben" changes the item in the database
  hold   as write, but only once the file $FAKE_EDITOR_RELEASE exists (another editor
         acts meanwhile)
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from datetime import UTC, datetime
from pathlib import Path


def main() -> int:
    path = Path(sys.argv[-1])
    mode = os.environ.get("FAKE_EDITOR_MODE", "write")
    given = path.read_text(encoding="utf-8")
    Path(os.environ["FAKE_EDITOR_SEEN"]).write_text(given, encoding="utf-8")
    if mode == "keep":
        return 0
    if mode == "hold":
        release = Path(os.environ["FAKE_EDITOR_RELEASE"])
        deadline = time.monotonic() + 30
        while not release.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
    rule = "\n---\n" if "\n---\n" in given else "\n+++\n"  # the header, kept
    head, _, _ = given.partition(rule)
    path.write_text(f"{head}{rule}\n{os.environ['FAKE_EDITOR_TEXT']}\n", encoding="utf-8")
    if mode == "race":
        item_id = int(path.name.split("-")[1])
        with sqlite3.connect(os.environ["FAKE_EDITOR_DB"]) as db:
            db.execute(
                "UPDATE items SET version = version + 1, changed_by = 'ben', changed_at = ?"
                " WHERE id = ?",
                [datetime.now(UTC).isoformat(timespec="microseconds"), item_id],
            )
    return 1 if mode == "fail" else 0


if __name__ == "__main__":
    sys.exit(main())
