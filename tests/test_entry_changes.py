"""store.entries.sort_entries: which of a feed's entries are new, changed or as
they were, from literal (key, content hash) pairs; no database."""

from __future__ import annotations

from curator.store.entries import EntryChanges, StoredEntry, sort_entries


def test_unknown_keys_are_new_a_changed_hash_updates_its_row_the_rest_stand():
    known = {"a": StoredEntry(10, "h1"), "b": StoredEntry(11, "h2")}
    feed = [("a", "h1"), ("b", "h2-edited"), ("c", "h3")]
    assert sort_entries(known, feed) == EntryChanges(new=(2,), updated=((1, 11),), unchanged=1)


def test_an_empty_feed_changes_nothing():
    assert sort_entries({"a": StoredEntry(1, "h")}, []) == EntryChanges()


def test_a_key_repeated_in_one_feed_is_stored_once():
    assert sort_entries({}, [("a", "h"), ("a", "h")]) == EntryChanges(new=(0,), unchanged=1)
