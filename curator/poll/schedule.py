"""When is a source next due? Pure decisions; the caller passes `now` (and the
jitter), the database keeps the answer in `sources.next_poll_at`.

- success / 304 / unchanged: the source's interval (or poll.interval), stretched
  to what the server's cache headers ask for, kept within min..max_interval;
- error: exponential backoff from that interval, with jitter, capped by max_backoff;
- 429 / 503 with Retry-After: not before the server's time (and never sooner
  than min_interval);
- 410 Gone: never (the source is disabled).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from curator.config import Config

# Retry-After beyond this is a misconfigured server; the normal backoff applies.
MAX_RETRY_AFTER = timedelta(days=30)
JITTER_SPREAD = 0.2  # backoff times vary by +-10%, so failed sources do not stampede


@dataclass(frozen=True)
class Schedule:
    interval: timedelta
    min_interval: timedelta
    max_interval: timedelta
    max_backoff: timedelta

    @classmethod
    def from_config(cls, config: Config) -> Schedule:
        return cls(
            interval=config.poll.interval,
            min_interval=config.poll.min_interval,
            max_interval=config.poll.max_interval,
            max_backoff=config.poll.max_backoff,
        )

    def base_interval(self, source_interval: timedelta | None) -> timedelta:
        """The source's own interval (or the default), within min..max_interval."""
        return self._bounded(source_interval or self.interval)

    def after_success(
        self, now: datetime, source_interval: timedelta | None, headers: dict[str, str]
    ) -> datetime:
        """Next poll after a 200 or 304: the interval, or longer if the cache headers say
        the feed stays fresh longer, never beyond max_interval."""
        wait = source_interval or self.interval
        fresh = freshness(headers)
        if fresh is not None and fresh > wait:
            wait = fresh
        return now + self._bounded(wait)

    def after_error(
        self,
        now: datetime,
        source_interval: timedelta | None,
        consecutive_errors: int,
        jitter: float,
        retry_after: datetime | None = None,
    ) -> datetime:
        """Next poll after the `consecutive_errors`-th failure in a row (1 = the first).

        `jitter` is a number in [0, 1) from the caller's random source."""
        if retry_after is not None and now < retry_after <= now + MAX_RETRY_AFTER:
            return max(retry_after, now + self.min_interval)
        exponent = min(max(consecutive_errors - 1, 0), 20)
        wait = self.base_interval(source_interval) * (2**exponent)
        wait = min(wait, self.max_backoff) * (1 - JITTER_SPREAD / 2 + JITTER_SPREAD * jitter)
        return now + min(wait, self.max_backoff)

    def _bounded(self, wait: timedelta) -> timedelta:
        return min(max(wait, self.min_interval), self.max_interval)


def freshness(headers: dict[str, str]) -> timedelta | None:
    """How long the response says it stays fresh: Cache-Control max-age (s-maxage
    first), else Expires minus Date. None when the headers say nothing usable."""
    lowered = {k.lower(): v for k, v in headers.items()}
    directives = _cache_control(lowered.get("cache-control", ""))
    for name in ("s-maxage", "max-age"):
        if directives.get(name, "").isdigit():
            return timedelta(seconds=int(directives[name]))
    expires, date = _http_date(lowered.get("expires")), _http_date(lowered.get("date"))
    if expires is not None and date is not None and expires > date:
        return expires - date
    return None


def _cache_control(value: str) -> dict[str, str]:
    directives = {}
    for part in value.split(","):
        name, _, argument = part.strip().partition("=")
        directives[name.lower()] = argument.strip().strip('"')
    return directives


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else None
