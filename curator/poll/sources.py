"""How sources arrive: the [[sources]] of config.toml (synced once where work
starts), one URL from the command line (a web page is fine: its feed is found by
autodiscovery), or many from an OPML file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from curator.config import Config
from curator.config.lists import SourceConfig
from curator.errors import ParseError, SourceError
from curator.fetch import FEED_ACCEPT, fetch_once
from curator.models import ParsedFeed, Source
from curator.store import Store
from curator.store.source_rows import SyncReport
from curator.urls import is_web_url


def sync_config_sources(config: Config, store: Store, now: datetime) -> SyncReport:
    """Make the [[sources]] of config.toml rows: new ones added (due now), changed
    ones updated, those no longer listed disabled. Called once where work on sources
    starts (the service's start, each command on sources), never by a poll tick."""
    return store.sources.sync_from_config(config.sources, now)


@dataclass(frozen=True)
class ImportReport:
    added: tuple[Source, ...]
    skipped: tuple[str, ...]  # one line each: the URL and why


def add_source(
    config: Config,
    store: Store,
    url: str,
    *,
    now: datetime,
    name: str | None = None,
    tags: Sequence[str] = (),
    filter_: str = "topics",
) -> Source:
    """Add the feed at `url`, or the feed a web page at `url` announces.

    The feed is fetched and parsed once first, so a typo fails here, not at 3 a.m."""
    if not is_web_url(url):
        raise SourceError(url, "not an http(s) URL")
    feed_url, feed = _find_feed(config, url, now)
    return store.sources.add(
        feed_url,
        name=name or feed.title or feed_url,
        tags=tags,
        now=now,
        origin="cli",
        filter_=filter_,
    )


def _find_feed(config: Config, url: str, now: datetime) -> tuple[str, ParsedFeed]:
    from curator.parse import parse_feed  # here: a poll where nothing changed never loads it

    fetched = fetch_once(config, url, now=now, accept=FEED_ACCEPT)
    body = fetched.body or b""
    final_url = fetched.permanent_url or url
    try:
        return final_url, parse_feed(body, url=final_url, headers=fetched.headers, now=now)
    except ParseError as e:
        from curator.parse.discover import find_feed_links  # here: bs4 slows every poll's start-up

        links = find_feed_links(body, final_url) if b"<" in body[:4096] else []
        if not links:
            raise SourceError(url, f"no feed here: {e.problem}") from e
    fetched = fetch_once(config, links[0], now=now, accept=FEED_ACCEPT)
    try:
        feed = parse_feed(fetched.body or b"", url=links[0], headers=fetched.headers, now=now)
    except ParseError as e:
        raise SourceError(
            url, f"the page announces {links[0]}, which is not a feed: {e.problem}"
        ) from e
    return fetched.permanent_url or links[0], feed


def import_sources(store: Store, sources: Sequence[SourceConfig], *, now: datetime) -> ImportReport:
    """Add each source not already known (no fetching: an OPML list is trusted)."""
    added: list[Source] = []
    skipped: list[str] = []
    for given in sources:
        try:
            added.append(
                store.sources.add(
                    given.url, name=given.name, tags=given.tags, now=now, origin="opml"
                )
            )
        except (SourceError, ValueError) as e:
            skipped.append(f"{given.url}: {getattr(e, 'problem', e)}")
    return ImportReport(tuple(added), tuple(skipped))
