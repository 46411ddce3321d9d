"""The store for stories: each item's reports as clustering reads them (`signatures`),
an item's coverage as editors see it (its reports), the merges and splits decided by
`desk.stories`, and the labelled pairs they leave behind for `curator stories eval`.

A correction is applied in one transaction: each item it touches is updated only at
the version it was read (else `StaleItem`, nothing changed), entries move, the items'
outlets are counted again, and every item gets a history row.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlite_utils

from curator.models import ItemState, StorySignature
from curator.models.stories import ItemTouch, LabelledPair, NewStory, Report, StoryCorrection
from curator.store.database import translate_errors, write_transaction
from curator.store.item_changes import stale_error
from curator.store.times import from_db, to_db

_REPORTS = """
SELECT e.id, e.item_id, e.source_id, s.name, e.title, coalesce(e.url, a.url, ''),
       e.first_seen_at, e.cluster_reason, e.summary_text, e.merged_from
FROM entries e JOIN sources s ON s.id = e.source_id LEFT JOIN articles a ON a.entry_id = e.id
"""
_LATEST_LABELS = """
SELECT l.entry_a, l.entry_b, l.same FROM story_labels l
WHERE l.id = (SELECT max(id) FROM story_labels m
              WHERE m.entry_a = l.entry_a AND m.entry_b = l.entry_b)
ORDER BY l.entry_a, l.entry_b
"""
_SIGNATURES = """
SELECT i.id, i.title, i.url, i.canonical_url, i.first_seen_at,
       e.title, e.url, a.canonical_url, e.first_seen_at, substr(a.text, 1, ?), e.source_id
FROM items i JOIN entries e ON e.item_id = i.id LEFT JOIN articles a ON a.entry_id = e.id
WHERE i.first_seen_at >= ? AND i.id > ? ORDER BY i.id, e.id
"""
_SIGNATURE = """
SELECT e.id, e.title, coalesce(e.url, a.url, ''), a.canonical_url,
       substr(coalesce(a.text, ''), 1, ?), e.first_seen_at
