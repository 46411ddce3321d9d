"""The queue asks the editors about what the model is unsure of: a share of its top
slots, filtered items included, marked so that editors know why they are there."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from desk_factory import add_item, write_config
from rich.console import Console

from curator.cli.desk_views import card
from curator.cli.main import cli
from curator.config import Config
from curator.models import ItemState
from curator.screen.asking import ASK_NOTE, choose_questions, questions_allowed
from curator.screen.learn_run import ask_questions
from curator.store import Store
from curator.store.learning import AskCandidate
from curator.store.queue import interleave


def _candidate(item_id: int, p: float | None, *, filtered: bool = False, score: float = 1.0):
    return AskCandidate(item_id, filtered, p, score)


def test_it_asks_about_the_most_uncertain_filtered_items_included_never_over_the_share():
    candidates = [
        _candidate(1, 0.93),
        _candidate(2, 0.52, filtered=True),
        _candidate(3, 0.45),
        _candidate(4, 0.31, filtered=True),
        _candidate(5, 0.58, filtered=True),
        _candidate(6, 0.66),
    ]

    assert questions_allowed(0.2) == 4  # a fifth of the top 20
    assert choose_questions(candidates, 0, 0.2) == (2, 3, 5, 6)  # 0.66 is nearer than 0.31
    assert choose_questions(candidates, 1, 0.2) == (2, 3, 5)  # one is asked already
    assert choose_questions(candidates, 4, 0.2) == ()
    assert choose_questions(candidates, 0, 0.0) == ()


def test_it_never_asks_about_what_the_model_is_sure_of():
    candidates = [_candidate(1, 0.01, filtered=True), _candidate(2, 0.97), _candidate(3, 0.75)]

    assert choose_questions(candidates, 0, 0.5) == (3,)


def test_before_a_model_it_asks_about_the_filtered_items_the_rules_nearly_kept():
    candidates = [
        _candidate(1, None, filtered=True, score=1.5),
        _candidate(2, None, filtered=True, score=0.0),  # no topic evidence at all
        _candidate(3, None, filtered=False, score=3.0),  # already in the queue
        _candidate(4, None, filtered=True, score=1.9),
    ]

    assert choose_questions(candidates, 0, 0.2) == (4, 1)


def test_the_questions_take_every_fifth_slot_and_no_more():
    ranked, asked = [f"r{n}" for n in range(12)], ["a1", "a2", "a3", "a4"]

    shown = interleave(ranked, asked, 0.2)

    assert [n for n, item in enumerate(shown, start=1) if item.startswith("a")] == [5, 10, 15, 16]
    for top in range(1, 15):
        assert sum(item.startswith("a") for item in shown[:top]) <= 0.2 * top
    assert interleave(["r1"], ["a1", "a2"], 0.2) == ["r1", "a1", "a2"]  # nothing else waits


@pytest.fixture
def run(tmp_path: Path, store: Store) -> Callable:
    path = write_config(tmp_path)

    def invoke(*args: str):
        runner = CliRunner(env={"CURATOR_EDITOR": "ana", "COLUMNS": "160"})
        return runner.invoke(cli, ["--config", str(path), *args])

    return invoke


def test_a_filtered_item_asked_about_comes_to_the_queue_marked_and_the_editor_teaches(
    config: Config, store: Store, now, run: Callable
) -> None:
    ranked = [add_item(store.db, now, title=f"Sure story {n}", learned=0.9 - n / 100)
              for n in range(6)]  # fmt: skip
    unsure = add_item(store.db, now, title="Families learn CRAFT together", state="filtered",
                      score=0.0, learned=0.48, changed_by="curator")  # fmt: skip
    add_item(store.db, now, title="Cannabis stocks", state="filtered", learned=0.02)

    asked = ask_questions(config, store, now)
    again = ask_questions(config, store, now)
    listed = json.loads(run("queue", "--json").output)
    table = run("queue").output
    before = {d.item_id for d in store.learning.decisions()}
    rejected = run("reject", str(unsure), "--off-topic")

    assert (asked, again) == (1, 0)
    item = store.items.get(unsure)
    assert item.state is ItemState.REJECTED and item.asking
    assert store.items.history(unsure)[0].note == ASK_NOTE
    assert [row["id"] for row in listed] == [*ranked[:4], unsure, *ranked[4:]]
    assert [row["asking"] for row in listed].count(True) == 1 and listed[4]["asking"]
    assert "[asking] Families learn CRAFT together" in table
    assert unsure not in before, "brought back by curator: no label until an editor decides"
    assert rejected.exit_code == 0, rejected.output
    labels = {d.item_id: d.relevant for d in store.learning.decisions()}
    assert labels[unsure] is False


def test_the_queue_in_rank_order_when_the_share_is_zero(config: Config, store: Store, now) -> None:
    from curator.store.queue import QueueFilter

    first = add_item(store.db, now, title="Sure story", learned=0.9)
    unsure = add_item(store.db, now, title="Unsure story", learned=0.5)
    ask_questions(config, store, now)

    shown = store.queue.queue(QueueFilter(ask_share=0.0), now)
    off = ask_questions(replace(config, learning=replace(config.learning, ask_share=0.0)),
                        store, now)  # fmt: skip

    assert [i.id for i in shown] == [first, unsure] and shown[1].asking
    assert off == 0


def test_the_review_card_says_why_an_asked_item_is_there(store: Store, now) -> None:
    item_id = add_item(store.db, now, title="Families learn CRAFT together", asked_at=now)
    console = Console(record=True, width=100)

    console.print(card(store.items.get(item_id), now))

    assert f"{ASK_NOTE} (the model is unsure" in console.export_text()
