"""Work for the SIGKILL tests to interrupt, run as `python victims.py publish CONFIG`:
publish every drafted item, one after another, through `publish_item` (the
function `curator publish` calls), so that a kill lands in the middle of a run."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from curator import config as config_module
from curator.desk.publish import publish_item
from curator.store import Store


def publish_all(config_path: Path) -> int:
    config = config_module.load(config_path)
    store = Store.open(config.curator.database)
    drafted = [row[0] for row in store.db.execute(
        "SELECT id FROM items WHERE state = 'drafted' ORDER BY id"
    )]  # fmt: skip
    for item_id in drafted:
        publish_item(store, config, item_id, "ana", datetime.now(UTC))
    store.close()
    return len(drafted)


if __name__ == "__main__":
    if sys.argv[1:2] != ["publish"] or len(sys.argv) != 3:
        raise SystemExit("usage: victims.py publish CONFIG")
    publish_all(Path(sys.argv[2]))
