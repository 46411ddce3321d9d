"""The Fetcher's keep-alive pool (fetch/pool.py) against raw servers on 127.0.0.1: how
many connections it opens, keeps and closes, and that a failed request gives its
place back (tests/test_fetch.py has reuse after a 304 and a server's hang-up)."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime

import httpcore
import pytest
from raw_server import raw_server

from curator.config import Config
from curator.errors import FetchError
from curator.fetch import Fetcher
from curator.fetch.pool import KeepAlivePool

NOT_MODIFIED = b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n'


class Connections:
    """Counts the connections servers accept and how many are open at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.accepted = self.open = self.most_open = 0

    def keep_answering(self, conn: socket.socket) -> None:
        """Answers 304 to each request until the client closes the connection."""
        with self._lock:
            self.accepted, self.open = self.accepted + 1, self.open + 1
            self.most_open = max(self.most_open, self.open)
        try:
            while True:
                conn.sendall(NOT_MODIFIED)
                if not conn.recv(65536):
                    return
        finally:
            with self._lock:
                self.open -= 1


@contextmanager
def servers(count: int, handle: Callable[[socket.socket], None]) -> Iterator[list[str]]:
    """`count` raw servers (so `count` origins), each giving its feed's URL."""
    with ExitStack() as stack:
        ports = [stack.enter_context(raw_server(handle)) for _ in range(count)]
        yield [f"http://127.0.0.1:{port}/feed" for port in ports]


def fetch_in_turn(config: Config, urls: list[str], now: datetime) -> list[int | str]:
    """Each URL fetched after the previous one, by one Fetcher: status or error."""

    async def run() -> list[int | str]:
        results: list[int | str] = []
        async with Fetcher(config) as fetcher:
            for url in urls:
                try:
                    results.append((await fetcher.fetch(url, now=now, etag='"v1"')).status)
                except FetchError as e:
                    results.append(e.problem)
        return results

    return asyncio.run(run())


def test_one_connection_an_origin_is_kept_and_reused(make_config, now: datetime) -> None:
    counted = Connections()
    with servers(2, counted.keep_answering) as (a, b):
        config = make_config(network={"max_connections": 4})
        assert fetch_in_turn(config, [a, b, a, b, a, b], now) == [304] * 6
    assert counted.accepted == 2


def test_a_full_pool_closes_its_oldest_idle_connection_for_a_new_origin(
    make_config, now: datetime
) -> None:
    counted = Connections()
    with servers(3, counted.keep_answering) as (a, b, c):
        config = make_config(network={"max_connections": 2})
        assert fetch_in_turn(config, [a, b, c, b, a], now) == [304] * 5
    # a closed for c, then c (now the oldest idle one) for a again; b kept throughout
    assert counted.accepted == 4
    assert counted.most_open <= 3  # the closed one's server notices a moment later


def hang_up(conn: socket.socket) -> None:
    conn.close()


def never_answer(conn: socket.socket) -> None:
    threading.Event().wait(3)


@pytest.mark.parametrize(
    ("failing", "network", "problem"),
    [
        (hang_up, {}, "connection broken"),
        (never_answer, {"deadline": "1s"}, "within 1s"),
    ],
)
def test_a_failed_request_gives_its_place_back(
    make_config, now: datetime, failing, network, problem
) -> None:
    """With two connections allowed, a failure that kept its place would leave the pool
    "full" with one idle connection: the second origin would close the first's."""
    counted = Connections()
    with raw_server(failing) as bad_port, servers(2, counted.keep_answering) as (a, b):
        bad = f"http://127.0.0.1:{bad_port}/feed"
        config = make_config(network={"max_connections": 2, **network})
        results = fetch_in_turn(config, [bad, a, b, a, b], now)
    assert problem in str(results[0])
    assert results[1:] == [304] * 4
    assert counted.accepted == 2


def test_a_response_closed_after_its_pool_closes_its_connection() -> None:
    """The Fetcher may close while a request is in flight (another attempt failed): the
    connection goes when its response is closed, not back to a closed pool's idle list."""
    counted = Connections()
    with servers(1, counted.keep_answering) as (url,):

        async def run() -> int:
            pool = KeepAlivePool(httpcore.AnyIOBackend(), ssl.create_default_context(), 4, 30.0)
            request = httpcore.Request("GET", url, headers=[(b"Host", b"127.0.0.1")])
            response = await pool.handle_async_request(request)
            await pool.aclose()
            await response.aread()  # read whole, as the Fetcher does: the connection is idle
            await response.aclose()
            for _ in range(500):  # while the loop runs: its end would close the socket anyway
                if not counted.open:
                    break
                await asyncio.sleep(0.01)
            return counted.open

        assert asyncio.run(run()) == 0
        assert counted.accepted == 1
