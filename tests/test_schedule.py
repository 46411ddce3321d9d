"""schedule.Schedule: when a source is next due, decided from literal inputs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from curator.poll.schedule import Schedule, freshness

H = timedelta(hours=1)
M = timedelta(minutes=1)


@pytest.fixture
def schedule() -> Schedule:
    return Schedule(interval=H, min_interval=10 * M, max_interval=24 * H, max_backoff=24 * H)


def test_success_waits_the_default_or_the_sources_interval(schedule, now):
    assert schedule.after_success(now, None, {}) == now + H
    assert schedule.after_success(now, 2 * H, {}) == now + 2 * H


def test_intervals_stay_within_min_and_max(schedule, now):
    assert schedule.after_success(now, M, {}) == now + 10 * M
    assert schedule.after_success(now, 48 * H, {}) == now + 24 * H


def test_cache_headers_stretch_the_wait_but_not_past_max_interval(schedule, now):
    assert (
        schedule.after_success(now, None, {"Cache-Control": "public, max-age=7200"}) == now + 2 * H
    )
    assert schedule.after_success(now, None, {"cache-control": "max-age=60"}) == now + H
    assert schedule.after_success(now, None, {"Cache-Control": "max-age=999999"}) == now + 24 * H


def test_expires_minus_date_is_a_freshness_too():
    headers = {"Date": "Tue, 01 Dec 2026 12:00:00 GMT", "Expires": "Tue, 01 Dec 2026 15:00:00 GMT"}
    assert freshness(headers) == 3 * H
    assert freshness({"Expires": "garbage"}) is None


def test_errors_back_off_exponentially_up_to_max_backoff(schedule, now):
    waits = [schedule.after_error(now, None, n, 0.5) - now for n in (1, 2, 3, 6)]
    assert waits == [H, 2 * H, 4 * H, 24 * H]


def test_jitter_spreads_the_backoff_by_ten_percent_and_never_passes_the_cap(schedule, now):
    assert schedule.after_error(now, None, 2, 0.0) - now == timedelta(hours=1.8)
    assert schedule.after_error(now, None, 2, 0.999) - now < timedelta(hours=2.2)
    assert schedule.after_error(now, None, 10, 0.999) - now == 24 * H


def test_many_errors_do_not_overflow(schedule, now):
    assert schedule.after_error(now, None, 10_000, 0.5) == now + 24 * H


def test_retry_after_is_obeyed_but_never_sooner_than_min_interval(schedule, now):
    assert schedule.after_error(now, None, 1, 0.5, retry_after=now + 3 * H) == now + 3 * H
    assert schedule.after_error(now, None, 1, 0.5, retry_after=now + M) == now + 10 * M


def test_an_absurd_retry_after_falls_back_to_backoff(schedule, now):
    far = now + timedelta(days=400)
    assert schedule.after_error(now, None, 1, 0.5, retry_after=far) == now + H
