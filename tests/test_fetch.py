"""The Fetcher against real servers on 127.0.0.1: pytest-httpserver for well-behaved
ones, and a tiny threaded socket server for slow, silent and broken ones."""

from __future__ import annotations

import asyncio
import functools
import gzip
import socket
import struct
import threading
import time
import tomllib
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import brotli
import pytest
from packaging.requirements import Requirement
from pytest_httpserver import HTTPServer
from raw_server import raw_server as raw_port
from werkzeug import Request, Response

from curator.config import Config
from curator.errors import FetchError
from curator.fetch import FEED_ACCEPT, Fetcher, fetch_once
from curator.fetch.body import read_capped
from curator.fetch.client import parse_retry_after
from curator.models import FetchedFeed

FEED = b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>"


def fetch(config: Config, url: str, now: datetime, **kwargs: str) -> FetchedFeed:
    async def run() -> FetchedFeed:
        async with Fetcher(config) as fetcher:
            return await fetcher.fetch(url, now=now, **kwargs)

    return asyncio.run(run())


@contextmanager
def raw_server(handle: Callable[[socket.socket], None]) -> Iterator[str]:
    """A raw TCP peer (tests/raw_server.py); yields the URL of its feed."""
    with raw_port(handle) as port:
        yield f"http://127.0.0.1:{port}/feed"


def test_200_gives_body_headers_and_validators(
    config: Config, httpserver: HTTPServer, now: datetime
) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        FEED, headers={"ETag": '"v1"', "Last-Modified": "Tue, 01 Dec 2026 10:00:00 GMT"}
    )
    fetched = fetch(config, httpserver.url_for("/feed"), now)
    assert (fetched.status, fetched.body, fetched.etag) == (200, FEED, '"v1"')
    assert fetched.last_modified == "Tue, 01 Dec 2026 10:00:00 GMT"
    assert fetched.headers["etag"] == '"v1"'
    assert fetched.fetched_at == now and fetched.permanent_url is None
    request = httpserver.log[0][0]
    assert request.headers["User-Agent"] == "Curator/0.1 (+https://example.org/curator)"
    assert request.headers["Accept"] == FEED_ACCEPT
    assert "br" in request.headers["Accept-Encoding"]


def test_304_sends_conditional_headers_and_has_no_body(
    config: Config, httpserver: HTTPServer, now: datetime
) -> None:
    modified = "Tue, 01 Dec 2026 10:00:00 GMT"
    httpserver.expect_request(
        "/feed", headers={"If-None-Match": '"v1"', "If-Modified-Since": modified}
    ).respond_with_data("", status=304)
    fetched = fetch(config, httpserver.url_for("/feed"), now, etag='"v1"', last_modified=modified)
    assert fetched.status == 304 and fetched.body is None


