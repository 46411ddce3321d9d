"""Keep-alive connections for requests the Fetcher has already limited.

httpcore's AsyncConnectionPool queues requests and enforces limits, and every hand-out
and return walks every connection and queued request (each idle one asked whether it is
readable, `is_idle` asked of each connection for each connection): with ten connections
about 1.4 ms of CPU a request, two thirds of a 304 (bench/poll.py, warm unchanged). The
Fetcher bounds the requests in flight itself (network.max_connections, network.per_host),
so this pool only keeps connections: a request takes the newest live idle connection to
its origin or opens one, and closing its response puts the connection back. The
connections themselves are httpcore's (HTTP/1.1, TLS, the guarded backend).
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import Protocol, cast

import httpcore


class KeepAlivePool:
    """Idle connections, newest last, each kept `keepalive_expiry` seconds idle at most
    (httpcore's connection says when it has expired or the server hung up). When busy and
    idle ones together reach `max_connections`, the oldest idle one is closed to make room;
    the busy ones are bounded by the Fetcher (as many requests in flight at most). Closing
    the pool closes the idle connections at once and each busy one as its response closes."""

    def __init__(
        self,
        backend: httpcore.AsyncNetworkBackend,
        ssl_context: ssl.SSLContext,
        max_connections: int,
        keepalive_expiry: float,
    ) -> None:
        self._backend = backend
        self._ssl_context = ssl_context
        self._max_connections = max_connections
        self._keepalive_expiry = keepalive_expiry
        self._idle: list[httpcore.AsyncHTTPConnection] = []
        self._busy = 0
        self._closed = False

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        connection = await self._connection_for(request.url.origin)
        self._busy += 1
        try:
            response = await connection.handle_async_request(request)
        except BaseException:
            self._busy -= 1
            await connection.aclose()
            raise
        body = cast(_Body, response.stream)
        stream = _ReturningStream(body, lambda: self._give_back(connection))
        return httpcore.Response(
            status=response.status,
            headers=response.headers,
            content=stream,
            extensions=response.extensions,
        )

    async def _connection_for(self, origin: httpcore.Origin) -> httpcore.AsyncHTTPConnection:
        """The newest idle connection to `origin` still alive, else a new one (closing
        the oldest idle connection when the pool is full)."""
        for index in range(len(self._idle) - 1, -1, -1):
            connection = self._idle[index]
            if connection.can_handle_request(origin):
                del self._idle[index]
                if connection.is_available() and not connection.has_expired():
                    return connection
                await connection.aclose()
                break  # older connections to this origin were idle longer: let them expire
        if self._idle and len(self._idle) + self._busy >= self._max_connections:
            await self._idle.pop(0).aclose()
        return httpcore.AsyncHTTPConnection(
            origin,
            ssl_context=self._ssl_context,
            keepalive_expiry=self._keepalive_expiry,
            network_backend=self._backend,
        )

    async def _give_back(self, connection: httpcore.AsyncHTTPConnection) -> None:
        self._busy -= 1
        if connection.is_idle() and not self._closed:
            self._idle.append(connection)
        else:
            await connection.aclose()

    async def aclose(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.aclose()

    async def __aenter__(self) -> KeepAlivePool:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None = None,
        error: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        await self.aclose()


class _Body(Protocol):
    """A connection's response body as httpcore gives it (HTTP/1.1: async, closable)."""

    def __aiter__(self) -> AsyncIterator[bytes]: ...

    async def aclose(self) -> None: ...


class _ReturningStream:
    """A response's body; closing it (once) hands its connection back to the pool."""

    def __init__(self, stream: _Body, give_back: Callable[[], Awaitable[None]]) -> None:
        self._stream = stream
        self._give_back: Callable[[], Awaitable[None]] | None = give_back

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        give_back, self._give_back = self._give_back, None
        if give_back is None:
            return
        try:
            await self._stream.aclose()
        finally:
            await give_back()
