"""Retention: old filtered and rejected items lose their bulky text; nothing an
editor works with (new, drafted, published, ...) is ever touched."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from desk_factory import add_item

from curator.errors import ConfigError
from curator.jobs import service_jobs
from curator.screen.retention import drop_old_screened_text
from curator.store import Store
from curator.store.retention import DROPPED_NOTE

TEXT = "Researchers found that naloxone kits in schools reversed overdoses. " * 20


def _texts(store, item_id):
    row = store.db.execute(
        "SELECT a.text, a.note, e.summary_html, e.content_html, e.summary_text "
        "FROM entries e JOIN articles a ON a.entry_id = e.id WHERE e.item_id = ?",
        [item_id],
    ).fetchone()
    return row


def _with_html(store, item_id):
    store.db.execute(
        "UPDATE entries SET summary_html = '<p>s</p>', content_html = '<p>c</p>', "
        "summary_text = 's' WHERE item_id = ?",
        [item_id],
    )


def test_old_filtered_and_rejected_items_lose_their_text_and_keep_their_rows(
    make_config, store, now
):
    config = make_config(retention={"filtered_text_after": "30d"})
    old = timedelta(days=31)
    filtered = add_item(store.db, now, title="old filtered", state="filtered", age=old, text=TEXT)
    rejected = add_item(store.db, now, title="old rejected", state="rejected", age=old, text=TEXT)
    for item_id in (filtered, rejected):
        _with_html(store, item_id)

    pruned = drop_old_screened_text(config, store, now)

    assert (pruned.articles, pruned.entries) == (2, 2)
    for item_id in (filtered, rejected):
        assert _texts(store, item_id) == ("", DROPPED_NOTE, "", "", "s")
        assert store.db["items"].get(item_id)["title"].startswith("old")


def test_retention_never_touches_recent_or_editorial_items(make_config, store, now):
    config = make_config(retention={"filtered_text_after": "30d"})
    old = timedelta(days=90)
    kept = [
        add_item(store.db, now, title="recent filtered", state="filtered", text=TEXT),
        *(
            add_item(store.db, now, title=f"old {state}", state=state, age=old, text=TEXT)
            for state in ("new", "in_review", "drafted", "published", "retracted", "snoozed")
        ),
    ]
    for item_id in kept:
        _with_html(store, item_id)

    pruned = drop_old_screened_text(config, store, now)

    assert (pruned.articles, pruned.entries) == (0, 0)
    for item_id in kept:
        assert _texts(store, item_id) == (TEXT, None, "<p>s</p>", "<p>c</p>", "s")


def test_retention_twice_changes_nothing_more(make_config, store, now):
    config = make_config(retention={"filtered_text_after": "1d"})
    add_item(store.db, now, state="filtered", age=timedelta(days=2), text=TEXT)
    first = drop_old_screened_text(config, store, now)
    second = drop_old_screened_text(config, store, now + timedelta(hours=1))
    assert first.articles == 1 and (second.articles, second.entries) == (0, 0)


def test_a_wrong_retention_value_names_the_key(make_config):
    with pytest.raises(ConfigError, match=r"retention\.filtered_text_after"):
        make_config(retention={"filtered_text_after": "a month"})


def test_the_service_process_job_and_curator_extract_apply_the_retention(tmp_path, make_config):
    config = make_config(retention={"filtered_text_after": "30d"})
    real_now = datetime.now(UTC)
    store = Store.open(config.curator.database)
    first = add_item(store.db, real_now, state="filtered", age=timedelta(days=40), text=TEXT)
    line = service_jobs(config)[1].run(real_now, lambda: False)
    assert "retention emptied 1 articles" in line and _texts(store, first)[0] == ""

    second = add_item(store.db, real_now, state="rejected", age=timedelta(days=40), text=TEXT)

    path = tmp_path / "config.toml"
    path.write_text(f'[curator]\ndatabase = "{config.curator.database}"\n')
    cli = subprocess.run(
        [sys.executable, "-m", "curator", "--config", str(path), "extract"],
        capture_output=True,
        text=True,
    )
    assert cli.returncode == 0, cli.stderr
    assert "retention" in cli.stdout and _texts(store, second)[0] == ""
    store.close()
