"""poll.decide.Decider: what one poll changes on its source, from literal records
(no database, no network). The store writes the SourceUpdate it returns."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from curator.models import FetchedFeed, ParsedFeed, Source, SourceUpdate, Validators
from curator.poll.decide import Decider, moved_url
from curator.poll.report import SourceOutcome
from curator.poll.schedule import Schedule
from curator.store.entries import UpsertCounts

H = timedelta(hours=1)
URL = "https://example.org/feed"
BODY = b"<rss><channel><title>News</title></channel></rss>"
DIGEST = hashlib.sha256(BODY).hexdigest()


@pytest.fixture
def decide(now) -> Decider:
    return Decider(Schedule(interval=H, min_interval=H / 6, max_interval=24 * H,
                            max_backoff=24 * H), now)  # fmt: skip


def source(**fields) -> Source:
    return Source(**{"id": 7, "url": URL, "name": "News", **fields})


def fetched(status: int = 200, body: bytes | None = BODY, **fields) -> FetchedFeed:
    return FetchedFeed(**{"url": URL, "status": status, "body": body, **fields})


def feed(**fields) -> ParsedFeed:
    return ParsedFeed(**{"title": "News", "link": None, "entries": (), **fields})


def test_a_new_body_is_parsed_and_its_validators_replace_the_old(decide, now):
    old = source(etag='"1"', last_modified="Mon", body_hash="old")
    response = fetched(etag='"2"')
    validators = decide.validators(old, response)
    assert validators == Validators(etag='"2"', last_modified=None, body_hash=DIGEST)
    assert decide.kept(old, response, validators) is None
    assert decide.parsed(old, response, validators, feed()) == SourceUpdate(
        7, now, "ok", 200, now + H, validators=validators, feed_title="News"
    )


def test_after_a_304_the_old_validators_stand_unless_new_ones_came(decide, now):
    old = source(etag='"1"', last_modified="Mon", body_hash="h", last_warning="skipped 2")
    response = fetched(304, None, last_modified="Tue")
    validators = decide.validators(old, response)
    assert validators == Validators(etag='"1"', last_modified="Tue", body_hash="h")
    assert decide.kept(old, response, validators) == SourceUpdate(
        7, now, "not_modified", 304, now + H, validators=validators, warning="skipped 2"
    )


def test_the_same_bytes_again_is_unchanged_bookkeeping_only(decide, now):
    old = source(body_hash=DIGEST)
    response = fetched(etag='"3"')
    validators = decide.validators(old, response)
    update = decide.kept(old, response, validators)
    assert update is not None and update.status == "unchanged"
    assert update.validators == Validators('"3"', None, DIGEST) and not update.failed


def test_cache_headers_stretch_the_next_poll(decide, now):
    response = fetched(headers={"Cache-Control": "max-age=7200"})
    update = decide.parsed(source(), response, decide.validators(source(), response), feed())
    assert update.next_poll_at == now + 2 * H


def test_what_parsing_skipped_or_forgave_is_the_warning(decide):
    response = fetched()
    validators = decide.validators(source(), response)
    parsed = feed(warning="not well-formed", skipped_entries=2, title="")
    update = decide.parsed(source(), response, validators, parsed)
    assert update.warning == "skipped 2 unreadable or repeated entries; not well-formed"
    assert update.feed_title is None  # an empty title keeps the one we have


def test_a_301_or_308_moves_the_source_unless_the_url_is_the_same(decide):
    assert moved_url(source(), fetched(permanent_url="https://example.org/new")) == (
        "https://example.org/new"
    )
    assert moved_url(source(), fetched(permanent_url=URL)) is None
    response = fetched(304, None, permanent_url="https://example.org/new")
    update = decide.kept(source(), response, decide.validators(source(), response))
    assert update is not None and update.moved_to == "https://example.org/new"


def test_a_failure_counts_one_more_error_and_backs_off(decide, now):
    update = decide.failed(source(consecutive_errors=2), "timed out", jitter=0.5)
    assert update == SourceUpdate(7, now, "error", None, now + 4 * H, 3, "timed out")
    assert update.failed and update.validators is None


def test_retry_after_sets_the_next_attempt(decide, now):
    later = now + 3 * H
    update = decide.failed(source(), "busy", 503, jitter=0.0, retry_after=later)
    assert update.next_poll_at == later and update.http_status == 503


def test_a_410_disables_the_source_with_the_reason(decide, now):
    update = decide.failed(source(), "gone", 410, jitter=0.9)
    assert update == SourceUpdate(
        7, now, "disabled", 410, None, 1, "gone", disabled_reason="410 Gone: gone"
    )


def test_the_outcome_says_what_was_written(decide, now):
    response = fetched(permanent_url="https://example.org/new")
    validators = decide.validators(source(), response)
    update = decide.parsed(source(), response, validators, feed(warning="w"))
    outcome = SourceOutcome.of(source(), update, moved=True, counts=UpsertCounts(2, 1, 4))
    assert (outcome.status, outcome.new, outcome.updated, outcome.unchanged) == ("ok", 2, 1, 4)
    assert outcome.moved_to == "https://example.org/new" and outcome.warning == "w"
    assert SourceOutcome.of(source(), update).moved_to is None  # another source has the URL
    gone = SourceOutcome.of(source(), decide.failed(source(), "gone", 410, jitter=0.0))
    assert gone.failed and gone.error == "410 Gone: gone" and gone.next_poll_at is None
