"""What a poll changes on its source: pure decisions, in the manner of
lemon24/reader's update Decider. Each takes the source as it was read, what the
network gave and the run's `now` (and the jitter), and returns a `SourceUpdate`
that the store writes in one transaction. Nothing here reads the clock, the
database or the network, so tests give literal records and read the answer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime

from curator.models import FetchedFeed, ParsedFeed, Source, SourceUpdate, Validators
from curator.poll.report import DISABLED, FAILED, NOT_MODIFIED, OK, UNCHANGED
from curator.poll.schedule import Schedule


@dataclass(frozen=True)
class Decider:
    """The decisions of one poll run: every source polled in it shares `now`."""

    schedule: Schedule
    now: datetime

    def validators(self, source: Source, fetched: FetchedFeed) -> Validators:
        """What to send next time. After a 304 the old validators stand unless the
        server sent new ones; after a body, the response's (and the body's hash)."""
        if _not_modified(fetched):
            return Validators(
                etag=fetched.etag or source.etag,
                last_modified=fetched.last_modified or source.last_modified,
                body_hash=source.body_hash,
            )
        digest = hashlib.sha256(fetched.body or b"").hexdigest()
        return Validators(fetched.etag, fetched.last_modified, digest)

    def kept(
        self, source: Source, fetched: FetchedFeed, validators: Validators
    ) -> SourceUpdate | None:
        """A 304, or the same bytes as last time: only the bookkeeping changes.
        None when the body is new and has to be parsed."""
        if _not_modified(fetched):
            status = NOT_MODIFIED
        elif validators.body_hash == source.body_hash:
            status = UNCHANGED
        else:
            return None
        return self._success(source, fetched, status, validators, source.last_warning)

    def parsed(
        self, source: Source, fetched: FetchedFeed, validators: Validators, feed: ParsedFeed
    ) -> SourceUpdate:
        """A new body that parsed: its title, and what parsing had to skip or forgive."""
        warning = _warning(feed.warning, feed.skipped_entries)
        update = self._success(source, fetched, OK, validators, warning)
        return replace(update, feed_title=feed.title or None)

    def failed(
        self,
        source: Source,
        problem: str,
        http_status: int | None = None,
        *,
        jitter: float,
        retry_after: datetime | None = None,
        moved_to: str | None = None,
    ) -> SourceUpdate:
        """A failed poll is data: the error, one more in a row, and the next attempt
        (backed off, or the server's Retry-After); a 410 disables the source.
        `jitter` is a number in [0, 1) from the caller's random source."""
        errors = source.consecutive_errors + 1
        failure = SourceUpdate(
            source.id, self.now, FAILED, http_status, None, errors, problem, moved_to=moved_to
        )
        if http_status == 410:
            return replace(failure, status=DISABLED, disabled_reason=f"410 Gone: {problem}")
        next_poll = self.schedule.after_error(
            self.now, source.interval, errors, jitter, retry_after
        )
        return replace(failure, next_poll_at=next_poll)

    def _success(
        self,
        source: Source,
        fetched: FetchedFeed,
        status: str,
        validators: Validators,
        warning: str | None,
    ) -> SourceUpdate:
        return SourceUpdate(
            source.id,
            self.now,
            status,
            fetched.status,
            self.schedule.after_success(self.now, source.interval, fetched.headers),
            validators=validators,
            warning=warning,
            moved_to=moved_url(source, fetched),
        )


def moved_url(source: Source, fetched: FetchedFeed) -> str | None:
    """The URL a 301/308 gave, when it is not the one we have."""
    if not fetched.permanent_url or fetched.permanent_url == source.url:
        return None
    return fetched.permanent_url


def _not_modified(fetched: FetchedFeed) -> bool:
    return fetched.status == 304 or fetched.body is None


def _warning(problem: str | None, skipped: int) -> str | None:
    parts = [f"skipped {skipped} unreadable or repeated entries"] if skipped else []
    return "; ".join([*parts, *([problem] if problem else [])]) or None