FROM entries e LEFT JOIN articles a ON a.entry_id = e.id WHERE e.id = ?
"""


class StoryStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def signatures(self, since: datetime, after_id: int, lead: int) -> list[StorySignature]:
        """The reports of the items first seen at or after `since` (and numbered above
        `after_id`), as clustering compares them: by item, its first entry first under
        the item's own title and addresses, then each other entry as it was seen
        (`lead`: the characters of its text)."""
        with translate_errors("items"):
            rows = self.db.execute(_SIGNATURES, [lead, to_db(since), after_id]).fetchall()
        reports, previous = [], None
        for r in rows:
            first = r[0] != previous
            previous = r[0]
            identity = r[1:5] if first else (r[5] or r[1], r[6] or r[2], r[7], r[8])
            title, url, canonical, seen = identity
            reports.append(
                StorySignature(
                    r[0], title, url, canonical, r[9] or "", from_db(seen) or since, r[10]
                )
            )
        return reports

    def reports(self, item_id: int) -> list[Report]:
        """Each outlet's report in the item, first seen first."""
        with translate_errors("entries"):
            rows = self.db.execute(
                f"{_REPORTS} WHERE e.item_id = ? ORDER BY e.first_seen_at, e.id", [item_id]
            ).fetchall()
        return [_report(row) for row in rows]

    def outlets_since_post(self, item_id: int) -> int | None:
        """Outlets whose first report in the item was seen after its post was first
        published; None when the item has no post."""
        with translate_errors("entries"):
            row = self.db.execute(
                "SELECT published_at FROM posts WHERE item_id = ?", [item_id]
            ).fetchone()
            if row is None:
                return None
            found = self.db.execute(
                "SELECT count(*) FROM (SELECT source_id FROM entries WHERE item_id = ? "
                "GROUP BY source_id HAVING min(first_seen_at) > ?)",
                [item_id, row[0]],
            ).fetchone()
        return int(found[0])

    def last_label_id(self) -> int:
        """The newest labelled pair's number (0: none): a merge or split happened when
        it grows."""
        with translate_errors("story_labels"):
            return int(
                self.db.execute("SELECT coalesce(max(id), 0) FROM story_labels").fetchone()[0]
            )

    def labelled_pairs(self, lead: int = 2400) -> list[LabelledPair]:
        """The editors' latest word on each pair, with both entries as clustering reads
        them (`item_id` is the entry's own id; `lead`: characters of its text)."""
        with translate_errors("story_labels"):
            labels = self.db.execute(_LATEST_LABELS).fetchall()
            return [
                LabelledPair(self._signature(a, lead), self._signature(b, lead), bool(same))
                for a, b, same in labels
            ]

    def apply(self, correction: StoryCorrection) -> int:
        """Apply a merge or split; the id of the item the entries went into."""
        with translate_errors("items"), write_transaction(self.db):
            target = correction.target
            if correction.new_story is not None:
                target = self._create(correction.new_story, correction)
            assert target is not None  # a correction has a target or starts one
            for touch in correction.touches:
                self._touch(touch, correction)
            for move in correction.moves:
                self.db.execute(
                    "UPDATE entries SET item_id = ?, merged_from = ? WHERE id = ? AND item_id = ?",
                    [target, move.merged_from, move.entry_id, move.from_item],
                )
            self._label(correction)
            self._count_outlets({target, *(t.item_id for t in correction.touches)})
        return target

    def _signature(self, entry_id: int, lead: int) -> StorySignature:
        row = self.db.execute(_SIGNATURE, [lead, entry_id]).fetchone()
        seen = from_db(row[5])
        assert seen is not None
        return StorySignature(row[0], row[1], row[2], row[3], row[4] or "", seen)

    def _create(self, story: NewStory, correction: StoryCorrection) -> int:
        first, at = story.first, to_db(correction.at)
        row: dict[str, Any] = {
            "title": first.title, "url": story.url, "state": ItemState.NEW.value,
            "score": story.score, "topics": _json(story.topics), "reasons": _json(story.reasons),
            "description": first.description, "outlets": 1,
            "first_seen_at": to_db(first.first_seen_at), "updated_at": at,
            "changed_by": correction.editor, "changed_at": at,
        }  # fmt: skip
        item_id = self.db.table("items").insert(row).last_rowid
        assert item_id is not None
        self._history(item_id, None, ItemState.NEW, f"split from #{story.split_from}", correction)
        return item_id

    def _touch(self, touch: ItemTouch, correction: StoryCorrection) -> None:
        cursor = self.db.execute(
            "UPDATE items SET state = ?, merged_into = ?, version = version + 1, changed_by = ?,"
            " changed_at = ?, updated_at = ? WHERE id = ? AND version = ?",
            [touch.to_state.value, touch.merged_into, correction.editor, to_db(correction.at),
             to_db(correction.at), touch.item_id, touch.read_version],
        )  # fmt: skip
        if cursor.rowcount == 0:
            raise stale_error(self.db, touch.item_id)
        if touch.renamed is not None:
            self.db.execute(
                "UPDATE items SET title = ?, url = ?, canonical_url = NULL WHERE id = ?",
                [touch.renamed.title, touch.renamed_url, touch.item_id],
            )
        self._history(touch.item_id, touch.from_state, touch.to_state, touch.note, correction)

    def _history(
        self, item_id: int, old: ItemState | None, new: ItemState, note: str,
        correction: StoryCorrection,
    ) -> None:  # fmt: skip
        self.db.table("history").insert(
            {"item_id": item_id, "at": to_db(correction.at), "editor": correction.editor,
             "from_state": old.value if old else None, "to_state": new.value, "note": note}
        )  # fmt: skip

    def _label(self, correction: StoryCorrection) -> None:
        at = to_db(correction.at)
        self.db.conn.executemany(
            "INSERT INTO story_labels (entry_a, entry_b, same, editor, at) VALUES (?, ?, ?, ?, ?)",
            [(x.entry_a, x.entry_b, int(x.same), correction.editor, at) for x in correction.labels],
        )

    def _count_outlets(self, item_ids: set[int]) -> None:
        for item_id in item_ids:
            self.db.execute(
                "UPDATE items SET outlets = (SELECT count(DISTINCT source_id) FROM entries "
                "WHERE item_id = :id) WHERE id = :id",
                {"id": item_id},
            )


def _report(row: tuple[Any, ...]) -> Report:
    seen = from_db(row[6])
    assert seen is not None
    return Report(
        row[0], row[1], row[2], row[3], row[4], row[5], seen, row[7], row[8] or "", row[9]
    )


def _json(values: tuple[str, ...]) -> str:
    return json.dumps(list(values))
