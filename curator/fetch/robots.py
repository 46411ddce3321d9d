"""robots.txt for article pages, read with protego and kept per host.

RFC 9309: a 4xx robots.txt means "no rules"; a 5xx or an unreachable host means
"assume everything is disallowed" for now, and we ask again sooner.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from protego import Protego

from curator.errors import FetchError
from curator.models import FetchedFeed

KEEP_RULES = timedelta(hours=24)
KEEP_FAILURE = timedelta(hours=1)
ROBOTS_ACCEPT = "text/plain, */*;q=0.5"


@dataclass(frozen=True)
class RobotsRules:
    """The rules of one host; `parser` None means "allow all" (a 4xx) or, with
    `disallow_all`, "refuse all" (a 5xx or no answer)."""

    parser: Protego | None
    expires_at: datetime
    disallow_all: bool = False
    failure: str | None = None  # why robots.txt could not be read (then all is refused)

    def allows(self, url: str, agent: str) -> bool:
        if self.disallow_all:
            return False
        return self.parser is None or bool(self.parser.can_fetch(url, agent))


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def rules_from(fetched: FetchedFeed | FetchError, now: datetime) -> RobotsRules:
    """Decide what a robots.txt answer (or failure) means, and for how long."""
    if isinstance(fetched, FetchError):
        if fetched.status is not None and 400 <= fetched.status < 500:
            return RobotsRules(None, now + KEEP_RULES)
        return RobotsRules(None, now + KEEP_FAILURE, disallow_all=True, failure=fetched.problem)
    text = (fetched.body or b"").decode("utf-8", errors="replace")
    return RobotsRules(Protego.parse(text), now + KEEP_RULES)


class RobotsCache:
    """Robots rules per scheme+host, fetched on first need and kept for a day."""

    def __init__(
        self, fetch: Callable[[str, datetime], Awaitable[FetchedFeed]], agent: str
    ) -> None:
        self._fetch = fetch
        self._agent = agent
        self._rules: dict[str, RobotsRules] = {}
        self._locks: dict[str, asyncio.Lock] = {}  # one robots.txt request per host at once

    async def allows(self, url: str, now: datetime) -> bool:
        key = robots_url(url)
        async with self._locks.setdefault(key, asyncio.Lock()):
            rules = self._rules.get(key)
            if rules is None or rules.expires_at <= now:
                try:
                    answer: FetchedFeed | FetchError = await self._fetch(key, now)
                except FetchError as e:
                    answer = e
                rules = self._rules[key] = rules_from(answer, now)
        return rules.allows(url, self._agent)

    def failure(self, url: str) -> str | None:
        """Why the host's robots.txt could not be read, if that is why `allows` said no:
        a passing fault, so the page should be tried again, not skipped for good."""
        rules = self._rules.get(robots_url(url))
        return rules.failure if rules else None