def test_304_keeps_the_connection_for_the_next_request(config: Config, now: datetime) -> None:
    connections = []

    def not_modified(conn: socket.socket) -> None:
        connections.append(conn)
        while True:
            conn.sendall(b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n')
            if not conn.recv(65536):
                return

    with raw_server(not_modified) as url:

        async def run() -> list[int]:
            async with Fetcher(config) as fetcher:
                return [(await fetcher.fetch(url, now=now, etag='"v1"')).status for _ in range(3)]

        assert asyncio.run(run()) == [304, 304, 304]
    assert len(connections) == 1


def test_a_kept_connection_the_server_closed_is_not_used_again(
    config: Config, now: datetime
) -> None:
    """The pool asks each idle connection whether it is readable (the server's
    goodbye) before reusing it; transport.KeptSocketStream answers that itself."""
    connections, closed = [], threading.Event()

    def answer_then_hang_up(conn: socket.socket) -> None:
        connections.append(conn)
        conn.sendall(b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n')
        conn.close()  # no "Connection: close": the client thinks it may keep it
        closed.set()

    with raw_server(answer_then_hang_up) as url:

        async def run() -> list[int]:
            statuses = []
            async with Fetcher(config) as fetcher:
                for _ in range(3):
                    closed.clear()
                    statuses.append((await fetcher.fetch(url, now=now, etag='"v1"')).status)
                    await asyncio.to_thread(closed.wait, 10)
            return statuses

        assert asyncio.run(run()) == [304, 304, 304]
    assert len(connections) == 3


def test_a_cookie_set_on_a_redirect_goes_with_the_next_hop(
    config: Config, httpserver: HTTPServer, now: datetime
) -> None:
    """Consent walls set a cookie and redirect onwards; the Fetcher keeps a cookie
    jar as httpx.AsyncClient did (it no longer sends through one)."""
    httpserver.expect_request("/feed", headers={"Cookie": "consent=yes"}).respond_with_data(FEED)
    httpserver.expect_request("/consent").respond_with_data(
        "", 302, {"Location": "/feed", "Set-Cookie": "consent=yes; Path=/"}
    )
    assert fetch(config, httpserver.url_for("/consent"), now).body == FEED
    assert len(httpserver.log) == 2


@pytest.mark.parametrize("status", [301, 308])
def test_permanent_redirect_gives_permanent_url(
    config: Config, httpserver: HTTPServer, now: datetime, status: int
) -> None:
    httpserver.expect_request("/old").respond_with_data("", status, {"Location": "/mid"})
    httpserver.expect_request("/mid").respond_with_data("", 301, {"Location": "/new"})
    httpserver.expect_request("/new").respond_with_data(FEED)
    fetched = fetch(config, httpserver.url_for("/old"), now)
    assert fetched.url == httpserver.url_for("/new") == fetched.permanent_url
    assert fetched.body == FEED


def test_temporary_redirect_in_the_chain_is_not_permanent(
    config: Config, httpserver: HTTPServer, now: datetime
) -> None:
    httpserver.expect_request("/old").respond_with_data("", 301, {"Location": "/mid"})
    httpserver.expect_request("/mid").respond_with_data("", 302, {"Location": "/new"})
    httpserver.expect_request("/new").respond_with_data(FEED)
    fetched = fetch(config, httpserver.url_for("/old"), now)
    assert fetched.url == httpserver.url_for("/new")
    assert fetched.permanent_url is None


def test_redirect_loop_is_an_error(config: Config, httpserver: HTTPServer, now: datetime) -> None:
    httpserver.expect_request("/a").respond_with_data("", 302, {"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", 302, {"Location": "/a"})
    with pytest.raises(FetchError, match=r"redirect loop at .*/a"):
        fetch(config, httpserver.url_for("/a"), now)


def test_too_many_redirects_is_an_error(
    make_config: Callable[..., Config], httpserver: HTTPServer, now: datetime
) -> None:
    for i in range(6):
        httpserver.expect_request(f"/r{i}").respond_with_data("", 301, {"Location": f"/r{i + 1}"})
    config = make_config(network={"max_redirects": 3})
    with pytest.raises(FetchError, match=r"more than 3 redirects \(network.max_redirects\)"):
        fetch(config, httpserver.url_for("/r0"), now)
    assert len(httpserver.log) == 4


@pytest.mark.parametrize("status", [404, 410, 500])
def test_error_status_is_a_fetch_error_with_status(
    config: Config, httpserver: HTTPServer, now: datetime, status: int
) -> None:
    httpserver.expect_request("/feed").respond_with_data("no", status=status)
    with pytest.raises(FetchError, match=f"HTTP {status} ") as caught:
        fetch(config, httpserver.url_for("/feed"), now)
    assert caught.value.status == status and caught.value.retry_after is None
    assert caught.value.url == httpserver.url_for("/feed")


@pytest.mark.parametrize(
    ("status", "header", "wait"),
    [
        (429, "120", timedelta(seconds=120)),
        (503, "Wed, 02 Dec 2026 12:00:00 GMT", timedelta(days=1)),
    ],
)
def test_retry_after_is_read_from_seconds_or_date(
    config: Config,
    httpserver: HTTPServer,
    now: datetime,
    status: int,
    header: str,
    wait: timedelta,
) -> None:
    httpserver.expect_request("/feed").respond_with_data("", status, {"Retry-After": header})
    with pytest.raises(FetchError, match="retry after") as caught:
        fetch(config, httpserver.url_for("/feed"), now)
    assert caught.value.status == status
    assert caught.value.retry_after == now + wait


def test_retry_after_unreadable_or_past_is_bounded(now: datetime) -> None:
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None
    assert parse_retry_after("Mon, 01 Jan 2001 00:00:00 GMT", now) == now
    assert parse_retry_after("9" * 40, now) == now + timedelta(days=30)


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
        ("br", brotli.compress),
        ("gzip, br", lambda data: brotli.compress(gzip.compress(data))),
    ],
)
def test_compressed_bodies_are_decoded(
    config: Config,
    httpserver: HTTPServer,
    now: datetime,
    encoding: str,
    encode: Callable[[bytes], bytes],
) -> None:
    body = FEED * 5000
    httpserver.expect_request("/feed").respond_with_data(
        encode(body), headers={"Content-Encoding": encoding}
    )
    assert fetch(config, httpserver.url_for("/feed"), now).body == body


def test_oversized_body_stops_at_the_cap(
    make_config: Callable[..., Config], httpserver: HTTPServer, now: datetime
) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"x" * 300_000)
    config = make_config(network={"max_body_bytes": 100_000})
    with pytest.raises(FetchError, match=r"body larger than 100,000 bytes"):
        fetch(config, httpserver.url_for("/feed"), now)


