"""The service asks "anything due?" every minute, for months: a tick with nothing
to do must not build an HTTP client (whose TLS set-up alone took ~0.15 s, i.e.
minutes of CPU a day), and the clients it does build share one TLS context (the
CA bundle was loaded twice for each). bench/poll.py measures what this saves."""

from __future__ import annotations

import asyncio

from curator.fetch import Fetcher
from curator.fetch.transport import _ssl_context
from curator.poll import poll_due
from curator.screen.run import process_pending


def _tls_lookups() -> int:
    info = _ssl_context.cache_info()
    return info.hits + info.misses


def test_idle_extraction_and_poll_ticks_build_no_http_client(config, store, now):
    before = _tls_lookups()
    for _ in range(20):
        assert process_pending(config, store, now).examined == 0
        assert not poll_due(config, store, now).outcomes
    assert _tls_lookups() == before


def test_new_fetchers_share_one_tls_context(config):
    async def make_ten() -> None:
        for _ in range(10):
            async with Fetcher(config):
                pass

    lookups = _tls_lookups()
    asyncio.run(make_ten())
    assert _tls_lookups() - lookups >= 10, "each Fetcher asks for the TLS context"
    assert _ssl_context.cache_info().misses == 1, "and it is made once per process"
