"""The connection layer: DNS resolved by us, each address checked by the guard,
then the connection made to that very address (no second lookup to rebind).

httpx has no public hook for httpcore's network backend, so `guarded_transport`
swaps the transport's connection pool for a `KeepAlivePool` built on `GuardedBackend`; the guard
tests in tests/test_guard.py fail loudly if a new httpx stops honouring it.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import select
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from curator.fetch.guard import AddressPolicy, BlockedAddress, IPAddress
from curator.fetch.pool import KeepAlivePool


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses the policy allows."""

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await _resolve(host, port, timeout)
        for address in addresses:  # one bad address refuses the name: no lottery
            reason = self._policy.refusal(address, port)
            if reason:
                raise BlockedAddress(reason)
        failure: Exception = httpcore.ConnectError(f"no address for {host}")
        for address in addresses:
            try:
                stream = await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
                return KeptSocketStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                failure = e
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress("unix sockets are never connected to")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class KeptSocketStream(httpcore.AsyncNetworkStream):
    """anyio's stream, but "is this idle connection readable?" (asked by the pool before it
    reuses a connection) answered from the socket kept at connect: anyio builds a dict of
    every socket attribute, getpeername included, for each question (without this class
    a warm poll took ~4% more CPU, measured with fetch/pool.py)."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket: socket.socket | None = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        tls = await self._inner.start_tls(ssl_context, server_hostname, timeout)
        return KeptSocketStream(tls)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return _readable(self._socket)
        return self._inner.get_extra_info(info)


def _readable(sock: socket.socket | None) -> bool:
    """As httpcore's `_utils.is_socket_readable` (private there, so followed here, not
    imported): a closed socket counts as readable (its next read gives the b"" of a
    server's goodbye)."""
    fd = -1 if sock is None else sock.fileno()
    if fd < 0:
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


async def _resolve(host: str, port: int, timeout: float | None) -> list[IPAddress]:
    """Every address `host` resolves to, in the resolver's order, without duplicates."""
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(timeout):
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except TimeoutError as e:
        raise httpcore.ConnectTimeout(f"resolving {host} took too long") from e
    except (socket.gaierror, UnicodeError) as e:
        raise httpcore.ConnectError(f"cannot resolve {host} ({e})") from e
    found: list[IPAddress] = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if address not in found:
            found.append(address)
    return found


def guarded_transport(policy: AddressPolicy, max_connections: int) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose every connection passes the guard."""
    limits = httpx.Limits(
        max_connections=max_connections, max_keepalive_connections=max_connections
    )
    context = _ssl_context()
    transport = httpx.AsyncHTTPTransport(verify=context, limits=limits, trust_env=False)
    expiry = limits.keepalive_expiry or 0.0
    transport._pool = KeepAlivePool(GuardedBackend(policy), context, max_connections, expiry)  # type: ignore[assignment]
    return transport


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One TLS context per process: loading the CA bundle takes ~70 ms, and every
    poll and extraction run makes a new transport (the service does so each tick)."""
    return httpx.create_ssl_context(trust_env=False)
