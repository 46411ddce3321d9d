"""StoryWindow: the service's clustering index, kept from one extraction run to the next,
sees the stories a fresh index would, and stays bounded."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from curator.config import Config
from curator.models import ParsedEntry
from curator.screen.placement import LEAD_CHARS
from curator.screen.run import process_pending
from curator.screen.window import StoryWindow
from curator.store import Store

OHIO = "Ohio overdose deaths fall 18% as naloxone spreads"


@pytest.fixture
def feed_text_only(make_config: Callable[..., Config]) -> Config:
    """Extraction off: each entry's feed text stands in for its page (no HTTP needed)."""
    return make_config(extract={"enabled": False}, cluster={"window": "2d"})


def add_entry(store: Store, outlet: str, title: str, now: datetime) -> None:
    feed = f"https://{outlet}.example/feed/{store.entries.count()}"
    source = store.sources.add(feed, name=outlet, now=now)
    url = f"https://{outlet}.example/{len(title)}-{now:%d%H%M}"
    text = f"{title}. A longer feed summary of the story."
    entry = ParsedEntry(
        key=url, url=url, title=title, author=None, published_at=now, updated_at=None,
        summary_html=f"<p>{text}</p>", summary_text=text, content_html="",
    )  # fmt: skip
    store.entries.upsert(source.id, [entry], now)


def item_of_last_entry(store: Store) -> int:
    return int(store.db.execute("SELECT item_id FROM entries ORDER BY id DESC").fetchone()[0])


def test_the_next_run_joins_a_story_the_last_run_made(
    feed_text_only: Config, store: Store, now: datetime
):
    window = StoryWindow()
    add_entry(store, "ledger", OHIO, now)
    first = process_pending(feed_text_only, store, now, window=window)
    add_entry(store, "wire", "Ohio overdose deaths fall 18% as naloxone spreads wide", now)
    second = process_pending(feed_text_only, store, now + timedelta(hours=1), window=window)

    assert (first.created, second.created, second.joined) == (1, 0, 1)


def test_a_kept_window_sees_the_items_another_process_made(
    feed_text_only: Config, store: Store, now: datetime
):
    window = StoryWindow()
    add_entry(store, "ledger", "County opens a methadone clinic in the old bank", now)
    process_pending(feed_text_only, store, now, window=window)
    # `curator extract` in another process: its own connection, its own index.
    other = Store.open(store.path)
    add_entry(other, "tribune", OHIO, now)
    process_pending(feed_text_only, other, now)
    made_elsewhere = item_of_last_entry(other)
    other.close()

    add_entry(store, "wire", "Ohio overdose deaths fall 18% as naloxone spreads wide", now)
    report = process_pending(feed_text_only, store, now + timedelta(hours=1), window=window)

    assert (report.created, report.joined) == (0, 1)
    assert item_of_last_entry(store) == made_elsewhere


@pytest.mark.parametrize("refilled", [False, True], ids=["restored", "restored-and-refilled"])
def test_over_a_restored_copy_it_forgets_the_items_it_read(
    feed_text_only: Config, store: Store, now: datetime, tmp_path: Path, refilled: bool
):
    """Put back an older copy of the database under a running service: the items the
    window read from the newer one are gone (their numbers perhaps given to other
    stories since), and no entry may join them."""
    window = StoryWindow()
    add_entry(store, "ledger", "County opens a methadone clinic in the old bank", now)
    process_pending(feed_text_only, store, now, window=window)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(store.path, tmp_path / "backup.db")
    add_entry(store, "ledger", OHIO, now)
    add_entry(store, "tribune", "State senate passes a budget for the bridges", now)
    process_pending(feed_text_only, store, now, window=window)

    restored = Store.open(tmp_path / "backup.db")
    if refilled:  # `curator extract` beside it made items under the same numbers again
        add_entry(restored, "gazette", "Library extends its opening hours", now)
        add_entry(restored, "herald", "New bus line opens downtown", now)
        process_pending(feed_text_only, restored, now)
    add_entry(restored, "wire", "Ohio overdose deaths fall 18% as naloxone spreads wide", now)
    report = process_pending(feed_text_only, restored, now + timedelta(hours=1), window=window)

    assert (report.created, report.joined) == (1, 0)
    items = restored.db.execute("SELECT count(*) FROM items").fetchone()[0]
    assert items == (4 if refilled else 2)
    restored.close()


