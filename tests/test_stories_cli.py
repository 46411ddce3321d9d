"""Same story, many outlets, on the editors' side: the coverage `show` lists, and
`merge` / `split` correcting the clustering, through the real CLI on a real SQLite file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from desk_factory import add_item, write_config

from curator.cli.main import cli
from curator.errors import InvalidTransition, ReviewError, StaleItem
from curator.store import Store
from curator.store.times import to_db


class Desk:
    def __init__(self, tmp_path: Path) -> None:
        self.config = write_config(tmp_path)
        self.store = Store.open(tmp_path / "curator.db")

    def run(self, *args: str, editor: str = "ana") -> Result:
        runner = CliRunner(env={"CURATOR_EDITOR": editor})
        return runner.invoke(cli, ["--config", str(self.config), *args])

    def json(self, *args: str) -> object:
        result = self.run(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    def story(self, title: str, *sources: str, **fields: object) -> int:
        """An item with one entry per source, each at its own address."""
        item = add_item(self.store.db, datetime.now(UTC), title=title, sources=sources, **fields)
        for source in sources:
            self.store.db.execute(
                "UPDATE entries SET url = ?, cluster_reason = ? "
                "WHERE item_id = ? AND entry_key = ?",
                [f"https://{source.lower()}.example/{item}", f"reason {source}", item,
                 f"{item}-{source}"],
            )  # fmt: skip
        return item

    def entries(self, item_id: int) -> list[int]:
        return [r.entry_id for r in self.store.stories.reports(item_id)]

    def labels(self) -> list[tuple[int, int, int]]:
        rows = self.store.db.execute("SELECT entry_a, entry_b, same FROM story_labels ORDER BY id")
        return [tuple(row) for row in rows.fetchall()]


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    opened = Desk(tmp_path)
    yield opened
    opened.store.close()


def test_show_lists_each_outlets_report_with_why_it_joined(desk: Desk) -> None:
    item = desk.story("Naloxone vending machines open in Ohio", "Ledger", "Wire")
    record = desk.json("show", str(item))
    assert isinstance(record, dict)
    coverage = record["coverage"]
    assert [(c["source"], c["url"], c["reason"]) for c in coverage] == [
        ("Ledger", f"https://ledger.example/{item}", "reason Ledger"),
        ("Wire", f"https://wire.example/{item}", "reason Wire"),
    ]
    assert coverage[0]["title"] == "Naloxone vending machines open in Ohio"
    assert coverage[0]["first_seen_at"].endswith("+00:00")
    text = desk.run("show", str(item)).output
    assert "coverage" in text and "reason Wire" in text and f"https://ledger.example/{item}" in text


def test_queue_shows_how_many_outlets_cover_each_item(desk: Desk) -> None:
    three = desk.story("Three outlets", "A", "B", "C", score=9.0)
    one = desk.story("One outlet", "D", score=1.0)
    rows = desk.json("queue")
    assert isinstance(rows, list)
    assert [(r["id"], r["outlets"]) for r in rows] == [(three, 3), (one, 1)]
    header, first = desk.run("queue").output.splitlines()[:2]
    assert "outlets" in header and first.split()[:4] == [str(three), "1h", "9.0", "3"]


def test_a_published_item_counts_the_outlets_that_came_after_its_post(desk: Desk) -> None:
    db, now = desk.store.db, datetime.now(UTC)
    item = desk.story("Published story", "Early", state="published", age=timedelta(hours=5))
    db["posts"].insert({
        "item_id": item, "slug": "published-story", "title": "t", "body_markdown": "b",
        "body_html": "b", "source_url": "https://early.example", "source_name": "Early",
        "editor": "ana", "published_at": to_db(now - timedelta(hours=3)),
        "updated_at": to_db(now - timedelta(hours=3)),
    })  # fmt: skip
    later = desk.story("Later coverage", "Late", "Later")
    db.execute("UPDATE entries SET item_id = ? WHERE item_id = ?", [item, later])
    assert "2 new outlets since publishing" in desk.run("show", str(item)).output
    record = desk.json("show", str(item))
    assert isinstance(record, dict) and record["new_outlets_since_publishing"] == 2


def test_merge_moves_every_entry_into_the_first_item(desk: Desk) -> None:
    first = desk.story("Ohio overdose deaths fall", "Ledger")
    second = desk.story("Overdose deaths drop in Ohio", "Wire", "Tribune")
    a, (b, c) = desk.entries(first), desk.entries(second)

    result = desk.run("merge", str(first), str(second))

    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"merge: 2 entries from #{second} into item {first}")
    assert desk.entries(first) == [*a, b, c] and desk.entries(second) == []
    kept, gone = desk.store.items.get(first), desk.store.items.get(second)
    assert (kept.outlets, gone.state.value, gone.merged_into, gone.outlets) == (
        3, "merged", first, 0,
    )  # fmt: skip
    assert desk.store.items.history(first)[-1].note == f"merged in #{second}"
    assert desk.store.items.history(second)[-1].note == f"merged into #{first}"
    assert desk.labels() == [(a[0], b, 1), (a[0], c, 1)]
    assert f"merged into #{first}" in desk.run("show", str(second)).output
    rows = desk.json("queue")
    assert isinstance(rows, list) and [r["id"] for r in rows] == [first]


def test_merge_is_refused_on_a_published_item_unless_forced(desk: Desk) -> None:
    live = desk.story("Published", "Ledger", state="published")
    other = desk.story("Other", "Wire")
    refused = desk.run("merge", str(other), str(live))
    assert isinstance(refused.exception, InvalidTransition)
    assert str(refused.exception) == (
        f"item {live}: is published: its post names this story (add --force to merge)"
    )
    assert desk.store.items.get(live).state.value == "published" and desk.labels() == []
    assert desk.run("merge", str(other), str(live), "--force").exit_code == 0
    assert desk.store.items.get(live).state.value == "merged"


def test_merge_and_split_honour_the_version_read(desk: Desk) -> None:
    first, second = desk.story("One", "Ledger"), desk.story("Two", "Wire", "Tribune")
    read = desk.store.items.get(first).version
    assert desk.run("claim", str(first)).exit_code == 0
    stale = desk.run("merge", str(first), str(second), "--expect-version", str(read))
    assert isinstance(stale.exception, StaleItem)
    assert desk.store.items.get(second).state.value == "new" and desk.labels() == []
    moved = desk.entries(second)[1]
    stale = desk.run("split", str(second), str(moved), "--expect-version", "99")
    assert isinstance(stale.exception, StaleItem) and len(desk.entries(second)) == 2


def test_an_item_another_editor_holds_is_not_merged(desk: Desk) -> None:
    first, second = desk.story("One", "Ledger"), desk.story("Two", "Wire")
    assert desk.run("claim", str(second), editor="ben").exit_code == 0
    refused = desk.run("merge", str(first), str(second))
    assert str(refused.exception) == f"item {second}: claimed by ben; merge it after it is released"


def test_split_moves_entries_into_a_new_item_named_for_the_first(desk: Desk) -> None:
    item = desk.story("Two stories in one", "Ledger", "Wire", "Tribune")
    a, b, c = desk.entries(item)
    desk.store.db.execute("UPDATE entries SET title = 'Another story' WHERE id = ?", [b])

    result = desk.run("split", str(item), str(c), str(b))

    assert result.exit_code == 0, result.output
    new = desk.store.items.get(item + 1)
    assert (new.title, new.url, new.state.value, new.outlets) == (
        "Another story", f"https://wire.example/{item}", "new", 2,
    )  # fmt: skip
    assert desk.entries(new.id) == [b, c] and desk.entries(item) == [a]
    assert desk.store.items.get(item).outlets == 1
    assert desk.store.items.history(new.id)[-1].note == f"split from #{item}"
    assert desk.store.items.history(item)[-1].note == f"split off entries {b}, {c} into a new item"
    assert desk.labels() == [(a, b, 0), (a, c, 0)]


def test_split_of_the_entry_an_item_is_named_for_renames_the_item(desk: Desk) -> None:
    item = desk.story("Named for the first", "Ledger", "Wire")
    a, b = desk.entries(item)
    desk.store.db.execute(
        "UPDATE items SET url = (SELECT url FROM entries WHERE id = ?) WHERE id = ?", [a, item]
    )
    desk.store.db.execute("UPDATE entries SET title = 'The second report' WHERE id = ?", [b])
    assert desk.run("split", str(item), str(a)).exit_code == 0
    renamed = desk.store.items.get(item)
    assert (renamed.title, renamed.url) == ("The second report", f"https://wire.example/{item}")


def test_split_undoes_merge_and_merge_undoes_split(desk: Desk) -> None:
    first = desk.story("One", "Ledger")
    second = desk.story("Two", "Wire", "Tribune", state="rejected", reject_reason="dup")
    b, c = desk.entries(second)
    assert desk.run("merge", str(first), str(second), "--force").exit_code == 0

    back = desk.run("split", str(first), str(b), str(c))

    assert back.output.startswith(f"split: 2 entries from #{first} into item {second} (rejected")
    restored = desk.store.items.get(second)
    assert (restored.state.value, restored.merged_into, restored.outlets) == ("rejected", None, 2)
    assert desk.entries(second) == [b, c] and desk.labels()[-1] == (desk.entries(first)[0], c, 0)
    assert desk.store.items.history(second)[-1].note == f"split back out of #{first}"

    assert desk.run("split", str(second), str(c)).exit_code == 0
    split_off = second + 1
    assert desk.run("merge", str(second), str(split_off)).exit_code == 0
    assert desk.entries(second) == [b, c]
    assert desk.store.items.get(split_off).state.value == "merged"


def test_split_of_part_of_a_merge_starts_a_new_item(desk: Desk) -> None:
    first, second = desk.story("One", "Ledger"), desk.story("Two", "Wire", "Tribune")
    b, _ = desk.entries(second)
    desk.run("merge", str(first), str(second))
    assert desk.run("split", str(first), str(b)).exit_code == 0
    assert desk.store.items.get(second).state.value == "merged"
    assert desk.entries(second + 1) == [b]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("split", "{item}", "999"), "item {item}: has no entry 999"),
        (("split", "{item}", "{a}", "{b}"), "item {item}: a split must leave at least one entry"),
        (("merge", "{item}", "{item}"), "item {item}: merge needs two or more different items"),
        (("merge", "{item}", "{merged}"), "item {merged}: is merged into #{item}; merge that one"),
    ],
)
def test_a_correction_that_cannot_be_done_is_refused_in_one_line(
    desk: Desk, args: tuple[str, ...], message: str
) -> None:
    item, merged = desk.story("One", "Ledger", "Wire"), desk.story("Two", "Tribune")
    desk.run("merge", str(item), str(merged))
    a, b, _ = desk.entries(item)
    names = {"item": item, "merged": merged, "a": a, "b": b}
    before = desk.labels()
    if "split" in args and "{b}" in args:  # every entry named
        args = (*args, str(desk.entries(item)[2]))
    result = desk.run(*(arg.format(**names) for arg in args))
    assert isinstance(result.exception, ReviewError)
    assert str(result.exception).startswith(message.format(**names))
    assert desk.labels() == before


def test_a_filtered_item_that_takes_in_a_queued_one_joins_the_queue(desk: Desk) -> None:
    filtered = desk.story("Below the threshold", "Ledger", state="filtered")
    queued = desk.story("In the queue", "Wire")
    assert desk.run("merge", str(filtered), str(queued)).exit_code == 0
    assert desk.store.items.get(filtered).state.value == "new"
    assert desk.store.items.history(filtered)[-1].from_state.value == "filtered"


def test_a_post_credits_the_first_outlet_and_names_the_others(desk: Desk) -> None:
    from curator import config as config_module
    from curator.desk.actions import save_draft

    item = desk.story("Naloxone in every library", "Ledger", "Wire", "Tribune")
    config = config_module.load(desk.config)
    save_draft(desk.store, config, item, "ana", datetime.now(UTC), title="Naloxone in every "
               "library", tags=("naloxone",), body="What it means for families.")  # fmt: skip

    result = desk.run("publish", str(item))

    assert result.exit_code == 0, result.output
    post = desk.store.posts.find(str(item))
    assert post.also_covered_by == ("Wire", "Tribune") and post.source_name == "Ledger"
    page = (desk.config.parent / "export" / "posts" / f"{post.slug}.html").read_text()
    assert "Also covered by Wire and Tribune." in page
