"""The desk's scriptable commands, run through the real CLI on a real SQLite file."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from desk_factory import add_item, write_config

from curator.cli.main import cli
from curator.errors import InvalidTransition, StaleItem
from curator.store import Store

Run = Callable[..., Result]


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[Store, Run]]:
    path = write_config(tmp_path)
    store = Store.open(tmp_path / "curator.db")

    def run(*args: str, editor: str = "ana", input: str | None = None) -> Result:
        runner = CliRunner(env={"CURATOR_EDITOR": editor})
        return runner.invoke(cli, ["--config", str(path), *args], input=input)

    yield store, run
    store.close()


def clock() -> datetime:
    return datetime.now(UTC)


def test_queue_ranks_by_score_then_recency_and_hides_filtered(desk: tuple[Store, Run]) -> None:
    store, run = desk
    low = add_item(store.db, clock(), title="Low score story", score=1.0)
    old = add_item(store.db, clock(), title="Old strong story", score=9.0, age=timedelta(days=3))
    fresh = add_item(store.db, clock(), title="Fresh strong story", score=9.0)
    add_item(store.db, clock(), title="Filtered story", state="filtered", score=0.5)
    result = run("queue", "--json")
    assert result.exit_code == 0, result.output
    assert [row["id"] for row in json.loads(result.output)] == [fresh, old, low]
    filtered = json.loads(run("queue", "--state", "filtered", "--json").output)
    assert [row["title"] for row in filtered] == ["Filtered story"]


def test_queue_filters_by_topic_source_since_and_mine(desk: tuple[Store, Run]) -> None:
    store, run = desk
    a = add_item(store.db, clock(), title="A", topics=("treatment",), sources=("STAT",))
    b = add_item(store.db, clock(), title="B", age=timedelta(days=5), sources=("NPR", "STAT"))
    assert run("claim", str(b)).exit_code == 0

    def ids(*args: str) -> list[int]:
        return [row["id"] for row in json.loads(run("queue", "--json", *args).output)]

    assert ids("--topic", "treatment") == [a]
    assert sorted(ids("--source", "stat")) == sorted([a, b])
    assert ids("--source", "NPR") == [b]
    assert ids("--since", "2d") == [a]
    assert ids("--mine") == [b]
    table = run("queue").output
    assert "ana" in table and "NPR, STAT" in table


def test_claim_shows_in_queue_and_blocks_another_editor(desk: tuple[Store, Run]) -> None:
    store, run = desk
    item = add_item(store.db, clock())
    assert "in_review, held by ana" in run("claim", str(item)).output
    result = run("claim", str(item), editor="ben")
    assert isinstance(result.exception, InvalidTransition)
    assert "claimed by ana until" in str(result.exception)
    assert store.items.get(item).claimed_by == "ana"


def test_reject_snooze_reopen_promote_and_history(desk: tuple[Store, Run]) -> None:
    store, run = desk
    item = add_item(store.db, clock())
    filtered = add_item(store.db, clock(), title="Below threshold", state="filtered")
    assert "rejected" in run("reject", str(item), "--reason", "duplicate of 7").output
    assert "new" in run("reopen", str(item)).output
    assert "snoozed" in run("snooze", str(item), "--until", "2d").output
    assert item not in [row["id"] for row in json.loads(run("queue", "--json").output)]
    assert "new" in run("promote", str(filtered)).output
    events = json.loads(run("history", str(item), "--json").output)
    assert [(e["from_state"], e["to_state"]) for e in events] == [
        ("new", "rejected"), ("rejected", "new"), ("new", "snoozed"),
    ]  # fmt: skip
    assert events[0]["note"] == "duplicate of 7" and events[0]["editor"] == "ana"


def test_a_snoozed_item_wakes_into_the_queue_when_its_time_passes(desk: tuple[Store, Run]) -> None:
    store, run = desk
    item = add_item(
        store.db, clock(), state="snoozed", snoozed_until=clock() - timedelta(minutes=1)
    )
    assert [row["id"] for row in json.loads(run("queue", "--json").output)] == [item]
    woken = store.items.get(item)
    assert woken.state.value == "new"
    assert store.items.history(item)[-1].editor == "curator"


def test_a_change_against_an_old_version_is_refused_as_stale(desk: tuple[Store, Run]) -> None:
    store, run = desk
    item = add_item(store.db, clock())
    read = store.items.get(item).version
    assert run("claim", str(item), "--expect-version", str(read), editor="ana").exit_code == 0
    result = run("reject", str(item), "--reason", "x", "--expect-version", str(read), editor="ben")
    assert isinstance(result.exception, StaleItem)
    assert str(result.exception).startswith(f"item {item} was changed by ana at ")
    assert str(result.exception).endswith(f"run `curator show {item}`")
    assert store.items.get(item).state.value == "in_review"


def test_show_prints_sources_text_and_history(desk: tuple[Store, Run]) -> None:
    store, run = desk
    item = add_item(store.db, clock(), sources=("NIDA News", "STAT"), text="The full article body.")
    run("claim", str(item))
    output = run("show", str(item)).output
    for expected in ("NIDA News, STAT", "The full article body.", "title: naloxone", "in_review"):
        assert expected in output
    record = json.loads(run("show", str(item), "--json").output)
    assert record["item"]["source_names"] == ["NIDA News", "STAT"]
    assert record["history"][0]["to_state"] == "in_review"


def test_show_of_a_missing_item_names_it(desk: tuple[Store, Run]) -> None:
    _, run = desk
    assert str(run("show", "999").exception) == "item 999: no such item"


def test_history_table_cannot_be_rewritten(desk: tuple[Store, Run]) -> None:
    store, run = desk
    item = add_item(store.db, clock())
    run("claim", str(item))
    with pytest.raises(Exception, match="append-only"):
        store.db.execute("UPDATE history SET editor = 'mallory'")


def test_search_quotes_every_word_and_finds_items(desk: tuple[Store, Run]) -> None:
    store, run = desk
    add_item(store.db, clock(), title="Fentanyl test strips reach rural pharmacies")
    hits = json.loads(run("search", "fentanyl strips", "--json").output)
    assert [h["kind"] for h in hits] == ["item"] and "[Fentanyl]" in hits[0]["snippet"]
    for hostile in ('"drop table', "AND OR", "NEAR(", "*", "title:x"):
        result = run("search", hostile, "--json")
        assert result.exit_code == 0, (hostile, result.output)
        assert json.loads(result.output) == []