def test_it_is_kept_for_half_a_window_and_holds_at_most_a_window_and_three_quarters(
    feed_text_only: Config, store: Store, now: datetime
):
    """Ten days of a new story every 6 hours with a 2-day window: each run sees what a
    fresh index would (the stories of the window), the index is built again about once a
    day, and older stories are let go."""
    window, span, built = StoryWindow(), timedelta(days=2), []
    for step in range(40):
        moment = now + timedelta(hours=6 * step)
        add_entry(store, f"outlet{step}", f"Story number {step} about {step * 7} clinics", moment)
        process_pending(feed_text_only, store, moment, window=window)
        earliest = moment - span
        index = window.index(store, earliest, span)
        if not built or index is not built[-1]:
            built.append(index)
        fresh = {s.item_id for s in store.stories.signatures(earliest, 0, LEAD_CHARS)}
        assert index.earliest is not None
        assert {s.item_id for s in index.items if s.first_seen_at >= index.earliest} == fresh
        assert min(s.first_seen_at for s in index.items) >= earliest - span * 3 / 4
    assert len(fresh) == 9  # the last two days and the moment itself
    assert 8 <= len(built) <= 11  # once a day, not once a run


def test_an_entry_the_feed_changed_a_week_later_stays_with_its_story(
    feed_text_only: Config, store: Store, now: datetime
):
    """Feeds edit old entries, even their titles and links; the edit sends the entry back
    for extraction. It keeps its item, a week on: no second item for the story."""
    window = StoryWindow()
    add_entry(store, "ledger", OHIO, now)
    process_pending(feed_text_only, store, now, window=window)
    source_id, key = store.db.execute("SELECT source_id, entry_key FROM entries").fetchone()
    later = now + timedelta(days=7)
    edited = ParsedEntry(
        key=key, url="https://ledger.example/moved", title="Correction", author=None,
        published_at=now,
        updated_at=later, summary_html="<p>Corrected figures.</p>",
        summary_text="Corrected figures.", content_html="",
    )  # fmt: skip
    assert store.entries.upsert(source_id, [edited], later).updated == 1

    report = process_pending(feed_text_only, store, later, window=window)

    assert (report.examined, report.created, report.joined) == (1, 0, 1)
    assert store.db.execute("SELECT count(*) FROM items").fetchone()[0] == 1


def test_a_restored_copy_under_an_empty_window_is_read_again(
    feed_text_only: Config, store: Store, now: datetime, tmp_path: Path
):
    """The window holds no story (all are older), so it has no newest story to check; the
    last item it saw is another story in the copy, made by another writer since, so it
    reads again and finds it."""
    window = StoryWindow()
    add_entry(store, "ledger", "County opens a methadone clinic in the old bank", now)
    process_pending(feed_text_only, store, now, window=window)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(store.path, tmp_path / "backup.db")
    add_entry(store, "ledger", "State senate passes a budget for the bridges", now)
    process_pending(feed_text_only, store, now, window=window)
    later = now + timedelta(days=5)  # both stories are out of the window now
    first = store.db.execute("SELECT source_id, entry_key, url FROM entries").fetchone()
    source_id, key, url = first
    edited = ParsedEntry(
        key=key, url=url, title="Correction", author=None, published_at=now,
        updated_at=later, summary_html="<p>Fixed.</p>", summary_text="Fixed.", content_html="",
    )  # fmt: skip
    store.entries.upsert(source_id, [edited], later)
    process_pending(feed_text_only, store, later, window=window)  # empty; read up to item 2

    restored = Store.open(tmp_path / "backup.db")  # item 1 only
    add_entry(restored, "herald", OHIO, later)
    process_pending(feed_text_only, restored, later)  # another writer: item 2, Ohio
    add_entry(restored, "wire", "Ohio overdose deaths fall 18% as naloxone spreads wide", later)
    report = process_pending(feed_text_only, restored, later, window=window)

    assert (report.created, report.joined) == (0, 1)
    restored.close()