@functools.cache
def _gzip_bomb(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    return b"".join(packer.compress(zeros) for _ in range(size >> 20)) + packer.flush()


@functools.cache
def _brotli_bomb(size: int) -> bytes:
    packer = brotli.Compressor(quality=5)
    zeros = bytes(1 << 20)
    return b"".join(packer.process(zeros) for _ in range(size >> 20)) + packer.finish()


@pytest.mark.parametrize(("encoding", "bomb"), [("gzip", _gzip_bomb), ("br", _brotli_bomb)])
def test_compression_bomb_stops_at_the_cap_with_little_memory(
    make_config: Callable[..., Config],
    httpserver: HTTPServer,
    now: datetime,
    encoding: str,
    bomb: Callable[[int], bytes],
) -> None:
    payload = bomb(256 << 20)  # 256 MB of zeros once inflated
    assert len(payload) < 300_000
    httpserver.expect_request("/bomb").respond_with_data(
        payload, headers={"Content-Encoding": encoding}
    )
    httpserver.expect_request("/small").respond_with_data(
        {"gzip": gzip.compress, "br": brotli.compress}[encoding](FEED),
        headers={"Content-Encoding": encoding},
    )
    config = make_config(network={"max_body_bytes": 1_000_000})

    async def peak_of_bomb() -> int:
        async with Fetcher(config) as fetcher:
            await fetcher.fetch(httpserver.url_for("/small"), now=now)  # warm: imports, pools
            tracemalloc.start()
            try:
                with pytest.raises(FetchError, match="body larger than 1,000,000 bytes"):
                    await fetcher.fetch(httpserver.url_for("/bomb"), now=now)
                return tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()

    assert asyncio.run(peak_of_bomb()) < 32_000_000  # the whole process, server thread too


@pytest.mark.parametrize(("encoding", "bomb"), [("gzip", _gzip_bomb), ("br", _brotli_bomb)])
def test_decoding_a_bomb_peaks_near_the_cap(encoding: str, bomb: Callable[[int], bytes]) -> None:
    payload = bomb(256 << 20)

    async def network() -> AsyncIterator[bytes]:
        for start in range(0, len(payload), 65536):
            yield payload[start : start + 65536]

    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="body larger than 1,000,000 bytes"):
            asyncio.run(read_capped(network(), encoding, 1_000_000, "http://x/feed"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3_000_000


def test_declared_brotli_floor_bounds_each_output() -> None:
    # brotli 1.1's Decompressor.process takes no output_buffer_limit (TypeError on every
    # br response), and without it 16 bytes of a bomb inflate to 8 MB at once: 1.2.0 is
    # the first release that can keep the cap's memory bound.
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    (brotli_req,) = [
        Requirement(r) for r in project["project"]["dependencies"] if r.startswith("brotli")
    ]
    assert not brotli_req.specifier.contains("1.1.0")
    assert brotli_req.specifier.contains("1.2.0")


def test_trickling_server_is_cut_at_the_deadline(
    make_config: Callable[..., Config], now: datetime
) -> None:
    def trickle(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
        for _ in range(100):
            conn.sendall(b"x")
            time.sleep(0.2)

    config = make_config(network={"deadline": "1s"})
    with raw_server(trickle) as url:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"within 1s \(network.deadline\)"):
            fetch(config, url, now)
        assert time.monotonic() - started < 5.0  # not the 20 s it would take


def test_server_that_never_answers_is_cut_at_the_deadline(
    make_config: Callable[..., Config], now: datetime
) -> None:
    config = make_config(network={"deadline": "1s"})
    with raw_server(lambda conn: time.sleep(20)) as url:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"network\.deadline"):
            fetch(config, url, now)
        assert time.monotonic() - started < 5.0  # not the 20 s it would take


def test_connection_reset_is_a_fetch_error(config: Config, now: datetime) -> None:
    def reset(conn: socket.socket) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    with raw_server(reset) as url, pytest.raises(FetchError, match="connection broken"):
        fetch(config, url, now)


def test_endless_chunked_body_stops_at_the_cap(
    make_config: Callable[..., Config], now: datetime
) -> None:
    def endless(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)
        while True:
            conn.sendall(chunk)

    config = make_config(network={"max_body_bytes": 1_000_000})
    with raw_server(endless) as url, pytest.raises(FetchError, match="body larger than"):
        fetch(config, url, now)


def test_tls_to_a_plain_http_port_is_a_fetch_error(
    config: Config, httpserver: HTTPServer, now: datetime
) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED)
    with pytest.raises(FetchError, match="TLS handshake failed"):
        fetch(config, f"https://127.0.0.1:{httpserver.port}/feed", now)


