"""A small factory for the desk's tests: items as the pipeline would leave them,
inserted with sqlite-utils (an entry per source, an article text for each)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from curator.store.times import to_db


def add_item(
    db: sqlite_utils.Database,
    now: datetime,
    *,
    title: str = "New study: naloxone in schools saves lives",
    sources: tuple[str, ...] = ("NIDA News",),
    text: str = "Researchers found that naloxone kits in schools reversed overdoses.",
    age: timedelta = timedelta(hours=1),
    **fields: Any,
) -> int:
    """Insert one item (and its entries, sources, articles); returns its id."""
    row: dict[str, Any] = {
        "title": title,
        "url": f"https://news.example.org/{abs(hash(title)) % 10**8}",
        "state": "new",
        "score": 5.0,
        "topics": json.dumps(["overdose"]),
        "reasons": json.dumps(["title: naloxone"]),
        "summary": "Naloxone kits in schools reversed overdoses, a study says.",
        "description": "A feed description.",
        "outlets": len(sources),
        "first_seen_at": to_db(now - age),
    }
    for key, value in fields.items():
        row[key] = json.dumps(list(value)) if isinstance(value, tuple) else value
        if isinstance(value, datetime):
            row[key] = to_db(value)
    item_id = int(db["items"].insert(row).last_pk)
    for name in sources:
        source_id = _source(db, name, now)
        entry_id = (
            db["entries"]
            .insert(
                {
                    "source_id": source_id,
                    "entry_key": f"{item_id}-{name}",
                    "url": row["url"],
                    "title": title,
                    "content_hash": "x",
                    "first_seen_at": row["first_seen_at"],
                    "changed_at": row["first_seen_at"],
                    "extract_status": "done",
                    "item_id": item_id,
                }
            )
            .last_pk
        )
        db["articles"].insert(
            {"entry_id": entry_id, "url": row["url"], "text": text, "status": "done",
             "extracted_at": to_db(now)}
        )  # fmt: skip
    return item_id


def _source(db: sqlite_utils.Database, name: str, now: datetime) -> int:
    found = db.execute("SELECT id FROM sources WHERE name = ?", [name]).fetchone()
    if found:
        return int(found[0])
    url = f"https://{name.lower().replace(' ', '-')}.example.org/feed"
    return int(db["sources"].insert({"url": url, "name": name, "created_at": to_db(now)}).last_pk)


def write_config(tmp_path: Path, **review: str) -> Path:
    """A config.toml for CLI tests: the database in tmp_path, a few language terms."""
    extra = "".join(f'{key} = "{value}"\n' for key, value in review.items())
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[curator]
database = "{tmp_path / "curator.db"}"
busy_timeout = "1s"

[review]
crisis_line = "Call or text 988."
{extra}
[export]
out_dir = "{tmp_path / "export"}"

[[language.terms]]
term = "addict"
instead = "person with a substance use disorder"

[[language.terms]]
term = "substance abuse"
instead = "substance use"
""",
        encoding="utf-8",
    )
    return path
