"""The address guard: with allow_private_networks off, nothing private is fetched,
however the address is spelled and whichever redirect hop names it."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Callable
from datetime import datetime

import pytest
from pytest_httpserver import HTTPServer

from curator.config import Config
from curator.errors import FetchError
from curator.fetch import AddressPolicy, Fetcher, fetch_once
from curator.fetch.guard import BlockedAddress, address_kind, check_url, literal_address
from curator.fetch.transport import GuardedBackend


@pytest.fixture
def guarded(make_config: Callable[..., Config]) -> Config:
    return make_config(network={"allow_private_networks": False})


def _fetch(config: Config, url: str, now: datetime, policy: AddressPolicy | None = None) -> None:
    async def run() -> None:
        async with Fetcher(config, policy=policy) as fetcher:
            await fetcher.fetch(url, now=now)

    asyncio.run(run())


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "LOCALHOST.",
        "2130706433",
        "0x7f.1",
        "0177.0.0.1",
        "[::1]",
        "[::ffff:127.0.0.1]",
    ],
)
def test_loopback_in_any_spelling_gets_nothing_fetched(
    guarded: Config, httpserver: HTTPServer, now: datetime, host: str
) -> None:
    httpserver.expect_request("/feed").respond_with_data("secret")
    with pytest.raises(FetchError, match=r"blocked: .* loopback|not a fetchable URL"):
        _fetch(guarded, f"http://{host}:{httpserver.port}/feed", now)
    assert httpserver.log == []


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.0.0.8/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://224.0.0.1/", "multicast"),
        ("http://240.0.0.1/", "reserved"),
        ("http://100.64.0.1/", "non-public"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[fc00::1]/", "private"),
        ("http://[2002:a00:1::]/", "private"),
    ],
)
def test_private_addresses_are_refused_before_connecting(
    guarded: Config, now: datetime, url: str, kind: str
) -> None:
    with pytest.raises(FetchError, match=f"blocked: .* {kind} address"):
        fetch_once(guarded, url, now=now)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/feed", "gopher://x/"])
def test_only_http_and_https_are_fetched(guarded: Config, now: datetime, url: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        fetch_once(guarded, url, now=now)


def test_redirect_from_an_allowed_server_to_loopback_gets_nothing_fetched(
    guarded: Config, httpserver: HTTPServer, now: datetime
) -> None:
    inner = HTTPServer(host="127.0.0.1", port=0)
    inner.start()
    try:
        inner.expect_request("/admin").respond_with_data("secret")
        target = f"http://127.0.0.1:{inner.port}/admin"
        httpserver.expect_request("/feed").respond_with_data(
            "", status=302, headers={"Location": target}
        )
        policy = AddressPolicy(allowed_endpoints=frozenset({("127.0.0.1", httpserver.port)}))
        refused = r"/feed: redirect to http://127\.0\.0\.1:\d+/admin: blocked: .* loopback"
        with pytest.raises(FetchError, match=refused):
            _fetch(guarded, f"http://127.0.0.1:{httpserver.port}/feed", now, policy)
        assert len(httpserver.log) == 1
        assert inner.log == []
    finally:
        inner.stop()


def test_a_name_resolving_to_loopback_is_refused_at_connect(
    guarded: Config, httpserver: HTTPServer, now: datetime
) -> None:
    httpserver.expect_request("/feed").respond_with_data("ok")
    backend = GuardedBackend(AddressPolicy())

    async def connect() -> None:  # straight to the connection layer: no pre-DNS check
        await backend.connect_tcp("localhost", httpserver.port, timeout=2)

    with pytest.raises(BlockedAddress, match="address"):
        asyncio.run(connect())
    assert httpserver.log == []


def test_allowed_endpoint_lets_only_that_port_through(
    guarded: Config, httpserver: HTTPServer, now: datetime
) -> None:
    httpserver.expect_request("/feed").respond_with_data("ok")
    policy = AddressPolicy(allowed_endpoints=frozenset({("127.0.0.1", httpserver.port)}))
    url = f"http://127.0.0.1:{httpserver.port}/feed"
    _fetch(guarded, url, now, policy)
    assert len(httpserver.log) == 1
    other = AddressPolicy(allowed_endpoints=frozenset({("127.0.0.1", httpserver.port + 1)}))
    with pytest.raises(FetchError, match="blocked"):
        _fetch(guarded, url, now, other)
    assert len(httpserver.log) == 1


def test_allow_private_networks_lets_loopback_through(
    config: Config, httpserver: HTTPServer, now: datetime
) -> None:
    httpserver.expect_request("/feed").respond_with_data("ok")
    assert fetch_once(config, httpserver.url_for("/feed"), now=now).body == b"ok"


def test_public_addresses_pass_the_guard() -> None:
    policy = AddressPolicy()
    assert policy.refusal(ipaddress.ip_address("93.184.216.34"), 80) is None
    assert policy.refusal(ipaddress.ip_address("2606:2800:220:1::1"), 443) is None
    assert address_kind(ipaddress.ip_address("::ffff:10.1.2.3")) == "private"
    check_url("https://example.org/feed", "https", "example.org", 443, policy)


def test_literal_address_reads_old_spellings() -> None:
    assert str(literal_address("2130706433")) == "127.0.0.1"
    assert str(literal_address("0x7f.1")) == "127.0.0.1"
    assert str(literal_address("[::1]")) == "::1"
    assert literal_address("example.org") is None
