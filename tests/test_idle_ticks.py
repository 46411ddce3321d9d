"""The service asks "anything due?" every minute, for months: a tick with nothing
to do must cost milliseconds, not a new HTTP client (whose TLS set-up alone took
~0.15 s, i.e. minutes of CPU a day)."""

from __future__ import annotations

import asyncio
import time

from curator.fetch import Fetcher
from curator.poll import poll_due
from curator.process import process_pending


def test_idle_extraction_and_poll_ticks_are_cheap(config, store, now):
    started = time.perf_counter()
    for _ in range(20):
        assert process_pending(config, store, now).examined == 0
        assert not poll_due(config, store, now).outcomes
    assert time.perf_counter() - started < 1.0


def test_new_fetchers_share_one_tls_context(config):
    async def make_two() -> float:
        started = time.perf_counter()
        for _ in range(10):
            async with Fetcher(config):
                pass
        return time.perf_counter() - started

    assert asyncio.run(make_two()) < 0.5  # was ~1.5 s: the CA bundle loaded twice each time