def test_refused_connection_is_a_fetch_error(config: Config, now: datetime) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
    with pytest.raises(FetchError, match="could not connect"):
        fetch(config, f"http://127.0.0.1:{port}/feed", now)


def test_per_host_and_global_limits_hold_at_the_server(
    make_config: Callable[..., Config], now: datetime
) -> None:
    lock = threading.Lock()
    state = {"now": 0, "most": 0}

    def slow(conn: socket.socket) -> None:
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.15)
        with lock:
            state["now"] -= 1
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")

    config = make_config(network={"per_host": 2, "max_connections": 10})
    with raw_server(slow) as url:

        async def run(urls: list[str]) -> None:
            async with Fetcher(config) as fetcher:
                await asyncio.gather(*(fetcher.fetch(u, now=now) for u in urls))

        asyncio.run(run([url] * 6))
        assert state["most"] == 2
        state["most"] = 0
        config = make_config(network={"per_host": 5, "max_connections": 3})
        asyncio.run(run([url] * 8))
        assert state["most"] == 3


def test_robots_txt_is_obeyed_and_kept_per_host(
    config: Config, httpserver: HTTPServer, now: datetime
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private/\n", content_type="text/plain"
    )

    async def run() -> list[bool]:
        async with Fetcher(config) as fetcher:
            return [
                await fetcher.allowed_by_robots(httpserver.url_for(path), now=now)
                for path in ("/news/1", "/private/2", "/news/3")
            ]

    assert asyncio.run(run()) == [True, False, True]
    assert len(httpserver.log) == 1


def test_robots_txt_is_asked_again_after_a_day(
    config: Config, httpserver: HTTPServer, now: datetime
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow:\n")
    page = httpserver.url_for("/news/1")

    async def run() -> None:
        async with Fetcher(config) as fetcher:
            for later in (timedelta(0), timedelta(hours=23), timedelta(hours=25)):
                assert await fetcher.allowed_by_robots(page, now=now + later)

    asyncio.run(run())
    assert len(httpserver.log) == 2


@pytest.mark.parametrize(("status", "allowed"), [(404, True), (500, False)])
def test_robots_missing_allows_and_robots_failing_refuses(
    config: Config, httpserver: HTTPServer, now: datetime, status: int, allowed: bool
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("", status=status)

    async def run() -> bool:
        async with Fetcher(config) as fetcher:
            return await fetcher.allowed_by_robots(httpserver.url_for("/page"), now=now)

    assert asyncio.run(run()) is allowed


def test_fetch_once_asks_for_a_page(config: Config, httpserver: HTTPServer, now: datetime) -> None:
    def answer(request: Request) -> Response:
        return Response(request.headers["Accept"], content_type="text/plain")

    httpserver.expect_request("/page").respond_with_handler(answer)
    fetched = fetch_once(config, httpserver.url_for("/page"), now=now)
    assert fetched.body is not None and fetched.body.startswith(b"text/html")
