"""The [[sources]] of config.toml are synced once where work starts: at the
service's start (not at each poll tick) and by each command on sources."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from feed_factory import FeedApp, rss

from curator.cli.main import cli
from curator.jobs import prepare_service, service_jobs
from curator.poll import sources as poll_sources
from curator.store import Store


@pytest.fixture
def config_file(tmp_path: Path, httpserver) -> Path:
    httpserver.expect_request(re.compile(".*")).respond_with_handler(FeedApp({"/a": rss(2)}))
    path = tmp_path / "config.toml"
    path.write_text(
        '[curator]\ndatabase = "curator.db"\n[network]\nallow_private_networks = true\n'
        f'[[sources]]\nname = "A"\nurl = "{httpserver.url_for("/a")}"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def syncs(monkeypatch) -> list[int]:
    """Counts the calls of poll.sources.sync_config_sources."""
    calls: list[int] = []
    real = poll_sources.sync_config_sources

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(poll_sources, "sync_config_sources", counted)
    monkeypatch.setattr("curator.jobs.sync_config_sources", counted)
    return calls


def invoke(config_file: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--config", str(config_file), *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def test_the_service_syncs_at_start_and_not_at_each_poll_tick(make_config, syncs, now):
    config = make_config(sources=[{"url": "http://127.0.0.1:9/feed", "name": "A"}])
    assert prepare_service(config, now).added == 1
    store = Store.open(config.curator.database)
    try:
        store.sources.remove("A")  # behind the config's back: no tick brings it back
        poll = service_jobs(config)[0]
        for _tick in range(3):
            assert poll.run(now, lambda: False).startswith("0 sources")
        assert store.sources.all() == [] and len(syncs) == 1
    finally:
        store.close()


def test_curator_poll_syncs_once_then_polls(config_file, syncs):
    assert "polled 1 sources" in invoke(config_file, "poll")
    assert len(syncs) == 1


def test_each_command_on_sources_syncs(config_file, syncs):
    for command in (["sources", "list"], ["sources", "export"], ["status"]):
        invoke(config_file, *command)
    assert len(syncs) == 3


def test_a_source_removed_from_config_toml_is_disabled(config_file):
    invoke(config_file, "sources", "list")
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(text[: text.index("[[sources]]")], encoding="utf-8")
    (source,) = json.loads(invoke(config_file, "sources", "list", "--json"))
    assert not source["enabled"] and source["disabled_reason"] == "removed from config.toml"


def test_a_sync_with_nothing_to_change_takes_no_write_lock(make_config, now):
    config = make_config(sources=[{"url": "http://127.0.0.1:9/feed", "name": "A"}])
    prepare_service(config, now)
    holder = sqlite3.connect(config.curator.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock meanwhile
    store = Store.open(config.curator.database, timedelta(seconds=0.1))
    try:
        assert poll_sources.sync_config_sources(config, store, now).added == 0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        store.close()
