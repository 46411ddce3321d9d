"""`curator stories eval`: today's clustering scored against the pairs editors merged
and split, on a real database, through the real CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from click.testing import CliRunner, Result
from desk_factory import write_config
from test_story_corrections import CLINIC, OHIO, add_entry, item_of

from curator.cli.main import cli
from curator.config import Config
from curator.screen.run import process_pending
from curator.store import Store


def run(tmp_path: Path, *args: str) -> Result:
    runner = CliRunner(env={"CURATOR_EDITOR": "ana"})
    return runner.invoke(cli, ["--config", str(write_config(tmp_path)), *args])


def corrected_desk(make_config: Callable[..., Config], tmp_path: Path, now: datetime) -> Store:
    """Three corrections: a wire copy split off (clustering says same: a false merge),
    a wire copy merged (agreed), two unrelated stories merged (clustering misses it)."""
    store = Store.open(tmp_path / "curator.db")
    ohio = add_entry(store, "ledger", OHIO, now)
    wire = add_entry(store, "wire", "Ohio overdose deaths fall 18% as naloxone spreads wide", now)
    config = make_config(extract={"enabled": False}, cluster={"window": "2d"})
    process_pending(config, store, now)
    clinic = add_entry(store, "herald", CLINIC, now)
    process_pending(config, store, now)
    copy = add_entry(store, "gazette", CLINIC + " building", now + timedelta(days=3))
    senate = add_entry(store, "tribune", "State senate passes a budget for the bridges", now)
    library = add_entry(store, "courier", "Library extends its opening hours", now)
    process_pending(config, store, now + timedelta(days=3))
    assert item_of(store, clinic) != item_of(store, copy)  # three days apart: not joined
    for args in (
        ("split", str(item_of(store, ohio)), str(wire)),
        ("merge", str(item_of(store, clinic)), str(item_of(store, copy))),
        ("merge", str(item_of(store, senate)), str(item_of(store, library))),
    ):
        assert run(tmp_path, *args).exit_code == 0
    return store


def test_eval_counts_agreement_precision_recall_and_lists_the_misses(
    make_config: Callable[..., Config], tmp_path: Path, now: datetime
) -> None:
    store = corrected_desk(make_config, tmp_path, now)
    result = run(tmp_path, "stories", "eval", "--json")
    assert result.exit_code == 0, result.output
    measured = json.loads(result.output)
    assert (measured["pairs"], measured["agreed"]) == (3, 1)
    assert (measured["precision"], measured["recall"]) == (0.5, 0.5)
    wrong = {(w["title_a"], w["labelled_same"], w["judged_same"]) for w in measured["wrong"]}
    assert wrong == {
        (OHIO, False, True),
        ("State senate passes a budget for the bridges", True, False),
    }
    reasons = sorted(w["reason"] for w in measured["wrong"])
    assert reasons[0].startswith("another story: score") and reasons[1].startswith("wire copy")
    table = run(tmp_path, "stories", "eval").output
    assert "precision" in table and "0.500" in table and "Library extends" in table
    store.close()


def test_the_latest_word_on_a_pair_wins(
    make_config: Callable[..., Config], tmp_path: Path, now: datetime
) -> None:
    store = corrected_desk(make_config, tmp_path, now)
    ohio = store.db.execute("SELECT id FROM entries WHERE title = ?", [OHIO]).fetchone()[0]
    wire = ohio + 1
    assert (
        run(tmp_path, "merge", str(item_of(store, ohio)), str(item_of(store, wire))).exit_code == 0
    )
    measured = json.loads(run(tmp_path, "stories", "eval", "--json").output)
    assert (measured["pairs"], measured["agreed"], measured["precision"]) == (3, 2, 1.0)
    store.close()


def test_eval_with_no_corrections_says_so_plainly(tmp_path: Path) -> None:
    result = run(tmp_path, "stories", "eval", "--json")
    assert json.loads(result.output) == {
        "pairs": 0, "agreed": 0, "precision": None, "recall": None, "wrong": [],
    }  # fmt: skip
