"""The Fetcher: every request Curator makes goes through here.

Polite (a User-Agent with a contact URL, a global and a per-host limit), bounded
(one deadline for a whole request, body and redirects included; a cap on the
decoded body; at most N redirects, followed by hand and each hop guarded) and
plain about failure: anything but a 2xx or 304 is a one-line FetchError.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from types import TracebackType

import httpx

from curator.config import Config
from curator.errors import FetchError
from curator.fetch.body import ACCEPT_ENCODING, read_capped
from curator.fetch.guard import AddressPolicy, BlockedAddress, check_url
from curator.fetch.robots import ROBOTS_ACCEPT, RobotsCache
from curator.fetch.transport import guarded_transport
from curator.models import FetchedFeed

FEED_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT = frozenset({301, 308})
MAX_RETRY_AFTER = timedelta(days=30)


@dataclass(frozen=True)
class _Redirect:
    status: int
    location: str


class Fetcher:
    """One httpx transport with Curator's limits; use as `async with Fetcher(config)`.

    Requests go to the transport itself, as an httpx.AsyncClient would send them
    (default headers, timeouts, a cookie jar for the Fetcher's life) but without the
    client's per-request layers (auth flow, redirect loop, event hooks, a cookie
    jar read for every response): a fifth of a 304's CPU. Redirects are followed
    here anyway, each hop guarded.

    `policy` replaces the address guard's policy (tests allow their own server's
    exact address and port with it); by default it follows network.allow_private_networks.
    """

    def __init__(self, config: Config, *, policy: AddressPolicy | None = None) -> None:
        allow_private = config.network.allow_private_networks
        self._policy = policy or AddressPolicy(allow_private=allow_private)
        self._deadline = config.network.deadline.total_seconds()
        self._max_body = config.network.max_body_bytes
        self._max_redirects = config.network.max_redirects
        self._per_host = config.network.per_host
        max_connections = config.network.max_connections
        self._limit = asyncio.Semaphore(max_connections)
        self._host_slots: dict[str, asyncio.Semaphore] = {}
        product = config.curator.user_agent
        self.user_agent = f"{product} (+{config.curator.contact_url})"
        self._transport = guarded_transport(self._policy, max_connections)
        self._headers = {
            "User-Agent": self.user_agent,
            "Accept-Encoding": ACCEPT_ENCODING,
            "Connection": "keep-alive",
        }
        connect = config.network.connect_timeout.total_seconds()
        self._timeout = httpx.Timeout(self._deadline, connect=connect).as_dict()
        self._cookies = httpx.Cookies()
        self._robots = RobotsCache(self._fetch_robots, product.split("/")[0])

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._transport.aclose()

    async def fetch(
        self,
        url: str,
        *,
        now: datetime,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
    ) -> FetchedFeed:
        """GET `url` (conditionally when etag/last_modified are given).

        Returns a 2xx (with body) or a 304 (body None); raises FetchError otherwise.
        """
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        async with self._limit:
            try:
                return await self._follow(url, headers, now)
            except TimeoutError as e:
                raise FetchError(
                    url, f"no complete answer within {self._deadline:g}s (network.deadline)"
                ) from e
            except BlockedAddress as e:
                raise FetchError(url, f"blocked: {e}") from e
            except (httpx.HTTPError, httpx.InvalidURL, OSError) as e:
                raise FetchError(url, describe_failure(e)) from e

    async def allowed_by_robots(self, url: str, *, now: datetime) -> bool:
        """May an article page at `url` be fetched? robots.txt is kept a day per host."""
        return await self._robots.allows(url, now)

    def robots_failure(self, url: str) -> str | None:
        """Why robots.txt of `url`'s host could not be read (5xx, no answer), if it was not."""
        return self._robots.failure(url)

    async def _fetch_robots(self, url: str, now: datetime) -> FetchedFeed:
        return await self.fetch(url, now=now, accept=ROBOTS_ACCEPT)

    async def _follow(self, url: str, headers: dict[str, str], now: datetime) -> FetchedFeed:
        loop = asyncio.get_running_loop()
        current, seen, permanent = url, {url}, True
        started: float | None = None
        for _ in range(self._max_redirects + 1):
            target = self._checked(url, current)
            async with self._host_slot(target.host):
                started = loop.time() if started is None else started
                async with asyncio.timeout_at(started + self._deadline):
                    answer = await self._exchange(url, target, headers, now)
            if isinstance(answer, FetchedFeed):
                moved = current != url and permanent
                return replace(answer, permanent_url=answer.url) if moved else answer
            permanent = permanent and answer.status in PERMANENT
            current = str(target.join(answer.location))
            if current in seen:
                raise FetchError(url, f"redirect loop at {current}")
            seen.add(current)
        raise FetchError(url, f"more than {self._max_redirects} redirects (network.max_redirects)")

    def _checked(self, url: str, current: str) -> httpx.URL:
        """`current` parsed and passed by the guard; a refused hop names the redirect."""
        target = httpx.URL(current)
        port = target.port or _default_port(target)
        try:
            check_url(current, target.scheme, target.host, port, self._policy)
        except FetchError as e:
            if current == url:
                raise
            raise FetchError(url, f"redirect to {current}: {e.problem}") from e
        return target

    async def _exchange(
        self, url: str, target: httpx.URL, headers: dict[str, str], now: datetime
    ) -> FetchedFeed | _Redirect:
        request = self._request(target, headers)
        response = await self._transport.handle_async_request(request)
        response.request = request
        try:
            if "set-cookie" in response.headers:
                self._cookies.extract_cookies(response)
            return await self._answer(url, response, now)
        finally:
            await response.aclose()

    def _request(self, url: httpx.URL, headers: dict[str, str]) -> httpx.Request:
        """`url` as _checked parsed it (httpx parses URLs in Python: not twice)."""
        request = httpx.Request(
            "GET", url, headers={**self._headers, **headers}, extensions={"timeout": self._timeout}
        )
        if self._cookies:
            self._cookies.set_cookie_header(request)
        return request

    async def _answer(
        self, url: str, response: httpx.Response, now: datetime
    ) -> FetchedFeed | _Redirect:
        """The response read: a redirect's Location, a 304, or the capped body."""
        status = response.status_code
        if status in REDIRECTS:
            location = response.headers.get("location")
            if not location:
                raise FetchError(
                    url, f"HTTP {status} redirect without a Location header", status=status
                )
            await _drain(response)
            return _Redirect(status, location)
        if status != 304 and not 200 <= status < 300:
            raise status_error(url, response, now)
        body = None
        if status == 304:
            await _drain(response)
        else:
            encoding = response.headers.get("content-encoding")
            body = await read_capped(response.aiter_raw(), encoding, self._max_body, url)
        return FetchedFeed(
            url=str(response.url),
            status=status,
            body=body,
            headers={k.lower(): v for k, v in response.headers.items()},
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            fetched_at=now,
        )

    def _host_slot(self, host: str) -> asyncio.Semaphore:
        slot = self._host_slots.get(host)
        if slot is None:
            slot = self._host_slots[host] = asyncio.Semaphore(self._per_host)
        return slot


