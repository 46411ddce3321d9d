"""Two editors, two processes, one item: exactly one change wins, the other is stale."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from desk_factory import add_item, write_config

from curator.store import Store


def race(config: Path, *commands: tuple[str, list[str]]) -> list[subprocess.CompletedProcess[str]]:
    """Start every command at once, then wait for all."""
    procs = []
    for editor, args in commands:
        env = {**os.environ, "CURATOR_EDITOR": editor}
        argv = [sys.executable, "-m", "curator", "--config", str(config), *args]
        procs.append(
            subprocess.Popen(
                argv, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        )
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=30)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return results


def test_two_processes_claiming_one_item_exactly_one_wins(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    store = Store.open(tmp_path / "curator.db")
    item = add_item(store.db, datetime.now(UTC))
    version = store.items.get(item).version
    claim = ["claim", str(item), "--expect-version", str(version)]
    results = race(config, ("ana", claim), ("ben", claim))
    winners = [r for r in results if r.returncode == 0]
    losers = [r for r in results if r.returncode != 0]
    assert len(winners) == 1 and len(losers) == 1
    winner = "ana" if results[0] in winners else "ben"
    (line,) = losers[0].stderr.strip().splitlines()
    assert line.startswith(f"error: item {item} was changed by {winner} at ")
    assert line.endswith(f"run `curator show {item}`")
    after = store.items.get(item)
    assert (after.claimed_by, after.version) == (winner, version + 1)
    assert len(store.items.history(item)) == 1
    store.close()


def test_racing_reject_and_snooze_leave_one_consistent_outcome(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    store = Store.open(tmp_path / "curator.db")
    item = add_item(store.db, datetime.now(UTC))
    version = str(store.items.get(item).version)
    results = race(
        config,
        ("ana", ["reject", str(item), "--reason", "off topic", "--expect-version", version]),
        ("ben", ["snooze", str(item), "--until", "1d", "--expect-version", version]),
    )
    assert sorted(r.returncode for r in results) == [0, 1]
    after = store.items.get(item)
    (event,) = store.items.history(item)
    assert after.state == event.to_state and after.state.value in ("rejected", "snoozed")
    store.close()
