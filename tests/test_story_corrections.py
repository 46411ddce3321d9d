"""The service's clustering learns the editors' corrections: after a merge or a split
the kept index (`StoryWindow`) is built again from the entries as they are grouped now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from curator.config import Config
from curator.desk.corrections import merge_items, split_item
from curator.models import ParsedEntry, Relevance
from curator.screen.run import process_pending
from curator.screen.window import StoryWindow
from curator.store import Store

OHIO = "Ohio overdose deaths fall 18% as naloxone spreads"
CLINIC = "County opens a methadone clinic in the old bank"


@pytest.fixture
def feed_text_only(make_config: Callable[..., Config]) -> Config:
    """Extraction off: each entry's feed text stands in for its page (no HTTP needed)."""
    return make_config(extract={"enabled": False}, cluster={"window": "2d"})


def add_entry(store: Store, outlet: str, title: str, now: datetime, url: str = "") -> int:
    """One entry from its own feed; returns its id."""
    source = store.sources.add(f"https://{outlet}.example/feed", name=outlet, now=now)
    url = url or f"https://{outlet}.example/{len(title)}"
    text = f"{title}. A longer feed summary of the story."
    entry = ParsedEntry(
        key=url, url=url, title=title, author=None, published_at=now, updated_at=None,
        summary_html=f"<p>{text}</p>", summary_text=text, content_html="",
    )  # fmt: skip
    store.entries.upsert(source.id, [entry], now)
    return int(store.db.execute("SELECT max(id) FROM entries").fetchone()[0])


def item_of(store: Store, entry_id: int) -> int:
    return int(
        store.db.execute("SELECT item_id FROM entries WHERE id = ?", [entry_id]).fetchone()[0]
    )


def test_after_a_split_the_split_entrys_address_belongs_to_its_new_item(
    feed_text_only: Config, store: Store, now: datetime
) -> None:
    window = StoryWindow()
    first = add_entry(store, "ledger", OHIO, now)
    second = add_entry(store, "wire", "Ohio overdose deaths fall 18% as naloxone spreads wide", now)
    process_pending(feed_text_only, store, now, window=window)
    old = item_of(store, first)
    assert item_of(store, second) == old

    new = split_item(store, old, [first], "ana", now + timedelta(minutes=5)).item.id
    again = add_entry(store, "herald", OHIO, now, url="https://ledger.example/" + str(len(OHIO)))
    process_pending(feed_text_only, store, now + timedelta(minutes=10), window=window)

    assert new != old and item_of(store, again) == new


def test_after_a_merge_a_report_worded_like_the_merged_item_joins_the_survivor(
    feed_text_only: Config, store: Store, now: datetime
) -> None:
    window = StoryWindow()
    clinic, ohio = add_entry(store, "ledger", CLINIC, now), add_entry(store, "tribune", OHIO, now)
    process_pending(feed_text_only, store, now, window=window)
    survivor, merged = item_of(store, clinic), item_of(store, ohio)
    assert survivor != merged

    merge_items(store, [survivor, merged], "ana", now + timedelta(minutes=5))
    wire = add_entry(store, "wire", "Ohio overdose deaths fall 18% as naloxone spreads wide", now)
    report = process_pending(feed_text_only, store, now + timedelta(minutes=10), window=window)

    assert (report.created, report.joined) == (0, 1)
    assert item_of(store, wire) == survivor


def test_an_entry_placed_in_an_item_merged_meanwhile_joins_the_survivor(
    feed_text_only: Config, store: Store, now: datetime
) -> None:
    """A run places entries by the index it read as it began; an editor may merge the
    item it chose before the entry is written."""
    clinic, ohio = add_entry(store, "ledger", CLINIC, now), add_entry(store, "tribune", OHIO, now)
    process_pending(feed_text_only, store, now)
    survivor, merged = item_of(store, clinic), item_of(store, ohio)
    merge_items(store, [survivor, merged], "ana", now)
    late = add_entry(store, "wire", "Ohio overdose deaths fall 18% as naloxone spreads wide", now)

    store.items.join(merged, late, Relevance(0.0, (), (), kept=False), now, "same story")

    assert item_of(store, late) == survivor
    assert store.items.get(survivor).outlets == 3