async def _drain(response: httpx.Response, limit: int = 65536) -> None:
    """Read a small body (a 304's, a redirect's) to its end so the connection is
    kept alive; past `limit` we stop and closing the stream drops the connection."""
    seen = 0
    async for chunk in response.aiter_raw():
        seen += len(chunk)
        if seen > limit:
            return


def fetch_once(
    config: Config, url: str, *, now: datetime, accept: str = PAGE_ACCEPT
) -> FetchedFeed:
    """One GET outside any event loop, for one-off CLI use (e.g. feed discovery)."""

    async def run() -> FetchedFeed:
        async with Fetcher(config) as fetcher:
            return await fetcher.fetch(url, now=now, accept=accept)

    return asyncio.run(run())


def status_error(url: str, response: httpx.Response, now: datetime) -> FetchError:
    """The FetchError for a status that is neither 2xx, 304 nor a redirect."""
    status = response.status_code
    retry_after = None
    if status in (429, 503):
        retry_after = parse_retry_after(response.headers.get("retry-after"), now)
    problem = f"HTTP {status} {response.reason_phrase}".strip()
    if retry_after is not None:
        problem += f" (retry after {retry_after:%Y-%m-%d %H:%M:%S} UTC)"
    return FetchError(url, problem, status=status, retry_after=retry_after)


def parse_retry_after(value: str | None, now: datetime) -> datetime | None:
    """Retry-After as a moment: from seconds or an HTTP-date; None when unreadable."""
    text = (value or "").strip()
    if text.isdigit():
        return now + min(timedelta(seconds=int(text[:9])), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return min(max(when.astimezone(UTC), now), now + MAX_RETRY_AFTER)


def describe_failure(error: Exception) -> str:
    """One line for a network failure: what broke, in words an operator can act on."""
    detail = str(error) or type(error).__name__
    if _caused_by(error, ssl.SSLError) or "SSL" in detail:
        return f"TLS handshake failed ({detail})"
    if isinstance(error, httpx.ConnectTimeout):
        return "could not connect in time (network.connect_timeout)"
    if isinstance(error, httpx.TimeoutException):
        return "no answer in time (network.deadline)"
    if isinstance(error, httpx.ConnectError):
        return f"could not connect ({detail})"
    if isinstance(error, httpx.RemoteProtocolError | httpx.ReadError):
        return f"connection broken ({detail})"
    if isinstance(error, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return f"not a fetchable URL ({detail})"
    return f"{type(error).__name__} ({detail})"


def _caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _default_port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80
